// Abuse at the HTTP level, against the real daemon: huge declared bodies,
// slow and idle clients, header floods, JSON nesting bombs and guessed API
// keys. Every refusal is a JSON error, nothing refused is queued, and the
// daemon keeps answering other clients throughout.
#include "daemonprocess.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>
#include <memory>
#include <vector>

using namespace aether::test;

namespace {

constexpr int kIdleTimeoutSec = 2;
constexpr int kMaxFailures = 5;
constexpr int kBanSec = 3;
const QString kText = QStringLiteral("/knowledge/ingest-text-async");

QByteArray postHead(qint64 contentLength, const QByteArray &apiKey = "test-key")
{
    return "POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + apiKey +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(contentLength) + "\r\n\r\n";
}

std::unique_ptr<QTcpSocket> connectedSocket(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, port);
    return socket->waitForConnected(5000) ? std::move(socket) : nullptr;
}

// Reads until the server closes the socket or `ms` pass; returns what came.
QByteArray readUntilClosed(QTcpSocket &socket, int ms)
{
    QElapsedTimer timer;
    timer.start();
    QByteArray answer;
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < ms) {
        socket.waitForReadyRead(int(qMax<qint64>(1, ms - timer.elapsed())));
        answer += socket.readAll();
    }
    return answer + socket.readAll();
}

