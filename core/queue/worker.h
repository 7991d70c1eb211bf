#pragma once

#include "base/cancellation.h"
#include "config/redisurl.h"
#include "queue/jobhandler.h"
#include "queue/joboutcome.h"

#include <QDateTime>
#include <QMutex>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace aether {

class RedisConnection;

struct WorkerOptions
{
    QByteArray name; // unique among all workers on the queue: <host>.<pid>.<n>
    int resultTtlSec = 500;
    int failureTtlSec = 7 * 24 * 3600;
    int leaseMs = 10000;       // a started job's lease; the supervisor renews it every second
    int retryBackoffMs = 2000; // first retry delay; doubles per attempt
    int defaultTimeoutSec = 600;
    int batchSize = 64; // most jobs taken at once (a quarter of the queue at most)
};

// What a worker runs now, as its supervisor sees it.
struct RunningJob
{
    QByteArray id;
    std::shared_ptr<CancelToken> cancel;
    CancelToken::Clock::time_point deadline;
    int timeoutSec = 0;
};

// One worker thread. Takes the next jobs (highest priority first) into its own
// processing list with leases, atomically; runs each through its JobHandler
// with a CancelToken (timeout, cancel, shutdown); stores the batch's results in
// one transaction; and settles every attempt: finished, failed, scheduled for
// a retry, canceled, or handed back. When idle it blocks on the wake list, so a
// new job starts at once. Owns its Redis connection and reconnects with
// backoff while Redis is away.
class Worker : public QThread
{
    Q_OBJECT

public:
    Worker(RedisUrl redis, WorkerOptions options, JobHandlerFactory handlerFactory,
           QObject *parent = nullptr);

    void requestStop() { m_stopping = true; }
    const QByteArray &name() const { return m_options.name; }
    QDateTime startedAt() const { return m_startedAt; }

    // RQ's worker counters (its hash's successful_job_count, failed_job_count,
    // total_working_time), written by the supervisor's heartbeat.
    struct Counters
    {
        qint64 succeeded = 0;
        qint64 failed = 0;
        double workingSec = 0;
    };
    Counters counters() const;

    std::optional<RunningJob> running() const;
    QList<QByteArray> heldJobs() const; // taken and not yet settled: their leases must be renewed
    void interrupt(JobInterrupted::Reason reason);
    // The watchdog has settled this worker's job: drop its outcome and exit.
    void abandon() { m_abandoned = true; }
    bool isAbandoned() const { return m_abandoned; }

protected:
    void run() override;

private:
    struct TakenJob;

    std::unique_ptr<JobHandler> makeHandler();
    std::vector<TakenJob> take(RedisConnection &redis);
    void processBatch(RedisConnection &redis, JobHandler &handler, std::vector<TakenJob> &jobs);
    void prepare(RedisConnection &redis, JobHandler &handler, TakenJob &job);
    void storePrepared(JobHandler &handler, std::vector<TakenJob *> &prepared,
                       std::vector<TakenJob *> &ready);
    void settle(RedisConnection &redis, std::vector<TakenJob *> &ready);
    void logOutcome(const TakenJob &job) const;
    void setRunning(std::optional<RunningJob> running);
    void waitForWork(RedisConnection &redis);
    void pause(int ms) const;

    RedisUrl m_redis;
    WorkerOptions m_options;
    JobHandlerFactory m_handlerFactory;
    QDateTime m_startedAt;
    std::atomic_bool m_stopping{false};
    std::atomic_bool m_abandoned{false};
    mutable QMutex m_stateLock;
    std::optional<RunningJob> m_running;
    QList<QByteArray> m_held;
    Counters m_counters;
};

} // namespace aether
