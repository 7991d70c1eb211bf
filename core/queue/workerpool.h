#pragma once

#include "queue/worker.h"

#include <QList>
#include <memory>

namespace aether {

// WORKERS worker threads over one queue. Worker names are
// <host>.<pid>.<n>, unique across every process that joins the queue.
class WorkerPool
{
public:
    WorkerPool(const RedisUrl &redis, int workerCount, const WorkerOptions &options,
               const JobHandlerFactory &handlerFactory);
    ~WorkerPool();

    void start();
    void stop(); // asks every worker to stop, then waits for their current jobs

    int size() const { return int(m_workers.size()); }
    int busyCount() const;

    static QByteArray processName();

private:
    std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace aether
