#pragma once

#include "queue/supervisor.h"
#include "queue/worker.h"

#include <QMutex>
#include <QObject>
#include <memory>
#include <vector>

namespace aether {

struct PoolOptions
{
    int workerCount = 1;
    WorkerOptions worker;
    SupervisorOptions supervisor;
};

// WORKERS worker threads of one process plus their supervisor. Worker names
// are <host>.<pid>.<n>, unique across every process that joins the queue.
class WorkerPool : public QObject
{
    Q_OBJECT

public:
    WorkerPool(const RedisUrl &redis, PoolOptions options, JobHandlerFactory handlerFactory,
               QObject *parent = nullptr);
    ~WorkerPool() override;

    void start();

    // Graceful stop: take no new jobs, give running ones `graceMs` to finish,
    // then interrupt them so they are handed back to the queue.
    void stop(int graceMs = 30000);

    int size() const;
    QList<Worker *> workers() const;

    static QByteArray processName();

private:
    void replace(Worker *abandoned);
    Worker *addWorker();

    RedisUrl m_redis;
    PoolOptions m_options;
    JobHandlerFactory m_handlerFactory;
    mutable QMutex m_lock;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::vector<std::unique_ptr<Worker>> m_abandoned; // stuck threads, kept until they return
    std::unique_ptr<Supervisor> m_supervisor;
    int m_nextIndex = 1;
    bool m_stopped = false;
};

} // namespace aether
