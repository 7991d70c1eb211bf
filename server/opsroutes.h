#pragma once

#include "queue/jobqueue.h"
#include "server/router.h"

namespace aether {

// GET /healthz (and /health), public: whether the server reaches Redis. The
// admin routes under /ops/* are JobRoutes and QueueRoutes.
class OpsRoutes
{
public:
    explicit OpsRoutes(JobQueue &queue);
    void registerOn(Router &router);

private:
    ApiReply health(const RouteContext &context);

    JobQueue &m_queue;
};

} // namespace aether
