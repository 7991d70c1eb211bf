#include "server/opsroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobtime.h"

#include <QJsonDocument>

namespace aether {

namespace {

QJsonValue timestampOrNull(const JobFields &fields, const char *name)
{
    const QByteArray stored = fields.value(name);
    return stored.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(apiTimestamp(stored)));
}

} // namespace

OpsRoutes::OpsRoutes(JobQueue &queue) : m_queue(queue) {}

void OpsRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/ops/jobs/{id}"), Role::Admin,
               [this](const RouteContext &context) { return jobStatus(context); });
    for (const QString &path : {QStringLiteral("/healthz"), QStringLiteral("/health")}) {
        router.add("GET", path, std::nullopt,
                   [this](const RouteContext &context) { return health(context); });
    }
}

QJsonObject OpsRoutes::jobStatusJson(const QByteArray &id, const JobFields &fields)
{
    const QByteArray status = fields.value("status");
    QJsonObject json{{QStringLiteral("id"), QString::fromLatin1(id)},
                     {QStringLiteral("status"), QString::fromLatin1(status)},
                     {QStringLiteral("type"), QString::fromLatin1(fields.value("type"))},
                     {QStringLiteral("tenant"), QString::fromUtf8(fields.value("tenant"))},
                     {QStringLiteral("source"), QString::fromUtf8(fields.value("source"))},
                     {QStringLiteral("enqueued_at"), timestampOrNull(fields, "enqueued_at")},
                     {QStringLiteral("started_at"), timestampOrNull(fields, "started_at")},
                     {QStringLiteral("ended_at"), timestampOrNull(fields, "ended_at")}};
    if (status == "finished")
        json.insert(QStringLiteral("result"),
                    QJsonDocument::fromJson(fields.value("result")).object());
    if (status == "failed")
        json.insert(QStringLiteral("error"), QString::fromUtf8(fields.value("error")));
    return json;
}

ApiReply OpsRoutes::jobStatus(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    const std::optional<JobFields> fields = m_queue.fetch(id);
    // Another tenant's job is as invisible as an expired one.
    if (!fields || (!context.access.anyTenant &&
                    QString::fromUtf8(fields->value("tenant")) != context.access.tenant))
        return ApiReply::error(404, QStringLiteral("Job not found"));
    return ApiReply::ok(jobStatusJson(id, *fields));
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
