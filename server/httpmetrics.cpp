#include "server/httpmetrics.h"

namespace aether {

void HttpMetrics::record(const QByteArray &method, const QString &route, int status)
{
    const QMutexLocker lock(&m_mutex);
    ++m_counts[std::make_tuple(route, method, status)];
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

} // namespace aether
