#include "config/redisurl.h"

#include <QUrl>
#include <QUrlQuery>

namespace aether {

namespace {

std::optional<int> parseDb(const QString &text, QString *error)
{
    bool ok = false;
    const int db = text.toInt(&ok);
    if (!ok || db < 0 || db > 1000) {
        *error = QStringLiteral("Redis database must be a number from 0, not '%1'").arg(text);
        return std::nullopt;
    }
    return db;
}

std::optional<RedisUrl> parseTcp(const QUrl &url, QString *error)
{
    RedisUrl result;
    result.host = url.host();
    if (result.host.isEmpty()) {
        *error = QStringLiteral("Redis URL has no host");
        return std::nullopt;
    }
    result.port = url.port(6379);
    if (result.port <= 0 || result.port > 65535) {
        *error = QStringLiteral("Redis URL has an invalid port");
        return std::nullopt;
    }
    result.username = url.userName(QUrl::FullyDecoded);
    result.password = url.password(QUrl::FullyDecoded);
    const QString path = url.path().mid(1); // drop the leading '/'
    if (!path.isEmpty()) {
        const std::optional<int> db = parseDb(path, error);
        if (!db)
            return std::nullopt;
        result.db = *db;
    }
    return result;
}

std::optional<RedisUrl> parseUnix(const QUrl &url, QString *error)
{
    RedisUrl result;
    result.socketPath = url.path(QUrl::FullyDecoded);
    if (result.socketPath.isEmpty() || !result.socketPath.startsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("unix Redis URL needs an absolute socket path (unix:///path.sock)");
        return std::nullopt;
    }
    result.password = url.password(QUrl::FullyDecoded);
    const QUrlQuery query(url);
    if (query.hasQueryItem(QStringLiteral("db"))) {
        const std::optional<int> db = parseDb(query.queryItemValue(QStringLiteral("db")), error);
        if (!db)
            return std::nullopt;
        result.db = *db;
    }
    return result;
}

} // namespace

QString RedisUrl::toDisplayString() const
{
    const QString auth = password.isEmpty() ? QString() : QStringLiteral(":***@");
    if (isUnixSocket())
        return QStringLiteral("unix://") + socketPath +
               (db ? QStringLiteral("?db=%1").arg(db) : QString());
    return QStringLiteral("redis://%1%2:%3/%4").arg(auth, host).arg(port).arg(db);
}

QString RedisUrl::toUrlString() const
{
    QUrl url;
    if (isUnixSocket()) {
        // unix://:password@/path.sock?db=N, encoded as parse() decodes it.
        url.setScheme(QStringLiteral("unix"));
        url.setPassword(password);
        url.setHost(QString());
        url.setPath(socketPath);
        if (db)
            url.setQuery(QStringLiteral("db=%1").arg(db));
        return url.toString(QUrl::FullyEncoded);
    }
    url.setScheme(QStringLiteral("redis"));
    url.setUserName(username);
    url.setPassword(password);
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/%1").arg(db));
    return url.toString(QUrl::FullyEncoded);
}

std::optional<RedisUrl> RedisUrl::parse(const QString &text, QString *error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid()) {
        *error = QStringLiteral(
            "REDIS_URL is not a valid URL (expected redis://[:password@]host:port/db "
            "or unix:///path.sock)");
        return std::nullopt;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("redis"))
        return parseTcp(url, error);
    if (scheme == QLatin1String("unix"))
        return parseUnix(url, error);
    if (scheme == QLatin1String("rediss"))
        *error = QStringLiteral("rediss:// (TLS) is not supported; use redis:// or a unix socket");
    else
        *error = QStringLiteral("REDIS_URL must start with redis:// or unix://");
    return std::nullopt;
}

} // namespace aether
