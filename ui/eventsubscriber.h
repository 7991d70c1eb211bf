#pragma once

#include "config/redisurl.h"

#include <QJsonArray>
#include <QObject>
#include <atomic>

class QThread;

namespace aether {

// Listens to the job events on rq:events:ingest on its own thread with its own
// Redis connection (SUBSCRIBE blocks a connection, and the GUI thread must not
// wait on Redis). Events arrive in batches of up to ~50 ms by queued signals, so
// a burst of progress updates costs the GUI one call instead of thousands.
class EventSubscriber : public QObject
{
    Q_OBJECT

public:
    explicit EventSubscriber(RedisUrl url, QObject *parent = nullptr);
    ~EventSubscriber() override;

    void start();
    void stop(); // returns once the thread has ended

Q_SIGNALS:
    void eventsArrived(const QJsonArray &events);
    // false while Redis is away; true again after a reconnect (events may have
    // been missed meanwhile: listeners should reconcile).
    void connectionChanged(bool connected);

private:
    void listen();

    RedisUrl m_url;
    QThread *m_thread = nullptr;
    std::atomic_bool m_stopping{false};
};

} // namespace aether
