#include "server/processmetrics.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace aether {

namespace {

QByteArray readProcFile(const char *path)
{
    QFile file(QString::fromLatin1(path));
    // /proc files report size 0: read until the end, capped (they are small).
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(64 * 1024);
}

// Seconds since the epoch at which the machine booted: the wall clock less
// the time since boot. Not /proc/stat's "btime": the packaged units set
// ProcSubset=pid, which hides /proc/stat (installer/systemd/).
double bootTimeSeconds()
{
    timespec now{};
    timespec sinceBoot{};
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || clock_gettime(CLOCK_BOOTTIME, &sinceBoot) != 0)
        return -1;
    return double(now.tv_sec - sinceBoot.tv_sec) + (now.tv_nsec - sinceBoot.tv_nsec) / 1e9;
}

// /proc/self/stat (proc(5)): fields after the command name, which is in
// parentheses and may itself hold spaces or parentheses, hence the last ')'.
void readStat(ProcessMetrics &metrics)
{
    const QByteArray stat = readProcFile("/proc/self/stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // fields[0] is field 3 (state) of proc(5): field N is fields[N - 3].
    if (fields.size() < 22)
        return;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    const double pageBytes = double(sysconf(_SC_PAGESIZE));
    metrics.cpuSeconds = (fields[11].toDouble() + fields[12].toDouble()) / ticks;
    const double boot = bootTimeSeconds();
    if (boot >= 0)
        metrics.startTimeSeconds = boot + fields[19].toDouble() / ticks;
    metrics.virtualBytes = fields[20].toDouble();
    metrics.residentBytes = fields[21].toDouble() * pageBytes;
}

} // namespace

ProcessMetrics ProcessMetrics::read()
{
    ProcessMetrics metrics;
    readStat(metrics);
    const QDir fds(QStringLiteral("/proc/self/fd"));
    if (fds.exists())
        metrics.openFds =
            fds.entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot)
                .size();
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        metrics.maxFds = double(limit.rlim_cur);
    return metrics;
}

} // namespace aether
