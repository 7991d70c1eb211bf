#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace aether::test {

// A real redis-server on a free loopback port with its data in a temporary
// directory; stopped by its pid when the object goes away.
class RedisProcess
{
public:
    RedisProcess();
    ~RedisProcess();

    // AOF persistence with fsync on every write, for tests that restart Redis
    // and expect nothing lost. Call before start().
    void setAppendOnly(bool on) { m_appendOnly = on; }
    bool start();   // waits until it answers PING
    bool restart(); // again on the same port, after stop()
    void stop();    // SIGTERM by pid, then SIGKILL
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    // SIGSTOP / SIGCONT by pid: a Redis that hangs (connections stay open,
    // nothing answers), as a stalled or swapping server does.
    void freeze();
    void thaw();

    quint16 port() const { return m_port; }
    QString url() const; // redis://127.0.0.1:<port>/0
    QString errorText() const { return m_error; }

    // Sends one command on a fresh connection; returns the raw RESP reply.
    // `replyTimeoutMs`: how long to wait for the reply's first bytes (a long
    // script under a loaded machine needs more than the default).
    QByteArray command(const QList<QByteArray> &arguments, int replyTimeoutMs = 1000) const;

private:
    bool launch(bool samePort);

    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    bool m_appendOnly = false;
    QString m_error;
};

} // namespace aether::test
