#include "redisprocess.h"

#include "freeport.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QThread>
#include <signal.h>

namespace aether::test {

namespace {

QString redisServerPath()
{
    const QString configured = qEnvironmentVariable("AETHER_REDIS_SERVER");
    return configured.isEmpty() ? QStringLiteral("redis-server") : configured;
}

} // namespace

RedisProcess::RedisProcess() = default;

RedisProcess::~RedisProcess()
{
    stop();
}

QString RedisProcess::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port);
}

bool RedisProcess::start()
{
    return launch(false);
}

bool RedisProcess::restart()
{
    return launch(true);
}

bool RedisProcess::launch(bool samePort)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (!samePort || m_port == 0)
            m_port = freePort();
        m_process.start(redisServerPath(),
                        {QStringLiteral("--port"), QString::number(m_port),
                         QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"), QString(),
                         QStringLiteral("--appendonly"),
                         QString::fromLatin1(m_appendOnly ? "yes" : "no"),
                         QStringLiteral("--appendfsync"), QStringLiteral("always")});
        if (!m_process.waitForStarted(5000)) {
            m_error = m_process.errorString();
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000 && m_process.state() == QProcess::Running) {
            if (command({"PING"}).startsWith("+PONG"))
                return true;
            QThread::msleep(20);
        }
        stop(); // port taken meanwhile, or too slow: try another port
    }
    m_error = QStringLiteral("redis-server did not start: ") +
              QString::fromLocal8Bit(m_process.readAll());
    return false;
}

void RedisProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    thaw(); // a frozen server would only take SIGTERM once continued
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void RedisProcess::freeze()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void RedisProcess::thaw()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

QByteArray RedisProcess::command(const QList<QByteArray> &arguments, int replyTimeoutMs) const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(1000))
        return {};
    QByteArray request = "*" + QByteArray::number(arguments.size()) + "\r\n";
    for (const QByteArray &argument : arguments)
        request += "$" + QByteArray::number(argument.size()) + "\r\n" + argument + "\r\n";
    socket.write(request);
    socket.waitForBytesWritten(1000);
    QByteArray reply;
    if (socket.waitForReadyRead(replyTimeoutMs))
        reply = socket.readAll();
    while (socket.waitForReadyRead(30)) // a long reply may come in pieces
        reply += socket.readAll();
    return reply;
}

} // namespace aether::test
