#pragma once

#include "config/redisurl.h"
#include "queue/jobhandler.h"

#include <QThread>
#include <atomic>

namespace aether {

class RedisConnection;

struct WorkerOptions
{
    QByteArray name;        // unique among all workers on the queue
    int resultTtlSec = 500; // finished job hashes expire after this
    int failureTtlSec = 7 * 24 * 3600;
};

// One worker thread: takes a job from rq:queue:ingest into its own processing
// list with BLMOVE (so a job is never held by two workers), marks it started,
// runs it through its JobHandler and records the result or error. It owns its
// Redis connection; if Redis goes away it waits and reconnects with backoff.
class Worker : public QThread
{
    Q_OBJECT

public:
    Worker(RedisUrl redis, WorkerOptions options, JobHandlerFactory handlerFactory,
           QObject *parent = nullptr);

    void requestStop() { m_stopping = true; }
    bool isBusy() const { return m_busy; }
    const QByteArray &name() const { return m_options.name; }

protected:
    void run() override;

private:
    bool takeOne(RedisConnection &redis, JobHandler &handler);
    void process(RedisConnection &redis, JobHandler &handler, const QByteArray &id);
    void record(RedisConnection &redis, const QList<QList<QByteArray>> &commands);
    void pause(int ms) const;

    RedisUrl m_redis;
    WorkerOptions m_options;
    JobHandlerFactory m_handlerFactory;
    std::atomic_bool m_stopping{false};
    std::atomic_bool m_busy{false};
};

} // namespace aether
