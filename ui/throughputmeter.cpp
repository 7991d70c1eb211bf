#include "ui/throughputmeter.h"

#include <QCoreApplication>
#include <cmath>

namespace aether {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ThroughputMeter", text);
}

} // namespace

void ThroughputMeter::addEnded(int count, qint64 atMs)
{
    if (count <= 0)
        return;
    // Nothing ended for a whole window: this is a new drain.
    if (m_ends.empty() || m_ends.back().first <= atMs - m_windowMs)
        m_drainStartMs = atMs;
    m_ends.emplace_back(atMs, count);
    while (!m_ends.empty() && m_ends.front().first <= atMs - m_windowMs)
        m_ends.pop_front();
}

int ThroughputMeter::endedSince(qint64 fromMs) const
{
    int ended = 0;
    for (const auto &[at, count] : m_ends) {
        if (at > fromMs)
            ended += count;
    }
    return ended;
}

double ThroughputMeter::jobsPerSecond(qint64 nowMs) const
{
    const int ended = endedSince(nowMs - m_windowMs);
    if (ended == 0)
        return 0;
    // At least a second: the first end alone says little about the rate.
    const qint64 spanMs = qBound<qint64>(1000, nowMs - m_drainStartMs, m_windowMs);
    return ended * 1000.0 / double(spanMs);
}

qint64 ThroughputMeter::etaMs(int waiting, qint64 nowMs) const
{
    const double rate = jobsPerSecond(nowMs);
    if (rate <= 0)
        return -1;
    return qint64(std::ceil(waiting / rate * 1000.0));
}

QString ThroughputMeter::rateText(double jobsPerSecond)
{
    if (jobsPerSecond >= 9.95)
        return tr("%1 jobs/s").arg(qRound(jobsPerSecond));
    if (jobsPerSecond >= 0.995)
        return tr("%1 jobs/s").arg(jobsPerSecond, 0, 'f', 1);
    const int perMinute = qMax(1, qRound(jobsPerSecond * 60));
    return perMinute == 1 ? tr("1 job/min") : tr("%1 jobs/min").arg(perMinute);
}

QString ThroughputMeter::etaText(qint64 ms)
{
    const qint64 seconds = (ms + 999) / 1000;
    if (seconds < 60)
        return tr("about %1 s left").arg(qMax<qint64>(1, seconds));
    const qint64 minutes = (seconds + 30) / 60;
    if (minutes < 90)
        return tr("about %1 min left").arg(minutes);
    return tr("about %1 h %2 min left").arg(minutes / 60).arg(minutes % 60);
}

QString ThroughputMeter::text(int waiting, bool paused, qint64 nowMs) const
{
    if (waiting <= 0)
        return {};
    const QString jobs = waiting == 1 ? tr("1 job waiting") : tr("%1 jobs waiting").arg(waiting);
    if (paused)
        return tr("Paused · %1").arg(jobs);
    const qint64 eta = etaMs(waiting, nowMs);
    if (eta < 0)
        return jobs;
    return rateText(jobsPerSecond(nowMs)) + QStringLiteral(" · ") + etaText(eta);
}

} // namespace aether
