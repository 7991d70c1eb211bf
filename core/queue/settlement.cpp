#include "queue/settlement.h"

#include "queue/jobtime.h"
#include "queue/pickle.h"
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
            keys::kLeases,
            keys::kEndedFinished,
            keys::kEndedFailed,
            keys::kEndedCanceled,
            keys::kFailedList,
            keys::kRqScheduled,
            keys::worker(settlement.workerName),
            keys::kEvents,
            keys::kRqStarted,
            keys::kRqFinished,
            keys::kRqFailed,
            keys::kRqCanceled};
}

QList<QByteArray> settleArguments(const Settlement &settlement, const JobOutcome &outcome)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 retryAtMs = now.toMSecsSinceEpoch() + outcome.retryDelayMs;
    const QByteArray endedAt = rqTimestamp(now);
    const bool finished = outcome.kind == JobOutcome::Kind::Finished;
    const QByteArray payload = finished
                                   ? QJsonDocument(outcome.result).toJson(QJsonDocument::Compact)
                                   : outcome.error.toUtf8();
    // RQ's `result`: the same object pickled, so RQ's job.result decodes it.
    const QByteArray resultPickle =
        finished ? PickleWriter().json(outcome.result).finish() : QByteArray();
    const int ttl = finished ? settlement.resultTtlSec : settlement.failureTtlSec;
    return {settlement.id,
            outcome.name(),
            QByteArray::number(now.toMSecsSinceEpoch() / 1000.0, 'f', 3),
            endedAt,
            payload,
            QByteArray::number(ttl),
            QByteArray::number(retryAtMs / 1000.0, 'f', 3),
            seedTimestamp(QDateTime::fromMSecsSinceEpoch(retryAtMs, QTimeZone::utc())),
            historyEntry(settlement, outcome, endedAt),
            resultPickle};
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
