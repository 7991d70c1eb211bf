// The operations API of the real aether-ingestd over HTTP (real redis-server,
// real worker, a fixture web site): job status with progress and history, the
// job list with filters and cursors, cancel, retry, delete, queue state, pause
// and resume; the admin role and tenant isolation on every one of them.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kRoot{{"x-api-key", "root"}};            // admin, every tenant
const Headers kAcmeAdmin{{"x-api-key", "acme-admin"}}; // admin of tenant acme only
const Headers kEditorKey{{"x-api-key", "ed"}};         // editor, every tenant

const QByteArray kPage = "<html><head><title>Ops</title></head><body><p>Operators watch the "
                         "queue and retry what failed.</p></body></html>";

Headers withTenant(const QByteArray &tenant)
{
    return {{"x-api-key", "root"}, {"x-tenant", tenant}};
}

FixtureResponse htmlPage(int delayMs = 0)
{
    FixtureResponse response;
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    response.body = kPage;
    response.delayMs = delayMs;
    return response;
}

// A next_cursor sent back as `before`, whichever JSON type it has.
QString cursorParameter(const QJsonValue &cursor)
{
    return cursor.isString() ? cursor.toString() : QString::number(qint64(cursor.toDouble()));
}

} // namespace

class TestIngestdOps : public QObject
{
    Q_OBJECT

private:
    QString enqueue(const QString &path, const QJsonObject &body, const Headers &headers = kRoot)
    {
        const HttpResult reply = m_client->postJson(path, body, headers);
        [&] { QCOMPARE(reply.status, 200); }();
        return reply.json().value("job_id").toString();
    }
    QString enqueueText(const QString &text, const QByteArray &tenant = "default")
    {
        return enqueue(QStringLiteral("/knowledge/ingest-text-async"), {{"text", text}},
                       withTenant(tenant));
    }
    QString enqueueUrl(const QByteArray &path)
    {
        return enqueue(QStringLiteral("/knowledge/ingest-url-async"),
                       {{"url", QString::fromLatin1(m_web.url(path))}});
    }

    QJsonObject job(const QString &id) { return m_client->get(jobPath(id), kRoot).json(); }
    static QString jobPath(const QString &id) { return QStringLiteral("/ops/jobs/") + id; }
    QString statusOf(const QString &id) { return job(id).value("status").toString(); }

    HttpResult send(const QByteArray &method, const QString &path, const Headers &headers = kRoot)
    {
        return m_client->send(method, path, {}, headers);
    }

