#pragma once

#include "server/histogramcounts.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QSet>

namespace aether {

class RedisConnection;

// Cumulative counts of the jobs that ended since this server started, read
// from the ended-job sets (aether:finished|failed|canceled:ingest, score = end
// time) at each scrape: how many ended per type and status, and how long the
// finished and failed ones ran (started_at to ended_at of their last attempt).
// Jobs of every process on the queue count, not only this process's workers.
class JobEndTally
{
public:
    static const QList<double> kBucketsSec; // upper bounds; +Inf is implied

    using Durations = HistogramCounts; // over kBucketsSec

    explicit JobEndTally(double sinceSec);

    // Reads what ended since the last call; throws RedisUnavailable.
    void update(RedisConnection &redis);

    // key: {type, status}
    const QMap<QPair<QByteArray, QByteArray>, qint64> &ended() const { return m_ended; }
    const QMap<QByteArray, Durations> &durations() const { return m_durations; } // by type

private:
    struct Cursor
    {
        double score = 0;
        QSet<QByteArray> seenAtScore; // ids already counted at exactly `score`
    };
    void readSet(RedisConnection &redis, const QByteArray &key, const QByteArray &status,
                 Cursor &cursor);
    void count(const QByteArray &status, const QList<QByteArray> &ids, RedisConnection &redis);
    void observe(const QByteArray &type, double seconds);

    QMap<QByteArray, Cursor> m_cursors; // by set key
    QMap<QPair<QByteArray, QByteArray>, qint64> m_ended;
    QMap<QByteArray, Durations> m_durations;
};

} // namespace aether
