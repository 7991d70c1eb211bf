// The seed's async ingest contract against the real aether-ingestd binary,
// a real redis-server and a real SQLite file, over real HTTP.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const QRegularExpression kTimestamp(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"));

const QByteArray kArticle =
    "<!doctype html><html><head><title>Queue Notes</title><style>.x{color:red}</style>"
    "<script>var tracking = 'SCRIPT_TEXT_MUST_NOT_BE_STORED';</script></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Background ingestion</h1>"
    "<p>Workers take jobs from the Redis queue and store chunks in SQLite.</p>"
    "<p>Clients poll the job status endpoint until the job is "
    "finished.</p></article></body></html>";

} // namespace

class TestIngestdSeed : public QObject
{
    Q_OBJECT

private:
    QJsonObject enqueueText(const QString &text, const QString &source)
    {
        const HttpResult reply = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                    {{"text", text}, {"source", source}}, kEditor);
        [&] { QCOMPARE(reply.status, 200); }();
        return reply.json();
    }

    // Reads the daemon's store file with an independent connection.
    QStringList storedChunks(const QString &jobId)
    {
        QStringList texts;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
            db.setDatabaseName(m_daemon.databasePath());
            db.open();
            QSqlQuery query(db);
            query.prepare(QStringLiteral(
                "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
                "WHERE d.job_id = ? ORDER BY c.position"));
            query.addBindValue(jobId);
            query.exec();
            while (query.next())
                texts.append(query.value(0).toString());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        return texts;
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
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"),
                   QStringLiteral("1")); // the fixture site is on loopback
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        m_web.setResponse(
            "/article.html",
            FixtureResponse{
                200, "OK", {{"Content-Type", "text/html; charset=utf-8"}}, kArticle, 0});
        m_web.setResponse(
            "/slow.html",
            FixtureResponse{200, "OK", {{"Content-Type", "text/html"}}, kArticle, 1500});
    }

    void asyncTextIngest()
    {
        const QJsonObject queued =
            enqueueText(QStringLiteral("Background job test: customer reported urgent issue "
                                       "with account #999"),
                        QStringLiteral("async_test"));
        QCOMPARE(queued.value("ok").toBool(), true);
        QCOMPARE(queued.value("queued").toBool(), true);
        QCOMPARE(queued.value("type").toString(), QStringLiteral("text"));
        QCOMPARE(queued.value("tenant").toString(), QStringLiteral("default"));
        QCOMPARE(queued.value("source").toString(), QStringLiteral("async_test"));
        const QString id = queued.value("job_id").toString();
        QVERIFY(!id.isEmpty());

        const QJsonObject job = waitForJob(*m_client, id);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("id").toString(), id);
        const QJsonObject result = job.value("result").toObject();
        QCOMPARE(result.value("ok").toBool(), true);
        QCOMPARE(result.value("ingested_chunks").toInt(), 1);
        QCOMPARE(result.value("tenant").toString(), QStringLiteral("default"));
        QCOMPARE(result.value("source").toString(), QStringLiteral("async_test"));
        QVERIFY(result.value("latency_ms").isDouble());
        for (const char *field : {"enqueued_at", "started_at", "ended_at"})
            QVERIFY2(kTimestamp.match(job.value(field).toString()).hasMatch(), field);
        QVERIFY(job.value("started_at").toString() >= job.value("enqueued_at").toString());
        QVERIFY(job.value("ended_at").toString() >= job.value("started_at").toString());
        QCOMPARE(storedChunks(id),
                 QStringList{QStringLiteral("Background job test: customer reported urgent "
                                            "issue with account #999")});
    }

    void defaultSourceIsDocs()
    {
        const HttpResult reply = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                    {{"text", "no source given"}}, kEditor);
        QCOMPARE(reply.json().value("source").toString(), QStringLiteral("docs"));
    }

    void asyncUrlIngestStoresTheArticleNotTheScript()
    {
        const QString url = QString::fromLatin1(m_web.url("/article.html"));
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                               {{"url", url}, {"source", "web_test"}}, kEditor);
        QCOMPARE(reply.status, 200);
        const QJsonObject queued = reply.json();
        QCOMPARE(queued.value("type").toString(), QStringLiteral("url"));
        QCOMPARE(queued.value("url").toString(), url);
        QCOMPARE(queued.value("source").toString(), QStringLiteral("web_test"));
        const QString id = queued.value("job_id").toString();
        const QJsonObject job = waitForJob(*m_client, id);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("result").toObject().value("url").toString(), url);
        QVERIFY(job.value("result").toObject().value("ingested_chunks").toInt() >= 1);
        const QString stored = storedChunks(id).join(QLatin1Char('\n'));
        QVERIFY2(stored.contains(QStringLiteral("Workers take jobs from the Redis queue")),
                 qPrintable(stored));
        QVERIFY(!stored.contains(QStringLiteral("SCRIPT_TEXT_MUST_NOT_BE_STORED")));
        QVERIFY(!stored.contains(QStringLiteral("color:red")));
    }

    void asyncFileIngest()
    {
        const QByteArray body = HttpClient::multipart(
            "XyZ", "test.txt", "Async file test content: lead #888 needs follow-up",
            {{"source", "file_test"}}, "text/plain");
        const HttpResult reply =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"), body,
                           Headers{{"x-api-key", "test-key"},
                                   {"x-role", "editor"},
                                   {"Content-Type", "multipart/form-data; boundary=XyZ"}});
        QCOMPARE(reply.status, 200);
        const QJsonObject queued = reply.json();
        QCOMPARE(queued.value("type").toString(), QStringLiteral("file"));
        QCOMPARE(queued.value("filename").toString(), QStringLiteral("test.txt"));
        QCOMPARE(queued.value("source").toString(), QStringLiteral("file_test"));
        const QString id = queued.value("job_id").toString();
        const QJsonObject job = waitForJob(*m_client, id);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("result").toObject().value("filename").toString(),
                 QStringLiteral("test.txt"));
        QCOMPARE(storedChunks(id).join(QString()),
                 QStringLiteral("Async file test content: lead #888 needs follow-up"));
    }

    void jobNotFound()
    {
        const HttpResult reply = m_client->get(QStringLiteral("/ops/jobs/fake-job-id-999"), kAdmin);
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.json().value("ok").toBool(true), false);
        QCOMPARE(reply.json().value("error").toString(), QStringLiteral("Job not found"));
    }

    void viewerBlocked()
    {
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-text-async"), {{"text", "test"}, {"source", "test"}},
            Headers{{"x-api-key", "test-key"}, {"x-role", "viewer"}});
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value("ok").toBool(true), false);
    }

    void aJobGoesQueuedStartedFinished()
    {
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                               {{"url", QString::fromLatin1(m_web.url("/slow.html"))}}, kEditor);
        const QString id = reply.json().value("job_id").toString();
        QStringList seen;
        const QJsonObject first = m_client->get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        seen.append(first.value("status").toString());
        if (seen.first() == QLatin1String("queued"))
            QVERIFY(first.value("started_at").isNull());
        const QJsonObject job = waitForJob(*m_client, id, &seen);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        // The page takes 1.5 s to answer, so the job is seen while started.
        QVERIFY2(seen.contains(QStringLiteral("started")), qPrintable(seen.join(QLatin1Char(','))));
        QCOMPARE(seen.last(), QStringLiteral("finished"));
        QVERIFY(seen.indexOf(QStringLiteral("started")) < seen.indexOf(QStringLiteral("finished")));
        QVERIFY(!seen.contains(QStringLiteral("failed")));
    }

    void aUrlAnswering404FailsInTheSeedsForm()
    {
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                               {{"url", QString::fromLatin1(m_web.url("/missing"))}}, kEditor);
        const QString id = reply.json().value("job_id").toString();
        const QJsonObject job = waitForJob(*m_client, id);
        QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(job.value("error").toString(), QStringLiteral("HTTPError: 404 Not Found"));
        QVERIFY(!job.contains("result"));
        QVERIFY(kTimestamp.match(job.value("ended_at").toString()).hasMatch());
        // The seed's monitoring: LRANGE rq:queue:failed 0 -1 lists it.
        QVERIFY(m_redis.command({"LRANGE", "rq:queue:failed", "0", "-1"}).contains(id.toLatin1()));
    }

    void workerLogLinesAreTheSeeds()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon.log().contains(QStringLiteral(
                                     "ingest_url_job failed: error=HTTPError: 404 Not Found")),
                                 5000);
        const QString log = m_daemon.log();
        QVERIFY(log.contains(
            QStringLiteral("Starting ingest_text_job: tenant=default source=async_test")));
        QVERIFY(QRegularExpression(QStringLiteral("ingest_text_job done: chunks=1 latency_ms=\\d+"))
                    .match(log)
                    .hasMatch());
        QVERIFY(log.contains(
            QStringLiteral("Starting ingest_file_job: tenant=default source=file_test")));
        QVERIFY(!log.contains(QStringLiteral("admin-secret-123")));
        QVERIFY(!log.contains(QStringLiteral("test-key")));
    }

    void queueLengthIsVisibleWithLlen()
    {
        QCOMPARE(m_redis.command({"LLEN", "rq:queue:ingest"}), QByteArray(":0\r\n"));
    }

    void health()
    {
        const HttpResult reply = m_client->get(QStringLiteral("/healthz"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value("ok").toBool(), true);
        QCOMPARE(reply.json().value("version").toString(), QStringLiteral(AETHER_VERSION));
    }

    void cleanupTestCase() { m_daemon.stop(); }
};

QTEST_GUILESS_MAIN(TestIngestdSeed)
#include "tst_ingestd_seed.moc"
