#include "queue/settlement.h"

#include "queue/jobtime.h"
#include "queue/queuescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcSettle, "aether.worker")

QByteArray historyEntry(const Settlement &settlement, const JobOutcome &outcome,
                        const QByteArray &endedAt)
{
    QJsonObject entry{
        {QStringLiteral("attempt"), settlement.attempt},
        {QStringLiteral("started_at"), QString::fromLatin1(apiTimestamp(settlement.startedAt))},
        {QStringLiteral("ended_at"), QString::fromLatin1(apiTimestamp(endedAt))},
        {QStringLiteral("outcome"), QString::fromLatin1(outcome.name())}};
    if (!outcome.error.isEmpty())
        entry.insert(QStringLiteral("error"), outcome.error);
    return QJsonDocument(entry).toJson(QJsonDocument::Compact);
}

QList<QByteArray> settleKeys(const Settlement &settlement)
{
    return {keys::processing(settlement.workerName),
            keys::kWip,
            keys::kFinished,
            keys::kFailed,
            keys::kCanceled,
            keys::kFailedList,
            keys::kScheduled,
            keys::worker(settlement.workerName),
            keys::kEvents};
}

QList<QByteArray> settleArguments(const Settlement &settlement, const JobOutcome &outcome)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 retryAtMs = now + outcome.retryDelayMs;
    const QByteArray endedAt = jobTimestampNow();
    const bool finished = outcome.kind == JobOutcome::Kind::Finished;
    const QByteArray payload = finished
                                   ? QJsonDocument(outcome.result).toJson(QJsonDocument::Compact)
                                   : outcome.error.toUtf8();
    const int ttl = finished ? settlement.resultTtlSec : settlement.failureTtlSec;
    return {settlement.id,
            outcome.name(),
            QByteArray::number(now / 1000.0, 'f', 3),
            endedAt,
            payload,
            QByteArray::number(ttl),
            QByteArray::number(retryAtMs),
            QDateTime::fromMSecsSinceEpoch(retryAtMs, Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                .toLatin1(),
            historyEntry(settlement, outcome, endedAt)};
}

bool recorded(const RedisReply &reply, const QByteArray &id)
{
    if (reply.isError()) {
        qCWarning(lcSettle, "recording job %s failed: %s", id.constData(),
                  reply.string().constData());
        return false;
    }
    return reply.integer() == 1;
}

} // namespace

bool settleAttempt(RedisConnection &redis, const Settlement &settlement, const JobOutcome &outcome)
{
    return recorded(redis.script(scripts::kSettle, settleKeys(settlement),
                                 settleArguments(settlement, outcome)),
                    settlement.id);
}

QList<bool> settleAttempts(RedisConnection &redis,
                           const QList<QPair<Settlement, JobOutcome>> &attempts)
{
    QList<RedisCommand> commands;
    for (const auto &[settlement, outcome] : attempts)
        commands.append(redis.scriptCommand(scripts::kSettle, settleKeys(settlement),
                                            settleArguments(settlement, outcome)));
    const QList<RedisReply> replies = redis.pipeline(commands);
    QList<bool> results;
    for (qsizetype i = 0; i < attempts.size(); ++i) {
        const QByteArray &id = attempts[i].first.id;
        if (replies[i].isError() &&
            replies[i].string().startsWith("NOSCRIPT")) // Redis restarted meanwhile
            results.append(settleAttempt(redis, attempts[i].first, attempts[i].second));
        else
            results.append(recorded(replies[i], id));
    }
    return results;
}

} // namespace aether
