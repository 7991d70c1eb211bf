// Refuse before reading, against the real daemon: route, Host, key, role and
// size are decided on the request head, answered at once, and the body is
// never buffered; the bodies of admitted requests in flight together are
// capped (MAX_INFLIGHT_MB). Fifty keyless clients pushing 100 MB each leave
// the daemon's memory flat while an authorised upload goes through.
#include "daemonprocess.h"
#include "httpclient.h"
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

constexpr int kMaxUploadMb = 200;
constexpr int kMaxInflightMb = 24;
constexpr qint64 kMegabyte = 1024 * 1024;
constexpr qint64 kRssMarginKb = 64 * 1024; // the bound: base + 64 MB

QByteArray uploadHead(const QByteArray &path, qint64 contentLength, const QByteArray &extra,
                      const QByteArray &contentType = "application/json")
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
           "Content-Type: " + contentType +
           "\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n\r\n";
}

// One client sending a head and then its body in 1 MB pieces, as fast as the
// connection takes them, until it is answered (then it stops, as a client
// reading while it writes does), the server closes, or the body is all sent.
class Uploader : public QObject
{
public:
    // `body` empty: `declared` bytes of filler follow the head.
    Uploader(quint16 port, QByteArray head, QByteArray body, qint64 declared)
        : m_head(std::move(head)), m_body(std::move(body)), m_total(declared)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] {
            m_socket.write(m_head);
            pump();
        });
        connect(&m_socket, &QTcpSocket::bytesWritten, this, &Uploader::pump);
        connect(&m_socket, &QTcpSocket::readyRead, this,
                [this] { m_answer += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool isDone() const
    {
        return statusOf(m_answer) != 0 || m_socket.state() == QAbstractSocket::UnconnectedState;
    }
    const QByteArray &answer() const { return m_answer; }
    qint64 sent() const { return m_sent; }
    void stop() { m_socket.abort(); }

private:
    void pump()
    {
        static const QByteArray filler(kMegabyte, 'a');
        while (m_answer.isEmpty() && m_sent < m_total &&
               m_socket.state() == QAbstractSocket::ConnectedState &&
               m_socket.bytesToWrite() < 2 * kMegabyte) {
            const qint64 take = qMin(kMegabyte, m_total - m_sent);
            m_socket.write(m_body.isEmpty() ? filler.left(take) : m_body.mid(m_sent, take));
            m_sent += take;
        }
    }

    QTcpSocket m_socket;
    QByteArray m_head;
    QByteArray m_body;
    qint64 m_total;
    qint64 m_sent = 0;
    QByteArray m_answer;
};

// Sends only the head, and waits for an answer without sending the body.
QByteArray answerToHead(quint16 port, const QByteArray &head)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(head);
    QByteArray answer;
    while (statusOf(answer) == 0 && socket.waitForReadyRead(5000))
        answer += socket.readAll();
    return answer;
}

} // namespace

