#include "queue/embeddedredis.h"

#include "queue/redisconnection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>
#include <csignal>
#include <sys/prctl.h>

namespace aether {

EmbeddedRedis::EmbeddedRedis(QString dataDir)
    : m_dir(QDir(dataDir).filePath(QStringLiteral("redis")))
{}

EmbeddedRedis::~EmbeddedRedis()
{
    stop();
}

QString EmbeddedRedis::serverExecutable()
{
    const QString configured = qEnvironmentVariable("AETHER_REDIS_SERVER");
    if (!configured.isEmpty())
        return configured;
    const QString found = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    return found.isEmpty() ? QStringLiteral("/usr/bin/redis-server") : found;
}

RedisUrl EmbeddedRedis::url() const
{
    RedisUrl url;
    url.socketPath = QDir(m_dir).filePath(QStringLiteral("redis.sock"));
    return url;
}

std::optional<RedisUrl> EmbeddedRedis::findRunning(const QString &dataDir)
{
    const RedisUrl url = EmbeddedRedis(dataDir).url();
    if (!QFile::exists(url.socketPath))
        return std::nullopt;
    RedisConnection probe(url, 1000);
    return probe.ping() ? std::optional<RedisUrl>(url) : std::nullopt;
}

bool EmbeddedRedis::start(QString *error)
{
    if (!QDir().mkpath(m_dir)) {
        *error = QStringLiteral("cannot create %1").arg(m_dir);
        return false;
    }
    QFile::remove(url().socketPath); // left by a previous run that was killed
    const QStringList arguments{QStringLiteral("--port"),
                                QStringLiteral("0"),
                                QStringLiteral("--unixsocket"),
                                url().socketPath,
                                QStringLiteral("--unixsocketperm"),
                                QStringLiteral("700"),
                                QStringLiteral("--dir"),
                                m_dir,
                                QStringLiteral("--appendonly"),
                                QStringLiteral("yes"),
                                QStringLiteral("--appendfsync"),
                                QStringLiteral("everysec"),
                                QStringLiteral("--save"),
                                QString(),
                                QStringLiteral("--daemonize"),
                                QStringLiteral("no"),
                                QStringLiteral("--logfile"),
                                QDir(m_dir).filePath(QStringLiteral("redis.log"))};
    // Without this a crash of ours would leave an orphaned redis-server behind.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(serverExecutable(), arguments);
    if (!m_process.waitForStarted(5000)) {
        *error =
            QStringLiteral("cannot start %1 (%2). Install it (apt-get install redis-server) or set "
                           "REDIS_URL to a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379/0")
                .arg(serverExecutable(), m_process.errorString());
        return false;
    }
    return waitUntilReady(error);
}

bool EmbeddedRedis::waitUntilReady(QString *error)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000) {
        if (m_process.state() != QProcess::Running) {
            *error = QStringLiteral("redis-server exited at start; see %1/redis.log").arg(m_dir);
            return false;
        }
        if (QFile::exists(url().socketPath)) {
            RedisConnection probe(url(), 1000);
            if (probe.ping())
                return true;
        }
        QThread::msleep(20);
    }
    *error = QStringLiteral("redis-server did not answer within 10 s; see %1/redis.log").arg(m_dir);
    return false;
}

void EmbeddedRedis::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate(); // SIGTERM: redis flushes the AOF and exits
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

} // namespace aether
