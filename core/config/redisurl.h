#pragma once

#include <QString>
#include <optional>

namespace aether {

// Where Redis is: redis://[[user]:password@]host[:port][/db] or
// unix:///path/to/redis.sock[?db=N]. hiredis has no URL parser of its own.
struct RedisUrl
{
    QString host; // empty for unix sockets
    int port = 6379;
    QString socketPath; // set for unix sockets
    QString username;
    QString password;
    int db = 0;

    bool isUnixSocket() const { return !socketPath.isEmpty(); }

    // For logs and messages: never shows the password.
    QString toDisplayString() const;
    // The URL itself, password included (for the settings file); parse() reads it back.
    QString toUrlString() const;

    // std::nullopt with *error set when the text is not a usable Redis URL.
    static std::optional<RedisUrl> parse(const QString &text, QString *error);
};

} // namespace aether