QByteArray nested(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace

class TestIngestdAbuseHttp : public QObject
{
    Q_OBJECT

private:
    void verifyRefusal(const QByteArray &answer, int status)
    {
        QVERIFY2(statusOf(answer) == status, answer.left(400).constData());
        QVERIFY(answer.contains("\r\nContent-Type: application/json\r\n"));
        const QJsonObject body = jsonBodyOf(answer);
        QCOMPARE(body.value("ok").toBool(true), false);
        QVERIFY2(!body.value("error").toString().isEmpty(), answer.constData());
    }

    void verifyRefusal(const HttpResult &reply, int status)
    {
        QVERIFY2(reply.status == status, reply.body.constData());
        QCOMPARE(reply.json().value("ok").toBool(true), false);
        QVERIFY2(!reply.json().value("error").toString().isEmpty(), reply.body.constData());
    }

    qint64 queued() const
    {
        return m_redis.command({"LLEN", "rq:queue:ingest"}).mid(1).trimmed().toLongLong();
    }

    bool answersOthers() const { return m_client->get(QStringLiteral("/healthz")).status == 200; }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 0); // jobs stay queued: exact counts
        env.insert(QStringLiteral("MAX_UPLOAD_MB"), QStringLiteral("2"));
        env.insert(QStringLiteral("HTTP_IDLE_TIMEOUT"), QString::number(kIdleTimeoutSec));
        env.insert(QStringLiteral("AUTH_MAX_FAILURES"), QString::number(kMaxFailures));
        env.insert(QStringLiteral("AUTH_BAN_SECONDS"), QString::number(kBanSec));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    // Eight clients each declare a gigabyte and push 16 MB of it anyway: each
    // is answered 413 before its body, and the bytes are dropped unbuffered.
    void gigabyteBodiesLeaveMemoryFlat()
    {
        const qint64 queuedBefore = queued();
        const qint64 residentBefore = residentKb(m_daemon.pid());
        QVERIFY(residentBefore > 0);
        const QByteArray megabyte(1024 * 1024, 'a');
        for (int client = 0; client < 8; ++client) {
            const auto socket = connectedSocket(m_daemon.port());
            QVERIFY(socket);
            socket->write(postHead(1LL << 30) + "{\"text\":\"");
            QVERIFY(socket->waitForReadyRead(5000)); // answered before any body is sent
            verifyRefusal(socket->readAll(), 413);
            for (int sent = 0; sent < 16 && socket->state() == QAbstractSocket::ConnectedState;
                 ++sent) {
                socket->write(megabyte);
                while (socket->bytesToWrite() > 0 && socket->waitForBytesWritten(5000)) {
                }
            }
        }
        const qint64 growthKb = residentKb(m_daemon.pid()) - residentBefore;
        qInfo("daemon RSS %lld kB before, %+lld kB after 128 MB of refused bodies", residentBefore,
              growthKb);
        // Under AddressSanitizer freed memory waits in a quarantine (256 MB), so
        // the resident size says nothing there; the answers above still count.
        if (qEnvironmentVariableIsEmpty("ASAN_OPTIONS"))
            QVERIFY2(growthKb < 32 * 1024, qPrintable(QString::number(growthKb)));
        QCOMPARE(queued(), queuedBefore);
        QVERIFY(answersOthers());
    }

    // Slowloris: a header line every 250 ms never lets the connection go idle,
    // but the whole header block must arrive within the timeout.
    void slowHeadersAreCutOff()
    {
        const auto slow = connectedSocket(m_daemon.port());
        QVERIFY(slow);
        slow->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        QElapsedTimer timer;
        timer.start();
        QByteArray answer;
        for (int line = 0; slow->state() == QAbstractSocket::ConnectedState &&
                           timer.elapsed() < (kIdleTimeoutSec + 10) * 1000;
             ++line) {
            slow->write("X-Slow-" + QByteArray::number(line) + ": y\r\n");
            slow->waitForReadyRead(250);
            answer += slow->readAll();
            if (line == 4)
                QVERIFY(answersOthers()); // a new client is served meanwhile
        }
        answer += readUntilClosed(*slow, 2000);
        verifyRefusal(answer, 408);
        QCOMPARE(slow->state(), QAbstractSocket::UnconnectedState);
    }

    void stalledBodiesAreCutOff()
    {
        const qint64 queuedBefore = queued();
        const auto socket = connectedSocket(m_daemon.port());
        QVERIFY(socket);
        socket->write(postHead(100) + "{\"text\":\"stalled");
        const QByteArray answer = readUntilClosed(*socket, (kIdleTimeoutSec + 10) * 1000);
        verifyRefusal(answer, 408);
        QCOMPARE(queued(), queuedBefore);
    }

    // 300 clients that connect and say nothing, and 50 that make one request
    // and keep the connection: others are served, and all 350 are closed.
    void idleConnectionsAreClosed()
    {
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 350; ++i) {
            idle.push_back(connectedSocket(m_daemon.port()));
            QVERIFY(idle.back());
        }
        for (int i = 300; i < 350; ++i) {
            idle[i]->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            QVERIFY(idle[i]->waitForReadyRead(5000));
            QCOMPARE(statusOf(idle[i]->readAll()), 200);
        }
        QVERIFY(answersOthers());
        QElapsedTimer timer;
        timer.start();
        const int waitMs = (kIdleTimeoutSec + 15) * 1000;
        int closed = 0;
        for (const auto &socket : idle) {
            readUntilClosed(*socket, int(qMax<qint64>(1, waitMs - timer.elapsed())));
            closed += socket->state() == QAbstractSocket::UnconnectedState;
        }
        QCOMPARE(closed, 350);
        QVERIFY(answersOthers());
    }

    void headerFloodsAreRefused()
    {
        QByteArray manySmall = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        for (int i = 0; i < 2000; ++i) // about 28 KB, but more than 100 fields
            manySmall += "X-Flood-" + QByteArray::number(i) + ": v\r\n";
        verifyRefusal(rawExchange(m_daemon.port(), manySmall + "\r\n"), 431);

        QByteArray tooMany = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        for (int i = 0; i < 20000; ++i) // about 300 KB of header lines
            tooMany += "X-Flood-" + QByteArray::number(i) + ": v\r\n";
        verifyRefusal(rawExchange(m_daemon.port(), tooMany + "\r\n"), 431);

        const QByteArray oneHuge =
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + QByteArray(100 * 1024, 'b') +
            "\r\n\r\n";
        verifyRefusal(rawExchange(m_daemon.port(), oneHuge), 431);
        verifyRefusal(rawExchange(m_daemon.port(), "POST /knowledge/ingest-text-async HTTP/1.1\r\n"
                                                   "Host: 127.0.0.1\r\nContent-Length: 5x\r\n\r\n"),
                      400);
        QVERIFY(answersOthers());
    }

    void jsonNestingBombsAreRefused()
    {
        const qint64 queuedBefore = queued();
        verifyRefusal(m_client->post(kText, nested(100000), kEditor), 400);
        verifyRefusal(
            m_client->post(kText, "{\"text\":\"deep\",\"metadata\":{\"a\":" + nested(100000) + "}}",
                           kEditor),
            400);
        verifyRefusal(m_client->post(QStringLiteral("/knowledge/ingest-batch-async"),
                                     "{\"items\":" + nested(50000) + "}", kEditor),
                      400);
        verifyRefusal(m_client->post(QStringLiteral("/knowledge/search"),
                                     "{\"query\":" + nested(50000) + "}",
                                     {{"x-api-key", "test-key"}}),
                      400);
        QCOMPARE(queued(), queuedBefore);
        QVERIFY(answersOthers());
    }

    // Last: the ban covers every request from this address while it lasts.
    // A guesser holding one valid key gains nothing by using it between
    // guesses: right keys do not reset the count (3 wrong + 1 right, again).
    void wrongKeysBanTheAddress()
    {
        const Headers wrongKey{{"x-api-key", "guessed-key"}};
        const QByteArray body = "{\"text\":\"after the ban\"}";
        int wrong = 0;
        while (wrong < kMaxFailures) {
            for (int i = 0; i < 3 && wrong < kMaxFailures; ++i, ++wrong)
                verifyRefusal(m_client->post(kText, body, wrongKey), 401);
            if (wrong < kMaxFailures)
                QCOMPARE(m_client->post(kText, body, kEditor).status, 200);
        }

        const qint64 queuedDuringBan = queued();
        const HttpResult banned = m_client->post(kText, body, wrongKey);
        verifyRefusal(banned, 429);
        const int retryAfter = banned.header("Retry-After").toInt();
        QVERIFY2(retryAfter >= 1 && retryAfter <= kBanSec,
                 banned.header("Retry-After").constData());
        verifyRefusal(m_client->post(kText, body, kEditor), 429); // even the right key
        verifyRefusal(m_client->get(QStringLiteral("/ops/queue"), kAdmin), 429);
        QVERIFY(answersOthers()); // routes without a key still answer
        QCOMPARE(queued(), queuedDuringBan);

        QTest::qWait((kBanSec + 1) * 1000);
        QCOMPARE(m_client->post(kText, body, kEditor).status, 200);
        QCOMPARE(queued(), queuedDuringBan + 1);
    }
};

QTEST_GUILESS_MAIN(TestIngestdAbuseHttp)
#include "tst_ingestd_abuse_http.moc"
