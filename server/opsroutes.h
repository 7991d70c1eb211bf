#pragma once

#include "queue/jobqueue.h"
#include "server/router.h"

namespace aether {

class StoreHealth;

// GET /healthz (and /health), public: whether the server reaches Redis and
// whether the store is there and sound (503 when not). The admin routes under
// /ops/* are JobRoutes and QueueRoutes.
class OpsRoutes
{
public:
    OpsRoutes(JobQueue &queue, const StoreHealth &store);
    void registerOn(Router &router);

private:
    ApiReply health(const RouteContext &context);

    JobQueue &m_queue;
    const StoreHealth &m_store;
};

} // namespace aether
