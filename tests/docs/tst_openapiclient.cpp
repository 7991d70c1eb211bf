// The API reference as a client generator reads it: the real daemon's served
// /openapi.json passes Redocly's lint (recommended rules) with no error, and
// the TypeScript types openapi-typescript generates from it compile, with a
// small client (openapi-client/client.ts) using them, under tsc --strict.
// The npm tools are pinned in openapi-client/package-lock.json and installed
// into the build tree once (again only when the lock file changes).
#include "daemonprocess.h"
#include "httpclient.h"
#include "redisprocess.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace aether::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString output; // stdout and stderr
};

// No network beyond the npm registry, and nothing asked of a terminal.
QProcessEnvironment toolEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REDOCLY_TELEMETRY"), QStringLiteral("off"));
    env.insert(QStringLiteral("REDOCLY_SUPPRESS_UPDATE_NOTICE"), QStringLiteral("true"));
    env.insert(QStringLiteral("npm_config_update_notifier"), QStringLiteral("false"));
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    return env;
}

// Waits as long as it takes: ctest's TIMEOUT bounds the whole test.
Run run(const QString &directory, const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.setProcessEnvironment(toolEnvironment());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    Run result;
    if (!process.waitForStarted() || !process.waitForFinished(-1)) {
        result.output = program + QStringLiteral(": ") + process.errorString();
        return result;
    }
    result.output = QString::fromUtf8(process.readAll());
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

} // namespace

class TestOpenApiClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QDir().mkpath(m_work + QStringLiteral("/generated")));
        for (const char *name : {"package.json", "package-lock.json", "client.ts"}) {
            const QString file = QString::fromLatin1(name);
            QVERIFY2(writeAll(m_work + QLatin1Char('/') + file,
                              readAll(QStringLiteral(AETHER_OPENAPI_CLIENT_SOURCE "/") + file)),
                     name);
        }
        installTools();

        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 0)), qPrintable(m_daemon.errorText()));
        const HttpResult served =
            HttpClient(m_daemon.baseUrl()).get(QStringLiteral("/openapi.json"));
        QCOMPARE(served.status, 200);
        QVERIFY(writeAll(m_work + QStringLiteral("/openapi.json"), served.body));
    }

    void cleanupTestCase()
    {
        m_daemon.stop();
        m_redis.stop();
    }

    void redoclyLintFindsNoError()
    {
        const Run lint =
            run(m_work, QStringLiteral("npx"),
                {QStringLiteral("--no-install"), QStringLiteral("redocly"), QStringLiteral("lint"),
                 QStringLiteral("--format=stylish"), QStringLiteral("openapi.json")});
        // stylish: "  1484:35  error    nullable-type-sibling  ..."
        static const QRegularExpression errorLine(QStringLiteral("^\\s*\\d+:\\d+\\s+error\\s"),
                                                  QRegularExpression::MultilineOption);
        QVERIFY2(lint.exitCode == 0 && !errorLine.match(lint.output).hasMatch(),
                 qPrintable(lint.output));
        QVERIFY2(lint.output.contains(QLatin1String("Your API description is valid")),
                 qPrintable(lint.output));
    }

    void generatedTypeScriptClientCompiles()
    {
        const Run generate =
            run(m_work, QStringLiteral("npx"),
                {QStringLiteral("--no-install"), QStringLiteral("openapi-typescript"),
                 QStringLiteral("openapi.json"), QStringLiteral("-o"),
                 QStringLiteral("generated/api.d.ts")});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.output));
        const QByteArray types = readAll(m_work + QStringLiteral("/generated/api.d.ts"));
        QVERIFY(types.contains("export interface operations"));
        QVERIFY(types.contains("getJob: {"));

        const Run compile = run(
            m_work, QStringLiteral("npx"),
            {QStringLiteral("--no-install"), QStringLiteral("tsc"), QStringLiteral("--strict"),
             QStringLiteral("--noEmit"), QStringLiteral("--module"), QStringLiteral("nodenext"),
             QStringLiteral("--moduleResolution"), QStringLiteral("nodenext"),
             QStringLiteral("--target"), QStringLiteral("es2022"), QStringLiteral("client.ts")});
        QVERIFY2(compile.exitCode == 0, qPrintable(compile.output));
    }

private:
    // npm ci from the committed lock file, skipped when node_modules already
    // holds what that lock file names.
    void installTools()
    {
        const QByteArray lock = readAll(m_work + QStringLiteral("/package-lock.json"));
        const QString stamp = m_work + QStringLiteral("/node_modules/.aether-lock");
        if (!lock.isEmpty() && readAll(stamp) == lock)
            return;
        const Run install =
            run(m_work, QStringLiteral("npm"),
                {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        QVERIFY2(install.exitCode == 0, qPrintable(install.output));
        QVERIFY(writeAll(stamp, lock));
    }

    const QString m_work = QStringLiteral(AETHER_OPENAPI_CLIENT_WORK);
    RedisProcess m_redis;
    DaemonProcess m_daemon;
};

QTEST_GUILESS_MAIN(TestOpenApiClient)
#include "tst_openapiclient.moc"
