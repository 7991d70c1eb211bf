// Where URL jobs may go and what they keep, against the real daemon: this
// machine's own addresses and the special-purpose ranges are refused at submit
// (no connection is made: the daemon that judges them has no workers), and
// credentials in a URL are refused, or with URL_ALLOW_CREDENTIALS=1 used for
// the fetch and never stored, listed, logged or returned.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonDocument>
#include <QNetworkInterface>
#include <QTest>
#include <memory>

using namespace aether::test;

namespace {

const Headers kViewer{{"x-api-key", "test-key"}, {"x-role", "viewer"}};
const QByteArray kUser = "alice";
const QByteArray kPassword = "S3cretPW";

QString bracketed(const QHostAddress &address)
{
    QHostAddress plain = address;
    plain.setScopeId(QString()); // a zone has no place in a URL's host
    return address.protocol() == QHostAddress::IPv6Protocol
               ? QLatin1Char('[') + plain.toString() + QLatin1Char(']')
               : plain.toString();
}

} // namespace

class TestIngestdUrlTrust : public QObject
{
    Q_OBJECT

private:
    HttpResult submitUrl(const HttpClient &client, const QString &url,
                         const QJsonObject &extra = {}) const
    {
        QJsonObject body = extra;
        body.insert(QStringLiteral("url"), url);
        return client.postJson(QStringLiteral("/knowledge/ingest-url-async"), body, kEditor);
    }

    static void verifyRefused(const HttpResult &reply, const QString &reason)
    {
        QVERIFY2(reply.status == 422, reply.body.constData());
        QVERIFY2(reply.json().value("error").toString().contains(reason), reply.body.constData());
    }

    static void verifyNoSecret(const QByteArray &text, const char *where)
    {
        QVERIFY2(!text.contains(kPassword), qPrintable(QString::fromLatin1(where) + ": " + text));
        QVERIFY2(!text.contains(QByteArray(kUser + ':')),
                 qPrintable(QString::fromLatin1(where) + ": " + text));
    }

