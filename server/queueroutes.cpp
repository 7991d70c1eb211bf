#include "server/queueroutes.h"

#include "access/accesspolicy.h"

#include <QJsonArray>

namespace aether {

namespace {

QJsonObject queued(qint64 count)
{
    return {{QStringLiteral("queued"), count}};
}

QJsonObject workerJson(const WorkerState &worker, const AccessDecision &access)
{
    // Another tenant's job id stays hidden from a key of one tenant.
    const bool visible = !worker.currentJob.isEmpty() &&
                         (access.anyTenant || worker.currentJobTenant == access.tenant);
    return {{QStringLiteral("name"), QString::fromUtf8(worker.name)},
            {QStringLiteral("host"), QString::fromUtf8(worker.host)},
            {QStringLiteral("pid"), worker.pid},
            {QStringLiteral("heartbeat_age_ms"),
             worker.heartbeatAgeMs ? QJsonValue(*worker.heartbeatAgeMs) : QJsonValue()},
            {QStringLiteral("current_job"),
             visible ? QJsonValue(QString::fromLatin1(worker.currentJob)) : QJsonValue()}};
}

} // namespace

QueueRoutes::QueueRoutes(JobAdmin &admin) : m_admin(admin) {}

void QueueRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/ops/queue"), Role::Admin,
               [this](const RouteContext &context) { return state(context); });
    router.add("POST", QStringLiteral("/ops/queue/pause"), Role::Admin,
               [this](const RouteContext &context) { return setPaused(context, true); });
    router.add("POST", QStringLiteral("/ops/queue/resume"), Role::Admin,
               [this](const RouteContext &context) { return setPaused(context, false); });
}

ApiReply QueueRoutes::state(const RouteContext &context)
{
    const QueueState state = m_admin.state();
    QJsonArray workers;
    for (const WorkerState &worker : state.workers)
        workers.append(workerJson(worker, context.access));
    const QJsonObject counts{
        {QStringLiteral("queued"), state.queuedHigh + state.queuedDefault + state.queuedLow},
        {QStringLiteral("scheduled"), state.scheduled},
        {QStringLiteral("started"), state.started},
        {QStringLiteral("finished"), state.finished},
        {QStringLiteral("failed"), state.failed},
        {QStringLiteral("canceled"), state.canceled}};
    return ApiReply::ok({{QStringLiteral("paused"), state.paused},
                         {QStringLiteral("queues"),
                          QJsonObject{{QStringLiteral("high"), queued(state.queuedHigh)},
                                      {QStringLiteral("default"), queued(state.queuedDefault)},
                                      {QStringLiteral("low"), queued(state.queuedLow)}}},
                         {QStringLiteral("counts"), counts},
                         {QStringLiteral("workers"), workers},
                         {QStringLiteral("jobs_per_minute"), state.jobsPerMinute}});
}

ApiReply QueueRoutes::setPaused(const RouteContext &context, bool paused)
{
    if (!context.access.anyTenant)
        return ApiReply::error(403, QStringLiteral("pausing or resuming the queue affects every "
                                                   "tenant: it needs a key for all tenants"));
    m_admin.setPaused(paused);
    return ApiReply::ok({{QStringLiteral("paused"), paused}});
}

} // namespace aether
