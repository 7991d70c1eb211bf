#include "queue/eventfeed.h"

#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

namespace aether {

namespace {

constexpr int kBlockMs = 1000;
constexpr int kReadCount = 1000;

// XRANGE / XREAD entries: [[id, [field, value, ...]], ...]
QList<LoggedEvent> entries(const RedisReply &list)
{
    QList<LoggedEvent> events;
    events.reserve(list.size());
    for (qsizetype i = 0; i < list.size(); ++i) {
        const RedisReply entry = list.element(i);
        const QList<QByteArray> fields = entry.element(1).strings();
        for (qsizetype f = 0; f + 1 < fields.size(); f += 2) {
            if (fields[f] == "data")
                events.append({entry.element(0).string(), fields[f + 1]});
        }
    }
    return events;
}

bool parseId(const QByteArray &id, qint64 *ms, qint64 *seq)
{
    const qsizetype dash = id.indexOf('-');
    bool okMs = false;
    bool okSeq = true;
    *ms = (dash < 0 ? id : id.left(dash)).toLongLong(&okMs);
    *seq = dash < 0 ? 0 : id.mid(dash + 1).toLongLong(&okSeq);
    return okMs && okSeq && *ms >= 0 && *seq >= 0;
}

} // namespace

EventFeed::EventFeed(RedisUrl redis, QObject *parent) : QThread(parent), m_redis(std::move(redis))
{
    qRegisterMetaType<QList<aether::LoggedEvent>>();
    setObjectName(QStringLiteral("event-feed"));
}

EventFeed::~EventFeed()
{
    requestStop();
    wait();
}

bool EventFeed::isValidCursor(const QByteArray &cursor)
{
    qint64 ms = 0;
    qint64 seq = 0;
    return parseId(cursor, &ms, &seq);
}

bool EventFeed::isAfter(const QByteArray &id, const QByteArray &cursor)
{
    qint64 ms = 0, seq = 0, cursorMs = 0, cursorSeq = 0;
    if (!parseId(id, &ms, &seq) || !parseId(cursor, &cursorMs, &cursorSeq))
        return false;
    return ms > cursorMs || (ms == cursorMs && seq > cursorSeq);
}

QList<LoggedEvent> EventFeed::after(RedisConnection &redis, const QByteArray &cursor, int count)
{
    const QByteArray start = cursor == "0" ? QByteArray("-") : QByteArray("(" + cursor);
    return entries(
        redis.command({"XRANGE", keys::kEventLog, start, "+", "COUNT", QByteArray::number(count)}));
}

QByteArray EventFeed::newestId(RedisConnection &redis)
{
    const RedisReply newest = redis.command({"XREVRANGE", keys::kEventLog, "+", "-", "COUNT", "1"});
    return newest.size() > 0 ? newest.element(0).element(0).string() : QByteArray("0-0");
}

void EventFeed::run()
{
    RedisConnection redis(m_redis, kBlockMs + 5000);
    QByteArray last;
    while (!m_stopping) {
        try {
            if (last.isEmpty())
                last = newestId(redis);
            // XREAD answers [[stream, entries]] or nil when the block times out.
            const RedisReply reply =
                redis.command({"XREAD", "COUNT", QByteArray::number(kReadCount), "BLOCK",
                               QByteArray::number(kBlockMs), "STREAMS", keys::kEventLog, last});
            if (reply.isNull() || reply.size() == 0)
                continue;
            const QList<LoggedEvent> events = entries(reply.element(0).element(1));
            if (events.isEmpty())
                continue;
            last = events.last().id;
            Q_EMIT eventsArrived(events);
        } catch (const RedisUnavailable &) {
            QThread::msleep(500); // resumes after `last`: nothing is skipped
        }
    }
}

} // namespace aether
