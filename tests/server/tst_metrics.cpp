// GET /metrics of the real aether-ingestd: Prometheus text that a scraper on
// the same host reads without a key, and whose counters move with the
// requests answered and the jobs that end; the process_* metrics, the
// request-duration histogram by route, refusals before routing, and
// OpenMetrics when Accept asks for it.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QDateTime>
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

const Headers kOpenMetrics{
    {"Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
               "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"}};

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
        // The worker threads register on the queue just after the server
        // listens, so the gauge is read once they have (CI once read 0).
        QTRY_VERIFY_WITH_TIMEOUT(
            sampleValue(m_client->get(QStringLiteral("/metrics")).body, "aether_workers") >= 1,
            10000);
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

    void processMetricsDescribeThisDaemon()
    {
        const QByteArray text = m_client->get(QStringLiteral("/metrics")).body;
        const double rssBytes = sampleValue(text, "process_resident_memory_bytes");
        // The same number as the kernel's VmRSS (kB), within what a scrape allocates.
        const double kernelBytes = residentKb(m_daemon.pid()) * 1024.0;
        QVERIFY2(rssBytes > 0 && qAbs(rssBytes - kernelBytes) < 32 * 1024 * 1024,
                 qPrintable(QStringLiteral("%1 vs %2").arg(rssBytes).arg(kernelBytes)));
        QVERIFY(sampleValue(text, "process_virtual_memory_bytes") >= rssBytes);
        QVERIFY(sampleValue(text, "process_cpu_seconds_total") > 0);
        const double openFds = sampleValue(text, "process_open_fds");
        QVERIFY(openFds >= 3); // stdin, stdout, stderr at least, and the listening socket
        QVERIFY(sampleValue(text, "process_max_fds") >= openFds);
        // Started after this test began, and not in the future.
        const double started = sampleValue(text, "process_start_time_seconds");
        const double now = QDateTime::currentMSecsSinceEpoch() / 1000.0;
        QVERIFY2(started >= m_testStart - 2 && started <= now + 1,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]")
                                .arg(started, 0, 'f', 2)
                                .arg(m_testStart, 0, 'f', 2)
                                .arg(now, 0, 'f', 2)));
    }

    void requestDurationsByRoutePattern()
    {
        const QByteArray series = "aether_http_request_duration_seconds_count{method=\"GET\","
                                  "route=\"/ops/jobs/{id}\",code=\"4xx\"}";
        const double before =
            qMax(0.0, sampleValue(m_client->get(QStringLiteral("/metrics")).body, series));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(
                m_client->get(QStringLiteral("/ops/jobs/no-such-job-%1").arg(i), kAdmin).status,
                404);
        const QByteArray text = m_client->get(QStringLiteral("/metrics")).body;
        QCOMPARE(sampleValue(text, series), before + 3);
        const QByteArray labels = "method=\"GET\",route=\"/ops/jobs/{id}\",code=\"4xx\"";
        QCOMPARE(sampleValue(text, "aether_http_request_duration_seconds_bucket{" + labels +
                                       ",le=\"+Inf\"}"),
                 before + 3);
        QVERIFY(sampleValue(text, "aether_http_request_duration_seconds_bucket{" + labels +
                                      ",le=\"60\"}") >= before + 3);
        QVERIFY(sampleValue(text, "aether_http_request_duration_seconds_sum{" + labels + "}") > 0);
        // Raw ids make no series: only the pattern is a label.
        QVERIFY(!text.contains("no-such-job"));
    }

    void refusalsBeforeRoutingAreCounted()
    {
        const QByteArray tooLarge =
            "aether_http_refusals_total{reason=\"payload_too_large\",code=\"413\"}";
        const QByteArray headersTooLarge =
            "aether_http_refusals_total{reason=\"header_fields_too_large\",code=\"431\"}";
        const QByteArray keyless =
            "aether_http_refusals_total{reason=\"unauthorized\",code=\"401\"}";
        const QByteArray malformed =
            "aether_http_refusals_total{reason=\"bad_request\",code=\"400\"}";
        const QByteArray before = m_client->get(QStringLiteral("/metrics")).body;

        const QByteArray post = "POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\n";
        QCOMPARE(statusOf(rawRequest(m_daemon.port(), post + "x-api-key: test-key\r\n"
                                                             "Content-Length: 99999999999\r\n")),
                 413);
        QCOMPARE(statusOf(rawRequest(m_daemon.port(),
                                     post + "X-Filler: " + QByteArray(70 * 1024, 'a') + "\r\n")),
                 431);
        QCOMPARE(statusOf(rawRequest(m_daemon.port(), post + "Content-Length: 2\r\n")), 401);
        // A HEAD of the event stream is answered (its head), not refused.
        QCOMPARE(statusOf(rawRequest(m_daemon.port(), "HEAD /ops/events HTTP/1.1\r\n"
                                                      "Host: 127.0.0.1\r\n"
                                                      "x-admin-key: admin-secret-123\r\n")),
                 200);

        const QByteArray after = m_client->get(QStringLiteral("/metrics")).body;
        QCOMPARE(sampleValue(after, tooLarge), qMax(0.0, sampleValue(before, tooLarge)) + 1);
        QCOMPARE(sampleValue(after, headersTooLarge),
                 qMax(0.0, sampleValue(before, headersTooLarge)) + 1);
        QCOMPARE(sampleValue(after, keyless), qMax(0.0, sampleValue(before, keyless)) + 1);
        QCOMPARE(qMax(0.0, sampleValue(after, malformed)),
                 qMax(0.0, sampleValue(before, malformed)));
    }

    void openMetricsWhenAcceptAsksForIt()
    {
        const HttpResult reply = m_client->get(QStringLiteral("/metrics"), kOpenMetrics);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("Content-Type"),
                 QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8"));
        const QByteArray text = reply.body;
        QVERIFY2(text.endsWith("\n# EOF\n"), text.right(80).constData());
        QCOMPARE(text.count("# EOF"), 1);
        // Counter families are named without _total, their samples with it.
        QVERIFY(text.contains("# TYPE aether_http_requests counter\n"));
        QVERIFY(text.contains("# TYPE process_cpu_seconds counter\n"));
        QVERIFY(!text.contains("_total counter"));
        QVERIFY(sampleValue(text, "process_cpu_seconds_total") > 0);
        QVERIFY(text.contains("# TYPE aether_build info\n"));
        QCOMPARE(sampleValue(text, "aether_build_info{version=\"" AETHER_VERSION "\"}"), 1.0);

        // Without the Accept asking for it: the text format, no # EOF.
        for (const QByteArray &accept : {QByteArray("*/*"), QByteArray("text/plain"),
                                         QByteArray("application/openmetrics-text;q=0")}) {
            const HttpResult plain =
                m_client->get(QStringLiteral("/metrics"), {{"Accept", accept}});
            QCOMPARE(plain.header("Content-Type"),
                     QByteArray("text/plain; version=0.0.4; charset=utf-8"));
            QVERIFY(!plain.body.contains("# EOF"));
            QVERIFY(plain.body.contains("# TYPE aether_http_requests_total counter\n"));
            QVERIFY(plain.body.contains("# TYPE aether_build_info gauge\n"));
        }
    }

private:
    double m_testStart = QDateTime::currentMSecsSinceEpoch() / 1000.0;
    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
