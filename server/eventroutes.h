#pragma once

#include "queue/eventfeed.h"
#include "server/router.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <list>

class QTcpSocket;

namespace aether {

class JobQueue;

// Which events a client wants: empty fields match anything.
struct EventFilter
{
    QString tenant;
    QString job;
    QString batch;

    bool matches(const QJsonObject &event) const;
};

// GET /ops/events (admin): job and batch events, filterable by tenant, job
// and batch. Without `since` it answers as Server-Sent Events (one
// "id: <cursor>" + "data: {json}" per event, a comment every 15 s to keep
// proxies from closing it; Last-Event-ID resumes after that event). With
// `since=<cursor>` (or 0 for everything kept, or now) it long-polls: JSON
// {events, cursor} as soon as there are matching events after the cursor, or
// empty after `timeout` seconds (default 25, at most 60). Events come from the
// event log (rq:events:log:ingest, the same JSON as rq:events:ingest), read
// by an EventFeed thread, so nothing is missed between polls.
class EventRoutes : public QObject
{
    Q_OBJECT

public:
    EventRoutes(JobQueue &queue, EventFeed &feed, QObject *parent = nullptr);
    ~EventRoutes() override;
    void registerOn(Router &router);

    static constexpr int kKeepAliveMs = 15000;
    static constexpr int kDefaultWaitSec = 25;
    static constexpr int kMaxWaitSec = 60;
    static constexpr int kMaxEventsPerAnswer = 1000;

private:
    struct Stream
    {
        QPointer<QTcpSocket> socket;
        EventFilter filter;
        QByteArray lastId; // of the last event sent: a replay and the feed may overlap
    };
    struct Poll
    {
        EventFilter filter;
        QByteArray cursor;
        ReplySender answer;
        QTimer *timer;
    };

    ApiReply events(const RouteContext &context);
    ApiReply openStream(const RouteContext &context, const EventFilter &filter);
    ApiReply longPoll(const RouteContext &context, const EventFilter &filter);
    void onEvents(const QList<LoggedEvent> &events);
    void keepAlive();
    void finishPoll(std::list<Poll>::iterator poll, const QJsonArray &events,
                    const QByteArray &cursor);

    JobQueue &m_queue;
    std::list<Stream> m_streams;
    std::list<Poll> m_polls;
    QTimer m_keepAlive;
};

} // namespace aether
