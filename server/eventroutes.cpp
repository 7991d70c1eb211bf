#include "server/eventroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobqueue.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrlQuery>

namespace aether {

namespace {

const QByteArray kStreamHead = "HTTP/1.1 200 OK\r\n"
                               "Content-Type: text/event-stream\r\n"
                               "Cache-Control: no-cache\r\n"
                               "X-Accel-Buffering: no\r\n"
                               "Connection: keep-alive\r\n\r\n"
                               ": aether-ingest events\nretry: 2000\n\n";

QString queryValue(const QUrlQuery &query, const char *name)
{
    return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded).trimmed();
}

EventFilter filterOf(const RouteContext &context)
{
    const QUrlQuery query(context.request.url());
    EventFilter filter{queryValue(query, "tenant"), queryValue(query, "job"),
                       queryValue(query, "batch")};
    // A key of one tenant sees its tenant's events only, whatever it asks for.
    if (!context.access.anyTenant)
        filter.tenant = context.access.tenant;
    return filter;
}

QJsonObject eventObject(const LoggedEvent &event)
{
    QJsonObject object = QJsonDocument::fromJson(event.json).object();
    object.insert(QStringLiteral("event_id"), QString::fromLatin1(event.id));
    return object;
}

QByteArray sseFrame(const LoggedEvent &event)
{
    QByteArray frame;
    frame.reserve(event.json.size() + event.id.size() + 16);
    frame.append("id: ").append(event.id).append("\ndata: ").append(event.json).append("\n\n");
    return frame;
}

} // namespace

bool EventFilter::matches(const QJsonObject &event) const
{
    const auto same = [&event](const QString &wanted, const char *field) {
        return wanted.isEmpty() || event.value(QLatin1String(field)).toString() == wanted;
    };
    return same(tenant, "tenant") && same(job, "job_id") && same(batch, "batch_id");
}

EventRoutes::EventRoutes(JobQueue &queue, EventFeed &feed, QObject *parent)
    : QObject(parent), m_queue(queue)
{
    connect(&feed, &EventFeed::eventsArrived, this, &EventRoutes::onEvents, Qt::QueuedConnection);
    m_keepAlive.setInterval(kKeepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, &EventRoutes::keepAlive);
    m_keepAlive.start();
}

EventRoutes::~EventRoutes()
{
    for (Poll &poll : m_polls)
        delete poll.timer;
}

void EventRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/ops/events"), Role::Admin,
               [this](const RouteContext &context) { return events(context); });
}

ApiReply EventRoutes::events(const RouteContext &context)
{
    const EventFilter filter = filterOf(context);
    if (QUrlQuery(context.request.url()).hasQueryItem(QStringLiteral("since")))
        return longPoll(context, filter);
    return openStream(context, filter);
}

ApiReply EventRoutes::openStream(const RouteContext &context, const EventFilter &filter)
{
    const QByteArray lastId = context.request.value("Last-Event-ID").trimmed();
    QList<LoggedEvent> missed;
    if (!lastId.isEmpty() && EventFeed::isValidCursor(lastId))
        missed = EventFeed::after(m_queue.connection(), lastId, kMaxEventsPerAnswer);
    ApiReply reply;
    reply.streamHead = kStreamHead;
    reply.stream = [this, filter, missed](QTcpSocket *socket) {
        for (const LoggedEvent &event : missed) {
            if (filter.matches(QJsonDocument::fromJson(event.json).object()))
                socket->write(sseFrame(event));
        }
        m_streams.push_back(Stream{socket, filter, missed.isEmpty() ? "0-0" : missed.last().id});
    };
    return reply;
}

ApiReply EventRoutes::longPoll(const RouteContext &context, const EventFilter &filter)
{
    const QUrlQuery query(context.request.url());
    QByteArray cursor = queryValue(query, "since").toLatin1();
    if (cursor == "now" || cursor == "$")
        cursor = EventFeed::newestId(m_queue.connection());
    else if (!EventFeed::isValidCursor(cursor))
        throw ApiError{422, QStringLiteral("parameter 'since' must be a cursor of an earlier "
                                           "answer, 0 (everything kept) or now")};
    int waitSec = kDefaultWaitSec;
    if (const QString timeout = queryValue(query, "timeout"); !timeout.isEmpty()) {
        bool ok = false;
        waitSec = timeout.toInt(&ok);
        if (!ok || waitSec < 0 || waitSec > kMaxWaitSec)
            throw ApiError{
                422,
                QStringLiteral("parameter 'timeout' must be 0 to %1 seconds").arg(kMaxWaitSec)};
    }
    const QList<LoggedEvent> logged =
        EventFeed::after(m_queue.connection(), cursor, kMaxEventsPerAnswer);
    QJsonArray matching;
    for (const LoggedEvent &event : logged) {
        const QJsonObject object = eventObject(event);
        if (filter.matches(object))
            matching.append(object);
    }
    if (!logged.isEmpty())
        cursor = logged.last().id;
    if (!matching.isEmpty() || waitSec == 0)
        return ApiReply::ok({{QStringLiteral("events"), matching},
                             {QStringLiteral("cursor"), QString::fromLatin1(cursor)}});
    auto *timer = new QTimer;
    timer->setSingleShot(true);
    m_polls.push_back(Poll{filter, cursor, context.answer, timer});
    const auto poll = std::prev(m_polls.end());
    connect(timer, &QTimer::timeout, this, [this, poll] { finishPoll(poll, {}, poll->cursor); });
    timer->start(waitSec * 1000);
    return ApiReply::deferred();
}

void EventRoutes::finishPoll(std::list<Poll>::iterator poll, const QJsonArray &events,
                             const QByteArray &cursor)
{
    poll->answer(ApiReply::ok({{QStringLiteral("events"), events},
                               {QStringLiteral("cursor"), QString::fromLatin1(cursor)}}));
    poll->timer->stop();
    poll->timer->deleteLater();
    m_polls.erase(poll);
}

void EventRoutes::onEvents(const QList<LoggedEvent> &events)
{
    for (auto stream = m_streams.begin(); stream != m_streams.end();) {
        if (!stream->socket || stream->socket->state() != QAbstractSocket::ConnectedState) {
            stream = m_streams.erase(stream);
            continue;
        }
        for (const LoggedEvent &event : events) {
            if (!EventFeed::isAfter(event.id, stream->lastId))
                continue;
            stream->lastId = event.id;
            if (stream->filter.matches(QJsonDocument::fromJson(event.json).object()))
                stream->socket->write(sseFrame(event));
        }
        ++stream;
    }
    for (auto poll = m_polls.begin(); poll != m_polls.end();) {
        QJsonArray matching;
        QByteArray cursor = poll->cursor;
        for (const LoggedEvent &event : events) {
            if (!EventFeed::isAfter(event.id, poll->cursor))
                continue; // already answered from the log
            cursor = event.id;
            const QJsonObject object = eventObject(event);
            if (poll->filter.matches(object))
                matching.append(object);
        }
        poll->cursor = cursor;
        const auto current = poll++;
        if (!matching.isEmpty())
            finishPoll(current, matching, cursor);
    }
}

void EventRoutes::keepAlive()
{
    for (auto stream = m_streams.begin(); stream != m_streams.end();) {
        if (!stream->socket || stream->socket->state() != QAbstractSocket::ConnectedState) {
            stream = m_streams.erase(stream);
            continue;
        }
        stream->socket->write(": keep-alive\n\n");
        ++stream;
    }
}

} // namespace aether