    void verifyError(const HttpResult &reply, int status, const QString &message = {})
    {
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.json().value("ok").toBool(true), false);
        if (!message.isEmpty())
            QCOMPARE(reply.json().value("error").toString(), message);
    }

    // Every job id of GET /ops/jobs?<query>, following next_cursor.
    QStringList listAll(const QString &query, const Headers &headers = kRoot)
    {
        QStringList ids;
        QString before;
        for (int page = 0; page < 100; ++page) {
            const QJsonObject answer =
                m_client->get(QStringLiteral("/ops/jobs?") + query + before, headers).json();
            for (const QJsonValue &item : answer.value("jobs").toArray())
                ids.append(item.toObject().value("id").toString());
            if (answer.value("next_cursor").isNull())
                break;
            before = QStringLiteral("&before=") + cursorParameter(answer.value("next_cursor"));
        }
        return ids;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-admin:admin:acme,root:admin:*,ed:editor:*"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123")); // jobpoller.h
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        m_web.setResponse("/page", htmlPage());
        m_web.setResponse("/slow", htmlPage(5000));
    }

    void everyOpsRouteNeedsTheAdminRole_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        const QList<QPair<QByteArray, QString>> routes{
            {"GET", QStringLiteral("/ops/jobs")},
            {"GET", QStringLiteral("/ops/jobs/some-job")},
            {"POST", QStringLiteral("/ops/jobs/some-job/cancel")},
            {"POST", QStringLiteral("/ops/jobs/some-job/retry")},
            {"DELETE", QStringLiteral("/ops/jobs/some-job")},
            {"GET", QStringLiteral("/ops/queue")},
            {"POST", QStringLiteral("/ops/queue/pause")},
            {"POST", QStringLiteral("/ops/queue/resume")}};
        for (const auto &[method, path] : routes)
            QTest::addRow("%s %s", method.constData(), qPrintable(path)) << method << path;
    }
    void everyOpsRouteNeedsTheAdminRole()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        verifyError(send(method, path, kEditorKey), 403);
        verifyError(send(method, path, {{"x-api-key", "root"}, {"x-role", "editor"}}), 403);
        verifyError(send(method, path, {}), 401);
        verifyError(send(method, path, {{"x-admin-key", "guess"}}), 401);
    }

    void theAdminKeyOpensOps()
    {
        QCOMPARE(send("GET", QStringLiteral("/ops/queue"), kAdmin).status, 200);
        QCOMPARE(send("GET", QStringLiteral("/ops/jobs"), kAdmin).status, 200);
        verifyError(send("GET", jobPath(QStringLiteral("no-such-job")), kAdmin), 404,
                    QStringLiteral("Job not found"));
    }

    void aFinishedJobShowsProgressAttemptsAndHistory()
    {
        const QString id = enqueueText(QStringLiteral("Status fields for operators."));
        const QJsonObject done = waitForJob(*m_client, id);
        QCOMPARE(done.value("status").toString(), QStringLiteral("finished"));
        for (const char *key : {"id", "enqueued_at", "started_at", "ended_at"})
            QVERIFY2(done.value(QLatin1String(key)).isString(), key);
        QVERIFY(done.value("result").toObject().value("ok").toBool());
        QCOMPARE(done.value("priority").toString(), QStringLiteral("default"));
        QCOMPARE(done.value("stage").toString(), QStringLiteral("done"));
        QCOMPARE(done.value("progress").toInt(-1), 100);
        QCOMPARE(done.value("attempts").toInt(-1), 1);
        QCOMPARE(done.value("max_attempts").toInt(-1), 3);
        QCOMPARE(done.value("recoveries").toInt(-1), 0);
        QVERIFY(done.value("retry_at").isNull());
        QVERIFY(!done.value("worker_name").toString().isEmpty());
        QCOMPARE(done.value("cancel_requested").toBool(true), false);
        QVERIFY(!done.contains("error"));
        const QJsonArray history = done.value("history").toArray();
        QCOMPARE(history.size(), 1);
        QCOMPARE(history[0].toObject().value("outcome").toString(), QStringLiteral("finished"));
    }

    void aStartedUrlJobShowsItsStageAndIsCanceledWithinSeconds()
    {
        const QString id = enqueueUrl("/slow");
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("started"), 5000);
        const QJsonObject running = job(id);
        // The take marks it "starting"; the worker reports "fetching" when it writes next.
        const QString stage = running.value("stage").toString();
        QVERIFY2(stage == QLatin1String("starting") || stage == QLatin1String("fetching"),
                 qPrintable(stage));
        QVERIFY(running.value("progress").isDouble());
        QVERIFY(running.value("ended_at").isNull());

        QElapsedTimer timer;
        timer.start();
        const HttpResult cancel = send("POST", jobPath(id) + QStringLiteral("/cancel"));
        QCOMPARE(cancel.status, 200);
        QCOMPARE(cancel.json().value("ok").toBool(), true);
        QCOMPARE(cancel.json().value("id").toString(), id);
        QCOMPARE(cancel.json().value("status").toString(), QStringLiteral("started"));
        QCOMPARE(cancel.json().value("cancel_requested").toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("canceled"), 3000);
        QVERIFY(timer.elapsed() < 3000);
        const QJsonObject canceled = job(id);
        QVERIFY(canceled.value("error").toString().startsWith(QStringLiteral("JobCanceled")));
        QCOMPARE(canceled.value("history").toArray().last().toObject().value("outcome").toString(),
                 QStringLiteral("canceled"));

        verifyError(send("POST", jobPath(id) + QStringLiteral("/cancel")), 409,
                    QStringLiteral("job already ended (canceled)"));
        QCOMPARE(m_client->get(jobPath(id) + QStringLiteral("/cancel"), kRoot).status, 405);
    }

    void aPausedQueueKeepsJobsQueuedAndTheyCancelAtOnce()
    {
        const HttpResult paused = send("POST", QStringLiteral("/ops/queue/pause"));
        QCOMPARE(paused.status, 200);
        QCOMPARE(paused.json().value("paused").toBool(), true);
        QCOMPARE(m_client->get(QStringLiteral("/ops/queue"), kRoot).json().value("paused").toBool(),
                 true);
        const QString kept = enqueueText(QStringLiteral("Waits for resume."));
        const QString dropped = enqueueText(QStringLiteral("Canceled while queued."));
        QTest::qWait(1500);
        QCOMPARE(statusOf(kept), QStringLiteral("queued"));

        const HttpResult cancel = send("POST", jobPath(dropped) + QStringLiteral("/cancel"));
        QCOMPARE(cancel.status, 200);
        QCOMPARE(cancel.json().value("status").toString(), QStringLiteral("canceled"));
        QCOMPARE(cancel.json().value("cancel_requested").toBool(true), false);
        const QJsonObject canceled = job(dropped);
        QCOMPARE(canceled.value("status").toString(), QStringLiteral("canceled"));
        QVERIFY(canceled.value("ended_at").isString());
        QVERIFY(canceled.value("started_at").isNull());

        const HttpResult resumed = send("POST", QStringLiteral("/ops/queue/resume"));
        QCOMPARE(resumed.json().value("paused").toBool(true), false);
        QCOMPARE(waitForJob(*m_client, kept).value("status").toString(),
                 QStringLiteral("finished"));
        QCOMPARE(statusOf(dropped), QStringLiteral("canceled"));
        // A canceled job can be run after all.
        const HttpResult retry = send("POST", jobPath(dropped) + QStringLiteral("/retry"));
        QCOMPARE(retry.json().value("status").toString(), QStringLiteral("queued"));
        QCOMPARE(waitForJob(*m_client, dropped).value("status").toString(),
                 QStringLiteral("finished"));
    }

    void aFailedJobIsRetriedOnceItsCauseIsFixed()
    {
        const QString id = enqueueUrl("/moved-page"); // no fixture yet: 404
        QJsonObject failed = waitForJob(*m_client, id);
        QCOMPARE(failed.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value("error").toString(), QStringLiteral("HTTPError: 404 Not Found"));

        m_web.setResponse("/moved-page", htmlPage());
        const HttpResult retry = send("POST", jobPath(id) + QStringLiteral("/retry"));
        QCOMPARE(retry.status, 200);
        QCOMPARE(retry.json().value("id").toString(), id);
        QCOMPARE(retry.json().value("status").toString(), QStringLiteral("queued"));
        const QJsonObject done = waitForJob(*m_client, id);
        QCOMPARE(done.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(done.value("attempts").toInt(), 1);
        QCOMPARE(done.value("history").toArray().size(), 2);
        QVERIFY(!done.contains("error"));

        verifyError(send("POST", jobPath(id) + QStringLiteral("/retry")), 409,
                    QStringLiteral("only failed or canceled jobs can be retried (this one is "
                                   "finished)"));
    }

    void jobsAreDeletedUnlessRunning()
    {
        const QString done = enqueueText(QStringLiteral("To be deleted."));
        waitForJob(*m_client, done);
        const HttpResult deleted = send("DELETE", jobPath(done));
        QCOMPARE(deleted.status, 200);
        QCOMPARE(deleted.json().value("deleted").toBool(), true);
        QCOMPARE(deleted.json().value("id").toString(), done);
        verifyError(send("GET", jobPath(done)), 404, QStringLiteral("Job not found"));
        verifyError(send("DELETE", jobPath(done)), 404, QStringLiteral("Job not found"));

        const QString running = enqueueUrl("/slow");
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(running), QStringLiteral("started"), 5000);
        verifyError(send("DELETE", jobPath(running)), 409, QStringLiteral("cancel the job first"));
        QCOMPARE(send("POST", jobPath(running) + QStringLiteral("/cancel")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(running), QStringLiteral("canceled"), 3000);
        QCOMPARE(send("DELETE", jobPath(running)).status, 200);
    }

    void theListIsNewestFirstFilteredAndPaged()
    {
        QStringList created;
        for (int i = 0; i < 5; ++i) {
            created.prepend(enqueueText(QStringLiteral("Listed job %1.").arg(i), "listing"));
            QThread::msleep(3); // distinct creation times, so the order is certain
        }
        for (const QString &id : std::as_const(created))
            waitForJob(*m_client, id);

        const QJsonObject first =
            m_client->get(QStringLiteral("/ops/jobs?tenant=listing&limit=2"), kRoot).json();
        QCOMPARE(first.value("ok").toBool(), true);
        const QJsonArray items = first.value("jobs").toArray();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].toObject().value("id").toString(), created[0]);
        const QJsonObject item = items[1].toObject();
        QCOMPARE(item.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(item.value("tenant").toString(), QStringLiteral("listing"));
        QCOMPARE(item.value("progress").toInt(), 100);
        QVERIFY(!item.contains("history") && !item.contains("result"));
        QVERIFY(!first.value("next_cursor").isNull());

        QCOMPARE(listAll(QStringLiteral("tenant=listing&limit=2")), created);
        QCOMPARE(listAll(QStringLiteral("status=finished&type=text&tenant=listing")), created);
        QVERIFY(listAll(QStringLiteral("status=queued&tenant=listing")).isEmpty());
        QVERIFY(listAll(QStringLiteral("type=url&tenant=listing")).isEmpty());
        const QStringList everything = listAll(QStringLiteral("limit=500"));
        QVERIFY(everything.size() > created.size());
        QCOMPARE(everything.mid(0, 5), created); // the newest jobs
    }

    void badListParametersAre422_data()
    {
        QTest::addColumn<QString>("query");
        for (const char *query : {"status=bogus", "type=pdf", "limit=0", "limit=501", "limit=ten",
                                  "before=yesterday", "tenant=no%20spaces"})
            QTest::newRow(query) << QString::fromLatin1(query);
    }
    void badListParametersAre422()
    {
        QFETCH(QString, query);
        verifyError(m_client->get(QStringLiteral("/ops/jobs?") + query, kRoot), 422);
    }

    void aTenantAdminSeesAndChangesOnlyItsTenant()
    {
        const QString mine = enqueueText(QStringLiteral("Acme's document."), "acme");
        const QString theirs = enqueueText(QStringLiteral("Another tenant's document."), "other");
        waitForJob(*m_client, mine);
        waitForJob(*m_client, theirs);

        const QStringList visible = listAll(QStringLiteral("limit=500"), kAcmeAdmin);
        QVERIFY(visible.contains(mine));
        QVERIFY(!visible.contains(theirs));
        const QJsonArray items =
            m_client->get(QStringLiteral("/ops/jobs"), kAcmeAdmin).json().value("jobs").toArray();
        for (const QJsonValue &item : items)
            QCOMPARE(item.toObject().value("tenant").toString(), QStringLiteral("acme"));
        QVERIFY(listAll(QStringLiteral("tenant=other"), kAcmeAdmin).isEmpty());
        QCOMPARE(listAll(QStringLiteral("limit=500"), withTenant("acme")), visible);

        QCOMPARE(send("GET", jobPath(mine), kAcmeAdmin).status, 200);
        verifyError(send("GET", jobPath(theirs), kAcmeAdmin), 404);
        verifyError(send("POST", jobPath(theirs) + QStringLiteral("/retry"), kAcmeAdmin), 404);
        verifyError(send("POST", jobPath(theirs) + QStringLiteral("/cancel"), kAcmeAdmin), 404);
        verifyError(send("DELETE", jobPath(theirs), kAcmeAdmin), 404);
        QCOMPARE(statusOf(theirs), QStringLiteral("finished"));
        QCOMPARE(send("GET", QStringLiteral("/ops/queue"), kAcmeAdmin).status, 200);
        verifyError(send("POST", QStringLiteral("/ops/queue/pause"), kAcmeAdmin), 403);
        QCOMPARE(send("DELETE", jobPath(mine), kAcmeAdmin).status, 200);
    }

    void theQueueShowsCountsWorkersAndThroughput()
    {
        waitForJob(*m_client, enqueueText(QStringLiteral("One more for the rate.")));
        const HttpResult reply = send("GET", QStringLiteral("/ops/queue"));
        QCOMPARE(reply.status, 200);
        const QJsonObject state = reply.json();
        QCOMPARE(state.value("paused").toBool(true), false);
        const QJsonObject queues = state.value("queues").toObject();
        for (const char *priority : {"high", "default", "low"})
            QCOMPARE(queues.value(QLatin1String(priority)).toObject().value("queued").toInt(-1), 0);
        const QJsonObject counts = state.value("counts").toObject();
        for (const char *status :
             {"queued", "scheduled", "started", "finished", "failed", "canceled"})
            QVERIFY2(counts.value(QLatin1String(status)).isDouble(), status);
        QVERIFY(counts.value("finished").toInt() >= 5);
        const QJsonArray workers = state.value("workers").toArray();
        QCOMPARE(workers.size(), 1);
        const QJsonObject worker = workers[0].toObject();
        QVERIFY(!worker.value("name").toString().isEmpty());
        QVERIFY(!worker.value("host").toString().isEmpty());
        QVERIFY(worker.value("pid").toInt() > 0);
        QVERIFY(worker.value("heartbeat_age_ms").toInt(-1) >= 0);
        QVERIFY(worker.value("heartbeat_age_ms").toInt() < 5000);
        QVERIFY(worker.value("current_job").isNull()); // idle
        QVERIFY(state.value("jobs_per_minute").toInt() >= 1);
    }

    void unknownJobsAre404()
    {
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("DELETE")})
            verifyError(send(method, jobPath(QStringLiteral("no-such-job"))), 404,
                        QStringLiteral("Job not found"));
        for (const char *action : {"/cancel", "/retry"})
            verifyError(
                send("POST", jobPath(QStringLiteral("no-such-job")) + QLatin1String(action)), 404,
                QStringLiteral("Job not found"));
    }
};

QTEST_GUILESS_MAIN(TestIngestdOps)
#include "tst_ingestd_ops.moc"
