// Batches end to end against the real aether-ingestd: many inputs in one
// request, each an ordinary job; one broken file fails alone and the batch
// reports it; the batch's tenant can follow it; cancel and retry act on all.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kAcme{{"x-api-key", "acme-key"}};
const Headers kGlobex{{"x-api-key", "globex-key"}};

QByteArray part(const QByteArray &boundary, const QByteArray &name, const QByteArray &fileName,
                const QByteArray &bytes)
{
    QByteArray out = QByteArray("--").append(boundary).append("\r\n");
    out.append("Content-Disposition: form-data; name=\"").append(name).append('"');
    if (!fileName.isEmpty())
        out.append("; filename=\"").append(fileName).append('"');
    out.append("\r\n\r\n").append(bytes).append("\r\n");
    return out;
}

} // namespace

class TestIngestdBatches : public QObject
{
    Q_OBJECT

private:
    QJsonObject waitForBatch(const QString &id, const Headers &headers, int timeoutMs = 60000)
    {
        QElapsedTimer timer;
        timer.start();
        QJsonObject last;
        while (timer.elapsed() < timeoutMs) {
            last = m_client->get(QStringLiteral("/ops/batches/") + id, headers).json();
            if (last.value("finished").toBool())
                return last;
            QThread::msleep(50);
        }
        return last;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-key:editor:acme,globex-key:editor:globex"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123"));
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("50"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        m_web.setResponse("/page", {200,
                                    "OK",
                                    {{"Content-Type", "text/html"}},
                                    "<html><body><p>Lighthouse keepers log the fog.</p></body>"
                                    "</html>"});
    }

    void mixedFilesWithOneBrokenFileReportTheFailure()
    {
        const QByteArray boundary = "b4tchb0undary";
        QByteArray body = part(boundary, "source", {}, "manuals");
        body += part(boundary, "file", "notes.md", "# Kettles\n\nDescale the kettle monthly.\n");
        body += part(boundary, "file", "plain.txt", "Barometers predict the weather.\n");
        body += part(boundary, "file", "page.html",
                     "<html><body><p>Sextants measure angles.</p></body></html>");
        body += part(boundary, "file", "broken.pdf", "%PDF-1.4\nthis is not really a pdf\n");
        body += QByteArray("--").append(boundary).append("--\r\n");
        Headers headers = kAcme;
        headers.append({"Content-Type", "multipart/form-data; boundary=" + boundary});
        const HttpResult created =
            m_client->post(QStringLiteral("/knowledge/ingest-batch-async"), body, headers);
        QCOMPARE(created.status, 200);
        const QJsonObject answer = created.json();
        QCOMPARE(answer.value("count").toInt(), 4);
        QCOMPARE(answer.value("job_ids").toArray().size(), 4);
        const QString batchId = answer.value("batch_id").toString();
        QVERIFY(!batchId.isEmpty());

        const QJsonObject batch = waitForBatch(batchId, kAcme);
        QVERIFY2(batch.value("finished").toBool(), QJsonDocument(batch).toJson().constData());
        const QJsonObject counts = batch.value("counts").toObject();
        QCOMPARE(counts.value("finished").toInt(), 3);
        QCOMPARE(counts.value("failed").toInt(), 1);
        QCOMPARE(batch.value("progress").toInt(), 100);
        QCOMPARE(batch.value("source").toString(), QStringLiteral("manuals"));
        for (const QJsonValue &member : batch.value("jobs").toArray()) {
            const QJsonObject job = member.toObject();
            const bool broken = job.value("filename").toString() == QLatin1String("broken.pdf");
            QCOMPARE(job.value("status").toString(),
                     broken ? QStringLiteral("failed") : QStringLiteral("finished"));
            if (broken)
                QVERIFY(!job.value("error").toString().isEmpty());
        }
        // A member is an ordinary job that names its batch.
        const QJsonObject first =
            m_client
                ->get("/ops/jobs/" + answer.value("job_ids").toArray().first().toString(), kAdmin)
                .json();
        QCOMPARE(first.value("batch_id").toString(), batchId);
        // Another tenant does not see it.
        QCOMPARE(m_client->get("/ops/batches/" + batchId, kGlobex).status, 404);

        // Retry acts on the failed member only; it fails again, and the batch ends again.
        const QJsonObject retried =
            m_client->post("/ops/batches/" + batchId + "/retry", {}, kAcme).json();
        QCOMPARE(retried.value("retried").toInt(), 1);
        const QJsonObject again = waitForBatch(batchId, kAcme);
        QCOMPARE(again.value("counts").toObject().value("failed").toInt(), 1);
    }

    void jsonItemsMixTextsAndUrls()
    {
        const QJsonArray items{QJsonObject{{"text", "Tide tables list the high waters."}},
                               QJsonObject{{"url", QString::fromLatin1(m_web.url("/page"))}},
                               QJsonObject{{"text", "Buoys mark the channel."}, {"source", "sea"}}};
        const HttpResult created = m_client->postJson(
            QStringLiteral("/knowledge/ingest-batch-async"), {{"items", items}}, kAcme);
        QCOMPARE(created.status, 200);
        const QJsonObject batch = waitForBatch(created.json().value("batch_id").toString(), kAcme);
        QCOMPARE(batch.value("counts").toObject().value("finished").toInt(), 3);
        QCOMPARE(batch.value("total").toInt(), 3);
        const QJsonObject url = batch.value("jobs").toArray().at(1).toObject();
        QCOMPARE(url.value("type").toString(), QStringLiteral("url"));
    }

    void cancelEndsTheQueuedMembers()
    {
        QVERIFY(m_client->post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status == 200);
        const QJsonArray items{QJsonObject{{"text", "one"}}, QJsonObject{{"text", "two"}}};
        const QString id = m_client
                               ->postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                                          {{"items", items}}, kAcme)
                               .json()
                               .value("batch_id")
                               .toString();
        const QJsonObject canceled =
            m_client->post("/ops/batches/" + id + "/cancel", {}, kAcme).json();
        QCOMPARE(canceled.value("canceled").toInt(), 2);
        QVERIFY(m_client->post(QStringLiteral("/ops/queue/resume"), {}, kAdmin).status == 200);
        const QJsonObject batch = waitForBatch(id, kAcme, 5000);
        QVERIFY(batch.value("finished").toBool());
        QCOMPARE(batch.value("counts").toObject().value("canceled").toInt(), 2);
    }

    void invalidBatchesAreRefused()
    {
        QCOMPARE(m_client
                     ->postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                                {{"items", QJsonArray()}}, kAcme)
                     .status,
                 422);
        QCOMPARE(m_client
                     ->postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                                {{"items", QJsonArray{QJsonObject{{"nothing", 1}}}}}, kAcme)
                     .status,
                 422);
        QCOMPARE(m_client->get(QStringLiteral("/ops/batches/not-a-batch"), kAcme).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestIngestdBatches)
#include "tst_ingestd_batches.moc"
