#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>

namespace aether {

// Counts the answers the REST server wrote, by method, route pattern
// ("/ops/jobs/{id}", so ids do not make new series) and status. Deferred
// answers may be written from other threads, hence the lock.
class HttpMetrics
{
public:
    struct Series
    {
        QByteArray method;
        QString route; // the pattern, or "unmatched" for unknown paths
        int status = 0;
        qint64 count = 0;
    };

    void record(const QByteArray &method, const QString &route, int status);
    QList<Series> snapshot() const; // sorted by route, method, status

private:
    mutable QMutex m_mutex;
    QMap<std::tuple<QString, QByteArray, int>, qint64> m_counts;
};

} // namespace aether
