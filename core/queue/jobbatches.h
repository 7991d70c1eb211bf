#pragma once

#include "queue/jobqueue.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <optional>

namespace aether {

// A batch as stored: its record (rq:batch:<id>) and each member's job hash,
// in submission order (an expired member's fields are empty).
struct BatchState
{
    QByteArray id;
    JobFields record;
    QList<QPair<QByteArray, JobFields>> members;
};

// Reads batches over one thread's connection. Members are ordinary jobs, so
// cancel and retry go through JobAdmin one member at a time.
class JobBatches
{
public:
    explicit JobBatches(RedisConnection &redis) : m_redis(redis) {}

    // nullopt when unknown, expired, or (with a non-empty `tenant`) another tenant's.
    std::optional<BatchState> fetch(const QByteArray &id, const QString &tenant = {});
    QList<QByteArray> memberIds(const QByteArray &id);

    static QByteArray newBatchId();

private:
    RedisConnection &m_redis;
};

} // namespace aether
