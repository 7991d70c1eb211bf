// Runs aether-seed-check against a real aether-ingestd (the URL check against a
// local page) and expects the seed's 5/5 report.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "redisprocess.h"

#include <QTest>

using namespace aether::test;

class TestSeedCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsFiveOfFive()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        FixtureHttpServer web;
        web.setResponse(
            "/",
            FixtureResponse{200,
                            "OK",
                            {{"Content-Type", "text/html"}},
                            "<html><title>Example Domain</title><body><p>This domain is for use in "
                            "illustrative examples in documents.</p></body></html>",
                            0});
        QProcessEnvironment env;
        env.insert(QStringLiteral("REDIS_URL"), redis.url());
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));

        QProcess check;
        check.start(qEnvironmentVariable("AETHER_SEED_CHECK"),
                    {QStringLiteral("--base"), daemon.baseUrl(), QStringLiteral("--url"),
                     QString::fromLatin1(web.url("/"))});
        QVERIFY(check.waitForFinished(120000));
        const QString output = QString::fromUtf8(check.readAllStandardOutput());
        QVERIFY2(check.exitCode() == 0, qPrintable(output));
        for (const char *line :
             {"✅ PASS  Async text ingest", "✅ PASS  Async URL ingest", "✅ PASS  Async file ingest",
              "✅ PASS  Job not found", "✅ PASS  Viewer blocked", "Score: 5/5 tests passed"})
            QVERIFY2(output.contains(QString::fromUtf8(line)), line);
    }
};

QTEST_GUILESS_MAIN(TestSeedCheck)
#include "tst_seedcheck.moc"