class TestIngestdEarlyRefusal : public QObject
{
    Q_OBJECT

private:
    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 0); // jobs stay queued
        env.insert(QStringLiteral("MAX_UPLOAD_MB"), QString::number(kMaxUploadMb));
        env.insert(QStringLiteral("MAX_INFLIGHT_MB"), QString::number(kMaxInflightMb));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    // Each refusal arrives while the client has sent nothing but the head.
    void refusalsComeBeforeTheBody_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        const QByteArray text = "/knowledge/ingest-text-async";
        const qint64 fifty = 50 * kMegabyte;
        QTest::newRow("no key") << uploadHead(text, fifty, {}) << 401;
        QTest::newRow("wrong key") << uploadHead(text, fifty, "x-api-key: guessed\r\n") << 401;
        QTest::newRow("viewer role")
            << uploadHead(text, fifty, "x-api-key: test-key\r\nx-role: viewer\r\n") << 403;
        QTest::newRow("no route") << uploadHead("/knowledge/nowhere", fifty, {}) << 404;
        QTest::newRow("wrong method")
            << QByteArray("PUT /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52428800"
                          "\r\n\r\n")
            << 405;
        QTest::newRow("foreign host")
            << QByteArray("POST " + text +
                          " HTTP/1.1\r\nHost: evil.com\r\nContent-Length: "
                          "52428800\r\n\r\n")
            << 421;
        QTest::newRow("over the upload limit")
            << uploadHead(text, (kMaxUploadMb + 10) * kMegabyte, "x-api-key: test-key\r\n") << 413;
    }

    void refusalsComeBeforeTheBody()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        const QByteArray answer = answerToHead(m_daemon.port(), head);
        QVERIFY2(statusOf(answer) == status, answer.left(300).constData());
        QCOMPARE(jsonBodyOf(answer).value("ok").toBool(true), false);
    }

    void bodiesInFlightAreCapped()
    {
        const QByteArray text = "/knowledge/ingest-text-async";
        const QByteArray key = "x-api-key: test-key\r\n";
        const qint64 size = 16 * kMegabyte; // two of them pass MAX_INFLIGHT_MB
        const QByteArray body = "{\"text\":\"" + QByteArray(size - 11, 'x') + "\"}";
        QTcpSocket first;
        first.connectToHost(QHostAddress::LocalHost, m_daemon.port());
        QVERIFY(first.waitForConnected(5000));
        first.write(uploadHead(text, size, key) + body.left(kMegabyte));
        while (first.bytesToWrite() > 0 && first.waitForBytesWritten(5000)) {
        }
        QTest::qWait(500); // the daemon reads that head before the next one arrives

        const QByteArray busy = answerToHead(m_daemon.port(), uploadHead(text, size, key));
        QVERIFY2(statusOf(busy) == 503, busy.left(300).constData());
        QVERIFY2(busy.contains("\r\nRetry-After: "), busy.constData());

        first.write(body.mid(kMegabyte));
        QByteArray answer;
        while (statusOf(answer) == 0 && first.waitForReadyRead(30000))
            answer += first.readAll();
        QVERIFY2(statusOf(answer) == 200, answer.left(300).constData());

        // Once the first is in, the second fits.
        QCOMPARE(
            m_client->post(QString::fromLatin1(text), body, {{"x-api-key", "test-key"}}).status,
            200);
    }

    // A keyless client declaring bodies on a public route used to hold the
    // in-flight budget (a byte now and then), and authorised uploads got 503.
    void keylessBodiesDoNotHoldTheBudget()
    {
        std::vector<std::unique_ptr<QTcpSocket>> holders;
        for (const qint64 size : {10 * kMegabyte, 10 * kMegabyte, 4 * kMegabyte}) { // 24 MB
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_daemon.port());
            QVERIFY(socket->waitForConnected(5000));
            socket->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                          QByteArray::number(size) + "\r\n\r\nx");
            QVERIFY(socket->waitForBytesWritten(5000));
            holders.push_back(std::move(socket));
        }
        QTest::qWait(500); // the daemon reads those heads first
        const QByteArray body = "{\"text\":\"" + QByteArray(12 * 1024, 'x') + "\"}";
        const HttpResult upload = m_client->post(QStringLiteral("/knowledge/ingest-text-async"),
                                                 body, {{"x-api-key", "test-key"}});
        QVERIFY2(upload.status == 200, upload.body.left(300).constData());
        for (const auto &socket : holders) {
            QByteArray answer = socket->readAll();
            while (statusOf(answer) == 0 && socket->waitForReadyRead(5000))
                answer += socket->readAll();
            QVERIFY2(statusOf(answer) == 400, answer.left(300).constData());
        }
    }

    // A keyless upload hidden behind a body that looks like a head: the guard
    // once took its head for body bytes and let QHttpServer buffer it all.
    void keylessBodyBehindAFakeHeadIsNotBuffered()
    {
        const QByteArray host = "Host: 127.0.0.1\r\n";
        const qint64 total = 120 * kMegabyte;
        const QByteArray keyless = uploadHead("/knowledge/ingest-text-async", total, {});
        const QByteArray fakeFirst = "GET /healthz HTTP/1.1\r\n" + host +
                                     "Content-Length: " + QByteArray::number(keyless.size()) +
                                     "\r\nX-Pad: ";
        const QByteArray fake =
            fakeFirst + QByteArray(200 - fakeFirst.size() - 4, 'p') + "\r\n\r\n";
        const QByteArray postFirst = "POST /knowledge/ingest-text-async HTTP/1.1\r\n" + host +
                                     "x-api-key: test-key\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 210\r\nX-Pad: ";
        const QByteArray post =
            postFirst + QByteArray(200 - postFirst.size() - 4, 'p') + "\r\n\r\n";
        const qint64 baseKb = residentKb(m_daemon.pid());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_daemon.port());
        QVERIFY(socket.waitForConnected(5000));
        for (const QByteArray &part :
             QList<QByteArray>{"GET /healthz HTTP/1.1\r\n" + host + "\r\n" + post,
                               QByteArray(10, 'a') + fake, keyless}) {
            socket.write(part);
            QVERIFY(socket.waitForBytesWritten(5000));
            QTest::qWait(300);
        }
        // The body is a chain of heads with bodies, which the old guard admitted
        // and skipped while QHttpServer buffered them as one body.
        const QByteArray chained = "GET /healthz HTTP/1.1\r\n" + host + "Content-Length: ";
        const qint64 filler = kMegabyte - chained.size() - 11;
        const QByteArray piece = chained + QByteArray::number(filler).rightJustified(7, '0') +
                                 "\r\n\r\n" + QByteArray(filler, 'a');
        qint64 peakKb = baseKb;
        for (qint64 sent = 0; sent < total && socket.state() == QAbstractSocket::ConnectedState;
             sent += piece.size()) {
            socket.write(piece);
            while (socket.bytesToWrite() > 0 && socket.waitForBytesWritten(5000)) {
            }
            peakKb = qMax(peakKb, residentKb(m_daemon.pid()));
        }
        QTest::qWait(500);
        peakKb = qMax(peakKb, residentKb(m_daemon.pid()));
        const QByteArray answer = socket.readAll();
        if (qEnvironmentVariableIsEmpty("ASAN_OPTIONS"))
            QVERIFY2(peakKb - baseKb <= kRssMarginKb,
                     qPrintable(QStringLiteral("peak RSS %1 kB over base").arg(peakKb - baseKb)));
        QVERIFY2(answer.contains("HTTP/1.1 401 "), answer.constData());
    }

    // The measure: 50 keyless 100 MB uploads at once keep the resident
    // size within 64 MB of where it started, and an authorised upload running
    // beside them succeeds.
    void keylessUploadsLeaveMemoryFlat()
    {
        // The authorised upload is kept small, so that what is measured is the
        // keyless ones (a 16 MB upload alone costs some 60 MB while parsed).
        const QByteArray file(4 * kMegabyte, 'w');
        const QByteArray multipart =
            HttpClient::multipart("aetherboundary", "big.txt", file, {}, "text/plain");
        const Headers key{{"x-api-key", "test-key"},
                          {"Content-Type", "multipart/form-data; boundary=aetherboundary"}};
        QCOMPARE(
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"), multipart, key).status,
            200); // warms up what any upload pays once
        const qint64 baseKb = residentKb(m_daemon.pid());
        QVERIFY(baseKb > 0);
        std::vector<std::unique_ptr<Uploader>> keyless;
        for (int i = 0; i < 50; ++i)
            keyless.push_back(std::make_unique<Uploader>(
                m_daemon.port(), uploadHead("/knowledge/ingest-file-async", 100 * kMegabyte, {}),
                QByteArray(), 100 * kMegabyte));
        Uploader authorised(m_daemon.port(),
                            uploadHead("/knowledge/ingest-file-async", multipart.size(),
                                       "x-api-key: test-key\r\n",
                                       "multipart/form-data; boundary=aetherboundary"),
                            multipart, multipart.size());

        // Stops early if memory grows past the bound (today's code would read
        // all 5 GB into memory).
        qint64 peakKb = baseKb;
        QElapsedTimer timer;
        timer.start();
        const auto allDone = [&] {
            for (const auto &uploader : keyless) {
                if (!uploader->isDone())
                    return false;
            }
            return authorised.isDone();
        };
        while (!allDone() && timer.elapsed() < 180000 && peakKb - baseKb <= 2 * kRssMarginKb) {
            QTest::qWait(20);
            peakKb = qMax(peakKb, residentKb(m_daemon.pid()));
        }
        qint64 keylessSent = 0;
        for (const auto &uploader : keyless)
            keylessSent += uploader->sent();
        qInfo("daemon RSS %lld kB at base, peak %+lld kB; keyless clients sent %lld MB", baseKb,
              peakKb - baseKb, keylessSent / kMegabyte);
        for (const auto &uploader : keyless)
            uploader->stop();
        // Under AddressSanitizer freed memory waits in a quarantine, so the
        // resident size says nothing there; the answers still count.
        if (qEnvironmentVariableIsEmpty("ASAN_OPTIONS"))
            QVERIFY2(peakKb - baseKb <= kRssMarginKb,
                     qPrintable(QStringLiteral("peak RSS %1 kB over base").arg(peakKb - baseKb)));
        for (const auto &uploader : keyless)
            QVERIFY2(statusOf(uploader->answer()) == 401, uploader->answer().left(300).constData());
        QVERIFY2(statusOf(authorised.answer()) == 200, authorised.answer().left(300).constData());
    }
};

QTEST_GUILESS_MAIN(TestIngestdEarlyRefusal)
#include "tst_ingestd_early_refusal.moc"
