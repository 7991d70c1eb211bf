// aether-ingestd as a program: --help/--version/--help-all, start-up refusals, configured
// keys and tenants, the private Redis it starts and stops, scale-out workers
// (--no-server) and the private-address guard.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "freeport.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <csignal>

using namespace aether;
using namespace aether::test;

namespace {

QString runToEnd(const QStringList &arguments, const QProcessEnvironment &extra, int *exitCode)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(DaemonProcess::executable(), arguments);
    process.waitForFinished(15000);
    *exitCode = process.exitCode();
    return QString::fromUtf8(process.readAll());
}

bool listensOn(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    return socket.waitForConnected(200);
}

// Runs `program --help-all` with a free port and an empty data dir (no
// REDIS_URL: a program that started would start its private redis-server
// there). Stops it by pid if it does not end by itself.
void checkHelpAllDoesNotStart(const QString &program)
{
    QTemporaryDir dataDir;
    const quint16 port = freePort();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("REDIS_URL"));
    env.insert(QStringLiteral("AETHER_PORT"), QString::number(port));
    env.insert(QStringLiteral("AETHER_DATA_DIR"), dataDir.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dataDir.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, {QStringLiteral("--help-all")});
    QVERIFY2(process.waitForStarted(5000), qPrintable(program));
    QElapsedTimer timer;
    timer.start();
    bool listened = false;
    while (!process.waitForFinished(200) && timer.elapsed() < 10000) {
        if ((listened = listensOn(port)))
            break;
    }
    const bool ended = process.state() == QProcess::NotRunning;
    if (!ended) {
        process.terminate(); // SIGTERM by pid: it stops its private redis-server too
        if (!process.waitForFinished(15000))
            process.kill();
        process.waitForFinished(5000);
    }
    const QString output = QString::fromUtf8(process.readAll());
    QVERIFY2(!listened, qPrintable(program + QStringLiteral(" --help-all opened its port")));
    QVERIFY2(ended, qPrintable(program + QStringLiteral(" --help-all did not end")));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(output.contains(QStringLiteral("--redis-url")), qPrintable(output));
    QVERIFY2(!QFileInfo::exists(QDir(dataDir.path()).filePath(QStringLiteral("redis"))),
             "a private redis-server was started");
}

} // namespace

