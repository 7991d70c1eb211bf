#include "daemonprocess.h"

#include "freeport.h"
#include "httpclient.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QThread>

namespace aether::test {

QProcessEnvironment daemonEnvironment(const RedisProcess &redis, int workers)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("REDIS_URL"), redis.url());
    env.insert(QStringLiteral("WORKERS"), QString::number(workers));
    // Role tests send wrong keys on purpose, all from 127.0.0.1: the ban would
    // refuse their later requests. The abuse test turns it back on.
    env.insert(QStringLiteral("AUTH_MAX_FAILURES"), QStringLiteral("0"));
    return env;
}

DaemonProcess::DaemonProcess() = default;

DaemonProcess::~DaemonProcess()
{
    stop();
}

QString DaemonProcess::executable()
{
    const QString configured = qEnvironmentVariable("AETHER_INGESTD");
    return configured.isEmpty() ? QStringLiteral("aether-ingestd") : configured;
}

QString DaemonProcess::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString DaemonProcess::databasePath() const
{
    return m_dir.filePath(QStringLiteral("knowledge.db"));
}

QString DaemonProcess::log()
{
    // Take what the daemon wrote that no event loop has read from the pipe yet
    // (tests often ask right after a blocking call); bounded, as it may write on.
    for (int reads = 0; reads < 64 && m_process.waitForReadyRead(0); ++reads) {
    }
    m_log += QString::fromUtf8(m_process.readAll());
    return m_log;
}

bool DaemonProcess::start(const QProcessEnvironment &extra, const QStringList &arguments)
{
    m_port = freePort();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("AETHER_PORT"), QString::number(m_port));
    environment.insert(QStringLiteral("AETHER_DATA_DIR"), m_dir.path());
    environment.insert(QStringLiteral("DATABASE_URL"),
                       QStringLiteral("sqlite:///") + databasePath());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"),
                       m_dir.path()); // never read the user's settings
    for (const QString &key : extra.keys())
        environment.insert(key, extra.value(key));
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(executable(), arguments);
    if (!m_process.waitForStarted(5000)) {
        m_error = m_process.errorString();
        return false;
    }
    const bool serverless = arguments.contains(QStringLiteral("--no-server"));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000) {
        if (m_process.state() != QProcess::Running) {
            m_error = QStringLiteral("aether-ingestd exited: ") + log();
            return false;
        }
        if (serverless ? timer.elapsed() > 300
                       : HttpClient(baseUrl()).get(QStringLiteral("/healthz")).status == 200)
            return true;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("aether-ingestd did not answer /healthz: ") + log();
    return false;
}

void DaemonProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
    log();
}

void DaemonProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    log();
}

} // namespace aether::test
