// RQ's own tools read Aether's queue: the real aether-ingestd and a real
// redis-server hold a job in every state (queued, started, scheduled,
// finished, failed, canceled), then Debian's python3-rq runs
// tests/e2e/rq_compat/test_rq_compat.py against them (rq info, Job.fetch, the
// registries, Worker.all, RQ's housekeeping) and must exit 0.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3"); // the one that sees python3-rq
const QString kProgram = QStringLiteral(AETHER_RQ_COMPAT_PROGRAM);
const QString kAdminKey = QStringLiteral("admin-secret-123"); // the default, as kAdmin

FixtureResponse page(int delayMs)
{
    FixtureResponse response;
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    response.body = "<html><head><title>RQ</title></head><body><p>RQ's tools read the "
                    "queue Aether keeps.</p></body></html>";
    response.delayMs = delayMs;
    return response;
}

// The names of the rq:worker:* keys (without the prefix), from a RESP array reply.
QStringList workerNames(const QByteArray &reply)
{
    QStringList names;
    for (const QByteArray &line : reply.split('\n')) {
        const QByteArray item = line.trimmed();
        if (item.startsWith("rq:worker:"))
            names.append(QString::fromUtf8(item.mid(int(qstrlen("rq:worker:")))));
    }
    return names;
}

} // namespace

class TestIngestdRqCompat : public QObject
{
    Q_OBJECT

private:
    QString enqueue(const char *path, const QJsonObject &body)
    {
        const HttpResult reply = m_client->postJson(QLatin1String(path), body, kEditor);
        [&] { QCOMPARE(reply.status, 200); }();
        return reply.json().value(QStringLiteral("job_id")).toString();
    }
    QString enqueueText(const QString &text)
    {
        return enqueue("/knowledge/ingest-text-async", {{"text", text}, {"source", "rq"}});
    }
    QString enqueueUrl(const QByteArray &path, int maxAttempts)
    {
        return enqueue("/knowledge/ingest-url-async",
                       {{"url", QString::fromLatin1(m_web.url(path))},
                        {"max_attempts", maxAttempts},
                        {"source", "rq"}});
    }
    QString statusOf(const QString &id)
    {
        return m_client->get(QStringLiteral("/ops/jobs/") + id, kAdmin)
            .json()
            .value(QStringLiteral("status"))
            .toString();
    }
    bool waitForStatus(const QString &id, const QString &status, int ms = 30000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ms) {
            if (statusOf(id) == status)
                return true;
            QThread::msleep(50);
        }
        return false;
    }
    bool post(const QString &path) { return m_client->post(path, {}, kAdmin).status == 200; }

    // Runs the Python program; its output is shown when it fails.
    void runProgram(const QStringList &arguments)
    {
        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start(kPython, QStringList{kProgram, QStringLiteral("--redis"), m_redis.url(),
                                          QStringLiteral("--api"), m_daemon.baseUrl(),
                                          QStringLiteral("--admin-key"), kAdminKey} +
                                  arguments);
        QVERIFY2(python.waitForStarted(10000), qPrintable(python.errorString()));
        const bool ended = python.waitForFinished(300000); // "does not hang", not a timing
        const QString output = QString::fromUtf8(python.readAll());
        if (!ended)
            python.kill();
        qInfo().noquote() << output;
        QVERIFY2(ended, "test_rq_compat.py did not end");
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
                 qPrintable(QStringLiteral("test_rq_compat.py failed:\n") + output));
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(kPython), "needs /usr/bin/python3 with python3-rq");
        QVERIFY2(QFileInfo::exists(kProgram), qPrintable(kProgram));
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("600000")); // stays scheduled
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        m_web.setResponse("/slow", page(240000)); // the started job's fetch outlives the test
        m_web.setResponse("/missing", FixtureResponse{404, "Not Found", {}, "gone", 0});
        m_web.setResponse("/busy", FixtureResponse{503, "Service Unavailable", {}, "busy", 0});
    }

    void cleanupTestCase()
    {
        m_daemon.stop();
        m_redis.stop();
    }

    void rqToolsReadEveryState()
    {
        const QString finished = enqueueText(QStringLiteral("RQ reads a finished job."));
        QVERIFY(waitForStatus(finished, QStringLiteral("finished")));
        const QString failed = enqueueUrl("/missing", 1);
        QVERIFY(waitForStatus(failed, QStringLiteral("failed")));
        const QString scheduled = enqueueUrl("/busy", 3);
        QVERIFY(waitForStatus(scheduled, QStringLiteral("scheduled")));
        const QString started = enqueueUrl("/slow", 1);
        QVERIFY(waitForStatus(started, QStringLiteral("started")));

        QVERIFY(post(QStringLiteral("/ops/queue/pause")));
        const QString queued = enqueueText(QStringLiteral("RQ sees a queued job."));
        const QString canceled = enqueueText(QStringLiteral("RQ sees a canceled job."));
        QVERIFY(post(QStringLiteral("/ops/jobs/%1/cancel").arg(canceled)));
        QVERIFY(waitForStatus(canceled, QStringLiteral("canceled")));
        QCOMPARE(statusOf(queued), QStringLiteral("queued"));

        const QStringList workers = workerNames(m_redis.command({"KEYS", "rq:worker:*"}));
        QVERIFY2(!workers.isEmpty(), "no rq:worker:* key: Aether's workers are not RQ workers");
        runProgram({QStringLiteral("--workers"), workers.join(QLatin1Char(',')),
                    QStringLiteral("--queued"), queued, QStringLiteral("--started"), started,
                    QStringLiteral("--scheduled"), scheduled, QStringLiteral("--finished"),
                    finished, QStringLiteral("--failed"), failed, QStringLiteral("--canceled"),
                    canceled});
    }

    // A Python `rq worker` pointed at Aether's Redis takes a job it cannot run:
    // the job ends failed with RQ's error, and Aether's retry finishes it.
    void aStrayRqWorkerLeavesNoJobStuck()
    {
        QVERIFY(post(QStringLiteral("/ops/queue/pause"))); // RQ ignores Aether's pause
        const QString queued = enqueueText(QStringLiteral("A stray RQ worker takes this job."));
        QCOMPARE(statusOf(queued), QStringLiteral("queued"));
        runProgram({QStringLiteral("--stray-worker"), QStringLiteral("--queued"), queued});
    }
};

QTEST_GUILESS_MAIN(TestIngestdRqCompat)
#include "tst_ingestd_rq_compat.moc"
