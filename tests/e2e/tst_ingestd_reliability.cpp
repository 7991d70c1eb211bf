// No job lost, against real processes: workers killed with SIGKILL mid-job,
// Redis restarted (AOF), timeouts, retries against a flaky site, SIGTERM
// hand-back, priorities and idempotency keys, all through the real
// aether-ingestd binaries, a real redis-server and a real SQLite file.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

QProcessEnvironment environment(const RedisProcess &redis, const QString &store, int workers)
{
    QProcessEnvironment env = daemonEnvironment(redis, workers);
    env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("sqlite:///") + store);
    env.insert(QStringLiteral("URL_ALLOW_PRIVATE"),
               QStringLiteral("1")); // the fixture site is on loopback
    env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("300"));
    return env;
}

// RQ's registry of live workers (rq:workers), as `rq info` counts them.
int registeredWorkers(const RedisProcess &redis)
{
    return redis.command({"SCARD", "rq:workers"}).mid(1).trimmed().toInt();
}

qint64 scalar(const QString &database, const QString &sql)
{
    qint64 value = -1;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(database);
        db.open();
        QSqlQuery query(db);
        if (query.exec(sql) && query.next())
            value = query.value(0).toLongLong();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return value;
}

QString statusOf(const HttpClient &client, const QString &id)
{
    return client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json().value("status").toString();
}

} // namespace

class TestIngestdReliability : public QObject
{
    Q_OBJECT

private:
    QString store() const { return m_dir.filePath(QStringLiteral("shared.db")); }

    QStringList enqueueUrls(const HttpClient &client, const QByteArray &path, int count)
    {
        QStringList ids;
        for (int i = 0; i < count; ++i) {
            const QString url =
                QString::fromLatin1(m_web.url(path)) + QStringLiteral("?n=%1").arg(i);
            ids.append(client
                           .postJson(QStringLiteral("/knowledge/ingest-url-async"), {{"url", url}},
                                     kEditor)
                           .json()
                           .value("job_id")
                           .toString());
        }
        return ids;
    }

    QTemporaryDir m_dir;
    FixtureHttpServer m_web;

private Q_SLOTS:
    void initTestCase()
    {
        m_web.setResponse("/page", FixtureResponse{200,
                                                   "OK",
                                                   {{"Content-Type", "text/plain"}},
                                                   "A page that takes a moment to answer.",
                                                   60});
    }

    void killedWorkersLoseNoJobAndStoreEachDocumentOnce()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store(), 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        const QStringList ids = enqueueUrls(client, "/page", 300);
        QCOMPARE(ids.size(), 300);

