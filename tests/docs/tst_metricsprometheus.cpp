// The real daemon's /metrics as Prometheus's own tools read it, after
// traffic that fills every family (a job, a 404 on a route with an id,
// refusals before routing): `promtool check metrics` finds nothing to say
// about the text format, and a real Prometheus scraping the daemon, which
// asks for OpenMetrics first, takes it with no scrape error and keeps the
// families' OpenMetrics types. (promtool 2.42 reads only the text format,
// hence the server for OpenMetrics.)
#include "daemonprocess.h"
#include "freeport.h"
#include "jobpoller.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace aether;
using namespace aether::test;

namespace {

const QString kPromtool = QStringLiteral("/usr/bin/promtool");
const QString kPrometheus = QStringLiteral("/usr/bin/prometheus");

} // namespace

class TestMetricsPrometheus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kPromtool), "promtool missing: installer/install-build-deps.sh");
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 1)), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        sendTraffic();
    }

    void cleanupTestCase()
    {
        if (m_prometheus.state() != QProcess::NotRunning) {
            m_prometheus.terminate();
            if (!m_prometheus.waitForFinished(10000))
                m_prometheus.kill();
        }
        m_daemon.stop();
        m_redis.stop();
    }

    void promtoolFindsNothingInTheTextFormat()
    {
        const HttpResult reply = m_client->get(QStringLiteral("/metrics"));
        QCOMPARE(reply.status, 200);
        // The families this check is about are in what promtool reads.
        for (const char *family :
             {"aether_http_request_duration_seconds_bucket{", "aether_http_refusals_total{",
              "process_resident_memory_bytes ", "process_cpu_seconds_total ",
              "aether_job_duration_seconds_bucket{"})
            QVERIFY2(reply.body.contains(family), family);

        QProcess promtool;
        promtool.setProcessChannelMode(QProcess::MergedChannels);
        promtool.start(kPromtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(promtool.waitForStarted());
        promtool.write(reply.body);
        promtool.closeWriteChannel();
        QVERIFY(promtool.waitForFinished(-1));
        const QByteArray said = promtool.readAll();
        QVERIFY2(promtool.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }

    void prometheusScrapesOpenMetrics()
    {
        startPrometheus();
        // Until Prometheus has scraped the daemon once (ctest's TIMEOUT
        // bounds the wait).
        QJsonObject target;
        while (target.value("lastScrape").toString().startsWith(QLatin1String("0001")) ||
               target.isEmpty()) {
            QVERIFY2(m_prometheus.state() == QProcess::Running, m_prometheus.readAll().constData());
            QThread::msleep(200);
            const QJsonArray targets =
                prometheusApi(QStringLiteral("/api/v1/targets")).value("activeTargets").toArray();
            target = targets.isEmpty() ? QJsonObject() : targets.first().toObject();
        }
        QCOMPARE(target.value("lastError").toString(), QString());
        QCOMPARE(target.value("health").toString(), QStringLiteral("up"));
        // "info" exists only in OpenMetrics (the text format says gauge): the
        // scrape was read as OpenMetrics.
        QCOMPARE(metadataType("aether_build"), QStringLiteral("info"));
        QCOMPARE(metadataType("aether_http_refusals"), QStringLiteral("counter"));
        QCOMPARE(metadataType("aether_http_request_duration_seconds"), QStringLiteral("histogram"));
        QCOMPARE(metadataType("process_cpu_seconds"), QStringLiteral("counter"));
    }

private:
    void sendTraffic()
    {
        const HttpResult enqueued =
            m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                               {{"text", QStringLiteral("A document for the metrics.")}}, kEditor);
        QCOMPARE(enqueued.status, 200);
        QCOMPARE(waitForJob(*m_client, enqueued.json().value("job_id").toString())
                     .value("status")
                     .toString(),
                 QStringLiteral("finished"));
        QCOMPARE(m_client->get(QStringLiteral("/ops/jobs/no-such-job"), kAdmin).status, 404);
        // Refused before routing: a body over MAX_UPLOAD_MB, headers over 64 KB.
        const QByteArray post = "POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "x-api-key: test-key\r\n";
        QCOMPARE(statusOf(rawRequest(m_daemon.port(), post + "Content-Length: 99999999999\r\n")),
                 413);
        QCOMPARE(statusOf(rawRequest(m_daemon.port(),
                                     post + "X-Filler: " + QByteArray(70 * 1024, 'a') + "\r\n")),
                 431);
    }

    void startPrometheus()
    {
        QVERIFY(m_prometheusDir.isValid());
        const QString config = m_prometheusDir.filePath(QStringLiteral("prometheus.yml"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                   "scrape_configs:\n  - job_name: aether\n    static_configs:\n"
                   "      - targets: ['127.0.0.1:" +
                   QByteArray::number(m_daemon.port()) + "']\n");
        file.close();
        m_prometheusPort = freePort();
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.start(
            kPrometheus,
            {QStringLiteral("--config.file=") + config,
             QStringLiteral("--storage.tsdb.path=") +
                 m_prometheusDir.filePath(QStringLiteral("data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
        QVERIFY(m_prometheus.waitForStarted());
    }

    // The "data" of a Prometheus HTTP API answer; empty until it answers.
    QJsonObject prometheusApi(const QString &pathAndQuery) const
    {
        const HttpResult reply =
            HttpClient(QStringLiteral("http://127.0.0.1:%1").arg(m_prometheusPort))
                .get(pathAndQuery);
        return reply.status == 200 ? reply.json().value("data").toObject() : QJsonObject();
    }

    QString metadataType(const char *family) const
    {
        const HttpResult reply =
            HttpClient(QStringLiteral("http://127.0.0.1:%1").arg(m_prometheusPort))
                .get(QStringLiteral("/api/v1/targets/metadata?metric=") + QLatin1String(family));
        const QJsonArray entries = reply.json().value("data").toArray();
        return entries.isEmpty() ? QString() : entries.first().toObject().value("type").toString();
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;
    QTemporaryDir m_prometheusDir;
    QProcess m_prometheus;
    quint16 m_prometheusPort = 0;
};

QTEST_GUILESS_MAIN(TestMetricsPrometheus)
#include "tst_metricsprometheus.moc"
