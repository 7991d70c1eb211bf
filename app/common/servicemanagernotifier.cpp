#include "common/servicemanagernotifier.h"

#include <QTimer>
#include <algorithm>
#include <systemd/sd-daemon.h>

namespace aether {

ServiceManagerNotifier::ServiceManagerNotifier(QObject *parent) : QObject(parent) {}

void ServiceManagerNotifier::ready(const QString &status)
{
    // STATUS= is what `systemctl status` shows under the unit's name.
    sd_notifyf(0, "READY=1\nSTATUS=%s", qPrintable(status));
    startWatchdog();
}

void ServiceManagerNotifier::stopping()
{
    if (m_watchdog)
        m_watchdog->stop();
    sd_notify(0, "STOPPING=1\nSTATUS=stopping: running jobs finish or go back to the queue");
}

void ServiceManagerNotifier::startWatchdog()
{
    uint64_t intervalUs = 0;
    // > 0 only when the unit sets WatchdogSec (and WATCHDOG_PID, if set, is ours).
    if (sd_watchdog_enabled(0, &intervalUs) <= 0 || intervalUs == 0)
        return;
    m_watchdog = new QTimer(this);
    m_watchdog->setInterval(std::max<int>(1, int(intervalUs / 2000)));
    connect(m_watchdog, &QTimer::timeout, this, [] { sd_notify(0, "WATCHDOG=1"); });
    m_watchdog->start();
}

} // namespace aether
