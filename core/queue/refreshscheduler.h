#pragma once

#include "config/redisurl.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace aether {

class JobQueue;

// Runs the refresh schedules that are due (queue/refreshschedules.h): every
// few seconds it claims them and enqueues one URL job each. Any number of
// processes may run one; the claim gives each due run to exactly one.
// Lives on the thread that starts it (the server's, app/common/liveservices.cpp).
class RefreshScheduler : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTickMs = 5000;

    explicit RefreshScheduler(const RedisUrl &redis, QObject *parent = nullptr);
    ~RefreshScheduler() override;

    void start();
    void tick(); // public for tests: one round now

private:
    std::unique_ptr<JobQueue> m_queue;
    QTimer m_timer;
};

} // namespace aether
