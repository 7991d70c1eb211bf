#include "queue/jobadmin.h"

#include "queue/adminscripts.h"
#include "queue/jobid.h"
#include "queue/jobtime.h"
#include "queue/rediskeys.h"

#include <QDateTime>

namespace aether {

namespace {

const QByteArray kCanceledError = "JobCanceled: canceled on request";

// `collected` set: only appends the script's command to it (JobBulk pipelines them).
JobAction runAction(RedisConnection &redis, QList<RedisCommand> *collected, const QByteArray &id,
                    const QByteArray &script, const QList<QByteArray> &keys,
                    const QList<QByteArray> &arguments, const QHash<QByteArray, QString> &refusals)
{
    if (!isPlausibleJobId(id))
        return JobAction{JobAction::Result::NotFound, {}, {}};
    if (collected) {
        collected->append(redis.scriptCommand(script, keys, arguments));
        return JobAction{JobAction::Result::Done, {}, {}};
    }
    const QList<QByteArray> reply = runAdminScript(redis, script, keys, arguments).strings();
    const QByteArray outcome = reply.value(0);
    const QString status = QString::fromUtf8(reply.value(1));
    if (outcome == "missing")
        return JobAction{JobAction::Result::NotFound, {}, {}};
    if (refusals.contains(outcome)) {
        const QString message = refusals.value(outcome);
        return JobAction{JobAction::Result::Conflict, reply.value(1),
                         message.contains(QLatin1String("%1")) ? message.arg(status) : message};
    }
    return JobAction{JobAction::Result::Done, reply.value(1), {}};
}

std::optional<qint64> ageMs(const QByteArray &stamp, qint64 nowMs)
{
    const std::optional<qint64> at = storedTimestampMs(stamp);
    if (!at)
        return std::nullopt;
    return qMax<qint64>(0, nowMs - *at);
}

} // namespace

const QList<QByteArray> JobAdmin::kStatuses{"queued",   "scheduled", "started",
                                            "finished", "failed",    "canceled"};
const QList<QByteArray> JobAdmin::kTypes{"text", "url", "file", "reindex"};

JobAdmin::JobAdmin(RedisConnection &redis, int failureTtlSec)
    : m_redis(redis), m_failureTtlSec(failureTtlSec)
{}

JobListPage JobAdmin::list(const JobListQuery &query)
{
    return JobListing(m_redis).list(query);
}

QList<QByteArray> JobAdmin::cancelArguments(const QByteArray &id, const QString &tenant) const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return {id,
            tenant.toUtf8(),
            QByteArray::number(now / 1000.0, 'f', 3),
            rqTimestampNow(),
            QByteArray::number(m_failureTtlSec),
            kCanceledError};
}

JobAction JobAdmin::cancel(const QByteArray &id, const QString &tenant)
{
    return runAction(m_redis, m_collected, id, scripts::kCancel, scripts::cancelKeys(),
                     cancelArguments(id, tenant),
                     {{"ended", QStringLiteral("job already ended (%1)")}});
}

JobAction JobAdmin::retry(const QByteArray &id, const QString &tenant)
{
    return runAction(
        m_redis, m_collected, id, scripts::kRetry, scripts::retryKeys(),
        {id, tenant.toUtf8(), rqTimestampNow(),
         QByteArray::number(QDateTime::currentMSecsSinceEpoch())},
        {{"blob_gone", QStringLiteral("the uploaded file has expired; upload it again")},
         {"credentials_gone",
          QStringLiteral("the URL's credentials were deleted when the job ended; submit the URL "
                         "again")},
         {"conflict",
          QStringLiteral("only failed or canceled jobs can be retried (this one is %1)")}});
}

JobAction JobAdmin::remove(const QByteArray &id, const QString &tenant)
{
    return runAction(m_redis, m_collected, id, scripts::kDelete, scripts::deleteKeys(),
                     {id, tenant.toUtf8(), rqTimestampNow()},
                     {{"conflict", QStringLiteral("cancel the job first")}});
}

RedisCommand JobAdmin::scriptOf(const std::function<JobAction()> &action)
{
    QList<RedisCommand> collected;
    m_collected = &collected;
    action();
    m_collected = nullptr;
    return collected.value(0); // empty: the id is not one a job can have
}

RedisCommand JobAdmin::cancelUnlistedCommand(const QByteArray &id, const QString &tenant)
{
    if (!isPlausibleJobId(id))
        return {};
    return m_redis.scriptCommand(scripts::kCancel, scripts::cancelKeys(),
                                 cancelArguments(id, tenant) << "1"); // 1: unlisted
}

RedisCommand JobAdmin::retryCommand(const QByteArray &id, const QString &tenant)
{
    return scriptOf([&] { return retry(id, tenant); });
}

