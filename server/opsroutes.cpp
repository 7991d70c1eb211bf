#include "server/opsroutes.h"

#include "store/storehealth.h"

namespace aether {

OpsRoutes::OpsRoutes(JobQueue &queue, const StoreHealth &store) : m_queue(queue), m_store(store) {}

void OpsRoutes::registerOn(Router &router)
{
    for (const QString &path : {QStringLiteral("/healthz"), QStringLiteral("/health")}) {
        router.add("GET", path, std::nullopt,
                   [this](const RouteContext &context) { return health(context); });
    }
}

ApiReply OpsRoutes::health(const RouteContext &)
{
    const StoreHealth::State store = m_store.state();
    const QString storeName = StoreHealth::name(store);
    if (store == StoreHealth::State::Missing || store == StoreHealth::State::Corrupt) {
        // /healthz is public: the path and the findings are in the log only.
        ApiReply reply = ApiReply::error(503, StoreHealth::publicProblem(store));
        reply.body.insert(QStringLiteral("store"), storeName);
        return reply;
    }
    qint64 queued = 0;
    try {
        // A real read, not PING: it tells an unreachable Redis from one that
        // is still loading its data, and the reason goes into the answer.
        queued = m_queue.queuedCount();
    } catch (const RedisUnavailable &error) {
        ApiReply reply = ApiReply::queueUnavailable(error.message());
        reply.body.insert(QStringLiteral("store"), storeName);
        return reply;
    }
    return ApiReply::ok({{QStringLiteral("version"), QStringLiteral(AETHER_VERSION)},
                         {QStringLiteral("redis"), QStringLiteral("connected")},
                         {QStringLiteral("store"), storeName},
                         {QStringLiteral("queued"), queued}});
}

} // namespace aether
