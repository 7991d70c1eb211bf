#pragma once

#include "config/redisurl.h"
#include "queue/reconciler.h"

#include <QElapsedTimer>
#include <QList>
#include <QThread>
#include <atomic>
#include <functional>

namespace aether {

class RedisConnection;
class Worker;

struct SupervisorOptions
{
    int leaseMs = 10000;
    int workerTtlSec = 10;
    int maxRecoveries = 2;
    int failureTtlSec = 7 * 24 * 3600;
    int watchdogGraceMs = 10000; // past a job's deadline before the watchdog ends it
};

// One per process, on its own thread so that a busy or stuck job thread never
// delays it: keeps the process's worker keys and job leases alive, passes
// cancel requests to running jobs, ends jobs that overrun their timeout and do
// not stop (the watchdog), moves due retries back to the queue, and, holding
// the reaper lock, takes back jobs from dead workers and runs the Reconciler. On start it requeues
// at once the jobs left by dead processes on this host.
class Supervisor : public QThread
{
    Q_OBJECT

public:
    // `workers` returns the process's current workers (the pool may replace one).
    Supervisor(RedisUrl redis, SupervisorOptions options, std::function<QList<Worker *>()> workers,
               QObject *parent = nullptr);

    void requestStop() { m_stopping = true; }

    // Requeues the started jobs of dead processes on this host; returns how many.
    static int recoverDeadLocalProcesses(RedisConnection &redis, const SupervisorOptions &options);

Q_SIGNALS:
    // The watchdog ended this worker's job; the pool starts a replacement.
    void workerAbandoned(Worker *worker);

protected:
    void run() override;

private:
    void heartbeat(RedisConnection &redis);
    void watchdog(RedisConnection &redis);
    void promote(RedisConnection &redis);
    void reap(RedisConnection &redis);
    void unregisterStopped(RedisConnection &redis);

    RedisUrl m_redis;
    SupervisorOptions m_options;
    std::function<QList<Worker *>()> m_workers;
    QByteArray m_lockOwner;
    QByteArray m_address = "unknown"; // the supervisor's connection's address (RQ's ip_address)
    std::atomic_bool m_stopping{false};
    Reconciler m_reconciler;       // run by the reaper, every Reconciler::kPassEveryMs
    QElapsedTimer m_lastReconcile; // invalid until the first pass
};

} // namespace aether
