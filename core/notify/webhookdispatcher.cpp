#include "notify/webhookdispatcher.h"

#include "notify/webhooksender.h"
#include "queue/jobtime.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcWebhook, "aether.webhook")

constexpr int kWakeWaitSec = 1;
constexpr int kClaimBatch = 16;

// KEYS: due   ARGV: now_ms, lease_ms, most
const QByteArray kClaim = R"LUA(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, target in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), target)
end
return due
)LUA";

// Records one attempt and schedules the next (ARGV[3] '-1': no more).
// KEYS: target hash, due   ARGV: target, attempt JSON, next due ms, state
const QByteArray kRecord = R"LUA(
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
local deliveries = cjson.decode(redis.call('HGET', KEYS[1], 'webhook_deliveries') or '[]')
table.insert(deliveries, cjson.decode(ARGV[2]))
redis.call('HSET', KEYS[1], 'webhook_deliveries', cjson.encode(deliveries),
           'webhook_status', ARGV[4])
if ARGV[3] == '-1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1
)LUA";

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray attemptJson(int number, const QByteArray &at, const WebhookAttempt &attempt)
{
    QJsonObject entry{{QStringLiteral("attempt"), number},
                      {QStringLiteral("at"), QString::fromLatin1(apiTimestamp(at))},
                      {QStringLiteral("status_code"),
                       attempt.httpStatus ? QJsonValue(attempt.httpStatus) : QJsonValue()}};
    if (!attempt.error.isEmpty())
        entry.insert(QStringLiteral("error"), attempt.error);
    return QJsonDocument(entry).toJson(QJsonDocument::Compact);
}

} // namespace

WebhookDispatcher::WebhookDispatcher(RedisUrl redis, WebhookDirectory directory,
                                     WebhookOptions options, BodyBuilder body, QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_directory(std::move(directory)),
      m_options(options), m_body(std::move(body))
{
    setObjectName(QStringLiteral("webhooks"));
}

WebhookDispatcher::~WebhookDispatcher()
{
    requestStop();
    wait();
}

QByteArray WebhookDispatcher::hashKey(const QByteArray &target)
{
    if (target.startsWith("batch:"))
        return keys::batch(target.mid(6));
    return keys::job(target.mid(4));
}

void WebhookDispatcher::run()
{
    RedisConnection redis(m_redis, (kWakeWaitSec + 5) * 1000);
    while (!m_stopping) {
        try {
            const QList<QByteArray> due = claim(redis);
            for (const QByteArray &target : due) {
                if (m_stopping)
                    break; // claimed but not tried: due again when the lease ends
                deliver(redis, target);
            }
            if (due.isEmpty())
                redis.command({"BLPOP", keys::kWebhooksWake, QByteArray::number(kWakeWaitSec)});
        } catch (const RedisUnavailable &) {
            QThread::msleep(500); // the workers report the outage
        }
    }
}

QList<QByteArray> WebhookDispatcher::claim(RedisConnection &redis)
{
    return redis
        .script(kClaim, {keys::kWebhooksDue},
                {QByteArray::number(nowMs()), QByteArray::number(m_options.leaseMs),
                 QByteArray::number(kClaimBatch)})
        .strings();
}

void WebhookDispatcher::deliver(RedisConnection &redis, const QByteArray &target)
{
    const QByteArray key = hashKey(target);
    const RedisReply stored = redis.command(
        {"HMGET", key, "webhook_url", "webhook_key", "webhook_body", "webhook_first_ms"});
    const QByteArray url = stored.element(0).string();
    if (url.isEmpty()) { // the job or batch expired or was deleted
        redis.command({"ZREM", keys::kWebhooksDue, target});
        return;
    }
    QByteArray body = stored.element(2).string();
    qint64 firstMs = stored.element(3).string().toLongLong();
    if (body.isEmpty()) {
        const std::optional<QByteArray> built = m_body(redis, target);
        if (!built) {
            redis.command({"ZREM", keys::kWebhooksDue, target});
            return;
        }
        body = *built;
        firstMs = nowMs();
        redis.command(
            {"HSET", key, "webhook_body", body, "webhook_first_ms", QByteArray::number(firstMs)});
    }
    const int number = int(redis.command({"HINCRBY", key, "webhook_attempts", "1"}).integer());
    const QByteArray secret = m_directory.secretFor(stored.element(1).string());
    const QByteArray at = jobTimestampNow();
    const WebhookAttempt attempt =
        WebhookSender(m_options.allowPrivate, m_options.timeoutMs)
            .post(QUrl(QString::fromUtf8(url)), body,
                  secret.isEmpty() ? QByteArray() : webhookSignature(secret, body));
    qint64 next = -1;
    QByteArray state = "delivered";
    if (!attempt.succeeded()) {
        next = attempt.refused ? -1 : m_options.backoff.nextDue(number, firstMs, nowMs());
        state = next < 0 ? "failed" : "retrying";
        qCWarning(lcWebhook, "webhook %s attempt %d: %s", target.constData(), number,
                  qPrintable(attempt.error));
    }
    redis.script(kRecord, {key, keys::kWebhooksDue},
                 {target, attemptJson(number, at, attempt), QByteArray::number(next), state});
}

} // namespace aether
