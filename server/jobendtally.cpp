#include "server/jobendtally.h"

#include "queue/jobtime.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QTimeZone>

namespace aether {

namespace {

constexpr int kPageSize = 1000;
constexpr int kMaxPagesPerUpdate = 20; // a scrape reads at most 20,000 ended jobs per set

std::optional<double> storedSeconds(const QByteArray &stored)
{
    const std::optional<qint64> ms = storedTimestampMs(stored);
    if (!ms)
        return std::nullopt;
    return *ms / 1000.0;
}

} // namespace

const QList<double> JobEndTally::kBucketsSec{0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                             10,   30,  60,   120, 300, 600};

JobEndTally::JobEndTally(double sinceSec)
{
    for (const QByteArray &key : {keys::kEndedFinished, keys::kEndedFailed, keys::kEndedCanceled})
        m_cursors[key].score = sinceSec;
}

void JobEndTally::update(RedisConnection &redis)
{
    readSet(redis, keys::kEndedFinished, "finished", m_cursors[keys::kEndedFinished]);
    readSet(redis, keys::kEndedFailed, "failed", m_cursors[keys::kEndedFailed]);
    readSet(redis, keys::kEndedCanceled, "canceled", m_cursors[keys::kEndedCanceled]);
}

void JobEndTally::readSet(RedisConnection &redis, const QByteArray &key, const QByteArray &status,
                          Cursor &cursor)
{
    for (int page = 0; page < kMaxPagesPerUpdate; ++page) {
        // Inclusive of the last score seen: two jobs may end in the same millisecond.
        const RedisReply reply = redis.command(
            {"ZRANGEBYSCORE", key, QByteArray::number(cursor.score, 'f', 3), "+inf", "WITHSCORES",
             "LIMIT", "0", QByteArray::number(kPageSize + cursor.seenAtScore.size())});
        const QList<QByteArray> flat = reply.strings();
        QList<QByteArray> fresh;
        for (qsizetype i = 0; i + 1 < flat.size(); i += 2) {
            const QByteArray &id = flat[i];
            const double score = flat[i + 1].toDouble();
            if (score == cursor.score && cursor.seenAtScore.contains(id))
                continue;
            if (score > cursor.score) {
                cursor.score = score;
                cursor.seenAtScore.clear();
            }
            cursor.seenAtScore.insert(id);
            fresh.append(id);
        }
        count(status, fresh, redis);
        if (fresh.size() < kPageSize)
            return;
    }
}

void JobEndTally::count(const QByteArray &status, const QList<QByteArray> &ids,
                        RedisConnection &redis)
{
    if (ids.isEmpty())
        return;
    QList<RedisCommand> lookups;
    lookups.reserve(ids.size());
    for (const QByteArray &id : ids)
        lookups.append({"HMGET", keys::job(id), "type", "started_at", "ended_at"});
    const QList<RedisReply> replies = redis.pipeline(lookups);
    for (const RedisReply &reply : replies) {
        const QList<QByteArray> fields = reply.strings();
        const QByteArray type = fields.value(0).isEmpty() ? QByteArray("unknown") : fields.value(0);
        ++m_ended[qMakePair(type, status)];
        if (status == "canceled")
            continue;
        const std::optional<double> started = storedSeconds(fields.value(1));
        const std::optional<double> ended = storedSeconds(fields.value(2));
        if (started && ended && *ended >= *started)
            observe(type, *ended - *started);
    }
}

void JobEndTally::observe(const QByteArray &type, double seconds)
{
    m_durations[type].observe(kBucketsSec, seconds);
}

} // namespace aether
