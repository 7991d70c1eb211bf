#include "queue/jobbatches.h"

#include "queue/jobid.h"
#include "queue/rediskeys.h"

#include <QUuid>

namespace aether {

QByteArray JobBatches::newBatchId()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

QList<QByteArray> JobBatches::memberIds(const QByteArray &id)
{
    return m_redis.command({"LRANGE", keys::batchJobs(id), "0", "-1"}).strings();
}

std::optional<BatchState> JobBatches::fetch(const QByteArray &id, const QString &tenant)
{
    if (!isPlausibleJobId(id))
        return std::nullopt;
    const QList<RedisReply> replies = m_redis.pipeline(
        {{"HGETALL", keys::batch(id)}, {"LRANGE", keys::batchJobs(id), "0", "-1"}});
    BatchState state{id, replies[0].hash(), {}};
    if (state.record.isEmpty() ||
        (!tenant.isEmpty() && QString::fromUtf8(state.record.value("tenant")) != tenant))
        return std::nullopt;
    const QList<QByteArray> ids = replies[1].strings();
    QList<RedisCommand> reads;
    reads.reserve(ids.size());
    for (const QByteArray &member : ids)
        reads.append({"HMGET", keys::job(member), "status", "type", "progress", "filename", "url",
                      "error", "source", "ended_at"});
    const QList<RedisReply> jobs = reads.isEmpty() ? QList<RedisReply>() : m_redis.pipeline(reads);
    static const QList<QByteArray> kNames{"status", "type",  "progress", "filename",
                                          "url",    "error", "source",   "ended_at"};
    for (qsizetype i = 0; i < ids.size(); ++i) {
        JobFields fields;
        for (qsizetype f = 0; f < kNames.size(); ++f) {
            const RedisReply value = jobs[i].element(f);
            if (!value.isNull())
                fields.insert(kNames[f], value.string());
        }
        state.members.append({ids[i], fields});
    }
    return state;
}

} // namespace aether
