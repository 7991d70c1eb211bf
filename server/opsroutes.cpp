#include "server/opsroutes.h"

namespace aether {

OpsRoutes::OpsRoutes(JobQueue &queue) : m_queue(queue) {}

void OpsRoutes::registerOn(Router &router)
{
    for (const QString &path : {QStringLiteral("/healthz"), QStringLiteral("/health")}) {
        router.add("GET", path, std::nullopt,
                   [this](const RouteContext &context) { return health(context); });
    }
}

ApiReply OpsRoutes::health(const RouteContext &)
{
    if (!m_queue.connection().ping())
        return ApiReply::error(503,
                               QStringLiteral("queue unavailable: Redis at %1 is not reachable")
                                   .arg(m_queue.connection().url().toDisplayString()));
    return ApiReply::ok({{QStringLiteral("version"), QStringLiteral(AETHER_VERSION)},
                         {QStringLiteral("redis"), QStringLiteral("connected")},
                         {QStringLiteral("queued"), m_queue.queuedCount()}});
}

} // namespace aether
