#pragma once

#include "queue/redisconnection.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <functional>

namespace aether {

// How a waited-for job ended: status "finished", "failed", "canceled", or
// "waiting" when the wait ran out first.
struct JobEnd
{
    QByteArray status;
    QJsonObject result; // finished
    QString error;      // failed: "Kind: message"
};

// Waits for jobs to end without blocking the HTTP thread: every few
// milliseconds one pipelined round trip reads the status of every job waited
// for, and calls back those that ended or whose wait ran out. The synchronous
// ingest routes use it to answer with the result of an ordinary queued job.
class JobWaiter : public QObject
{
    Q_OBJECT

public:
    using Completion = std::function<void(const JobEnd &)>;

    explicit JobWaiter(RedisConnection &redis, QObject *parent = nullptr);
    void wait(const QByteArray &jobId, int timeoutMs, Completion completion);

    static constexpr int kPollMs = 10;

private:
    void poll();

    struct Waiting
    {
        QByteArray jobId;
        QElapsedTimer since;
        int timeoutMs;
        Completion completion;
    };

    RedisConnection &m_redis;
    QList<Waiting> m_waiting;
    QTimer m_timer;
};

} // namespace aether
