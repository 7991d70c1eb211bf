// The log lines of the real aether-ingestd, written to a file as a service
// manager would take them: under journald (JOURNAL_STREAM naming the file the
// daemon's stderr is) each line carries its syslog priority and no time of
// ours, so `journalctl -p warning` shows just warnings; a JOURNAL_STREAM that
// names another stream is ignored; LOG_FORMAT=json writes one object a line
// naming the job and the worker; a crash writes what was buffered.
#include "daemonprocess.h"
#include "freeport.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace aether;
using namespace aether::test;

namespace {

const QRegularExpression
    kUtcTime(QStringLiteral("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));

// aether-ingestd with stdout and stderr appended to one file, as systemd
// connects them to the journal's stream.
class LoggedDaemon
{
public:
    explicit LoggedDaemon(const RedisProcess &redis) : m_redis(redis) {}
    ~LoggedDaemon() { stop(); }

    QString logPath() const { return m_dir.filePath(QStringLiteral("daemon.log")); }

    // "device:inode" of the log file, as systemd sets JOURNAL_STREAM.
    QString journalStream() const
    {
        struct stat status
        {
        };
        if (::stat(QFile::encodeName(logPath()).constData(), &status) != 0)
            return {};
        return QString::number(quint64(status.st_dev)) + QLatin1Char(':') +
               QString::number(quint64(status.st_ino));
    }

    void createLog() const
    {
        QFile log(logPath());
        log.open(QIODevice::WriteOnly);
    }

    bool start(const QProcessEnvironment &extra)
    {
        m_port = freePort();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("JOURNAL_STREAM"));
        env.remove(QStringLiteral("LOG_FORMAT"));
        const QProcessEnvironment daemon = daemonEnvironment(m_redis, 1);
        for (const QString &key : daemon.keys())
            env.insert(key, daemon.value(key));
        env.insert(QStringLiteral("AETHER_PORT"), QString::number(m_port));
        env.insert(QStringLiteral("AETHER_DATA_DIR"), m_dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.path());
        env.insert(QStringLiteral("DATABASE_URL"),
                   QStringLiteral("sqlite:///") + m_dir.filePath(QStringLiteral("k.db")));
        for (const QString &key : extra.keys())
            env.insert(key, extra.value(key));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(logPath(), QIODevice::Append);
        m_process.setChildProcessModifier([] {
            const rlimit noCore{0, 0}; // the crash test leaves no core file behind
            setrlimit(RLIMIT_CORE, &noCore);
        });
        m_process.start(DaemonProcess::executable(), {});
        if (!m_process.waitForStarted(5000))
            return false;
        for (int waited = 0; waited < 15000; waited += 50) {
            if (client().get(QStringLiteral("/healthz")).status == 200)
                return true;
            QThread::msleep(50);
        }
        return false;
    }

    HttpClient client() const
    {
        return HttpClient(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
    }

    void signal(int signalNumber)
    {
        ::kill(pid_t(m_process.processId()), signalNumber);
        m_process.waitForFinished(15000);
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning)
            signal(SIGTERM);
    }

    QStringList lines() const
    {
        QFile log(logPath());
        if (!log.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private:
    const RedisProcess &m_redis;
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// A finished text job; its id.
QString runJob(const HttpClient &client)
{
    const HttpResult text = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                            {{"text", "Bees make honey."}}, kEditor);
    const QString id = text.json().value("job_id").toString();
    waitForJob(client, id);
    return id;
}

// Without API_KEYS the daemon warns at start that it accepts the development keys.
const QString kWarning = QStringLiteral("no API keys configured");

QProcessEnvironment environmentWith(const QString &key, const QString &value)
{
    QProcessEnvironment env;
    if (!key.isEmpty())
        env.insert(key, value);
    return env;
}

QString lineWith(const QStringList &lines, const QString &text)
{
    for (const QString &line : lines) {
        if (line.contains(text))
            return line;
    }
    return {};
}

} // namespace

class TestIngestdLogs : public QObject
{
    Q_OBJECT

private:
    RedisProcess m_redis;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }

    void underJournaldLinesCarryPrioritiesAndNoTime()
    {
        LoggedDaemon daemon(m_redis);
        daemon.createLog();
        QVERIFY2(
            daemon.start(environmentWith(QStringLiteral("JOURNAL_STREAM"), daemon.journalStream())),
            qPrintable(daemon.lines().join(QLatin1Char('\n'))));
        runJob(daemon.client());
        daemon.stop();
        const QStringList lines = daemon.lines();
        const QString all = lines.join(QLatin1Char('\n'));
        QVERIFY(!lines.isEmpty());
        for (const QString &line : lines) {
            QVERIFY2(QRegularExpression(QStringLiteral("^<[2-7]>")).match(line).hasMatch(),
                     qPrintable(line));
            QVERIFY2(!kUtcTime.match(line).hasMatch(), qPrintable(line)); // journald adds it
        }
        QVERIFY2(lineWith(lines, QStringLiteral("Starting ingest_text_job")).startsWith("<6>"),
                 qPrintable(all));
        QVERIFY2(lineWith(lines, kWarning).startsWith("<4>"), qPrintable(all));
    }

    // A child whose stderr was redirected inherits JOURNAL_STREAM: it counts
    // only when it names the stream stderr is.
    void aJournalStreamOfAnotherStreamIsIgnored()
    {
        LoggedDaemon daemon(m_redis);
        QVERIFY(
            daemon.start(environmentWith(QStringLiteral("JOURNAL_STREAM"), QStringLiteral("1:2"))));
        runJob(daemon.client());
        daemon.stop();
        const QString starting =
            lineWith(daemon.lines(), QStringLiteral("Starting ingest_text_job"));
        QVERIFY2(QRegularExpression(QStringLiteral("^") + kUtcTime.pattern() + " INFO  Starting")
                     .match(starting)
                     .hasMatch(),
                 qPrintable(starting));
    }

    void jsonLinesNameTheJobAndTheWorker()
    {
        LoggedDaemon daemon(m_redis);
        QVERIFY(
            daemon.start(environmentWith(QStringLiteral("LOG_FORMAT"), QStringLiteral("json"))));
        const QString id = runJob(daemon.client());
        daemon.stop();
        const QStringList lines = daemon.lines();
        QJsonObject starting;
        QJsonObject warning;
        for (const QString &line : lines) {
            QJsonParseError error{};
            const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8(), &error);
            QVERIFY2(document.isObject(), qPrintable(line));
            const QJsonObject object = document.object();
            QVERIFY2(QRegularExpression(QStringLiteral("^") + kUtcTime.pattern() + "$")
                         .match(object.value("time").toString())
                         .hasMatch(),
                     qPrintable(line));
            QVERIFY(!object.value("level").toString().isEmpty());
            const QString message = object.value("message").toString();
            if (message.startsWith(QLatin1String("Starting ingest_text_job")))
                starting = object;
            if (message.startsWith(kWarning))
                warning = object;
        }
        QCOMPARE(starting.value("job_id").toString(), id);
        QCOMPARE(starting.value("level").toString(), QStringLiteral("info"));
        QVERIFY(!starting.value("worker").toString().isEmpty());
        QCOMPARE(warning.value("level").toString(), QStringLiteral("warning"));
        QVERIFY(!warning.contains("job_id")); // not written by a job's thread
    }

    // Killed by SIGSEGV right after a job's answer: its lines, buffered for
    // up to 50 ms, are written, then a last line names the signal.
    void aCrashLosesNoBufferedLine()
    {
        LoggedDaemon daemon(m_redis);
        QVERIFY(daemon.start(QProcessEnvironment()));
        const HttpResult reply = daemon.client().postJson(QStringLiteral("/knowledge/ingest-text"),
                                                          {{"text", "Wasps make paper."}}, kEditor);
        QCOMPARE(reply.status, 200);
        daemon.signal(SIGSEGV);
        const QStringList lines = daemon.lines();
        const QString all = lines.join(QLatin1Char('\n'));
        QVERIFY2(!lineWith(lines, QStringLiteral("ingest_text_job done")).isEmpty(),
                 qPrintable(all));
        QVERIFY2(lines.last().contains(QLatin1String("FATAL signal 11")), qPrintable(all));
    }
};

QTEST_GUILESS_MAIN(TestIngestdLogs)
#include "tst_ingestd_logs.moc"
