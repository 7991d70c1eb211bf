#pragma once

#include <QString>
#include <deque>
#include <utility>

namespace aether {

// How fast the queue drains, and about how long until it is empty: the job
// panel's "48 jobs/s · about 2 min left". Counts the jobs that ended in a
// sliding window; plain arithmetic on times it is given, so it is tested
// without widgets or clocks.
class ThroughputMeter
{
public:
    static constexpr qint64 kDefaultWindowMs = 10000;

    explicit ThroughputMeter(qint64 windowMs = kDefaultWindowMs) : m_windowMs(windowMs) {}

    void addEnded(int count, qint64 atMs);
    // Over the window, or since the first end when the drain began less than
    // a window ago (so the first seconds are not underestimated); 0 when
    // nothing ended in the window.
    double jobsPerSecond(qint64 nowMs) const;
    // How long `waiting` jobs take at that rate; -1 when there is no rate.
    qint64 etaMs(int waiting, qint64 nowMs) const;
    // "48 jobs/s · about 2 min left", "Paused · 120 jobs waiting", or empty
    // when nothing waits (idle).
    QString text(int waiting, bool paused, qint64 nowMs) const;

    static QString rateText(double jobsPerSecond);
    static QString etaText(qint64 ms);

private:
    int endedSince(qint64 fromMs) const;

    qint64 m_windowMs;
    std::deque<std::pair<qint64, int>> m_ends; // (when, how many), oldest first
    qint64 m_drainStartMs = -1;
};

} // namespace aether
