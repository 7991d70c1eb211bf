#include "queue/joblisting.h"

#include "queue/adminscripts.h"
#include "queue/jobid.h"
#include "queue/rediskeys.h"

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
    "max_attempts", "recoveries", "retry_at", "worker_name", "cancel_requested", "error",
    "description"};

constexpr int kScoreLookupChunk = 1000;
constexpr int kDenseRatio = 4;
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

// A listing's candidates: the next ones after a position, newest first; none when all are read.
using CandidateSource = std::function<QList<Candidate>(const std::optional<JobCursor> &position)>;

// Every job: the index zset, read a page at a time.
CandidateSource indexSource(RedisConnection &redis)
{
    return [&redis](const std::optional<JobCursor> &position) {
        const RedisReply reply =
            runAdminScript(redis, scripts::kIndexPage, {keys::kIndex},
                           {QByteArray::number(JobListing::kPageSize),
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
    // Aether's own indexes (and the retry schedule), never RQ's registries,
    // which RQ's housekeeping trims by its own rules.
    static const QHash<QByteArray, QByteArray> registries{{"scheduled", keys::kRqScheduled},
                                                          {"started", keys::kLeases},
                                                          {"finished", keys::kEndedFinished},
                                                          {"failed", keys::kEndedFailed},
                                                          {"canceled", keys::kEndedCanceled}};
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
            first, first + qMin<qsizetype>(JobListing::kPageSize, sorted.cend() - first));
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
} // namespace

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

JobListing::JobListing(RedisConnection &redis) : m_redis(redis) {}

JobListPage JobListing::list(const JobListQuery &query)
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

} // namespace aether
