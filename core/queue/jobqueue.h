#pragma once

#include "queue/jobrequest.h"
#include "queue/redisconnection.h"

#include <QByteArray>
#include <QHash>
#include <optional>

namespace aether {

using JobFields = QHash<QByteArray, QByteArray>;

// The producer side of the queue, for one thread (the HTTP server's): puts jobs
// into Redis and reads their state. Throws RedisUnavailable while Redis is away.
class JobQueue
{
public:
    // `indexRetentionMs`: how long ids stay in the job index (the longest TTL).
    explicit JobQueue(const RedisUrl &url, qint64 indexRetentionMs = 8LL * 24 * 3600 * 1000);

    // RESULT_TTL and FAILURE_TTL, written into each job hash (RQ's result_ttl, failure_ttl).
    void setJobTtls(int resultTtlSec, int failureTtlSec);

    // Stores the job hash (and file bytes) and queues its id, atomically.
    // Returns the new job id.
    QByteArray enqueue(const JobRequest &request);
    // Many jobs in one round trip and one MULTI/EXEC: all are queued or none.
    // With `batch`, the jobs (whose batchId is batch->id) are its members and
    // the batch record is written in the same transaction.
    QList<QByteArray> enqueueBatch(const QList<JobRequest> &requests,
                                   const BatchRecord *batch = nullptr);

    // For an Idempotency-Key: stores `newId` under the tenant's key unless the
    // key already names a job (24 hours); returns the id the key names now.
    QByteArray claimIdempotencyKey(const QString &tenant, const QByteArray &key,
                                   const QByteArray &newId);
    static constexpr int kIdempotencyTtlSec = 24 * 3600;
    static QByteArray idempotencyRedisKey(const QString &tenant, const QByteArray &key);

    // The job hash, or nullopt when the id is unknown or expired.
    std::optional<JobFields> fetch(const QByteArray &id);

    qint64 queuedCount(); // default priority, as LLEN rq:queue:ingest
    RedisConnection &connection() { return m_redis; }

    static QByteArray newJobId();

private:
    RedisConnection m_redis;
    qint64 m_indexRetentionMs;
    int m_resultTtlSec = 500;
    int m_failureTtlSec = 7 * 24 * 3600;
};

} // namespace aether
