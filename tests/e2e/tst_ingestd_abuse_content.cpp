// Hostile content against the real daemon and its workers: file names that
// climb directories or carry NUL bytes, a zip bomb dressed as .docx, a gzip
// bomb served over HTTP, a redirect into loopback, and a name that resolves to
// this machine. Each refused input fails its own job (or its request) with a
// clear message, stores nothing, and the next job still finishes.
#include "daemonprocess.h"
#include "fetch/addressguard.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "officefixtures.h"
#include "redisprocess.h"

#include <QDir>
#include <QHostInfo>
#include <QJsonArray>
#include <QTest>
#include <QUuid>
#include <memory>
#include <zlib.h>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kMultipart{{"x-api-key", "test-key"},
                         {"x-role", "editor"},
                         {"Content-Type", "multipart/form-data; boundary=B"}};

// `size` zero bytes, gzip-compressed as they are produced, so the test never
// holds the expanded body: what a decompression bomb on a web server is.
QByteArray gzipOfZeros(qint64 size)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    QByteArray zeros(1024 * 1024, '\0');
    QByteArray out;
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    for (qint64 left = size; left >= 0; left -= zeros.size()) {
        const bool last = left <= zeros.size();
        stream.next_in = reinterpret_cast<Bytef *>(zeros.data());
        stream.avail_in = uInt(qMin<qint64>(left, zeros.size()));
        do {
            stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
            stream.avail_out = uInt(buffer.size());
            deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(buffer.constData(), buffer.size() - stream.avail_out);
        } while (stream.avail_out == 0);
        if (last)
            break;
    }
    deflateEnd(&stream);
    return out;
}

} // namespace

class TestIngestdAbuseContent : public QObject
{
    Q_OBJECT

private:
    qint64 storedDocuments() const
    {
        return m_client->get(QStringLiteral("/knowledge/documents"), kEditor)
            .json()
            .value("total")
            .toInteger(-1);
    }

