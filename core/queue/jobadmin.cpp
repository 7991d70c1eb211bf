#include "queue/jobadmin.h"

#include "queue/adminscripts.h"
#include "queue/jobtime.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <functional>

namespace aether {

namespace {

// What a listing shows of each job: the status endpoint's fields less result and history.
const QList<QByteArray> kSummaryFields{
    "status",       "type",       "tenant",   "source",      "priority",         "created_at",
    "enqueued_at",  "started_at", "ended_at", "stage",       "progress",         "attempts",
    "max_attempts", "recoveries", "retry_at", "worker_name", "cancel_requested", "error"};

constexpr int kScoreLookupChunk = 1000;
constexpr int kDenseRatio = 4;
const QByteArray kCanceledError = "JobCanceled: canceled on request";

// Ids are path segments in the API: only what a UUID has (as JobQueue::fetch checks).
bool isPlausibleJobId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

struct Candidate
{
    QByteArray id;
    qint64 createdMs = 0;
};

// Newest first: creation time desc, then id desc (a zset's reverse order).
bool comesFirst(const Candidate &a, const Candidate &b)
{
    return a.createdMs != b.createdMs ? a.createdMs > b.createdMs : a.id > b.id;
}

bool isAfter(const Candidate &candidate, const std::optional<JobCursor> &position)
{
    if (!position)
        return true;
    if (candidate.createdMs != position->createdMs)
        return candidate.createdMs < position->createdMs;
    return !position->id.isEmpty() && candidate.id < position->id;
}

qint64 scoreOf(const RedisReply &reply)
{
    return std::llround(reply.string().toDouble());
}

// The cursor after `last` when `upcoming` comes next: a plain time while the
// two differ in it, else the time and the id.
JobCursor cursorBetween(const Candidate &last, const Candidate &upcoming)
{
    if (upcoming.createdMs < last.createdMs)
        return JobCursor{last.createdMs, {}};
    return JobCursor{last.createdMs, last.id};
}

RedisReply runScript(RedisConnection &redis, const QByteArray &source,
                     const QList<QByteArray> &keys, const QList<QByteArray> &arguments)
{
    RedisReply reply = redis.script(source, keys, arguments);
    if (reply.isError())
        throw RedisUnavailable(
            QStringLiteral("Redis refused the request: %1").arg(QString::fromUtf8(reply.string())));
    return reply;
}

// A listing's candidates: the next ones after a position, newest first; none when all are read.
using CandidateSource = std::function<QList<Candidate>(const std::optional<JobCursor> &position)>;

// Every job: the index zset, read a page at a time.
CandidateSource indexSource(RedisConnection &redis)
{
    return [&redis](const std::optional<JobCursor> &position) {
        const RedisReply reply =
            runScript(redis, scripts::kIndexPage, {keys::kIndex},
                      {QByteArray::number(JobAdmin::kPageSize),
                       position ? QByteArray::number(position->createdMs) : QByteArray(),
                       position ? position->id : QByteArray()});
        QList<Candidate> candidates;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            Candidate candidate{reply.element(i).string(), scoreOf(reply.element(i + 1))};
            if (isAfter(candidate, position))
                candidates.append(std::move(candidate));
        }
        return candidates;
    };
}

// Where the ids of one status live: the three queue lists, or one registry zset.
QList<RedisReply> readStatusKeys(RedisConnection &redis, const QByteArray &status, bool ids)
{
    static const QHash<QByteArray, QByteArray> registries{{"scheduled", keys::kScheduled},
                                                          {"started", keys::kWip},
                                                          {"finished", keys::kFinished},
                                                          {"failed", keys::kFailed},
                                                          {"canceled", keys::kCanceled}};
    const bool lists = status == "queued";
    const QList<QByteArray> statusKeys =
        lists ? QList<QByteArray>{keys::queue("high"), keys::queue("default"), keys::queue("low")}
              : QList<QByteArray>{registries.value(status)};
    QList<RedisCommand> commands;
    for (const QByteArray &key : statusKeys) {
        if (ids)
            commands.append({lists ? "LRANGE" : "ZRANGE", key, "0", "-1"});
        else
            commands.append({lists ? "LLEN" : "ZCARD", key});
    }
    return redis.pipeline(commands);
}

// The jobs of one status: the ids in its queues or registry (never every job's
// hash), ordered by their creation time from the index; an id missing from the
// index counts as oldest.
CandidateSource registrySource(RedisConnection &redis, const QByteArray &status)
{
    QList<Candidate> sorted;
    QSet<QByteArray> seen;
    QList<RedisCommand> lookups;
    QList<QByteArray> ids;
    for (const RedisReply &reply : readStatusKeys(redis, status, true))
        ids += reply.strings();
    for (const QByteArray &id : std::as_const(ids)) {
        if (seen.contains(id))
            continue;
        seen.insert(id);
        if (sorted.size() % kScoreLookupChunk == 0)
            lookups.append({"ZMSCORE", keys::kIndex});
        lookups.last().append(id);
        sorted.append(Candidate{id, 0});
    }
    const QList<RedisReply> scores =
        lookups.isEmpty() ? QList<RedisReply>() : redis.pipeline(lookups);
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const RedisReply score = scores[i / kScoreLookupChunk].element(i % kScoreLookupChunk);
        if (!score.isNull())
            sorted[i].createdMs = scoreOf(score);
    }
    std::sort(sorted.begin(), sorted.end(), comesFirst);
    return [sorted](const std::optional<JobCursor> &position) {
        const auto first =
            std::partition_point(sorted.cbegin(), sorted.cend(),
                                 [&](const Candidate &c) { return !isAfter(c, position); });
        return QList<Candidate>(
            first, first + qMin<qsizetype>(JobAdmin::kPageSize, sorted.cend() - first));
    };
}

