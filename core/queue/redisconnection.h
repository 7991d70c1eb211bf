#pragma once

#include "config/redisurl.h"
#include "queue/redisreply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <stdexcept>

struct redisContext;

namespace aether {

// Redis cannot be reached now; the message says where and why, never the password.
class RedisUnavailable : public std::runtime_error
{
public:
    explicit RedisUnavailable(const QString &message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }
};

using RedisCommand = QList<QByteArray>;

// One hiredis connection, for one thread. Connects lazily, reconnects with
// exponential backoff (50 ms doubling to 1 s) after a failure, and redoes
// AUTH and SELECT on every connect (redisReconnect would land on db 0).
// Commands throw RedisUnavailable while Redis is away.
class RedisConnection
{
public:
    explicit RedisConnection(RedisUrl url, int socketTimeoutMs = 5000);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    RedisReply command(const RedisCommand &arguments);
    // Sends all commands in one round trip; replies in order.
    QList<RedisReply> pipeline(const QList<RedisCommand> &commands);

    // Runs a Lua script by its SHA1 (EVALSHA), sending the source only when
    // Redis does not have it cached (after a restart).
    RedisReply script(const QByteArray &source, const QList<QByteArray> &keys,
                      const QList<QByteArray> &arguments);
    // The EVALSHA command of a script, for pipelines (check replies for NOSCRIPT).
    RedisCommand scriptCommand(const QByteArray &source, const QList<QByteArray> &keys,
                               const QList<QByteArray> &arguments);

    // Sends a command without waiting for its reply (progress events); the
    // reply is read and dropped before the next command's. With `writeNow`
    // false the command may wait (up to 100 ms of sends) to leave with a later
    // one, so a burst of small updates costs no system calls of its own.
    void send(const RedisCommand &arguments, bool writeNow = true);

    // Tries to connect now if not connected and the backoff allows it.
    bool ping();
    bool isConnected() const { return m_context != nullptr; }
    const RedisUrl &url() const { return m_url; }

private:
    void ensureConnected();
    void connectNow();
    void dropConnection(const QString &reason);
    void append(const RedisCommand &arguments);
    RedisReply readReply();
    void dropPendingReplies();

    RedisUrl m_url;
    int m_socketTimeoutMs;
    redisContext *m_context = nullptr;
    QString m_lastError;
    QElapsedTimer m_sinceFailure;
    int m_backoffMs = 0;
    int m_pendingReplies = 0;
    QByteArray m_formatted;                       // append()'s buffer, reused
    QElapsedTimer m_sinceWrite;                   // of the last command sent without waiting
    QHash<const char *, QByteArray> m_scriptShas; // keyed by the script's (static) source
};

} // namespace aether