    // Enqueues `url`; returns the ended job.
    QJsonObject urlJob(const QByteArray &url) const
    {
        const HttpResult queued = m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                                                     {{"url", QString::fromLatin1(url)}}, kEditor);
        if (queued.status != 200)
            return queued.json();
        return waitForJob(*m_client, queued.json().value("job_id").toString(), nullptr, 60000);
    }

    QJsonObject fileJob(const QByteArray &fileName, const QByteArray &bytes) const
    {
        const HttpResult queued =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"),
                           HttpClient::multipart("B", fileName, bytes), kMultipart);
        if (queued.status != 200)
            return queued.json();
        return waitForJob(*m_client, queued.json().value("job_id").toString(), nullptr, 60000);
    }

    static void verifyFailed(const QJsonObject &job, const QString &message)
    {
        QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
        QVERIFY2(job.value("error").toString().contains(message),
                 qPrintable(job.value("error").toString()));
    }

    void verifyStillWorking()
    {
        const QJsonObject next = fileJob("after.txt", "the daemon still ingests after abuse");
        QCOMPARE(next.value("status").toString(), QStringLiteral("finished"));
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;
    QByteArray m_localhost; // http://localhost:<fixture port>

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        // The fixture runs on loopback: only the name "localhost" is let
        // through, so any other way to loopback must still be refused.
        env.insert(QStringLiteral("URL_ALLOW_HOSTS"), QStringLiteral("localhost"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        m_localhost = "http://localhost:" + QByteArray::number(m_web.port());
    }

    void anAllowedHostIsFetched() // the control: refusals below are not the fixture's fault
    {
        m_web.setResponse("/page.txt", {200,
                                        "OK",
                                        {{"Content-Type", "text/plain"}},
                                        "A page on an allowed intranet host.",
                                        0});
        const QJsonObject job = urlJob(m_localhost + "/page.txt");
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
    }

    void fileNamesCannotPointAnywhere_data()
    {
        QTest::addColumn<QByteArray>("disposition");
        QTest::addColumn<QString>("stored");
        const QByteArray unique = QUuid::createUuid().toByteArray(QUuid::Id128);
        QTest::newRow("climbing") << "filename=\"../../../../tmp/" + unique + ".txt\""
                                  << QString::fromLatin1(unique + ".txt");
        QTest::newRow("windows path")
            << QByteArray("filename=\"C:\\\\Windows\\\\evil.txt\"") << QStringLiteral("evil.txt");
        QTest::newRow("raw NUL") << QByteArray("filename=\"nul\0name.txt\"", 23)
                                 << QStringLiteral("nulname.txt");
        QTest::newRow("encoded NUL and slash")
            << QByteArray("filename*=UTF-8''..%2F..%2Fetc%2Fpass%00wd.txt")
            << QStringLiteral("passwd.txt");
        QTest::newRow("only dots") << QByteArray("filename=\"..\"") << QStringLiteral("upload");
    }

    void fileNamesCannotPointAnywhere()
    {
        QFETCH(QByteArray, disposition);
        QFETCH(QString, stored);
        const QByteArray body = "--B\r\nContent-Disposition: form-data; name=\"file\"; " +
                                disposition + "\r\nContent-Type: text/plain\r\n\r\n" +
                                "hostile file name " + QTest::currentDataTag() + "\r\n--B--\r\n";
        const HttpResult queued =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"), body, kMultipart);
        QCOMPARE(queued.status, 200);
        const QJsonObject job =
            waitForJob(*m_client, queued.json().value("job_id").toString(), nullptr, 60000);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("result").toObject().value("filename").toString(), stored);
        QVERIFY(!QFile::exists(QDir::temp().filePath(stored)) || stored == QLatin1String("upload"));
    }

    void aZipBombDocxFailsAlone()
    {
        const qint64 before = storedDocuments();
        const QList<ZipEntry> parts = {contentTypes(
            QStringLiteral("word/document.xml"),
            QStringLiteral(
                "application/"
                "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"))};
        const QByteArray bomb =
            zeroBombZip(QStringLiteral("word/document.xml"), 300LL * 1024 * 1024, parts);
        verifyFailed(fileJob("bomb.docx", bomb), QStringLiteral("zip bomb"));
        const QByteArray liar = withDeclaredSize(
            zeroBombZip(QStringLiteral("word/document.xml"), 100LL * 1024 * 1024, parts),
            QStringLiteral("word/document.xml"), 900);
        verifyFailed(fileJob("liar.docx", liar), QStringLiteral("expands more than"));
        QCOMPARE(storedDocuments(), before);
        verifyStillWorking();
    }

    void aGzipBombOverHttpFailsAlone()
    {
        const qint64 before = storedDocuments();
        m_web.setResponse("/bomb.txt",
                          {200,
                           "OK",
                           {{"Content-Type", "text/plain"}, {"Content-Encoding", "gzip"}},
                           gzipOfZeros(512LL * 1024 * 1024),
                           0});
        verifyFailed(urlJob(m_localhost + "/bomb.txt"), QStringLiteral("TooLarge"));
        QCOMPARE(storedDocuments(), before);
        verifyStillWorking();
    }

    void aRedirectIntoLoopbackIsNotFollowed()
    {
        m_web.setResponse("/secret", {200, "OK", {{"Content-Type", "text/plain"}}, "secret", 0});
        m_web.setRedirect("/hop", m_web.url("/secret")); // http://127.0.0.1:<port>/secret
        verifyFailed(urlJob(m_localhost + "/hop"), QStringLiteral("refused address 127.0.0.1"));
        QCOMPARE(m_web.requestCount("/hop"), 1);
        QCOMPARE(m_web.requestCount("/secret"), 0);
    }

    void namesResolvingToThisMachineAreRefused()
    {
        const QString name = QHostInfo::localHostName();
        const QList<QHostAddress> addresses = QHostInfo::fromName(name).addresses();
        const bool allPrivate =
            !addresses.isEmpty() &&
            std::none_of(addresses.begin(), addresses.end(), [](const QHostAddress &address) {
                return AddressGuard::isPublic(address);
            });
        if (!allPrivate)
            QSKIP("this machine's name does not resolve to private addresses only");
        const QJsonObject job = urlJob("http://" + name.toLatin1() + ":" +
                                       QByteArray::number(m_web.port()) + "/secret");
        verifyFailed(job, QStringLiteral("refused address"));
        QCOMPARE(m_web.requestCount("/secret"), 0);
    }

    void literalPrivateAddressesAreRefusedAtOnce_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("loopback") << QStringLiteral("http://127.0.0.1/x");
        QTest::newRow("ipv6 loopback") << QStringLiteral("http://[::1]/x");
        QTest::newRow("private") << QStringLiteral("http://10.0.0.1/x");
        QTest::newRow("cloud metadata") << QStringLiteral("http://169.254.169.254/latest/");
        QTest::newRow("mapped") << QStringLiteral("http://[::ffff:127.0.0.1]/x");
    }

    void literalPrivateAddressesAreRefusedAtOnce()
    {
        QFETCH(QString, url);
        const HttpResult reply = m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                                                    {{"url", url}}, kEditor);
        QCOMPARE(reply.status, 422);
        QVERIFY2(reply.json().value("error").toString().contains(QStringLiteral("private")),
                 reply.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestIngestdAbuseContent)
#include "tst_ingestd_abuse_content.moc"
