// README.md's "Monitoring with RQ's tools" runs: every ```bash block of that
// section without curl (rq info, redis-cli; the curl ones run in
// tst_readmeexamples) with bash, and its ```python block with /usr/bin/python3
// (Debian's python3-rq), against a started aether-ingestd whose Redis holds a
// finished and a failed job. REDIS_URL is the daemon's. Each exits 0 and prints.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const QString kSection = QStringLiteral("## Monitoring with RQ's tools");

struct Block
{
    QString language; // bash or python
    int line = 0;     // of the opening fence
    QString code;
};

// The fenced blocks of the section, from its heading to the next "## ".
QList<Block> sectionBlocks(const QString &readme)
{
    QList<Block> blocks;
    const QStringList lines = readme.split(QLatin1Char('\n'));
    int i = int(lines.indexOf(kSection));
    if (i < 0)
        return blocks;
    for (++i; i < lines.size() && !lines[i].startsWith(QLatin1String("## ")); ++i) {
        const QString fence = lines[i].trimmed();
        if (fence != QLatin1String("```bash") && fence != QLatin1String("```python"))
            continue;
        Block block{fence.mid(3), i + 1, {}};
        for (++i; i < lines.size() && !lines[i].trimmed().startsWith(QLatin1String("```")); ++i)
            block.code += lines[i] + QLatin1Char('\n');
        if (!block.code.contains(QLatin1String("curl ")))
            blocks.append(block);
    }
    return blocks;
}

} // namespace

class TestReadmeMonitoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        HttpClient client(m_daemon.baseUrl());
        m_site.setResponse("/missing", FixtureResponse{404, "Not Found", {}, "gone", 0});
        const QString finished =
            client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                          {{"text", QStringLiteral("A job the monitoring examples show.")}},
                          kEditor)
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        const QString failed = client
                                   .postJson(QStringLiteral("/knowledge/ingest-url-async"),
                                             {{"url", QString::fromLatin1(m_site.url("/missing"))},
                                              {"max_attempts", 1}},
                                             kEditor)
                                   .json()
                                   .value(QStringLiteral("job_id"))
                                   .toString();
        m_finished = finished;
        m_failed = failed;
        QCOMPARE(waitForJob(client, finished).value(QStringLiteral("status")).toString(),
                 QStringLiteral("finished"));
        QCOMPARE(waitForJob(client, failed).value(QStringLiteral("status")).toString(),
                 QStringLiteral("failed"));
    }

    void cleanupTestCase()
    {
        m_daemon.stop();
        m_redis.stop();
    }

    void example_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("code");
        QFile readme(QStringLiteral(AETHER_README_PATH));
        QVERIFY2(readme.open(QIODevice::ReadOnly), AETHER_README_PATH);
        const QList<Block> blocks = sectionBlocks(QString::fromUtf8(readme.readAll()));
        int bash = 0, python = 0;
        for (const Block &block : blocks) {
            (block.language == QLatin1String("bash") ? bash : python) += 1;
            QTest::addRow("README.md line %d", block.line) << block.language << block.code;
        }
        QVERIFY2(bash >= 2 && python >= 1,
                 "README.md's \"Monitoring with RQ's tools\" lost its bash or python examples");
    }

    void example()
    {
        QFETCH(QString, language);
        QFETCH(QString, code);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_URL"), m_redis.url());
        process.setProcessEnvironment(env);
        if (language == QLatin1String("bash"))
            process.start(QStringLiteral("bash"),
                          {QStringLiteral("-e"), QStringLiteral("-o"), QStringLiteral("pipefail"),
                           QStringLiteral("-c"), code});
        else
            process.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), code});
        QVERIFY(process.waitForFinished(120000)); // "does not hang", not a timing
        const QByteArray out = process.readAllStandardOutput();
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                 qPrintable(QString::fromUtf8(out + err) + QStringLiteral("\nof:\n") + code));
        QVERIFY2(!out.trimmed().isEmpty(), qPrintable(QStringLiteral("no output from:\n") + code));
        QVERIFY2(!err.contains("Traceback"), qPrintable(QString::fromUtf8(out + err)));
    }

private:
    QString m_finished; // ids of a finished and a failed job
    QString m_failed;
    FixtureHttpServer m_site;
    RedisProcess m_redis;
    DaemonProcess m_daemon;
};

QTEST_GUILESS_MAIN(TestReadmeMonitoring)
#include "tst_readmemonitoring.moc"
