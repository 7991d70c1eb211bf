#include "queue/workerpool.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QSysInfo>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcPool, "aether.worker")

constexpr int kHandBackWaitMs = 5000;

} // namespace

QByteArray WorkerPool::processName()
{
    return QSysInfo::machineHostName().toUtf8() + '.' +
           QByteArray::number(QCoreApplication::applicationPid());
}

WorkerPool::WorkerPool(const RedisUrl &redis, PoolOptions options, JobHandlerFactory handlerFactory,
                       QObject *parent)
    : QObject(parent), m_redis(redis), m_options(std::move(options)),
      m_handlerFactory(std::move(handlerFactory))
{
    for (int i = 0; i < m_options.workerCount; ++i)
        addWorker();
    m_supervisor =
        std::make_unique<Supervisor>(m_redis, m_options.supervisor, [this] { return workers(); });
    connect(m_supervisor.get(), &Supervisor::workerAbandoned, this, &WorkerPool::replace,
            Qt::QueuedConnection);
}

WorkerPool::~WorkerPool()
{
    stop(0);
}

Worker *WorkerPool::addWorker()
{
    WorkerOptions options = m_options.worker;
    options.name = processName() + '.' + QByteArray::number(m_nextIndex++);
    m_workers.push_back(std::make_unique<Worker>(m_redis, options, m_handlerFactory));
    return m_workers.back().get();
}

void WorkerPool::start()
{
    m_supervisor->start();
    QMutexLocker locker(&m_lock);
    for (const auto &worker : m_workers)
        worker->start();
}

void WorkerPool::replace(Worker *abandoned)
{
    QMutexLocker locker(&m_lock);
    if (m_stopped)
        return;
    for (auto it = m_workers.begin(); it != m_workers.end(); ++it) {
        if (it->get() != abandoned)
            continue;
        m_abandoned.push_back(std::move(*it));
        m_workers.erase(it);
        Worker *fresh = addWorker();
        fresh->start();
        qCWarning(lcPool, "worker %s is stuck in a job past its timeout; started %s in its place",
                  abandoned->name().constData(), fresh->name().constData());
        return;
    }
}

void WorkerPool::stop(int graceMs)
{
    QList<Worker *> all;
    {
        QMutexLocker locker(&m_lock);
        if (m_stopped)
            return;
        m_stopped = true;
        for (const auto &worker : m_workers)
            all.append(worker.get());
    }
    for (Worker *worker : all)
        worker->requestStop();
    const QDeadlineTimer grace(graceMs);
    for (Worker *worker : all)
        worker->wait(grace);
    for (Worker *worker : all) {
        if (worker->isRunning())
            worker->interrupt(JobInterrupted::Reason::Shutdown);
    }
    const QDeadlineTimer handBack(kHandBackWaitMs);
    bool stuck = false;
    for (Worker *worker : all)
        stuck = !worker->wait(handBack) || stuck;
    // Leases stay renewed until here; a stuck job's lease then runs out and
    // the reaper of another (or the next) process takes it back.
    m_supervisor->requestStop();
    m_supervisor->wait();
    if (stuck) {
        qCWarning(lcPool, "a job did not stop in time; it will be taken back by the reaper");
        QMutexLocker locker(&m_lock);
        for (auto &worker : m_workers) {
            if (worker->isRunning())
                (void)worker.release(); // cannot be destroyed while running; the process is ending
        }
    }
    for (auto &worker : m_abandoned) {
        if (worker->isRunning())
            (void)worker.release();
    }
}

int WorkerPool::size() const
{
    QMutexLocker locker(&m_lock);
    return int(m_workers.size());
}

QList<Worker *> WorkerPool::workers() const
{
    QMutexLocker locker(&m_lock);
    QList<Worker *> list;
    for (const auto &worker : m_workers)
        list.append(worker.get());
    return list;
}

} // namespace aether
