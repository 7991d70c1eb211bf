// Webhooks end to end: a receiver started by the test gets the job's final
// status signed with HMAC-SHA256 after a transient 500 then a 200; every
// attempt is recorded in the job; a batch's webhook fires when its last
// member ends; a receiver on a refused (loopback) address is never called.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>
#include <QTimeZone>

using namespace aether;
using namespace aether::test;

namespace {

const QByteArray kSecret = "hook-secret-42";

bool waitForRequests(const FixtureHttpServer &server, const QByteArray &path, int count,
                     int timeoutMs = 20000)
{
    QElapsedTimer timer;
    timer.start();
    while (server.requestCount(path) < count && timer.elapsed() < timeoutMs)
        QThread::msleep(10);
    return server.requestCount(path) >= count;
}

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QJsonObject waitForWebhookStatus(const HttpClient &client, const QString &id)
{
    QJsonObject job;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        job = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        const QString state = job.value("webhook_status").toString();
        if (state == QLatin1String("delivered") || state == QLatin1String("failed"))
            break;
        QThread::msleep(20);
    }
    return job;
}

} // namespace

class TestIngestdWebhooks : public QObject
{
    Q_OBJECT

private:
    RedisProcess m_redis;
    DaemonProcess m_daemon; // URL_ALLOW_PRIVATE=1: may call the loopback receiver
    RedisProcess m_guardedRedis;
    DaemonProcess m_guarded; // URL_ALLOW_PRIVATE unset
    FixtureHttpServer m_receiver;
    std::unique_ptr<HttpClient> m_client;

    QString enqueue(const HttpClient &client, const QString &text, const QByteArray &hook)
    {
        const HttpResult reply =
            client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                            {{"text", text}, {"webhook_url", QString::fromLatin1(hook)}}, kEditor);
        return reply.json().value("job_id").toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("WEBHOOK_SECRETS"),
                   QString::fromLatin1(QByteArray("test-key=").append(kSecret)));
        env.insert(QStringLiteral("WEBHOOK_RETRY_BASE_MS"), QStringLiteral("200"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());

        QVERIFY2(m_guardedRedis.start(), qPrintable(m_guardedRedis.errorText()));
        QVERIFY2(m_guarded.start(daemonEnvironment(m_guardedRedis, 1)),
                 qPrintable(m_guarded.errorText()));
    }

    void aSignedBodyArrivesAfterATransient500()
    {
        m_receiver.setSequence("/hook",
                               {{500, "OK", {}, "try later", 0}, {200, "OK", {}, "ok", 0}});
        const QString id =
            enqueue(*m_client, QStringLiteral("Carrier pigeons home."), m_receiver.url("/hook"));
        QVERIFY(!id.isEmpty());
        QVERIFY(waitForRequests(m_receiver, "/hook", 2));

        const QByteArray body = m_receiver.lastRequestBody("/hook");
        const QByteArray expected = QByteArray("sha256=").append(
            QMessageAuthenticationCode::hash(body, kSecret, QCryptographicHash::Sha256).toHex());
        QCOMPARE(headerValue(m_receiver.lastRequestHead("/hook"), "X-Aether-Signature"), expected);
        const QJsonObject sent = QJsonDocument::fromJson(body).object();
        QCOMPARE(sent.value("id").toString(), id);
        QCOMPARE(sent.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(sent.value("ok").toBool(), true);
        QVERIFY(sent.contains("result"));

        const QJsonObject job = waitForWebhookStatus(*m_client, id);
        QCOMPARE(job.value("webhook_status").toString(), QStringLiteral("delivered"));
        const QJsonArray deliveries = job.value("webhook_deliveries").toArray();
        QCOMPARE(deliveries.size(), 2);
        QCOMPARE(deliveries.at(0).toObject().value("status_code").toInt(), 500);
        QCOMPARE(deliveries.at(1).toObject().value("status_code").toInt(), 200);
        QVERIFY(!deliveries.at(1).toObject().contains("error"));
    }

    void deliveryLatencyIsMeasured()
    {
        m_receiver.setResponse("/fast", {200, "OK", {}, "ok", 0});
        const QString id =
            enqueue(*m_client, QStringLiteral("Latency probe."), m_receiver.url("/fast"));
        QVERIFY(waitForRequests(m_receiver, "/fast", 1));
        const QByteArray endedAt =
            m_redis.command({"HGET", QByteArray("rq:job:").append(id.toLatin1()), "ended_at"});
        // RESP bulk string in RQ's format: "$27\r\n2026-..-..T..:..:..\.zzz000Z\r\n"
        const QByteArray stamp = endedAt.mid(endedAt.indexOf('\n') + 1).trimmed().left(23);
        QDateTime ended = QDateTime::fromString(QString::fromLatin1(stamp),
                                                QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz"));
        ended.setTimeZone(QTimeZone::utc());
        QVERIFY(ended.isValid());
        const qint64 latencyMs = m_receiver.lastRequestAtMs("/fast") - ended.toMSecsSinceEpoch();
        qInfo("webhook delivery latency: %lld ms from job end to the receiver's request",
              latencyMs);
        QVERIFY(latencyMs >= 0 && latencyMs < 2000);
    }

    void aBatchWebhookFiresWhenTheLastMemberEnds()
    {
        m_receiver.setResponse("/batch", {200, "OK", {}, "ok", 0});
        const QJsonArray items{QJsonObject{{"text", "Morse code dots."}},
                               QJsonObject{{"text", "Morse code dashes."}}};
        const HttpResult created = m_client->postJson(
            QStringLiteral("/knowledge/ingest-batch-async"),
            {{"items", items}, {"webhook_url", QString::fromLatin1(m_receiver.url("/batch"))}},
            kEditor);
        QCOMPARE(created.status, 200);
        QVERIFY(waitForRequests(m_receiver, "/batch", 1));
        const QJsonObject sent =
            QJsonDocument::fromJson(m_receiver.lastRequestBody("/batch")).object();
        QCOMPARE(sent.value("id").toString(), created.json().value("batch_id").toString());
        QCOMPARE(sent.value("finished").toBool(), true);
        QCOMPARE(sent.value("counts").toObject().value("finished").toInt(), 2);
    }

    void aRefusedAddressIsNeverCalled()
    {
        HttpClient guarded(m_guarded.baseUrl());
        // A literal loopback address is refused when the job is queued...
        const HttpResult literal = guarded.postJson(
            QStringLiteral("/knowledge/ingest-text-async"),
            {{"text", "x"}, {"webhook_url", QString::fromLatin1(m_receiver.url("/refused"))}},
            kEditor);
        QCOMPARE(literal.status, 422);
        // ...and a name that resolves to it is refused when the delivery is tried.
        const QByteArray byName = QByteArray("http://localhost:")
                                      .append(QByteArray::number(m_receiver.port()))
                                      .append("/refused");
        const QString id = enqueue(guarded, QStringLiteral("Smoke signals."), byName);
        QVERIFY(!id.isEmpty());
        const QJsonObject job = waitForWebhookStatus(guarded, id);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("webhook_status").toString(), QStringLiteral("failed"));
        const QJsonArray deliveries = job.value("webhook_deliveries").toArray();
        QCOMPARE(deliveries.size(), 1); // refused: not retried
        QVERIFY2(deliveries.at(0).toObject().value("error").toString().startsWith("URLError"),
                 qPrintable(deliveries.at(0).toObject().value("error").toString()));
        QTest::qWait(500);
        QCOMPARE(m_receiver.requestCount("/refused"), 0);
    }
};

QTEST_GUILESS_MAIN(TestIngestdWebhooks)
#include "tst_ingestd_webhooks.moc"
