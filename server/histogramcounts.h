#pragma once

#include <QList>
#include <QtGlobal>

namespace aether {

// The counts of one histogram series as Prometheus exposes them: per upper
// bound, how many observations were at or below it (cumulative; +Inf is the
// count), their count and their sum. Shared by the job and the HTTP request
// durations of /metrics (server/jobendtally.h, server/httpmetrics.h).
struct HistogramCounts
{
    QList<qint64> buckets; // cumulative, one per bound
    qint64 count = 0;
    double sumSec = 0;

    void observe(const QList<double> &boundsSec, double seconds)
    {
        if (buckets.isEmpty())
            buckets.fill(0, boundsSec.size());
        for (qsizetype i = 0; i < boundsSec.size(); ++i) {
            if (seconds <= boundsSec[i])
                ++buckets[i];
        }
        ++count;
        sumSec += seconds;
    }
};

} // namespace aether
