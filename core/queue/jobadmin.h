#pragma once

#include "queue/jobqueue.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <optional>

namespace aether {

// A place in the job index's newest-first order (creation time desc, then id
// desc); a listing continues with the jobs after it. Without an id it means
// "created before createdMs": a job created in the same millisecond as the last
// one listed needs the id too, or it would be skipped.
struct JobCursor
{
    qint64 createdMs = 0;
    QByteArray id;

    QByteArray toText() const; // "<ms>" or "<ms>:<id>"
    static std::optional<JobCursor> fromText(const QByteArray &text);
};

struct JobListQuery
{
    QByteArray status; // empty: any
    QByteArray type;   // empty: any
    QString tenant;    // empty: any
    int limit = 50;
    std::optional<JobCursor> before;
};

struct JobListPage
{
    QList<QPair<QByteArray, JobFields>> jobs; // id and summary fields, newest first
    std::optional<JobCursor> next;            // nullopt: nothing more to list
};

// What a cancel, retry or delete did.
struct JobAction
{
    enum class Result
    {
        Done,
        NotFound,
        Conflict
    };
    Result result = Result::Done;
    QByteArray status; // Done: the job's status now; Conflict: the status that refused it
    QString message;   // Conflict: why, for the operator
};

struct WorkerState
{
    QByteArray name;
    QByteArray host;
    qint64 pid = 0;
    std::optional<qint64> heartbeatAgeMs;
    QByteArray currentJob; // empty: idle
    QString currentJobTenant;
};

struct QueueState
{
    bool paused = false;
    qint64 queuedHigh = 0;
    qint64 queuedDefault = 0;
    qint64 queuedLow = 0;
    qint64 scheduled = 0;
    qint64 started = 0;
    qint64 finished = 0;
    qint64 failed = 0;
    qint64 canceled = 0;
    QList<WorkerState> workers; // live ones, by name
    qint64 jobsPerMinute = 0;   // finished in the last 60 s
};

// What operators do to the queue (GET/POST/DELETE /ops/*), for one thread,
// over that thread's connection (the server's JobQueue's). Every state change
// is one Lua script (adminscripts.h). A non-empty `tenant` restricts an action
// to that tenant's jobs: another tenant's job is NotFound. Throws
// RedisUnavailable while Redis is away.
class JobAdmin
{
public:
    // `failureTtlSec`: how long a job canceled here is kept (FAILURE_TTL).
    explicit JobAdmin(RedisConnection &redis, int failureTtlSec = 7 * 24 * 3600);

    static constexpr int kMaxLimit = 500;
    static constexpr int kPageSize = 200; // hashes read per round trip while listing
    static constexpr int kScanCap = 5000; // candidates read per listing call at most
    static const QList<QByteArray> kStatuses;
    static const QList<QByteArray> kTypes;

    // Newest first. A status filter reads that status's queues or registry (or,
    // when most jobs have that status, walks the index); the candidates' hashes
    // are read a page at a time, and a call stops after `limit` matches or
    // kScanCap candidates, with a `next` cursor to go on from.
    JobListPage list(const JobListQuery &query);

    JobAction cancel(const QByteArray &id, const QString &tenant = {});
    JobAction retry(const QByteArray &id, const QString &tenant = {});
    JobAction remove(const QByteArray &id, const QString &tenant = {});

    QueueState state();
    // Paused: workers take nothing (the take script checks rq:paused:ingest).
    void setPaused(bool paused);

private:
    RedisConnection &m_redis;
    int m_failureTtlSec;
};

} // namespace aether
