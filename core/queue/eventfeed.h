#pragma once

#include "config/redisurl.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QThread>
#include <atomic>

namespace aether {

class RedisConnection;

// One entry of the event log (rq:events:log:ingest): its stream id, which
// orders events and serves as a cursor, and the event's JSON.
struct LoggedEvent
{
    QByteArray id;
    QByteArray json;
};

// Follows the event log on its own thread (XREAD BLOCK), from the moment it
// starts, and hands every event on, in order, with eventsArrived (queued to
// the receiver's thread). The log carries exactly what rq:events:ingest
// publishes, written by the same scripts, so nothing published is missed
// even when this reader briefly loses Redis.
class EventFeed : public QThread
{
    Q_OBJECT

public:
    explicit EventFeed(RedisUrl redis, QObject *parent = nullptr);
    ~EventFeed() override;

    void requestStop() { m_stopping = true; }

    // Up to `count` logged events after `cursor` ("0": from the oldest kept).
    static QList<LoggedEvent> after(RedisConnection &redis, const QByteArray &cursor, int count);
    // The id of the newest logged event ("0-0" when the log is empty).
    static QByteArray newestId(RedisConnection &redis);
    // Stream ids "ms-seq" in order; false for ids that do not parse.
    static bool isAfter(const QByteArray &id, const QByteArray &cursor);
    static bool isValidCursor(const QByteArray &cursor);

Q_SIGNALS:
    void eventsArrived(const QList<aether::LoggedEvent> &events);

protected:
    void run() override;

private:
    RedisUrl m_redis;
    std::atomic_bool m_stopping{false};
};

} // namespace aether

Q_DECLARE_METATYPE(aether::LoggedEvent)
