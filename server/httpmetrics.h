#pragma once

#include "server/histogramcounts.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>

namespace aether {

// Counts the answers the REST server wrote, by method, route pattern
// ("/ops/jobs/{id}", so ids do not make new series) and status; times the
// answers routes gave, by method, route pattern and status class; and counts
// the requests refused before any route ran, by status. Deferred answers may
// be written from other threads, hence the lock. Every label comes from a
// fixed set (methods, patterns, statuses), so the series stay bounded.
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
    struct Durations : HistogramCounts // over kBucketsSec
    {
        QByteArray method;
        QString route;
        QByteArray statusClass; // "2xx", "4xx", ...
    };
    // Upper bounds; +Inf is implied. From a cached GET to a synchronous
    // ingest that waits for its job.
    static const QList<double> kBucketsSec;

    void record(const QByteArray &method, const QString &route, int status);
    // `seconds`: from the whole request handed to its route to its answer
    // (for an event stream, to the stream's head).
    void observe(const QByteArray &method, const QString &route, int status, double seconds);
    void recordRefusal(int status);

    QList<Series> snapshot() const;             // sorted by route, method, status
    QList<Durations> durationsSnapshot() const; // sorted by route, method, class
    QMap<int, qint64> refusals() const;         // by status

private:
    mutable QMutex m_mutex;
    QMap<std::tuple<QString, QByteArray, int>, qint64> m_counts;
    QMap<std::tuple<QString, QByteArray, QByteArray>, Durations> m_durations;
    QMap<int, qint64> m_refusals;
};

} // namespace aether
