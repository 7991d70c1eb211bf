#pragma once

#include "queue/jobadmin.h"
#include "server/router.h"

namespace aether {

// The /ops/queue* routes (admin): queue counts and live workers, pause and
// resume. Pausing stops every tenant's work, so it needs a key for all tenants.
class QueueRoutes
{
public:
    explicit QueueRoutes(JobAdmin &admin);
    void registerOn(Router &router);

private:
    ApiReply state(const RouteContext &context);
    ApiReply setPaused(const RouteContext &context, bool paused);

    JobAdmin &m_admin;
};

} // namespace aether
