#include "queue/jobbulk.h"

#include "queue/adminscripts.h"
#include "queue/bulkscripts.h"
#include "queue/jobid.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QUuid>

namespace aether {

namespace {

QByteArray endedIndex(const QByteArray &status)
{
    if (status == "finished")
        return keys::kEndedFinished;
    if (status == "canceled")
        return keys::kEndedCanceled;
    return keys::kEndedFailed;
}

QByteArray scoreText(const std::optional<double> &score, const char *absent)
{
    return score ? QByteArray::number(*score, 'f', 3) : QByteArray(absent);
}

// A tenant filter that the caller's scope rules out matches nothing.
bool outOfScope(const QString &tenant, const QString &scope)
{
    return !scope.isEmpty() && !tenant.isEmpty() && tenant != scope;
}

} // namespace

JobBulk::JobBulk(RedisConnection &redis, int failureTtlSec)
    : m_redis(redis), m_admin(redis, failureTtlSec)
{}

qint64 JobBulk::forEachEndedChunk(const BulkFilter &filter, const QString &tenant,
                                  const std::function<void(const QList<QByteArray> &)> &act)
{
    const QByteArray index = endedIndex(filter.status);
    qint64 matched = 0;
    QByteArray cursorId, cursorScore;
    do {
        const QList<QByteArray> reply =
            runAdminScript(m_redis, scripts::kSelectEnded, {index},
                           {cursorId, cursorScore, scoreText(filter.endedFrom, "-inf"),
                            scoreText(filter.endedBefore, "+inf"), QByteArray::number(kChunk),
                            filter.status, tenant.toUtf8(), filter.type, filter.source.toUtf8()})
                .strings();
        cursorId = reply.value(0);
        cursorScore = reply.value(1);
        const QList<QByteArray> ids = reply.mid(2);
        matched += ids.size();
        if (!ids.isEmpty())
            act(ids);
    } while (!cursorId.isEmpty());
    return matched;
}

QList<QByteArray> JobBulk::runChunk(const QByteArray &source, const QList<RedisCommand> &commands)
{
    QList<RedisCommand> sent;
    for (const RedisCommand &command : commands) {
        if (!command.isEmpty())
            sent.append(command);
    }
    QList<RedisReply> replies = sent.isEmpty() ? QList<RedisReply>() : m_redis.pipeline(sent);
    QList<QByteArray> outcomes;
    qsizetype next = 0;
    for (const RedisCommand &command : commands) {
        if (command.isEmpty()) {
            outcomes.append(QByteArray());
            continue;
        }
        RedisReply &reply = replies[next++];
        if (reply.isError() && reply.string().startsWith("NOSCRIPT")) {
            // Redis restarted meanwhile: EVAL with the source caches it again.
            RedisCommand again = command;
            again[0] = "EVAL";
            again[1] = source;
            reply = m_redis.command(again);
        }
        if (reply.isError())
            throw RedisUnavailable(QStringLiteral("Redis refused the request: %1")
                                       .arg(QString::fromUtf8(reply.string())));
        outcomes.append(reply.strings().value(0));
    }
    return outcomes;
}

void JobBulk::runInChunks(const QList<QByteArray> &ids, const QByteArray &source,
                          const std::function<RedisCommand(const QByteArray &)> &commandFor,
                          const std::function<void(const QByteArray &)> &tally)
{
    for (qsizetype from = 0; from < ids.size(); from += kChunk) {
        QList<RedisCommand> commands;
        for (const QByteArray &id : ids.mid(from, kChunk))
            commands.append(commandFor(id));
        for (const QByteArray &outcome : runChunk(source, commands))
            tally(outcome);
    }
}

BulkRetryResult JobBulk::retry(const BulkFilter &given, const QString &scope)
{
    BulkRetryResult result;
    if (outOfScope(given.tenant, scope))
        return result;
    // Only jobs that had ended when the request came: a retried job that fails
    // again during the walk ends later, and must not be retried twice.
    BulkFilter filter = given;
    if (!filter.endedBefore)
        filter.endedBefore = QDateTime::currentMSecsSinceEpoch() / 1000.0;
    const QHash<QByteArray, qint64 *> tallies{{"queued", &result.retried},
                                              {"blob_gone", &result.blobGone},
                                              {"credentials_gone", &result.credentialsGone},
                                              {"conflict", &result.conflict}};
    result.matched = forEachEndedChunk(
        filter, scope.isEmpty() ? filter.tenant : scope, [&](const QList<QByteArray> &ids) {
            runInChunks(
                ids, scripts::kRetry,
                [&](const QByteArray &id) { return m_admin.retryCommand(id, scope); },
                [&](const QByteArray &outcome) { ++*tallies.value(outcome, &result.missing); });
        });
    return result;
}

BulkDeleteResult JobBulk::removeEnded(const BulkFilter &filter, const QString &scope)
{
    BulkDeleteResult result;
    if (outOfScope(filter.tenant, scope))
        return result;
    // The script deletes a job only if it still matches what selected it.
    const QList<QByteArray> stillMatching{filter.status, scoreText(filter.endedFrom, "-inf"),
                                          scoreText(filter.endedBefore, "+inf")};
    result.matched = forEachEndedChunk(
        filter, scope.isEmpty() ? filter.tenant : scope, [&](const QList<QByteArray> &ids) {
            runInChunks(
                ids, scripts::kDelete,
                [&](const QByteArray &id) {
                    return m_admin.removeCommand(id, scope, stillMatching);
                },
                [&](const QByteArray &outcome) { result.deleted += outcome == "deleted" ? 1 : 0; });
        });
    return result;
}

qint64 JobBulk::emptyQueues(const QList<QByteArray> &priorities, const QString &scope)
{
    qint64 canceled = 0;
    for (const QByteArray &priority : priorities)
        canceled += emptyQueue(priority, scope);
    return canceled;
}

qint64 JobBulk::cancelUnlisted(const QList<QByteArray> &ids, const QString &scope)
{
    QList<RedisCommand> commands;
    for (const QByteArray &id : ids)
        commands.append(m_admin.cancelUnlistedCommand(id, scope));
    qint64 canceled = 0;
    for (const QByteArray &outcome : runChunk(scripts::kCancel, commands))
        canceled += outcome == "canceled" ? 1 : 0;
    return canceled;
}

qint64 JobBulk::emptyQueue(const QByteArray &priority, const QString &scope)
{
    const QByteArray queue = keys::queue(priority);
    qint64 canceled = 0;
    if (!scope.isEmpty()) {
        // One tenant's jobs: taken out of the live list, the others keep their places.
        // Enough chunks for the list as it is now (and some it may grow by):
        // a walk that cannot advance (an anchor listed twice) still ends.
        const qint64 listed = m_redis.command({"LLEN", queue}).integer();
        QByteArray anchor;
        for (qint64 chunks = listed / kChunk + 10; chunks > 0; --chunks) {
            const QList<QByteArray> reply =
                runAdminScript(m_redis, scripts::kTakeQueuedOfTenant, {queue},
                               {scope.toUtf8(), anchor, QByteArray::number(kChunk)})
                    .strings();
            canceled += cancelUnlisted(reply.mid(1), scope);
            const QByteArray next = reply.value(0);
            if (next.isEmpty())
                break;
            anchor = next == "-" ? QByteArray() : next;
        }
        return canceled;
    }
    // Every job: the whole list moves aside at once (aether-only name, unique
    // per call) and is worked off a chunk at a time. Should this process die
    // meanwhile, the list expires and the reconciler puts its jobs back.
    const QByteArray holding = "aether:emptying:ingest:" + priority + ':' +
                               QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    const QByteArray ttl = QByteArray::number(kHoldingTtlSec);
    qint64 held =
        runAdminScript(m_redis, scripts::kDetachQueue, {queue, holding, keys::kEmptying}, {ttl})
            .integer();
    while (held > 0) {
        const QList<QByteArray> ids =
            runAdminScript(m_redis, scripts::kTakeHeld, {holding, keys::kEmptying},
                           {QByteArray::number(kChunk), ttl})
                .strings();
        held -= kChunk;
        canceled += cancelUnlisted(ids, scope);
    }
    return canceled;
}

} // namespace aether