class TestIngestdPrograms : public QObject
{
    Q_OBJECT

private:
    RedisProcess m_redis;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }

    void helpAndVersion()
    {
        int code = -1;
        const QString help = runToEnd({QStringLiteral("--help")}, {}, &code);
        QCOMPARE(code, 0);
        QVERIFY(help.contains(QStringLiteral("--no-server")));
        QVERIFY(help.contains(QStringLiteral("REDIS_URL")));
        const QString version = runToEnd({QStringLiteral("--version")}, {}, &code);
        QCOMPARE(code, 0);
        QCOMPARE(version.trimmed(), QStringLiteral("aether-ingestd " AETHER_VERSION));
    }

    // --help-all (accepted by Qt's help option) prints help like --help, in
    // both programs; it used to start the service.
    void helpAllPrintsHelpWithoutStarting()
    {
        checkHelpAllDoesNotStart(DaemonProcess::executable());
        if (QTest::currentTestFailed())
            return;
        const QString desktop =
            QFileInfo(DaemonProcess::executable()).dir().filePath(QStringLiteral("aether-ingest"));
        if (QFileInfo(desktop).isExecutable())
            checkHelpAllDoesNotStart(desktop);
    }

    void badSettingsStopTheStartWithAMessage()
    {
        int code = -1;
        QProcessEnvironment env;
        env.insert(QStringLiteral("REDIS_URL"), QStringLiteral("http://nope"));
        const QString output = runToEnd({}, env, &code);
        QCOMPARE(code, 2);
        QVERIFY2(output.contains(QStringLiteral("redis://")), qPrintable(output));
    }

    // A default webhook that a request's own webhook_url could not be stops
    // the start, instead of making every request of that key answer 422.
    void aBadDefaultWebhookStopsTheStart()
    {
        QTemporaryDir dir;
        for (const QString &url : {QStringLiteral("https://u:pw9@hooks.example.com/x"),
                                   QStringLiteral("http://127.0.0.1./hook")}) {
            int code = -1;
            QProcessEnvironment env = daemonEnvironment(m_redis, 0);
            env.insert(QStringLiteral("AETHER_DATA_DIR"), dir.path());
            env.insert(QStringLiteral("WEBHOOK_URLS"), QStringLiteral("test-key=") + url);
            const QString output = runToEnd({}, env, &code);
            QCOMPARE(code, 2);
            QVERIFY2(output.contains(QStringLiteral("WEBHOOK_URLS")), qPrintable(output));
            QVERIFY2(!output.contains(QStringLiteral("pw9")), qPrintable(output));
        }
    }

    // An OCR language without its data stops the start, naming the package;
    // with OCR=off the languages are not needed.
    void aMissingOcrLanguageStopsTheStart()
    {
        int code = -1;
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("OCR_LANGS"), QStringLiteral("eng+xyz"));
        const QString output = runToEnd({}, env, &code);
        QCOMPARE(code, 2);
        QVERIFY2(output.contains(QStringLiteral("apt install tesseract-ocr-xyz")),
                 qPrintable(output));
        env.insert(QStringLiteral("OCR"), QStringLiteral("off"));
        env.insert(QStringLiteral("AETHER_PORT"), QStringLiteral("not-a-port")); // stops after
        const QString off = runToEnd({}, env, &code);
        QVERIFY2(!off.contains(QStringLiteral("tesseract-ocr-xyz")), qPrintable(off));
    }

    void developmentKeysAreRefusedOffLoopback()
    {
        QTemporaryDir dir;
        int code = -1;
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("AETHER_HOST"), QStringLiteral("0.0.0.0"));
        env.insert(QStringLiteral("AETHER_DATA_DIR"), dir.path());
        const QString output = runToEnd({}, env, &code);
        QCOMPARE(code, 1);
        QVERIFY2(output.contains(QStringLiteral("loopback")), qPrintable(output));
    }

    // Started by systemd (INVOCATION_ID set), the daemon refuses the public
    // development keys, configured or implied; SYSTEM_SERVICE=no lets them be.
    void aSystemServiceRefusesTheDevelopmentKeys()
    {
        int code = -1;
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("INVOCATION_ID"), QStringLiteral("0123456789abcdef"));
        const QString none = runToEnd({}, env, &code);
        QCOMPARE(code, 2);
        QVERIFY2(none.contains(QStringLiteral("running as a system service, but no API keys are "
                                              "configured")),
                 qPrintable(none));
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("s3cret-editor:editor,test-key:admin"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("s3cret-admin"));
        const QString configured = runToEnd({}, env, &code);
        QCOMPARE(code, 2);
        QVERIFY2(configured.contains(QStringLiteral("API_KEYS holds the development key test-key")),
                 qPrintable(configured));

        env.insert(QStringLiteral("API_KEYS"), QStringLiteral("s3cret-editor:editor"));
        DaemonProcess service;
        QVERIFY2(service.start(env), qPrintable(service.errorText()));
        const HttpClient client(service.baseUrl());
        QCOMPARE(client.get(QStringLiteral("/knowledge/documents"), kEditor).status, 401);
        QCOMPARE(
            client.get(QStringLiteral("/knowledge/documents"), {{"x-api-key", "s3cret-editor"}})
                .status,
            200);
        service.stop();

        env.remove(QStringLiteral("API_KEYS"));
        env.remove(QStringLiteral("ADMIN_KEY"));
        env.insert(QStringLiteral("SYSTEM_SERVICE"), QStringLiteral("no"));
        DaemonProcess development;
        QVERIFY2(development.start(env), qPrintable(development.errorText()));
    }

    void configuredKeysAndTenants()
    {
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-ed:editor:acme,globex-ed:editor:globex,ops:admin:*"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("root-admin"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        // The development keys are off once keys are configured.
        QCOMPARE(
            client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"), {{"text", "x"}}, kEditor)
                .status,
            401);
        const HttpResult acme = client.postJson(
            QStringLiteral("/knowledge/ingest-text-async"), {{"text", "acme secret"}},
            Headers{{"x-api-key", "acme-ed"}, {"x-tenant", "globex"}});
        QCOMPARE(acme.status, 200);
        QCOMPARE(acme.json().value("tenant").toString(),
                 QStringLiteral("acme")); // x-tenant cannot escape
        const QString id = acme.json().value("job_id").toString();
        const Headers root{{"x-admin-key", "root-admin"}};
        QTRY_COMPARE_WITH_TIMEOUT(
            client.get(QStringLiteral("/ops/jobs/") + id, root).json().value("status").toString(),
            QStringLiteral("finished"), 15000);
        // Another tenant's admin view does not see it; the all-tenant views do.
        QCOMPARE(client
                     .get(QStringLiteral("/ops/jobs/") + id,
                          Headers{{"x-api-key", "ops"}, {"x-tenant", "globex"}})
                     .status,
                 404);
        QCOMPARE(
            client.get(QStringLiteral("/ops/jobs/") + id, Headers{{"x-api-key", "ops"}}).status,
            200);
        QCOMPARE(client
                     .get(QStringLiteral("/ops/jobs/") + id,
                          Headers{{"x-admin-key", "admin-secret-123"}})
                     .status,
                 401);
        // An editor key cannot read job status (admin only).
        QCOMPARE(
            client.get(QStringLiteral("/ops/jobs/") + id, Headers{{"x-api-key", "acme-ed"}}).status,
            403);
        daemon.stop();
        QVERIFY(!daemon.log().contains(QStringLiteral("acme-ed")));
        QVERIFY(!daemon.log().contains(QStringLiteral("root-admin")));
    }

    void privateAddressesAreRefusedByDefault()
    {
        FixtureHttpServer web;
        web.setResponse(
            "/page",
            FixtureResponse{200, "OK", {{"Content-Type", "text/plain"}}, "internal data", 0});
        DaemonProcess daemon; // URL_ALLOW_PRIVATE unset: 0
        QVERIFY2(daemon.start(daemonEnvironment(m_redis, 1)), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const QString url = QStringLiteral("http://localhost:%1/page").arg(web.port());
        const HttpResult reply =
            client.postJson(QStringLiteral("/knowledge/ingest-url-async"), {{"url", url}}, kEditor);
        QCOMPARE(reply.status, 200); // a name: resolved and refused by the worker
        const QJsonObject job = waitForJob(client, reply.json().value("job_id").toString());
        QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
        QVERIFY2(
            job.value("error").toString().startsWith(QStringLiteral("URLError: refused address")),
            qPrintable(job.value("error").toString()));
        QCOMPARE(web.requestCount("/page"), 0);
    }

    void scaleOutWorkersWithoutServer()
    {
        // The API process has no workers; a second process runs workers only.
        QTemporaryDir shared;
        QProcessEnvironment apiEnv = daemonEnvironment(m_redis, 0);
        const QString store =
            QStringLiteral("sqlite:///") + shared.filePath(QStringLiteral("shared.db"));
        apiEnv.insert(QStringLiteral("DATABASE_URL"), store);
        DaemonProcess api;
        QVERIFY2(api.start(apiEnv), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        QStringList ids;
        for (int i = 0; i < 5; ++i) {
            ids.append(client
                           .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                     {{"text", QStringLiteral("scale out text %1").arg(i)}},
                                     kEditor)
                           .json()
                           .value("job_id")
                           .toString());
        }
        QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + ids.first(), kAdmin)
                     .json()
                     .value("status")
                     .toString(),
                 QStringLiteral("queued"));
        QVERIFY(client.get(QStringLiteral("/ops/jobs/") + ids.first(), kAdmin)
                    .json()
                    .value("started_at")
                    .isNull());

        QProcessEnvironment workerEnv = daemonEnvironment(m_redis, 2);
        workerEnv.insert(QStringLiteral("DATABASE_URL"), store);
        DaemonProcess workers;
        QVERIFY2(workers.start(workerEnv, {QStringLiteral("--no-server")}),
                 qPrintable(workers.errorText()));
        for (const QString &id : ids)
            QCOMPARE(waitForJob(client, id).value("status").toString(), QStringLiteral("finished"));
        QVERIFY(workers.log().contains(QStringLiteral("Starting ingest_text_job")));
        QVERIFY(!api.log().contains(QStringLiteral("Starting ingest_text_job")));
        // Every line: the UTC date and time to the millisecond, the level, the message.
        static const QRegularExpression kLogLine(QStringLiteral(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  Starting ingest_text_job: "
            "tenant=default source=\\S+ job_id=[0-9a-f-]{36} attempt=1$"));
        const QStringList lines = workers.log().split(QLatin1Char('\n'));
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(),
                             [](const QString &line) { return kLogLine.match(line).hasMatch(); }),
                 qPrintable(workers.log().left(2000)));
    }

    void privateRedisIsStartedAndStopped()
    {
        DaemonProcess daemon; // no REDIS_URL: starts its own redis-server
        QProcessEnvironment env;
        env.insert(QStringLiteral("WORKERS"), QStringLiteral("1"));
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const HttpResult reply = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                 {{"text", "private redis"}}, kEditor);
        QCOMPARE(reply.status, 200);
        QCOMPARE(
            waitForJob(client, reply.json().value("job_id").toString()).value("status").toString(),
            QStringLiteral("finished"));
        const QString socket = QDir(daemon.dataDir()).filePath(QStringLiteral("redis/redis.sock"));
        QVERIFY(QFile::exists(socket));
        QVERIFY(
            QFile::exists(QDir(daemon.dataDir()).filePath(QStringLiteral("redis/appendonlydir"))));
        const QString log = daemon.log();
        const qsizetype at = log.indexOf(QStringLiteral("redis-server (pid "));
        QVERIFY(at >= 0);
        const qint64 redisPid = log.mid(at + 18).section(QLatin1Char(')'), 0, 0).toLongLong();
        QVERIFY(redisPid > 0);
        QCOMPARE(::kill(pid_t(redisPid), 0), 0);
        daemon.stop();
        QCOMPARE(daemon.exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(redisPid), 0) != 0, 5000); // gone with its parent
    }
};

QTEST_GUILESS_MAIN(TestIngestdPrograms)
#include "tst_ingestd_programs.moc"
