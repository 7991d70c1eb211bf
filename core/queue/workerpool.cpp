#include "queue/workerpool.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace aether {

QByteArray WorkerPool::processName()
{
    return QSysInfo::machineHostName().toUtf8() + '.' +
           QByteArray::number(QCoreApplication::applicationPid());
}

WorkerPool::WorkerPool(const RedisUrl &redis, int workerCount, const WorkerOptions &options,
                       const JobHandlerFactory &handlerFactory)
{
    const QByteArray prefix = processName();
    for (int i = 0; i < workerCount; ++i) {
        WorkerOptions workerOptions = options;
        workerOptions.name = prefix + '.' + QByteArray::number(i + 1);
        m_workers.push_back(std::make_unique<Worker>(redis, workerOptions, handlerFactory));
    }
}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    for (const auto &worker : m_workers)
        worker->start();
}

void WorkerPool::stop()
{
    for (const auto &worker : m_workers)
        worker->requestStop();
    for (const auto &worker : m_workers)
        worker->wait();
}

int WorkerPool::busyCount() const
{
    int busy = 0;
    for (const auto &worker : m_workers)
        busy += worker->isBusy() ? 1 : 0;
    return busy;
}

} // namespace aether