// A status that many jobs share is found fastest by walking the index (about
// kDenseRatio candidates read per match); a rarer one by reading its registry.
CandidateSource candidateSource(RedisConnection &redis, const QByteArray &status)
{
    if (status.isEmpty())
        return indexSource(redis);
    qint64 withStatus = 0;
    for (const RedisReply &reply : readStatusKeys(redis, status, false))
        withStatus += reply.integer();
    if (withStatus * kDenseRatio >= redis.command({"ZCARD", keys::kIndex}).integer())
        return indexSource(redis);
    return registrySource(redis, status);
}

QList<RedisReply> readSummaries(RedisConnection &redis, const QList<Candidate> &candidates)
{
    QList<RedisCommand> commands;
    commands.reserve(candidates.size());
    for (const Candidate &candidate : candidates) {
        RedisCommand command{"HMGET", keys::job(candidate.id)};
        command << kSummaryFields;
        commands.append(command);
    }
    return redis.pipeline(commands);
}

// Empty when the job's hash is gone (expired or deleted).
JobFields summaryFields(const RedisReply &reply)
{
    JobFields fields;
    for (qsizetype i = 0; i < kSummaryFields.size(); ++i) {
        const RedisReply value = reply.element(i);
        if (!value.isNull())
            fields.insert(kSummaryFields[i], value.string());
    }
    return fields.contains("status") ? fields : JobFields();
}

bool matches(const JobFields &fields, const JobListQuery &query)
{
    return (query.status.isEmpty() || fields.value("status") == query.status) &&
           (query.type.isEmpty() || fields.value("type") == query.type) &&
           (query.tenant.isEmpty() || QString::fromUtf8(fields.value("tenant")) == query.tenant);
}

// Runs a cancel, retry or delete script (which answers {outcome, status}); an
// outcome named in `refusals` is a conflict with that message (%1: the status).
JobAction runAction(RedisConnection &redis, const QByteArray &id, const QByteArray &script,
                    const QList<QByteArray> &keys, const QList<QByteArray> &arguments,
                    const QHash<QByteArray, QString> &refusals)
{
    if (!isPlausibleJobId(id))
        return JobAction{JobAction::Result::NotFound, {}, {}};
    const QList<QByteArray> reply = runScript(redis, script, keys, arguments).strings();
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
    QDateTime at = QDateTime::fromString(QString::fromLatin1(stamp),
                                         QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    if (!at.isValid())
        return std::nullopt;
    at.setTimeSpec(Qt::UTC);
    return qMax<qint64>(0, nowMs - at.toMSecsSinceEpoch());
}

} // namespace

const QList<QByteArray> JobAdmin::kStatuses{"queued",   "scheduled", "started",
                                            "finished", "failed",    "canceled"};
const QList<QByteArray> JobAdmin::kTypes{"text", "url", "file"};

QByteArray JobCursor::toText() const
{
    const QByteArray time = QByteArray::number(createdMs);
    return id.isEmpty() ? time : time + ':' + id;
}

std::optional<JobCursor> JobCursor::fromText(const QByteArray &text)
{
    const qsizetype colon = text.indexOf(':');
    JobCursor cursor;
    bool ok = false;
    // A plain time may come back as a JSON number in any notation (1.7e+12).
    const double time = (colon < 0 ? text : text.left(colon)).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(time) || std::abs(time) > 1e15)
        return std::nullopt;
    cursor.createdMs = std::llround(time);
    if (colon >= 0) {
        cursor.id = text.mid(colon + 1);
        if (!isPlausibleJobId(cursor.id))
            return std::nullopt;
    }
    return cursor;
}

JobAdmin::JobAdmin(RedisConnection &redis, int failureTtlSec)
    : m_redis(redis), m_failureTtlSec(failureTtlSec)
{}

