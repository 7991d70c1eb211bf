#include "server/httpmetrics.h"

namespace aether {

const QList<double> HttpMetrics::kBucketsSec{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,  5,     10,   30,  60};

void HttpMetrics::record(const QByteArray &method, const QString &route, int status)
{
    const QMutexLocker lock(&m_mutex);
    ++m_counts[std::make_tuple(route, method, status)];
}

void HttpMetrics::observe(const QByteArray &method, const QString &route, int status,
                          double seconds)
{
    const QByteArray statusClass = QByteArray::number(qBound(1, status / 100, 5)) + "xx";
    const QMutexLocker lock(&m_mutex);
    Durations &durations = m_durations[std::make_tuple(route, method, statusClass)];
    if (durations.count == 0) {
        durations.method = method;
        durations.route = route;
        durations.statusClass = statusClass;
    }
    durations.observe(kBucketsSec, seconds);
}

void HttpMetrics::recordRefusal(int status)
{
    const QMutexLocker lock(&m_mutex);
    ++m_refusals[status];
}

QList<HttpMetrics::Series> HttpMetrics::snapshot() const
{
    const QMutexLocker lock(&m_mutex);
    QList<Series> series;
    series.reserve(m_counts.size());
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it) {
        const auto &[route, method, status] = it.key();
        series.append(Series{method, route, status, it.value()});
    }
    return series;
}

QList<HttpMetrics::Durations> HttpMetrics::durationsSnapshot() const
{
    const QMutexLocker lock(&m_mutex);
    return m_durations.values();
}

QMap<int, qint64> HttpMetrics::refusals() const
{
    const QMutexLocker lock(&m_mutex);
    return m_refusals;
}

} // namespace aether