    // Each daemon has its own Redis: a job the gate let through (today's code
    // does) must never reach the fetcher's worker, which would connect to it.
    RedisProcess m_gateRedis;
    RedisProcess m_redis;
    DaemonProcess m_gate;    // no workers: judges URLs at submit, fetches nothing
    DaemonProcess m_fetcher; // URL_ALLOW_CREDENTIALS=1, reaches only the loopback fixture
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_gateClient;
    std::unique_ptr<HttpClient> m_fetchClient;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_gateRedis.start(), qPrintable(m_gateRedis.errorText()));
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_gate.start(daemonEnvironment(m_gateRedis, 0)), qPrintable(m_gate.errorText()));
        m_gateClient = std::make_unique<HttpClient>(m_gate.baseUrl());
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("URL_ALLOW_HOSTS"), QStringLiteral("localhost"));
        env.insert(QStringLiteral("URL_ALLOW_CREDENTIALS"), QStringLiteral("1"));
        env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("200"));
        QVERIFY2(m_fetcher.start(env), qPrintable(m_fetcher.errorText()));
        m_fetchClient = std::make_unique<HttpClient>(m_fetcher.baseUrl());
    }

    // The case: a service bound to 0.0.0.0 answered on eth0's address.
    void everyOwnAddressIsRefusedAtSubmit()
    {
        const QString port = QString::number(m_web.port());
        int checked = 0;
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.isLoopback())
                continue;
            verifyRefused(submitUrl(*m_gateClient,
                                    QStringLiteral("http://%1:%2/").arg(bracketed(address), port)),
                          QStringLiteral("this machine"));
            if (address.protocol() == QHostAddress::IPv4Protocol) {
                const quint32 ipv4 = address.toIPv4Address();
                const QString sixToFour = QStringLiteral("2002:%1:%2::1")
                                              .arg(ipv4 >> 16, 0, 16)
                                              .arg(ipv4 & 0xffff, 0, 16);
                for (const QString &spelling :
                     QStringList{QStringLiteral("::ffff:") + address.toString(), sixToFour}) {
                    verifyRefused(submitUrl(*m_gateClient,
                                            QStringLiteral("http://[%1]:%2/").arg(spelling, port)),
                                  QStringLiteral("this machine"));
                }
            }
            ++checked;
        }
        if (checked == 0)
            QSKIP("this machine has no address besides loopback");
    }

    void specialRangesAreRefusedAtSubmit_data()
    {
        QTest::addColumn<QString>("host");
        for (const char *host : {"192.0.2.1",
                                 "198.51.100.7",
                                 "203.0.113.9",
                                 "[::ffff:198.51.100.7]",
                                 "[::ffff:203.0.113.9]",
                                 "[::203.0.113.9]",
                                 "[2001:db8::1]",
                                 "[2002:7f00:1::1]",
                                 "[2002:a9fe:a9fe::1]",
                                 "[2002:cb00:7109::1]",
                                 "[2001:0:a00:1::fefe:fefe]",
                                 "[2001:0:808:808::80ff:fffe]",
                                 "[64:ff9b::a00:1]",
                                 "[64:ff9b::c633:6407]",
                                 "100.64.0.1",
                                 "198.18.0.1",
                                 "240.0.0.1",
                                 "255.255.255.255",
                                 "224.0.0.1",
                                 "0.0.0.0",
                                 "0.0.0.0.",
                                 "127.0.0.1.",
                                 "192.0.2.1.",
                                 "[fd00::2]",
                                 "[fec0::1]",
                                 "[ff02::1]"})
            QTest::newRow(host) << QString::fromLatin1(host);
    }

    void specialRangesAreRefusedAtSubmit()
    {
        QFETCH(QString, host);
        verifyRefused(submitUrl(*m_gateClient, QStringLiteral("http://%1/x").arg(host)),
                      QStringLiteral("private"));
    }

    void credentialsAreRefusedByDefault()
    {
        const HttpResult reply = submitUrl(
            *m_gateClient, QStringLiteral("http://%1:%2@wiki.invalid/page?token=abc")
                               .arg(QString::fromLatin1(kUser), QString::fromLatin1(kPassword)));
        verifyRefused(reply, QStringLiteral("URL_ALLOW_CREDENTIALS"));
        verifyNoSecret(reply.body, "refusal");
    }

    void webhookUrlsNeverTakeCredentials()
    {
        const HttpResult reply = submitUrl(
            *m_fetchClient, QStringLiteral("http://localhost:%1/page.txt").arg(m_web.port()),
            {{"webhook_url", QStringLiteral("http://%1:%2@localhost:%3/hook")
                                 .arg(QString::fromLatin1(kUser), QString::fromLatin1(kPassword))
                                 .arg(m_web.port())}});
        verifyRefused(reply, QStringLiteral("credentials"));
        verifyNoSecret(reply.body, "refusal");
    }

    // Allowed: the fetch authenticates with them, on every attempt (a 503
    // schedules a retry, which must still send them); the job, its Redis hash,
    // the document, search results and the log (which names the URL of a
    // retried or failed attempt) show the URL without them.
    void allowedCredentialsAreUsedAndNeverShown()
    {
        const QByteArray authorization = "Basic " + QByteArray(kUser + ':' + kPassword).toBase64();
        m_web.setSequence("/flaky.txt", {{503, "Service Unavailable", {}, "busy", 0},
                                         {200,
                                          "OK",
                                          {{"Content-Type", "text/plain"}},
                                          "The lighthouse keeper logs the tide tables every dawn.",
                                          0}});
        m_web.setRequiredAuthorization("/flaky.txt", authorization);
        const QString port = QString::number(m_web.port());
        const HttpResult queued =
            submitUrl(*m_fetchClient,
                      QStringLiteral("http://%1:%2@localhost:%3/flaky.txt?token=abc")
                          .arg(QString::fromLatin1(kUser), QString::fromLatin1(kPassword), port));
        QVERIFY2(queued.status == 200, queued.body.constData());
        const QString clean = QStringLiteral("http://localhost:%1/flaky.txt?token=abc").arg(port);
        QCOMPARE(queued.json().value("url").toString(), clean);
        verifyNoSecret(queued.body, "enqueue answer");
        const QString id = queued.json().value("job_id").toString();

        const QJsonObject job = waitForJob(*m_fetchClient, id, nullptr, 60000);
        QVERIFY2(job.value("status").toString() == QStringLiteral("finished"),
                 QJsonDocument(job).toJson().constData());
        // The 503, then the retry (which may first meet the 401 challenge).
        QVERIFY(m_web.requestCount("/flaky.txt") >= 2);
        QCOMPARE(job.value("result").toObject().value("url").toString(), clean);
        verifyNoSecret(QJsonDocument(job).toJson(), "job");
        QVERIFY2(m_web.lastRequestHead("/flaky.txt")
                     .contains(QByteArray(QByteArray("Authorization: ") + authorization)),
                 m_web.lastRequestHead("/flaky.txt").constData());

        verifyNoSecret(m_redis.command({"HGETALL", "rq:job:" + id.toLatin1()}), "job hash");
        verifyNoSecret(m_fetchClient->get(QStringLiteral("/knowledge/documents"), kViewer).body,
                       "documents");
        const HttpResult found = m_fetchClient->get(
            QStringLiteral("/knowledge/search?q=lighthouse%20tide&k=3"), kViewer);
        QVERIFY2(found.body.contains(clean.toLatin1()), found.body.constData());
        verifyNoSecret(found.body, "search");
        verifyNoSecret(m_fetchClient->get(QStringLiteral("/ops/jobs"), kAdmin).body, "job list");

        // A failed job's credentials are gone: a manual retry would fetch
        // without them, so it is refused and the caller resubmits the URL.
        m_web.setResponse("/gone.txt", {404, "Not Found", {}, "gone", 0});
        const HttpResult failing =
            submitUrl(*m_fetchClient,
                      QStringLiteral("http://%1:%2@localhost:%3/gone.txt")
                          .arg(QString::fromLatin1(kUser), QString::fromLatin1(kPassword), port));
        QVERIFY2(failing.status == 200, failing.body.constData());
        const QString failedId = failing.json().value("job_id").toString();
        const QJsonObject failed = waitForJob(*m_fetchClient, failedId, nullptr, 60000);
        QVERIFY2(failed.value("status").toString() == QStringLiteral("failed"),
                 QJsonDocument(failed).toJson().constData());
        QCOMPARE(m_redis.command({"HEXISTS", "rq:job:" + failedId.toLatin1(), "url_userinfo"}),
                 QByteArray(":0\r\n"));
        const HttpResult retried =
            m_fetchClient->post(QStringLiteral("/ops/jobs/%1/retry").arg(failedId), {}, kAdmin);
        QVERIFY2(retried.status == 409, retried.body.constData());
        QVERIFY2(
            retried.json().value("error").toString().contains(QStringLiteral("submit the URL")),
            retried.body.constData());
        // The log now holds a retried attempt and a failed one.
        verifyNoSecret(m_fetcher.log().toUtf8(), "log");
    }

    // A credentialed job that ends without running (canceled while queued)
    // does not keep them in Redis for the failure TTL.
    void canceledQueuedJobDropsCredentials()
    {
        QVERIFY(m_fetchClient->post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status == 200);
        const HttpResult queued = submitUrl(
            *m_fetchClient, QStringLiteral("http://%1:%2@localhost:%3/never.txt")
                                .arg(QString::fromLatin1(kUser), QString::fromLatin1(kPassword))
                                .arg(m_web.port()));
        QVERIFY2(queued.status == 200, queued.body.constData());
        const QByteArray key = "rq:job:" + queued.json().value("job_id").toString().toLatin1();
        QCOMPARE(m_redis.command({"HEXISTS", key, "url_userinfo"}), QByteArray(":1\r\n"));
        const HttpResult canceled = m_fetchClient->post(
            QStringLiteral("/ops/jobs/%1/cancel").arg(queued.json().value("job_id").toString()), {},
            kAdmin);
        QVERIFY2(canceled.status == 200, canceled.body.constData());
        QVERIFY(m_redis.command({"HGET", key, "status"}).contains("canceled"));
        QCOMPARE(m_redis.command({"HEXISTS", key, "url_userinfo"}), QByteArray(":0\r\n"));
        QVERIFY(m_fetchClient->post(QStringLiteral("/ops/queue/resume"), {}, kAdmin).status == 200);
    }
};

QTEST_GUILESS_MAIN(TestIngestdUrlTrust)
#include "tst_ingestd_url_trust.moc"
