#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace aether::test {

class RedisProcess;

// The environment most daemons of the tests start with: this Redis, this many
// worker threads, and no ban for wrong keys.
QProcessEnvironment daemonEnvironment(const RedisProcess &redis, int workers);

// The real aether-ingestd binary on a free port, with its data and store in a
// temporary directory; stopped by its pid. Its stderr goes to log().
class DaemonProcess
{
public:
    DaemonProcess();
    ~DaemonProcess();

    // Extra environment (REDIS_URL, WORKERS, ...) and arguments; waits until
    // GET /healthz answers (or, with --no-server, until the process runs).
    bool start(const QProcessEnvironment &extra = {}, const QStringList &arguments = {});
    void stop(); // SIGTERM by pid, then SIGKILL
    void kill(); // SIGKILL at once, as a crash would
    qint64 pid() const { return m_process.processId(); }
    int exitCode() const { return m_process.exitCode(); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    bool waitForExit(int ms) { return m_process.waitForFinished(ms); }

    quint16 port() const { return m_port; }
    QString baseUrl() const;
    QString databasePath() const;
    QString dataDir() const { return m_dir.path(); }
    QString log(); // everything it wrote to stdout/stderr so far
    QString errorText() const { return m_error; }

    static QString executable();

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_log;
    QString m_error;
};

} // namespace aether::test
