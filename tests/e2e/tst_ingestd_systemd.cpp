// The real aether-ingestd under a service manager's eyes: a Type=notify unit
// (installer/systemd/) waits for READY=1 on the NOTIFY_SOCKET datagram socket,
// expects STOPPING=1 when a stop begins and, with WatchdogSec, WATCHDOG=1 pings
// (WATCHDOG_USEC) or it restarts the service. The test is that socket.
#include "daemonprocess.h"
#include "httpclient.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace aether::test;

namespace {

// An AF_UNIX datagram socket, as systemd's notify socket is.
class NotifySocket
{
public:
    explicit NotifySocket(const QString &path) : m_path(path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray name = QFile::encodeName(path);
        qstrncpy(address.sun_path, name.constData(), sizeof address.sun_path);
        m_bound =
            m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isBound() const { return m_bound; }
    QString path() const { return m_path; }

    // The next message, or empty after `ms` without one.
    QByteArray receive(int ms)
    {
        pollfd readable{m_fd, POLLIN, 0};
        if (::poll(&readable, 1, ms) <= 0)
            return {};
        char buffer[4096];
        const ssize_t size = ::recv(m_fd, buffer, sizeof buffer, 0);
        return size > 0 ? QByteArray(buffer, int(size)) : QByteArray();
    }

    // Messages until one has the line `wanted` (returned), or `ms` pass (empty).
    QByteArray waitFor(const QByteArray &wanted, int ms)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ms) {
            const QByteArray message = receive(100);
            if (message.split('\n').contains(wanted))
                return message;
        }
        return {};
    }

private:
    QString m_path;
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class TestIngestdSystemd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), "redis-server did not start"); }

    void serverSaysReadyWhenItServesPingsTheWatchdogAndSaysStopping()
    {
        QTemporaryDir dir;
        NotifySocket notify(dir.filePath(QStringLiteral("notify")));
        QVERIFY(notify.isBound());
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("NOTIFY_SOCKET"), notify.path());
        env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("200000"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));

        const QByteArray ready = notify.waitFor("READY=1", 10000);
        QVERIFY2(!ready.isEmpty(), qPrintable(daemon.log()));
        const QByteArray status = "STATUS=serving on port " + QByteArray::number(daemon.port());
        QVERIFY2(ready.split('\n').contains(status), ready.constData());
        QCOMPARE(HttpClient(daemon.baseUrl()).get(QStringLiteral("/healthz")).status, 200);

        // Pings come at half the 200 ms the unit allows, from the main loop.
        for (int ping = 0; ping < 3; ++ping)
            QVERIFY2(!notify.waitFor("WATCHDOG=1", 5000).isEmpty(), "no watchdog ping");

        daemon.stop();
        // The datagram waits in the socket after the process is gone.
        QVERIFY2(!notify.waitFor("STOPPING=1", 5000).isEmpty(), qPrintable(daemon.log()));
    }

    void workersOnlySayReadyToo()
    {
        QTemporaryDir dir;
        NotifySocket notify(dir.filePath(QStringLiteral("notify")));
        QVERIFY(notify.isBound());
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("NOTIFY_SOCKET"), notify.path());
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env, {QStringLiteral("--no-server")}),
                 qPrintable(daemon.errorText()));
        const QByteArray ready = notify.waitFor("READY=1", 10000);
        QVERIFY2(ready.split('\n').contains("STATUS=workers only (--no-server)"),
                 qPrintable(daemon.log()));
        // No WatchdogSec, no pings.
        QVERIFY(notify.waitFor("WATCHDOG=1", 600).isEmpty());
    }

private:
    RedisProcess m_redis;
};

QTEST_GUILESS_MAIN(TestIngestdSystemd)
#include "tst_ingestd_systemd.moc"