JobListPage JobAdmin::list(const JobListQuery &query)
{
    const CandidateSource source = candidateSource(m_redis, query.status);
    const int limit = qBound(1, query.limit, kMaxLimit);

    JobListPage page;
    std::optional<JobCursor> position = query.before;
    std::optional<Candidate> last;
    QList<Candidate> batch;
    QList<RedisReply> summaries;
    qsizetype next = 0;
    int scanned = 0;
    QList<QByteArray> stale;
    for (;;) {
        if (next == batch.size()) {
            batch = source(position);
            summaries.clear();
            next = 0;
            if (batch.isEmpty())
                break;
        }
        if (page.jobs.size() >= limit || scanned >= kScanCap)
            break; // batch[next] is where the next call goes on
        if (summaries.isEmpty())
            summaries = readSummaries(m_redis, batch);
        const JobFields fields = summaryFields(summaries[next]);
        last = batch[next++];
        ++scanned;
        position = JobCursor{last->createdMs, last->id};
        if (fields.isEmpty())
            stale.append(last->id);
        else if (matches(fields, query))
            page.jobs.append({last->id, fields});
    }
    if (next < batch.size() && last)
        page.next = cursorBetween(*last, batch[next]);
    if (!stale.isEmpty()) {
        RedisCommand forget{"ZREM", keys::kIndex};
        forget << stale;
        m_redis.command(forget);
    }
    return page;
}

JobAction JobAdmin::cancel(const QByteArray &id, const QString &tenant)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return runAction(m_redis, id, scripts::kCancel,
                     {keys::queue("high"), keys::queue("default"), keys::queue("low"),
                      keys::kScheduled, keys::kCanceled, keys::kEvents},
                     {id, tenant.toUtf8(), QByteArray::number(now / 1000.0, 'f', 3),
                      jobTimestampNow(), QByteArray::number(m_failureTtlSec), kCanceledError},
                     {{"ended", QStringLiteral("job already ended (%1)")}});
}

JobAction JobAdmin::retry(const QByteArray &id, const QString &tenant)
{
    return runAction(
        m_redis, id, scripts::kRetry,
        {keys::kFailed, keys::kCanceled, keys::kFailedList, keys::kIndex, keys::kEvents},
        {id, tenant.toUtf8(), jobTimestampNow(),
         QByteArray::number(QDateTime::currentMSecsSinceEpoch())},
        {{"blob_gone", QStringLiteral("the uploaded file has expired; upload it again")},
         {"conflict",
          QStringLiteral("only failed or canceled jobs can be retried (this one is %1)")}});
}

JobAction JobAdmin::remove(const QByteArray &id, const QString &tenant)
{
    return runAction(m_redis, id, scripts::kDelete,
                     {keys::queue("high"), keys::queue("default"), keys::queue("low"),
                      keys::kScheduled, keys::kWip, keys::kFinished, keys::kFailed, keys::kCanceled,
                      keys::kFailedList, keys::kIndex, keys::kEvents},
                     {id, tenant.toUtf8(), jobTimestampNow()},
                     {{"conflict", QStringLiteral("cancel the job first")}});
}

QueueState JobAdmin::state()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QueueState state;
    const QList<QPair<RedisCommand, qint64 *>> counters{
        {{"LLEN", keys::queue("high")}, &state.queuedHigh},
        {{"LLEN", keys::queue("default")}, &state.queuedDefault},
        {{"LLEN", keys::queue("low")}, &state.queuedLow},
        {{"ZCARD", keys::kScheduled}, &state.scheduled},
        {{"ZCARD", keys::kWip}, &state.started},
        {{"ZCARD", keys::kFinished}, &state.finished},
        {{"ZCARD", keys::kFailed}, &state.failed},
        {{"ZCARD", keys::kCanceled}, &state.canceled},
        {{"ZCOUNT", keys::kFinished, QByteArray::number((now - 60000) / 1000.0, 'f', 3), "+inf"},
         &state.jobsPerMinute}};
    QList<RedisCommand> commands{{"EXISTS", keys::kPaused}, {"SMEMBERS", keys::kWorkers}};
    for (const auto &counter : counters)
        commands.append(counter.first);
    const QList<RedisReply> replies = m_redis.pipeline(commands);
    state.paused = replies[0].integer() == 1;
    for (qsizetype i = 0; i < counters.size(); ++i)
        *counters[i].second = replies[i + 2].integer();

    QList<QByteArray> names = replies[1].strings();
    if (names.isEmpty())
        return state;
    std::sort(names.begin(), names.end());
    QList<RedisCommand> lookups;
    for (const QByteArray &name : std::as_const(names))
        lookups.append({"HMGET", keys::worker(name), "host", "pid", "heartbeat_at", "current_job"});
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