RedisCommand JobAdmin::removeCommand(const QByteArray &id, const QString &tenant,
                                     const QList<QByteArray> &stillMatching)
{
    if (!isPlausibleJobId(id))
        return {};
    return m_redis.scriptCommand(scripts::kDelete, scripts::deleteKeys(),
                                 QList<QByteArray>{id, tenant.toUtf8(), rqTimestampNow()} +
                                     stillMatching);
}

QueueState JobAdmin::state()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QueueState state;
    const QList<QPair<RedisCommand, qint64 *>> counters{
        {{"LLEN", keys::queue("high")}, &state.queuedHigh},
        {{"LLEN", keys::queue("default")}, &state.queuedDefault},
        {{"LLEN", keys::queue("low")}, &state.queuedLow},
        {{"ZCARD", keys::kRqScheduled}, &state.scheduled},
        {{"ZCARD", keys::kLeases}, &state.started},
        {{"ZCARD", keys::kEndedFinished}, &state.finished},
        {{"ZCARD", keys::kEndedFailed}, &state.failed},
        {{"ZCARD", keys::kEndedCanceled}, &state.canceled},
        {{"ZCOUNT", keys::kEndedFinished, QByteArray::number((now - 60000) / 1000.0, 'f', 3),
          "+inf"},
         &state.jobsPerMinute}};
    QList<RedisCommand> commands{{"EXISTS", keys::kPaused},
                                 {"SMEMBERS", keys::workersOf(keys::kQueueName)},
                                 {"GET", keys::kStrandedRequeued},
                                 {"GET", keys::kForeignAdopted}};
    for (const auto &counter : counters)
        commands.append(counter.first);
    const QList<RedisReply> replies = m_redis.pipeline(commands);
    state.paused = replies[0].integer() == 1;
    state.strandedRequeued = replies[2].string().toLongLong();
    state.foreignAdopted = replies[3].string().toLongLong();
    for (qsizetype i = 0; i < counters.size(); ++i)
        *counters[i].second = replies[i + 4].integer();

    // RQ's worker sets hold worker keys (rq:worker:<name>).
    QList<QByteArray> names;
    for (const QByteArray &member : replies[1].strings())
        names.append(member.startsWith(keys::kRqWorkerPrefix)
                         ? member.mid(keys::kRqWorkerPrefix.size())
                         : member);
    if (names.isEmpty())
        return state;
    std::sort(names.begin(), names.end());
    QList<RedisCommand> lookups;
    for (const QByteArray &name : std::as_const(names))
        lookups.append(
            {"HMGET", keys::worker(name), "hostname", "pid", "last_heartbeat", "current_job"});
    const QList<RedisReply> workers = m_redis.pipeline(lookups);
    QList<RedisCommand> tenantLookups;
    for (qsizetype i = 0; i < names.size(); ++i) {
        const QList<QByteArray> values = workers[i].strings();
        if (std::all_of(values.cbegin(), values.cend(),
                        [](const QByteArray &value) { return value.isEmpty(); }))
            continue; // its heartbeat expired: the worker is gone
        WorkerState worker{names[i],
                           values.value(0),
                           values.value(1).toLongLong(),
                           ageMs(values.value(2), now),
                           values.value(3),
                           {}};
        if (!worker.currentJob.isEmpty())
            tenantLookups.append({"HGET", keys::job(worker.currentJob), "tenant"});
        state.workers.append(worker);
    }
    if (tenantLookups.isEmpty())
        return state;
    const QList<RedisReply> tenants = m_redis.pipeline(tenantLookups);
    qsizetype next = 0;
    for (WorkerState &worker : state.workers) {
        if (!worker.currentJob.isEmpty())
            worker.currentJobTenant = QString::fromUtf8(tenants[next++].string());
    }
    return state;
}

void JobAdmin::setPaused(bool paused)
{
    if (paused) {
        m_redis.command({"SET", keys::kPaused, jobTimestampNow()});
        return;
    }
    const QList<RedisReply> replies = m_redis.pipeline({{"DEL", keys::kPaused},
                                                        {"LLEN", keys::queue("high")},
                                                        {"LLEN", keys::queue("default")},
                                                        {"LLEN", keys::queue("low")}});
    // One token per waiting job (capped) wakes idle workers at once.
    const qint64 queued = replies[1].integer() + replies[2].integer() + replies[3].integer();
    RedisCommand wake{"LPUSH", keys::kWake};
    for (qint64 i = 0; i < qBound<qint64>(1, queued, qint64(keys::kWakeCap)); ++i)
        wake.append("1");
    m_redis.pipeline({wake, {"LTRIM", keys::kWake, "0", QByteArray::number(keys::kWakeCap - 1)}});
}

} // namespace aether
