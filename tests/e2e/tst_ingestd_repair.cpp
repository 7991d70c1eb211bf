// Stuck-job repair (core/queue/reconciler.h): a job whose status is `queued`
// but whose id something other than Aether took out of its queue list (a
// Python RQ worker that died after popping it, a hand-edited list) is put
// back by the daemon within 30 s, counted in /metrics, and `retry` accepts
// such a job too. Real aether-ingestd, real redis-server.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QTest>

using namespace aether;
using namespace aether::test;

class TestIngestdRepair : public QObject
{
    Q_OBJECT

private:
    QString enqueueText(const QString &text)
    {
        const HttpResult reply = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                    {{"text", text}}, kEditor);
        [&] { QCOMPARE(reply.status, 200); }();
        return reply.json().value(QStringLiteral("job_id")).toString();
    }
    bool isListed(const QString &id) const
    {
        // LPOS answers the index (":0") or nil ("$-1" / "_").
        return m_redis.command({"LPOS", "rq:queue:ingest", id.toUtf8()}).startsWith(':');
    }
    void unlist(const QString &id) const
    {
        QCOMPARE(m_redis.command({"LREM", "rq:queue:ingest", "0", id.toUtf8()}).trimmed(),
                 QByteArray(":1"));
    }
    qint64 metric(const QByteArray &name) const
    {
        const QByteArray text = m_client->get(QStringLiteral("/metrics"), kAdmin).body;
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(QByteArray(name + ' ')))
                return line.mid(name.size() + 1).trimmed().toLongLong();
        }
        return -1;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 1)), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void aStrandedJobIsPutBackAndRuns()
    {
        QCOMPARE(m_client->post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status, 200);
        const QString kept = enqueueText(QStringLiteral("This one waits in its queue."));
        const QString stranded = enqueueText(QStringLiteral("This one is taken out of it."));
        unlist(stranded);
        QVERIFY(!isListed(stranded));
        QElapsedTimer waited;
        waited.start();
        // 30 s is the promise; 45 s leaves room for a busy machine.
        while (!isListed(stranded) && waited.elapsed() < 45000)
            QThread::msleep(200);
        QVERIFY2(isListed(stranded), "the stranded job was not put back into its queue");
        qInfo("put back after %lld ms", waited.elapsed());
        QVERIFY(isListed(kept));
        QCOMPARE(metric("aether_jobs_stranded_requeued_total"), 1);

        QCOMPARE(m_client->post(QStringLiteral("/ops/queue/resume"), {}, kAdmin).status, 200);
        for (const QString &id : {kept, stranded})
            QCOMPARE(waitForJob(*m_client, id).value(QStringLiteral("status")).toString(),
                     QStringLiteral("finished"));
        // Put back once, not twice: one run, one document.
        QCOMPARE(waitForJob(*m_client, stranded).value(QStringLiteral("attempts")).toInt(), 1);
    }

    void retryAcceptsAStrandedJobButNotAListedOne()
    {
        QCOMPARE(m_client->post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status, 200);
        const QString listed = enqueueText(QStringLiteral("Queued and listed."));
        const QString stranded = enqueueText(QStringLiteral("Queued and unlisted."));
        unlist(stranded);
        const QString retryListed = QStringLiteral("/ops/jobs/%1/retry").arg(listed);
        QCOMPARE(m_client->post(retryListed, {}, kAdmin).status, 409);
        const HttpResult retried =
            m_client->post(QStringLiteral("/ops/jobs/%1/retry").arg(stranded), {}, kAdmin);
        QCOMPARE(retried.status, 200);
        QCOMPARE(retried.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("queued"));
        QVERIFY(isListed(stranded));
        QCOMPARE(m_client->post(QStringLiteral("/ops/queue/resume"), {}, kAdmin).status, 200);
        for (const QString &id : {listed, stranded})
            QCOMPARE(waitForJob(*m_client, id).value(QStringLiteral("status")).toString(),
                     QStringLiteral("finished"));
    }
};

QTEST_GUILESS_MAIN(TestIngestdRepair)
#include "tst_ingestd_repair.moc"
