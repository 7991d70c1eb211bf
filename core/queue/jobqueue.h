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
    explicit JobQueue(const RedisUrl &url);

    // Stores the job hash (and file bytes) and queues its id, atomically.
    // Returns the new job id.
    QByteArray enqueue(const JobRequest &request);
    // Many jobs in one round trip and one MULTI/EXEC: all are queued or none.
    QList<QByteArray> enqueueBatch(const QList<JobRequest> &requests);

    // The job hash, or nullopt when the id is unknown or expired.
    std::optional<JobFields> fetch(const QByteArray &id);

    qint64 queuedCount();
    RedisConnection &connection() { return m_redis; }

    static QByteArray newJobId();

private:
    RedisConnection m_redis;
};

} // namespace aether
