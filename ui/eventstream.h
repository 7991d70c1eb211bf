#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace aether {

class ApiClient;

// The window's live job events: the API's event stream (Server-Sent Events,
// opened by ApiClient, the one place that knows routes), read on the GUI
// thread without ever blocking it. Events are handed on in batches of up to
// ~50 ms, so a burst of progress updates costs the GUI one call instead of
// thousands. A dropped stream is reopened with backoff and Last-Event-ID, so
// nothing the event log still holds is missed.
class EventStream : public QObject
{
    Q_OBJECT

public:
    explicit EventStream(ApiClient *api, QObject *parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();

    static constexpr int kRefusedRetryMs = 30000;

Q_SIGNALS:
    void eventsArrived(const QJsonArray &events);
    // false while the stream is down; true once it is open again (listeners
    // may reconcile: events beyond the log's reach may have been missed).
    void connectionChanged(bool connected);
    // The API refused the window's key (401/403): retrying at once cannot
    // help, so the stream tries again only every kRefusedRetryMs.
    void refused(const QString &why);

private:
    void open();
    void readEvents();
    void closed();
    void takeLine(const QByteArray &line);
    void flush();
    void setConnected(bool connected);

    ApiClient *m_api;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_pending;     // bytes after the last complete line
    QByteArray m_eventData;   // the current event's data lines
    QByteArray m_eventId;     // the current event's id
    QByteArray m_lastEventId; // sent as Last-Event-ID when reopening
    QJsonArray m_batch;
    QTimer m_flushTimer;
    QTimer m_reopenTimer;
    int m_backoffMs;
    bool m_running = false;
    bool m_connected = false;
    bool m_skippingLine = false; // inside a line over the size any event has
};

} // namespace aether
