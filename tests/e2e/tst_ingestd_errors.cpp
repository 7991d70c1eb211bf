// Refusals of the real aether-ingestd over HTTP: the role matrix, malformed and
// oversized requests, unsupported files, unknown routes and a Redis outage.
// Every refusal is a JSON error with the right status, and nothing is queued.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QTcpSocket>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const QString kText = QStringLiteral("/knowledge/ingest-text-async");
const QString kUrl = QStringLiteral("/knowledge/ingest-url-async");
const QString kFile = QStringLiteral("/knowledge/ingest-file-async");

Headers parseHeaders(const QString &spec)
{
    Headers headers;
    for (const QString &pair : spec.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        headers.append({pair.left(eq).trimmed().toLatin1(), pair.mid(eq + 1).trimmed().toLatin1()});
    }
    return headers;
}

} // namespace

class TestIngestdErrors : public QObject
{
    Q_OBJECT

private:
    void verifyJsonError(const HttpResult &reply, int status)
    {
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(reply.json().value("ok").toBool(true), false);
        QVERIFY2(!reply.json().value("error").toString().isEmpty(), reply.body.constData());
    }

    qint64 queued()
    {
        return m_redis.command({"LLEN", "rq:queue:ingest"}).mid(1).trimmed().toLongLong();
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env =
            daemonEnvironment(m_redis, 0); // jobs stay queued: counts are exact
        env.insert(QStringLiteral("MAX_UPLOAD_MB"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void roleMatrix_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("headers");
        QTest::addColumn<int>("status");
        const QString job = QStringLiteral("/ops/jobs/fake-job-id-999"); // 404 once allowed in
        struct Row
        {
            const char *who;
            const char *headers;
            int text;
            int ops;
        };
        const Row rows[] = {
            {"no key", "", 401, 401},
            {"wrong key", "x-api-key=nope", 401, 401},
            {"viewer", "x-api-key=test-key;x-role=viewer", 403, 403},
            {"editor", "x-api-key=test-key;x-role=editor", 200, 403},
            {"admin role", "x-api-key=test-key;x-role=admin", 200, 404},
            {"key without x-role (admin)", "x-api-key=test-key", 200, 404},
            {"admin key", "x-admin-key=admin-secret-123", 401, 404},
            {"wrong admin key", "x-admin-key=guess", 401, 401},
            {"bad x-role", "x-api-key=test-key;x-role=root", 400, 400},
        };
        for (const Row &row : rows) {
            QTest::addRow("text, %s", row.who)
                << QByteArray("POST") << kText << QString::fromLatin1(row.headers) << row.text;
            QTest::addRow("ops, %s", row.who)
                << QByteArray("GET") << job << QString::fromLatin1(row.headers) << row.ops;
        }
    }
    void roleMatrix()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, headers);
        QFETCH(int, status);
        Headers all = parseHeaders(headers);
        all.emplaceBack("Content-Type", "application/json");
        const HttpResult reply = m_client->send(
            method, path, method == "POST" ? QByteArray("{\"text\":\"matrix\"}") : QByteArray(),
            all);
        QCOMPARE(reply.status, status);
        if (status != 200)
            verifyJsonError(reply, status);
    }

    void malformedJsonIs400()
    {
        const qint64 before = queued();
        verifyJsonError(m_client->post(kText, "{\"text\": ", kEditor), 400);
        verifyJsonError(m_client->post(kText, "[1, 2]", kEditor), 400);
        verifyJsonError(m_client->post(kText, "", kEditor), 400);
        verifyJsonError(m_client->post(kUrl, "not json", kEditor), 400);
        QCOMPARE(queued(), before);
    }

