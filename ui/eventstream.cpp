#include "ui/eventstream.h"

#include "ui/apiclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace aether {

namespace {

constexpr int kBatchMs = 50;    // longest an event waits before it is handed on
constexpr int kMaxBatch = 5000; // a batch this big goes at once
constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 2000;
// The server comments every 15 s on a quiet stream; a line this long is not
// an event the window could use, and must not grow the buffer without end.
constexpr qsizetype kMaxLineBytes = 4 * 1024 * 1024;

} // namespace

EventStream::EventStream(ApiClient *api, QObject *parent)
    : QObject(parent), m_api(api), m_backoffMs(kFirstBackoffMs)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kBatchMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventStream::flush);
    m_reopenTimer.setSingleShot(true);
    connect(&m_reopenTimer, &QTimer::timeout, this, &EventStream::open);
}

EventStream::~EventStream()
{
    stop();
}

void EventStream::start()
{
    if (m_running)
        return;
    m_running = true;
    open();
}

void EventStream::stop()
{
    m_running = false;
    m_reopenTimer.stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
    }
    flush();
}

void EventStream::open()
{
    if (!m_running || m_reply)
        return;
    m_pending.clear();
    m_eventData.clear();
    m_eventId.clear();
    m_skippingLine = false;
    m_reply = m_api->openEventStream(m_lastEventId);
    connect(m_reply, &QNetworkReply::readyRead, this, &EventStream::readEvents);
    connect(m_reply, &QNetworkReply::finished, this, &EventStream::closed);
}

void EventStream::readEvents()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200) // an error's JSON body, not a stream; finished() follows
        return;
    setConnected(true);
    m_backoffMs = kFirstBackoffMs;
    m_pending += m_reply->readAll();
    qsizetype start = 0;
    for (qsizetype end; (end = m_pending.indexOf('\n', start)) >= 0; start = end + 1) {
        if (m_skippingLine) {
            m_skippingLine = false; // the end of an oversized line: dropped
            continue;
        }
        takeLine(m_pending.mid(start, end - start));
    }
    m_pending.remove(0, start);
    if (m_pending.size() > kMaxLineBytes) {
        // No event the window shows is this long: drop it (reconnecting would
        // be sent it again) and read on from the next line.
        m_pending.clear();
        m_eventData.clear();
        m_skippingLine = true;
    }
}

// One line of the stream (the HTML standard's text/event-stream format): "id: ...",
// "data: ...", a ": comment", or the empty line that ends an event.
void EventStream::takeLine(const QByteArray &raw)
{
    const QByteArray line = raw.endsWith('\r') ? raw.chopped(1) : raw;
    if (line.isEmpty()) {
        const QJsonObject event = QJsonDocument::fromJson(m_eventData).object();
        if (!event.isEmpty()) {
            m_batch.append(event);
            if (!m_flushTimer.isActive())
                m_flushTimer.start();
            if (m_batch.size() >= kMaxBatch)
                flush();
        }
        if (!m_eventId.isEmpty())
            m_lastEventId = m_eventId;
        m_eventData.clear();
        m_eventId.clear();
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);
    if (field == "data") {
        // An event spread over many data lines is capped as one line is.
        if (m_eventData.size() + value.size() >= kMaxLineBytes) {
            m_eventData = "-"; // not JSON: the event is dropped when it ends
            return;
        }
        if (!m_eventData.isEmpty())
            m_eventData.append('\n');
        m_eventData.append(value);
    } else if (field == "id")
        m_eventId = value;
}

void EventStream::closed()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = status == 200 ? QByteArray() : m_reply->readAll();
    m_reply = nullptr; // ApiClient's network manager deletes its replies
    flush();
    setConnected(false);
    if (!m_running)
        return;
    if (status == 401 || status == 403) {
        const QString error =
            QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toString();
        Q_EMIT refused(error.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : error);
        m_reopenTimer.start(kRefusedRetryMs);
        return;
    }
    m_reopenTimer.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, kMaxBackoffMs);
}

void EventStream::flush()
{
    m_flushTimer.stop();
    if (m_batch.isEmpty())
        return;
    Q_EMIT eventsArrived(std::exchange(m_batch, {}));
}

void EventStream::setConnected(bool connected)
{
    if (connected == m_connected)
        return;
    m_connected = connected;
    Q_EMIT connectionChanged(connected);
}

} // namespace aether
