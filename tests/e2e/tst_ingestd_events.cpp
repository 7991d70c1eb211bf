// The live event stream end to end: GET /ops/events as Server-Sent Events
// (read with a raw socket) and in its long-poll form, against the real daemon.
// A job's events arrive queued -> started -> finished, in order, once each.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace aether;
using namespace aether::test;

namespace {

// The statuses of one job's events, without the repeated progress ones.
QStringList statusesOf(const QList<QJsonObject> &events, const QString &jobId)
{
    QStringList statuses;
    for (const QJsonObject &event : events) {
        if (event.value("job_id").toString() != jobId)
            continue;
        const QString status = event.value("status").toString();
        if (statuses.isEmpty() || statuses.last() != status)
            statuses.append(status);
    }
    return statuses;
}

// Reads "data: {json}" lines from an SSE connection until `done` holds.
class SseReader
{
public:
    bool open(quint16 port, const QByteArray &query)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (!m_socket.waitForConnected(5000))
            return false;
        m_socket.write(
            QByteArray("GET /ops/events")
                .append(query)
                .append(" HTTP/1.1\r\nHost: localhost\r\nx-admin-key: admin-secret-123\r\n"
                        "Accept: text/event-stream\r\n\r\n"));
        // The head and the opening comment arrive at once.
        QElapsedTimer timer;
        timer.start();
        while (!m_buffer.contains("\r\n\r\n") && timer.elapsed() < 5000) {
            if (m_socket.waitForReadyRead(100))
                m_buffer += m_socket.readAll();
        }
        m_head = m_buffer.left(m_buffer.indexOf("\r\n\r\n"));
        m_buffer = m_buffer.mid(m_head.size() + 4);
        return m_head.startsWith("HTTP/1.1 200");
    }

    QList<QJsonObject> readUntil(const std::function<bool(const QList<QJsonObject> &)> &done,
                                 int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (!done(m_events) && timer.elapsed() < timeoutMs) {
            if (m_socket.waitForReadyRead(100))
                m_buffer += m_socket.readAll();
            for (qsizetype end = m_buffer.indexOf("\n\n"); end >= 0;
                 end = m_buffer.indexOf("\n\n")) {
                for (const QByteArray &line : m_buffer.left(end).split('\n')) {
                    if (line.startsWith("data: "))
                        m_events.append(QJsonDocument::fromJson(line.mid(6)).object());
                }
                m_buffer = m_buffer.mid(end + 2);
            }
        }
        return m_events;
    }

    const QByteArray &head() const { return m_head; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    QList<QJsonObject> m_events;
};

} // namespace

class TestIngestdEvents : public QObject
{
    Q_OBJECT

private:
    QString enqueueText(const QString &text)
    {
        return m_client
            ->postJson(QStringLiteral("/knowledge/ingest-text-async"), {{"text", text}}, kEditor)
            .json()
            .value("job_id")
            .toString();
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 1)), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void theStreamDeliversQueuedStartedFinishedInOrder()
    {
        SseReader stream;
        QVERIFY(stream.open(m_daemon.port(), "?tenant=default"));
        QVERIFY(stream.head().toLower().contains("content-type: text/event-stream"));
        QTest::qWait(200); // the feed follows the log from the stream's start
        const QString id = enqueueText(QStringLiteral("Lanterns were trimmed at dusk."));
        const QList<QJsonObject> events = stream.readUntil(
            [&id](const QList<QJsonObject> &seen) {
                return statusesOf(seen, id).contains(QStringLiteral("finished"));
            },
            20000);
        QCOMPARE(statusesOf(events, id), QStringList({"queued", "started", "finished"}));
    }

    void theStreamFiltersByJob()
    {
        const QString other = enqueueText(QStringLiteral("An unrelated job."));
        waitForJob(*m_client, other);
        SseReader stream;
        QVERIFY(stream.open(m_daemon.port(), "?tenant=nobody"));
        enqueueText(QStringLiteral("Nobody should see this."));
        const QList<QJsonObject> events =
            stream.readUntil([](const QList<QJsonObject> &) { return false; }, 1500);
        QVERIFY(events.isEmpty());
    }

    void longPollingMissesNothingBetweenPolls()
    {
        const HttpResult start =
            m_client->get(QStringLiteral("/ops/events?since=now&timeout=0"), kAdmin);
        QCOMPARE(start.status, 200);
        QString cursor = start.json().value("cursor").toString();
        QVERIFY(!cursor.isEmpty());
        const QString id = enqueueText(QStringLiteral("Semaphore flags spell words."));
        waitForJob(*m_client, id); // the events happen before the polls: none may be lost
        QList<QJsonObject> events;
        QElapsedTimer timer;
        timer.start();
        while (!statusesOf(events, id).contains(QStringLiteral("finished")) &&
               timer.elapsed() < 20000) {
            const QJsonObject page =
                m_client
                    ->get(QStringLiteral("/ops/events?since=%1&timeout=5&job=%2").arg(cursor, id),
                          kAdmin)
                    .json();
            for (const QJsonValue &event : page.value("events").toArray())
                events.append(event.toObject());
            cursor = page.value("cursor").toString();
        }
        QCOMPARE(statusesOf(events, id), QStringList({"queued", "started", "finished"}));
    }

    void aLongPollWaitsForTheNextEvent()
    {
        const QString cursor =
            m_client->get(QStringLiteral("/ops/events?since=now&timeout=0"), kAdmin)
                .json()
                .value("cursor")
                .toString();
        QTimer::singleShot(300, this, [this] { enqueueText(QStringLiteral("Wake the poller.")); });
        QElapsedTimer timer;
        timer.start();
        // The HTTP client blocks in its own event loop, so the timer above fires meanwhile.
        const QJsonObject page =
            m_client->get(QStringLiteral("/ops/events?since=%1&timeout=10").arg(cursor), kAdmin)
                .json();
        QVERIFY(!page.value("events").toArray().isEmpty());
        QVERIFY(timer.elapsed() < 9000);
        QCOMPARE(m_client->get(QStringLiteral("/ops/events?since=garbage"), kAdmin).status, 422);
        QCOMPARE(m_client->get(QStringLiteral("/ops/events?since=0"), kEditor).status, 403);
    }
};

QTEST_GUILESS_MAIN(TestIngestdEvents)
#include "tst_ingestd_events.moc"
