#pragma once

#include "config/redisurl.h"
#include "server/blockingworkthread.h"
#include "server/router.h"

#include <memory>

namespace aether {

class JobBulk;
class RedisConnection;

// Bulk operations (admin), tenant-scoped like the single-job routes:
// POST /ops/jobs/retry, DELETE /ops/jobs, POST /ops/queue/empty. They take
// seconds at 100,000 jobs, so they run on their own thread with their own
// Redis connection, one at a time, and answer when done; the HTTP thread keeps
// serving meanwhile.
class BulkRoutes
{
public:
    BulkRoutes(const RedisUrl &redis, int failureTtlSec);
    ~BulkRoutes();
    void registerOn(Router &router);

private:
    ApiReply retry(const RouteContext &context);
    ApiReply removeEnded(const RouteContext &context);
    ApiReply emptyQueue(const RouteContext &context);
    // Runs `work` on the bulk thread and answers with its reply.
    ApiReply onBulkThread(const RouteContext &context, std::function<ApiReply(JobBulk &)> work);

    std::unique_ptr<RedisConnection> m_redis; // used on m_thread only
    std::unique_ptr<JobBulk> m_bulk;
    BlockingWorkThread m_thread{QStringLiteral("bulk")};
};

} // namespace aether
