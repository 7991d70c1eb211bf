// URL bodies that never end, against the real daemon and its workers: four at
// once, plain and gzip-encoded. Each job fails TooLarge after reading about the
// cap (50 MB, counted after decoding), the daemon's peak resident size stays
// within four caps' worth plus 64 MB, and it falls back near where it started.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <memory>
#include <zlib.h>

using namespace aether::test;

namespace {

constexpr qint64 kMb = 1024 * 1024;
constexpr qint64 kCapBytes = 50 * kMb; // UrlFetchOptions::maxBytes
constexpr int kJobs = 4;
// What may sit in socket buffers on both ends besides what the fetch read.
constexpr qint64 kInFlightSlackBytes = 16 * kMb;
constexpr qint64 kRssSlackKb = 64 * 1024;

// Text that compresses about 2:1, far below the ratio at which Qt itself
// stops decoding, so only the fetch's own count can stop a gzip stream.
QByteArray randomText(qint64 size)
{
    QRandomGenerator random(14);
    QByteArray text(size, Qt::Uninitialized);
    for (char &c : text)
        c = random.bounded(6) == 0 ? ' ' : char('a' + random.bounded(26));
    return text;
}

// A gzip stream cut into pieces that may repeat forever: after a full flush
// deflate starts afresh, so the same text compresses to the same bytes.
QPair<QByteArray, QByteArray> endlessGzip(const QByteArray &text)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    const auto compress = [&stream, &text] {
        QByteArray out(int(deflateBound(&stream, uLong(text.size()))) + 64, Qt::Uninitialized);
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.constData()));
        stream.avail_in = uInt(text.size());
        stream.next_out = reinterpret_cast<Bytef *>(out.data());
        stream.avail_out = uInt(out.size());
        deflate(&stream, Z_FULL_FLUSH);
        out.truncate(out.size() - stream.avail_out);
        return out;
    };
    const QByteArray first = compress(); // carries the gzip header
    const QByteArray repeated = compress();
    deflateEnd(&stream);
    return {first, repeated};
}

qint64 statusKb(qint64 pid, const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

// Resets VmHWM to the current resident size (Linux >= 4.0).
bool resetPeak(qint64 pid)
{
    QFile clear(QStringLiteral("/proc/%1/clear_refs").arg(pid));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

bool underAsan()
{
    return !qEnvironmentVariableIsEmpty("ASAN_OPTIONS");
}

} // namespace

class TestIngestdEndlessBody : public QObject
{
    Q_OBJECT

private:
    // Starts kJobs jobs on `path` at once and waits for all; returns them.
    QList<QJsonObject> runJobs(const QByteArray &path, qint64 *peakSampleKb)
    {
        QStringList ids;
        for (int i = 0; i < kJobs; ++i) {
            const HttpResult queued = m_client->postJson(
                QStringLiteral("/knowledge/ingest-url-async"),
                {{"url", QString::fromLatin1(m_web.url(path + "?n=" + QByteArray::number(i)))}},
                kEditor);
            if (queued.status != 200)
                return {queued.json()};
            ids.append(queued.json().value("job_id").toString());
        }
        QList<QJsonObject> ended;
        QElapsedTimer clock;
        clock.start();
        // Generous: only proves that no job hangs on a body that never ends.
        while (ended.size() < kJobs && clock.elapsed() < 180000) {
            *peakSampleKb = qMax(*peakSampleKb, residentKb(m_daemon.pid()));
            ended.clear();
            for (const QString &id : ids) {
                const QJsonObject job =
                    m_client->get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
                const QString status = job.value("status").toString();
                if (status == QLatin1String("failed") || status == QLatin1String("finished"))
                    ended.append(job);
            }
            QThread::msleep(20);
        }
        return ended;
    }

    void verifyCutAtTheCap(const QByteArray &path, qint64 maxSentBytes)
    {
        const qint64 baseKb = residentKb(m_daemon.pid());
        QVERIFY(baseKb > 0);
        QVERIFY(resetPeak(m_daemon.pid()));
        const qint64 sentBefore = m_web.bytesSent(path);
        qint64 peakSampleKb = 0;
        const QList<QJsonObject> jobs = runJobs(path, &peakSampleKb);
        QCOMPARE(jobs.size(), kJobs);
        for (const QJsonObject &job : jobs) {
            QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
            QVERIFY2(job.value("error").toString().startsWith(
                         QStringLiteral("TooLarge: response larger than")),
                     qPrintable(job.value("error").toString()));
        }
        const qint64 peakKb = qMax(statusKb(m_daemon.pid(), "VmHWM"), peakSampleKb);
        const qint64 boundKb = baseKb + kJobs * kCapBytes / 1024 + kRssSlackKb;
        const qint64 sent = m_web.bytesSent(path) - sentBefore;
        qInfo("%s: sent %.1f MB for %d jobs; RSS base %lld kB, peak %lld kB, bound %lld kB",
              path.constData(), sent / double(kMb), kJobs, baseKb, peakKb, boundKb);
        // The fetch stops reading at the cap, so the server cannot push much more.
        QVERIFY2(sent <= maxSentBytes, qPrintable(QString::number(sent)));
        if (underAsan())
            return; // freed memory waits in ASan's quarantine; the counts above still hold
        QVERIFY2(peakKb <= boundKb,
                 qPrintable(QStringLiteral("peak %1 kB > bound %2 kB").arg(peakKb).arg(boundKb)));
        // Back near base: the bodies are freed, not kept by an allocator.
        qint64 afterKb = 0;
        for (int tries = 0; tries < 50; ++tries) {
            afterKb = residentKb(m_daemon.pid());
            if (afterKb <= baseKb + kRssSlackKb)
                break;
            QThread::msleep(100);
        }
        QVERIFY2(afterKb <= baseKb + kRssSlackKb,
                 qPrintable(QStringLiteral("after %1 kB, base %2 kB").arg(afterKb).arg(baseKb)));
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, kJobs);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1")); // the fixture
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void endlessBodiesStopAtTheCap()
    {
        m_web.setEndless("/endless", {{"Content-Type", "text/plain"}}, randomText(64 * 1024));
        verifyCutAtTheCap("/endless", kJobs * (kCapBytes + kInFlightSlackBytes));
    }

    // Decoded bytes are what count: the compressed stream is half the size.
    void endlessGzipBodiesStopAtTheCapOfDecodedBytes()
    {
        const QByteArray text = randomText(64 * 1024);
        const auto [first, repeated] = endlessGzip(text);
        QVERIFY(repeated.size() * 3 / 2 < text.size());
        m_web.setEndless("/endless.gz",
                         {{"Content-Type", "text/plain"}, {"Content-Encoding", "gzip"}}, repeated,
                         first);
        const double ratio = double(text.size()) / double(repeated.size());
        verifyCutAtTheCap("/endless.gz",
                          kJobs * qint64(kCapBytes / ratio + double(kInFlightSlackBytes)));
    }

    void theDaemonStillIngests()
    {
        const HttpResult queued = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                     {{"text", "still alive"}}, kEditor);
        QCOMPARE(queued.status, 200);
        QCOMPARE(waitForJob(*m_client, queued.json().value("job_id").toString())
                     .value("status")
                     .toString(),
                 QStringLiteral("finished"));
    }
};

QTEST_GUILESS_MAIN(TestIngestdEndlessBody)
#include "tst_ingestd_endless_body.moc"
