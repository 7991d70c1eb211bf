#include "queue/redisconnection.h"

#include <QCryptographicHash>
#include <charconv>
#include <hiredis/hiredis.h>

namespace aether {

namespace {

// Short enough that workers and the API are back within 2 s of Redis.
constexpr int kFirstBackoffMs = 50;
constexpr int kMaxBackoffMs = 1000;
constexpr qint64 kSendIntervalMs = 100;
// append() keeps its buffer between commands up to this size.
constexpr qsizetype kKeptFormatBytes = 1024 * 1024;

bool isLoadingError(const RedisReply &reply)
{
    return reply.isError() && reply.string().startsWith("LOADING");
}

timeval toTimeval(int ms)
{
    return timeval{ms / 1000, (ms % 1000) * 1000};
}

} // namespace

RedisConnection::RedisConnection(RedisUrl url, int socketTimeoutMs)
    : m_url(std::move(url)), m_socketTimeoutMs(socketTimeoutMs)
{}

RedisConnection::~RedisConnection()
{
    if (m_context)
        redisFree(m_context);
}

void RedisConnection::dropConnection(const QString &reason)
{
    m_pendingReplies = 0;
    if (m_context) {
        redisFree(m_context);
        m_context = nullptr;
    }
    m_lastError = reason;
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : qMin(m_backoffMs * 2, kMaxBackoffMs);
    m_sinceFailure.start();
}

void RedisConnection::connectNow()
{
    const timeval timeout = toTimeval(m_socketTimeoutMs);
    redisContext *context =
        m_url.isUnixSocket()
            ? redisConnectUnixWithTimeout(m_url.socketPath.toLocal8Bit().constData(), timeout)
            : redisConnectWithTimeout(m_url.host.toLocal8Bit().constData(), m_url.port, timeout);
    if (!context || context->err) {
        const QString reason =
            context ? QString::fromLocal8Bit(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisFree(context);
        dropConnection(reason);
        throw RedisUnavailable(QStringLiteral("Redis at %1 is not reachable (%2)")
                                   .arg(m_url.toDisplayString(), reason));
    }
    redisSetTimeout(context, timeout);
    m_context = context;

    QList<RedisCommand> setup;
    if (!m_url.password.isEmpty()) {
        setup.append(m_url.username.isEmpty()
                         ? RedisCommand{"AUTH", m_url.password.toUtf8()}
                         : RedisCommand{"AUTH", m_url.username.toUtf8(), m_url.password.toUtf8()});
    }
    if (m_url.db != 0)
        setup.append(RedisCommand{"SELECT", QByteArray::number(m_url.db)});
    for (const RedisCommand &command : setup) {
        append(command);
        const RedisReply reply = readReply();
        if (reply.isError()) {
            const QString reason = QString::fromUtf8(reply.string());
            dropConnection(reason);
            throw RedisUnavailable(QStringLiteral("Redis at %1 refused the connection setup (%2)")
                                       .arg(m_url.toDisplayString(), reason));
        }
    }
    m_backoffMs = 0;
    m_lastError.clear();
}

void RedisConnection::ensureConnected()
{
    if (m_context)
        return;
    if (m_backoffMs > 0 && m_sinceFailure.isValid() && m_sinceFailure.elapsed() < m_backoffMs) {
        // Said as it is: this request failed; the connection is tried again
        // by a request after the backoff, not by this one.
        throw RedisUnavailable(
            QStringLiteral("Redis at %1 is not reachable (%2); the next request after %3 ms "
                           "tries to connect again")
                .arg(m_url.toDisplayString(), m_lastError)
                .arg(m_backoffMs - m_sinceFailure.elapsed()));
    }
    connectNow();
}

// The command in Redis's protocol (RESP), written here rather than by
// redisAppendCommandArgv, whose printf-style formatting of each argument's
// length was a few percent of the API's time at thousands of enqueues a second.
void RedisConnection::append(const RedisCommand &arguments)
{
    const auto appendHeader = [this](char type, qsizetype value) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        m_formatted.append(type).append(digits, end - digits).append("\r\n");
    };
    qsizetype size = 16;
    for (const QByteArray &argument : arguments)
        size += argument.size() + 16;
    m_formatted.resize(0); // keeps its capacity from command to command
    m_formatted.reserve(size);
    appendHeader('*', arguments.size());
    for (const QByteArray &argument : arguments) {
        appendHeader('$', argument.size());
        m_formatted.append(argument).append("\r\n");
    }
    const int appended =
        redisAppendFormattedCommand(m_context, m_formatted.constData(), size_t(m_formatted.size()));
    if (m_formatted.capacity() > kKeptFormatBytes) // a file's blob: not kept for later commands
        m_formatted = QByteArray();
    if (appended != REDIS_OK)
        throw RedisUnavailable(QStringLiteral("Redis command could not be buffered"));
}

RedisReply RedisConnection::readReply()
{
    void *raw = nullptr;
    if (redisGetReply(m_context, &raw) != REDIS_OK || !raw) {
        const QString reason = QString::fromLocal8Bit(m_context->errstr);
        dropConnection(reason);
        throw RedisUnavailable(QStringLiteral("lost the connection to Redis at %1 (%2)")
                                   .arg(m_url.toDisplayString(), reason));
    }
    return RedisReply(static_cast<redisReply *>(raw));
}

RedisReply RedisConnection::command(const RedisCommand &arguments)
{
    return pipeline({arguments}).first();
}

QList<RedisReply> RedisConnection::pipeline(const QList<RedisCommand> &commands)
{
    ensureConnected();
    for (const RedisCommand &command : commands)
        append(command);
    // Commands sent earlier without waiting go out in the same write; their
    // replies come first and are dropped.
    dropPendingReplies();
    QList<RedisReply> replies;
    replies.reserve(commands.size());
    bool loading = false;
    for (qsizetype i = 0; i < commands.size(); ++i) {
        replies.append(readReply());
        loading = loading || isLoadingError(replies.last());
    }
    // A Redis reading its data at start refuses every command for a while
    // (and a MULTI's EXEC then fails with EXECABORT): that is an outage, not
    // an answer. The replies are all read, so the connection stays usable.
    if (loading)
        throw RedisUnavailable(
            QStringLiteral("Redis is loading its data set into memory; try again shortly"));
    return replies;
}

void RedisConnection::dropPendingReplies()
{
    while (m_pendingReplies > 0) {
        --m_pendingReplies;
        readReply();
    }
}

void RedisConnection::send(const RedisCommand &arguments, bool writeNow)
{
    ensureConnected();
    append(arguments);
    ++m_pendingReplies;
    if (!writeNow && m_sinceWrite.isValid() && m_sinceWrite.elapsed() < kSendIntervalMs)
        return;
    m_sinceWrite.start();
    int done = 0;
    while (!done) {
        if (redisBufferWrite(m_context, &done) != REDIS_OK) {
            const QString reason = QString::fromLocal8Bit(m_context->errstr);
            dropConnection(reason);
            throw RedisUnavailable(QStringLiteral("lost the connection to Redis at %1 (%2)")
                                       .arg(m_url.toDisplayString(), reason));
        }
    }
}

RedisCommand RedisConnection::scriptCommand(const QByteArray &source, const QList<QByteArray> &keys,
                                            const QList<QByteArray> &arguments)
{
    QByteArray &sha = m_scriptShas[source.constData()];
    if (sha.isEmpty())
        sha = QCryptographicHash::hash(source, QCryptographicHash::Sha1).toHex();
    RedisCommand command{"EVALSHA", sha, QByteArray::number(keys.size())};
    command << keys << arguments;
    return command;
}

RedisReply RedisConnection::script(const QByteArray &source, const QList<QByteArray> &keys,
                                   const QList<QByteArray> &arguments)
{
    RedisCommand command = scriptCommand(source, keys, arguments);
    RedisReply reply = this->command(command);
    if (reply.isError() && reply.string().startsWith("NOSCRIPT")) {
        command[0] = "EVAL";
        command[1] = source;
        reply = this->command(command);
    }
    return reply;
}

bool RedisConnection::ping()
{
    try {
        return command({"PING"}).string() == "PONG";
    } catch (const RedisUnavailable &) {
        return false;
    }
}

} // namespace aether