    void missingOrInvalidFieldsAre422_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("text missing") << kText << QByteArray("{\"source\":\"x\"}");
        QTest::newRow("text empty") << kText << QByteArray("{\"text\":\"   \"}");
        QTest::newRow("text not a string") << kText << QByteArray("{\"text\":42}");
        QTest::newRow("source not a string")
            << kText << QByteArray("{\"text\":\"a\",\"source\":[]}");
        QTest::newRow("url missing") << kUrl << QByteArray("{\"source\":\"web\"}");
        QTest::newRow("url not http") << kUrl << QByteArray("{\"url\":\"ftp://example.com/x\"}");
        QTest::newRow("url relative") << kUrl << QByteArray("{\"url\":\"/etc/passwd\"}");
        QTest::newRow("url loopback literal")
            << kUrl << QByteArray("{\"url\":\"http://127.0.0.1:6379/\"}");
        QTest::newRow("url metadata")
            << kUrl << QByteArray("{\"url\":\"http://169.254.169.254/latest\"}");
    }
    void missingOrInvalidFieldsAre422()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        const qint64 before = queued();
        verifyJsonError(m_client->post(path, body, kEditor), 422);
        QCOMPARE(queued(), before);
    }

    void fileRequestsAreChecked()
    {
        const Headers multipart{{"x-api-key", "test-key"},
                                {"x-role", "editor"},
                                {"Content-Type", "multipart/form-data; boundary=B"}};
        const qint64 before = queued();
        // Not multipart at all.
        verifyJsonError(m_client->post(kFile, "{}", kEditor), 400);
        // Multipart without a 'file' part.
        verifyJsonError(
            m_client->post(
                kFile,
                "--B\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nx\r\n--B--\r\n",
                multipart),
            422);
        // Truncated multipart.
        verifyJsonError(m_client->post(kFile,
                                       "--B\r\nContent-Disposition: form-data; name=\"file\"; "
                                       "filename=\"a.txt\"\r\n\r\nabc",
                                       multipart),
                        400);
        // A BMP is not a supported document (PNG, JPEG, TIFF, WebP and GIF are, by OCR).
        const QByteArray bmp = QByteArray("BM\x36\0\0\0\0\0", 8) + QByteArray(64, '\0');
        verifyJsonError(
            m_client->post(kFile, HttpClient::multipart("B", "picture.bmp", bmp), multipart), 415);
        // Empty file.
        verifyJsonError(
            m_client->post(kFile, HttpClient::multipart("B", "empty.txt", {}), multipart), 422);
        QCOMPARE(queued(), before);
    }

    void fileNamesLoseTheirPaths()
    {
        const Headers multipart{{"x-api-key", "test-key"},
                                {"x-role", "editor"},
                                {"Content-Type", "multipart/form-data; boundary=B"}};
        const HttpResult reply = m_client->post(
            kFile, HttpClient::multipart("B", "../../etc/notes.txt", "hello"), multipart);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value("filename").toString(), QStringLiteral("notes.txt"));
    }

    void oversizedBodiesAre413BeforeBuffering()
    {
        const qint64 before = queued();
        // MAX_UPLOAD_MB=1 here: 3 MB of text is refused.
        const QByteArray big = "{\"text\":\"" + QByteArray(3 * 1024 * 1024, 'a') + "\"}";
        verifyJsonError(m_client->post(kText, big, kEditor), 413);
        const Headers multipart{{"x-api-key", "test-key"},
                                {"x-role", "editor"},
                                {"Content-Type", "multipart/form-data; boundary=B"}};
        verifyJsonError(
            m_client->post(kFile,
                           HttpClient::multipart("B", "big.txt", QByteArray(3 * 1024 * 1024, 'b')),
                           multipart),
            413);
        QCOMPARE(queued(), before);
        // The server still answers afterwards.
        QCOMPARE(m_client->get(QStringLiteral("/healthz")).status, 200);
    }

    void aHugeDeclaredLengthIsRefusedAtOnce()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_daemon.port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(
            "POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: "
            "test-key\r\n"
            "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"text\":\"");
        QVERIFY(socket.waitForReadyRead(5000)); // answered without sending the gigabyte
        QByteArray answer = socket.readAll();
        while (socket.waitForReadyRead(200))
            answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(answer.contains("\"ok\":false"));
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_daemon.port());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray body = "{\"text\":\"pipelined\"}";
        // The first answer waits for its Redis batch; the second is immediate.
        socket.write("POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: "
                     "test-key\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body +
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray answers;
        while (answers.count("HTTP/1.1 ") < 2 && socket.waitForReadyRead(5000))
            answers += socket.readAll();
        const qsizetype job = answers.indexOf("\"job_id\"");
        const qsizetype health = answers.indexOf("\"version\"");
        QVERIFY2(job > 0 && health > 0, answers.constData());
        QVERIFY2(job < health, answers.constData());
    }

    void unknownRoutesAndMethodsAreJson()
    {
        verifyJsonError(m_client->get(QStringLiteral("/nowhere")), 404);
        verifyJsonError(m_client->get(QStringLiteral("/knowledge/ingest-text-async"), kEditor),
                        405);
        QCOMPARE(
            m_client->get(QStringLiteral("/knowledge/ingest-text-async"), kEditor).header("Allow"),
            QByteArray("POST"));
    }

    void redisOutageIs503AndRecovers()
    {
        m_redis.stop();
        const HttpResult down =
            m_client->postJson(kText, {{"text", "while Redis is away"}}, kEditor);
        verifyJsonError(down, 503);
        QVERIFY2(down.json().value("error").toString().contains(QStringLiteral("Redis")),
                 down.body.constData());
        verifyJsonError(m_client->get(QStringLiteral("/healthz")), 503);
        QVERIFY(m_daemon.isRunning());
        QVERIFY(m_redis.restart());
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->postJson(kText, {{"text", "Redis is back"}}, kEditor).status, 200, 15000);
    }
};

QTEST_GUILESS_MAIN(TestIngestdErrors)
#include "tst_ingestd_errors.moc"
