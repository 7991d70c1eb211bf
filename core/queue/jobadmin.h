#pragma once

#include "queue/joblisting.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>
#include <optional>

namespace aether {

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
    // The Reconciler's repairs, every process's: stranded jobs put back, jobs
    // a Python RQ worker failed taken in as Aether's failures.
    qint64 strandedRequeued = 0;
    qint64 foreignAdopted = 0;
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

    static constexpr int kMaxLimit = JobListing::kMaxLimit;
    static const QList<QByteArray> kStatuses;
    static const QList<QByteArray> kTypes;

    // Newest first (JobListing).
    JobListPage list(const JobListQuery &query);

    JobAction cancel(const QByteArray &id, const QString &tenant = {});
    JobAction retry(const QByteArray &id, const QString &tenant = {});
    JobAction remove(const QByteArray &id, const QString &tenant = {});

    // The EVALSHA command each action runs, for pipelines of many (JobBulk);
    // the reply is the script's {outcome, status} (adminscripts.h). Empty when
    // `id` cannot be a job's.
    // The cancel of a queued job its caller has taken out of its queue list
    // already (a bulk empty), so no list is scanned.
    RedisCommand cancelUnlistedCommand(const QByteArray &id, const QString &tenant = {});
    RedisCommand retryCommand(const QByteArray &id, const QString &tenant = {});
    // `stillMatching`: a bulk delete's filter (status, lowest end time, bound),
    // checked again by the script; empty for a delete by id. Empty command: not an id.
    RedisCommand removeCommand(const QByteArray &id, const QString &tenant = {},
                               const QList<QByteArray> &stillMatching = {});

    QueueState state();
    // Paused: workers take nothing (the take script checks rq:paused:ingest).
    void setPaused(bool paused);

private:
    RedisCommand scriptOf(const std::function<JobAction()> &action);
    // kCancel's ARGV (adminscripts.h) for a cancel now.
    QList<QByteArray> cancelArguments(const QByteArray &id, const QString &tenant) const;

    RedisConnection &m_redis;
    int m_failureTtlSec;
    QList<RedisCommand> *m_collected = nullptr; // set: actions only collect their command
};

} // namespace aether