        // Two worker processes of two threads; one is killed with SIGKILL and
        // started again, over and over, while the jobs run. A job taken back
        // goes to the head of the queue, where the next victim, idle at its
        // start, may take it again: the poison cap (2 recoveries by default)
        // would fail a job that met three victims in turn, as it should a job
        // that kills its workers. These jobs are innocent, so the cap is raised.
        QProcessEnvironment workerEnvironment = environment(redis, store(), 2);
        workerEnvironment.insert(QStringLiteral("MAX_RECOVERIES"), QStringLiteral("20"));
        DaemonProcess steady;
        QVERIFY(steady.start(workerEnvironment, {QStringLiteral("--no-server")}));
        int kills = 0;
        for (int round = 0; round < 6; ++round) {
            DaemonProcess victim;
            QVERIFY(victim.start(workerEnvironment, {QStringLiteral("--no-server")}));
            QTest::qWait(400 + QRandomGenerator::global()->bounded(400));
            victim.kill();
            ++kills;
        }
        DaemonProcess last;
        QVERIFY(last.start(workerEnvironment, {QStringLiteral("--no-server")}));
        for (const QString &id : ids) {
            const QJsonObject job = waitForJob(client, id, nullptr, 60000);
            QVERIFY2(job.value("status").toString() == QLatin1String("finished"),
                     QJsonDocument(job).toJson().constData());
        }
        QCOMPARE(kills, 6);
        QCOMPARE(scalar(store(), QStringLiteral("SELECT COUNT(*) FROM documents")), 300);
        QCOMPARE(scalar(store(), QStringLiteral("SELECT COUNT(DISTINCT job_id) FROM documents")),
                 300);
        QCOMPARE(scalar(store(), QStringLiteral("SELECT COUNT(*) FROM chunks")), 300);
        QCOMPARE(scalar(store(), QStringLiteral("SELECT COUNT(*) FROM vectors")), 300);
        QCOMPARE(
            scalar(store(), QStringLiteral(
                                "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'moment'")),
            300);
        // The kills did hit jobs mid-run: some were taken back from dead workers.
        int recovered = 0;
        for (const QString &id : ids)
            recovered += redis.command({"HGET", "rq:job:" + id.toLatin1(), "recoveries"})
                             .split('\n')
                             .value(1)
                             .trimmed()
                             .toInt();
        QVERIFY2(recovered > 0, "no job was running when a worker was killed");
        qInfo("%d jobs were taken back from killed workers", recovered);
    }

    void aDeadWorkersJobsAreTakenBackByAnotherProcess()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        m_web.setResponse(
            "/slow",
            FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "slow page", 1500});
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store(), 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        DaemonProcess victim;
        QVERIFY(victim.start(environment(redis, store(), 1), {QStringLiteral("--no-server")}));
        const QString id = enqueueUrls(client, "/slow", 1).first();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(client, id), QStringLiteral("started"), 5000);
        // The survivor is already running when the victim dies, so it is its
        // reaper (not a start-up recovery) that notices the missing heartbeat.
        // It must also be past its start-up recovery, which takes back at
        // once the jobs of dead processes on this host: once its worker has
        // registered (after that recovery), only the reaper is left to notice.
        QTRY_COMPARE_WITH_TIMEOUT(registeredWorkers(redis), 1, 10000);
        DaemonProcess survivor;
        QVERIFY(survivor.start(environment(redis, store(), 1), {QStringLiteral("--no-server")}));
        QTRY_COMPARE_WITH_TIMEOUT(registeredWorkers(redis), 2, 10000);
        victim.kill();
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(client, id), QStringLiteral("started"), 1000);
        QTRY_VERIFY_WITH_TIMEOUT(
            survivor.log().contains(QStringLiteral("reaper: took back job ") + id), 30000);
        const qint64 recoveredAfter = sinceKill.elapsed();
        QCOMPARE(waitForJob(client, id, nullptr, 20000).value("status").toString(),
                 QStringLiteral("finished"));
        qInfo("a killed worker's job was taken back %lld ms after the kill", recoveredAfter);
        QVERIFY(recoveredAfter < 30000);
    }

    void restartingRedisLosesNothing()
    {
        RedisProcess redis;
        redis.setAppendOnly(true);
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        m_web.setResponse(
            "/quick",
            FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "quick page", 20});
        DaemonProcess daemon;
        QVERIFY2(daemon.start(environment(redis, store(), 2)), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const QStringList ids = enqueueUrls(client, "/quick", 200);
        QTest::qWait(300);
        redis.stop(); // SIGTERM: Redis writes its AOF and exits
        QTest::qWait(500);
        QVERIFY(redis.restart());
        for (const QString &id : ids)
            QCOMPARE(waitForJob(client, id, nullptr, 60000).value("status").toString(),
                     QStringLiteral("finished"));
        QVERIFY(daemon.isRunning());
    }

    void aSlowUrlTimesOut()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        m_web.setResponse("/very-slow", FixtureResponse{200, "OK", {}, "late", 10000});
        QProcessEnvironment env = environment(redis, store(), 1);
        env.insert(QStringLiteral("JOB_TIMEOUT"), QStringLiteral("1"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const QString id = enqueueUrls(client, "/very-slow", 1).first();
        const QJsonObject job = waitForJob(client, id, nullptr, 15000);
        QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(job.value("error").toString(),
                 QStringLiteral("JobTimeoutError: job exceeded 1 s"));
        // A per-job timeout overrides JOB_TIMEOUT.
        const HttpResult reply = client.postJson(
            QStringLiteral("/knowledge/ingest-url-async"),
            {{"url", QString::fromLatin1(m_web.url("/very-slow"))}, {"timeout", 2}}, kEditor);
        QCOMPARE(waitForJob(client, reply.json().value("job_id").toString(), nullptr, 15000)
                     .value("error")
                     .toString(),
                 QStringLiteral("JobTimeoutError: job exceeded 2 s"));
    }

    void aFlakySiteIsRetriedWithBackoffAndA404FailsAtOnce()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        const FixtureResponse unavailable{503, "Service Unavailable", {}, "try later", 0};
        m_web.setSequence(
            "/flaky",
            {unavailable, unavailable,
             FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "third time lucky", 0}});
        m_web.setResponse("/gone", FixtureResponse{404, "Not Found", {}, "no", 0});
        QProcessEnvironment env = environment(redis, store(), 1);
        env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("1000"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const QString flaky = enqueueUrls(client, "/flaky", 1).first();
        const QString gone = enqueueUrls(client, "/gone", 1).first();

        QStringList seen;
        const QJsonObject job = waitForJob(client, flaky, &seen, 30000);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(job.value("attempts").toInt(), 3);
        QVERIFY2(seen.contains(QStringLiteral("scheduled")),
                 qPrintable(seen.join(QLatin1Char(','))));
        const QJsonArray history = job.value("history").toArray();
        QCOMPARE(history.size(), 3);
        QCOMPARE(history[0].toObject().value("error").toString(),
                 QStringLiteral("HTTPError: 503 Service Unavailable"));
        // Backoff: about 1 s, then about 2 s (+-25%), between the attempts.
        const auto at = [&](int i, const char *field) {
            return QDateTime::fromString(history[i].toObject().value(field).toString(),
                                         QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        };
        QVERIFY(at(0, "ended_at").secsTo(at(1, "started_at")) >= 0);
        QVERIFY(at(0, "ended_at").secsTo(at(2, "started_at")) >= 2);
        QCOMPARE(m_web.requestCount("/flaky"), 3);

        const QJsonObject failed = waitForJob(client, gone);
        QCOMPARE(failed.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value("error").toString(), QStringLiteral("HTTPError: 404 Not Found"));
        QCOMPARE(failed.value("attempts").toInt(), 1);
        QCOMPARE(m_web.requestCount("/gone"), 1);
    }

    void sigtermHandsRunningJobsBack()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        m_web.setResponse(
            "/long",
            FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "long page", 8000});
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store(), 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        QProcessEnvironment env = environment(redis, store(), 1);
        env.insert(QStringLiteral("SHUTDOWN_GRACE"), QStringLiteral("1"));
        DaemonProcess worker;
        QVERIFY(worker.start(env, {QStringLiteral("--no-server")}));
        const QString id = enqueueUrls(client, "/long", 1).first();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(client, id), QStringLiteral("started"), 5000);
        QElapsedTimer timer;
        timer.start();
        worker.stop(); // SIGTERM
        QCOMPARE(worker.exitCode(), 0);
        QVERIFY2(timer.elapsed() < 8000, "gave up the job after the grace period");
        QVERIFY(worker.log().contains(QStringLiteral("handed back to the queue")));
        const QJsonObject back = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        QCOMPARE(back.value("status").toString(), QStringLiteral("queued"));
        m_web.setResponse(
            "/long", FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "long page", 0});
        DaemonProcess next;
        QVERIFY(next.start(environment(redis, store(), 1), {QStringLiteral("--no-server")}));
        QCOMPARE(waitForJob(client, id).value("status").toString(), QStringLiteral("finished"));
    }

    void shutdownGraceLetsARunningJobFinish()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        m_web.setResponse("/grace", FixtureResponse{200,
                                                    "OK",
                                                    {{"Content-Type", "text/plain"}},
                                                    "a page that takes a few seconds",
                                                    2500});
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store(), 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        QProcessEnvironment env = environment(redis, store(), 1);
        env.insert(QStringLiteral("SHUTDOWN_GRACE"), QStringLiteral("10"));
        DaemonProcess worker;
        QVERIFY(worker.start(env, {QStringLiteral("--no-server")}));
        const QString workerPid = QString::number(worker.pid());
        const QString id = enqueueUrls(client, "/grace", 1).first();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(client, id), QStringLiteral("started"), 5000);
        worker.stop(); // SIGTERM while the page is still on its way
        QCOMPARE(worker.exitCode(), 0);
        // The job fit in the grace period: this process finished it.
        const QJsonObject job = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        QVERIFY2(job.value("status").toString() == QLatin1String("finished"),
                 QJsonDocument(job).toJson().constData());
        QVERIFY(job.value("worker_name").toString().contains(workerPid));
        QVERIFY(!worker.log().contains(QStringLiteral("handed back to the queue")));
    }

    void prioritiesAndIdempotencyKeysOverHttp()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store(), 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        QStringList ids;
        for (const char *priority : {"low", "default", "high"}) {
            const HttpResult reply = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                     {{"text", QString::fromLatin1(priority)},
                                                      {"priority", QString::fromLatin1(priority)}},
                                                     kEditor);
            QCOMPARE(reply.json().value("priority").toString(), QString::fromLatin1(priority));
            ids.append(reply.json().value("job_id").toString());
        }
        QCOMPARE(client
                     .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                               {{"text", "x"}, {"priority", "urgent"}}, kEditor)
                     .status,
                 422);

        Headers withKey = kEditor;
        withKey.emplaceBack("Idempotency-Key", "upload-7");
        const HttpResult first = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                 {{"text", "once"}}, withKey);
        const HttpResult second = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                  {{"text", "once"}}, withKey);
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.json().value("job_id").toString(), first.json().value("job_id").toString());
        QCOMPARE(second.json().value("idempotent_replay").toBool(), true);
        Headers otherTenant = withKey;
        otherTenant.emplaceBack("x-tenant", "acme");
        QVERIFY(client
                    .postJson(QStringLiteral("/knowledge/ingest-text-async"), {{"text", "once"}},
                              otherTenant)
                    .json()
                    .value("job_id")
                    .toString() != first.json().value("job_id").toString());

        DaemonProcess worker;
        QVERIFY(worker.start(environment(redis, store(), 1), {QStringLiteral("--no-server")}));
        for (const QString &id : ids)
            QCOMPARE(waitForJob(client, id).value("status").toString(), QStringLiteral("finished"));
        const auto finishedAt = [&](const QString &id) {
            return redis.command({"ZSCORE", "aether:finished:ingest", id.toLatin1()})
                .split('\n')
                .value(1)
                .trimmed()
                .toDouble();
        };
        QVERIFY(finishedAt(ids[2]) <= finishedAt(ids[1])); // high before default
        QVERIFY(finishedAt(ids[1]) <= finishedAt(ids[0])); // default before low
        const QStringList queuedOnce = {first.json().value("job_id").toString()};
        QCOMPARE(waitForJob(client, queuedOnce.first()).value("status").toString(),
                 QStringLiteral("finished"));
    }
};

QTEST_GUILESS_MAIN(TestIngestdReliability)
#include "tst_ingestd_reliability.moc"
