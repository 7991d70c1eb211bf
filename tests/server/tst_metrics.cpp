// GET /metrics of the real aether-ingestd: Prometheus text that a scraper on
// the same host reads without a key, and whose counters move with the
// requests answered and the jobs that end.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QSet>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

// The value of the sample `series` ("name{labels}" as written), or -1.
double sampleValue(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(QByteArray(series + ' ')))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 1)), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void cleanupTestCase()
    {
        m_daemon.stop();
        m_redis.stop();
    }

    void isPrometheusTextForLoopbackClients()
    {
        const HttpResult reply = m_client->get(QStringLiteral("/metrics"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("Content-Type"),
                 QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        const QByteArray text = reply.body;
        QCOMPARE(sampleValue(text, "aether_redis_up"), 1.0);
        QCOMPARE(sampleValue(text, "aether_build_info{version=\"" AETHER_VERSION "\"}"), 1.0);
        for (const QByteArray priority : {"high", "default", "low"})
            QCOMPARE(
                sampleValue(text, QByteArray("aether_queue_length{priority=\"" + priority + "\"}")),
                0.0);
        QVERIFY(sampleValue(text, "aether_store_size_bytes{file=\"database\"}") > 0);
        QVERIFY(sampleValue(text, "aether_workers") >= 1);
        // Every sample line belongs to a declared metric family.
        QSet<QByteArray> declared;
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith("# TYPE "))
                declared.insert(line.split(' ').value(2));
            else if (!line.isEmpty() && !line.startsWith('#')) {
                qsizetype end = 0;
                while (end < line.size() && line[end] != '{' && line[end] != ' ')
                    ++end;
                QByteArray family = line.left(end);
                for (const char *suffix : {"_bucket", "_sum", "_count"}) {
                    if (!declared.contains(family) && family.endsWith(suffix))
                        family.chop(qstrlen(suffix));
                }
                QVERIFY2(declared.contains(family), line.constData());
            }
        }
    }

    void countersMoveWithRequestsAndJobs()
    {
        const QByteArray enqueued =
            "aether_http_requests_total{method=\"POST\",route=\"/knowledge/ingest-text-async\","
            "code=\"200\"}";
        const QByteArray before = m_client->get(QStringLiteral("/metrics")).body;
        const double enqueuedBefore = qMax(0.0, sampleValue(before, enqueued));
        const double finishedBefore = qMax(
            0.0, sampleValue(before, "aether_jobs_ended_total{type=\"text\",status=\"finished\"}"));

        QStringList ids;
        for (int i = 0; i < 3; ++i) {
            const HttpResult reply = m_client->postJson(
                QStringLiteral("/knowledge/ingest-text-async"),
                {{"text", QStringLiteral("Metrics document number %1.").arg(i)}}, kEditor);
            QCOMPARE(reply.status, 200);
            ids.append(reply.json().value("job_id").toString());
        }
        QCOMPARE(m_client->get(QStringLiteral("/no/such/route")).status, 404);
        for (const QString &id : std::as_const(ids))
            QCOMPARE(waitForJob(*m_client, id).value("status").toString(),
                     QStringLiteral("finished"));

        const QByteArray after = m_client->get(QStringLiteral("/metrics")).body;
        QCOMPARE(sampleValue(after, enqueued), enqueuedBefore + 3);
        QVERIFY(sampleValue(after, "aether_http_requests_total{method=\"GET\",route=\"unmatched\","
                                   "code=\"404\"}") >= 1);
        QVERIFY(sampleValue(after, "aether_http_requests_total{method=\"GET\",route=\"/ops/jobs/"
                                   "{id}\",code=\"200\"}") >= 3);
        QCOMPARE(sampleValue(after, "aether_jobs_ended_total{type=\"text\",status=\"finished\"}"),
                 finishedBefore + 3);
        QVERIFY(sampleValue(after, "aether_job_duration_seconds_count{type=\"text\"}") >= 3);
        QVERIFY(sampleValue(after,
                            "aether_job_duration_seconds_bucket{type=\"text\",le=\"+Inf\"}") >= 3);
        QVERIFY(sampleValue(after, "aether_jobs{state=\"finished\"}") >= 3);
        QVERIFY(sampleValue(after, "aether_store_size_bytes{file=\"database\"}") > 0);

        // A scrape counts each ended job once.
        const QByteArray again = m_client->get(QStringLiteral("/metrics")).body;
        QCOMPARE(sampleValue(again, "aether_jobs_ended_total{type=\"text\",status=\"finished\"}"),
                 finishedBefore + 3);
    }

private:
    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
