#pragma once

#include <QObject>

class QTimer;

namespace aether {

// Tells systemd (a Type=notify unit, installer/systemd/) how the service is
// doing, through libsystemd's sd_notify: READY=1 once the server listens and
// the workers run, STOPPING=1 when a stop begins, and WATCHDOG=1 from the main
// event loop at half the unit's WatchdogSec, so a hung main thread gets the
// service restarted. Does nothing when NOTIFY_SOCKET is unset (not under
// systemd): sd_notify is then a no-op.
class ServiceManagerNotifier : public QObject
{
    Q_OBJECT

public:
    explicit ServiceManagerNotifier(QObject *parent = nullptr);

    void ready(const QString &status);
    void stopping();

private:
    void startWatchdog();
    QTimer *m_watchdog = nullptr;
};

} // namespace aether
