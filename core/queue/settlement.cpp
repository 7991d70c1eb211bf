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
            utcText(retryAtMs, ' '),
            historyEntry(settlement, outcome, endedAt),
            resultPickle};
}

} // namespace

QList<bool> settleAttempts(RedisConnection &redis,
                           const QList<QPair<Settlement, JobOutcome>> &attempts)
{
    QList<bool> results;
    results.reserve(attempts.size());
    // One script call per worker's run of attempts (a worker settles only its
    // own): the keys are that worker's, the arguments kSettleArguments per attempt.
    for (qsizetype first = 0; first < attempts.size();) {
        const QByteArray &worker = attempts[first].first.workerName;
        qsizetype end = first;
        QList<QByteArray> arguments;
        while (end < attempts.size() && attempts[end].first.workerName == worker) {
            arguments += settleArguments(attempts[end].first, attempts[end].second);
            ++end;
        }
        Q_ASSERT(arguments.size() == (end - first) * scripts::kSettleArguments);
        const RedisReply reply =
            redis.script(scripts::kSettle, settleKeys(attempts[first].first), arguments);
        if (reply.isError())
            qCWarning(lcSettle, "recording %lld job outcomes failed: %s", qint64(end - first),
                      reply.string().constData());
        for (qsizetype i = first; i < end; ++i) {
            const RedisReply outcome = reply.element(i - first);
            if (outcome.string().startsWith("ERR "))
                qCWarning(lcSettle, "recording job %s failed: %s", attempts[i].first.id.constData(),
                          outcome.string().constData());
            results.append(!reply.isError() && outcome.integer() == 1);
        }
        first = end;
    }
    return results;
}

bool settleAttempt(RedisConnection &redis, const Settlement &settlement, const JobOutcome &outcome)
{
    return settleAttempts(redis, {{settlement, outcome}}).first();
}

} // namespace aether
