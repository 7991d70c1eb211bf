#include "server/refreshroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobqueue.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace aether {

namespace {

QJsonValue timeOf(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

int queryNumber(const QUrlQuery &query, const QString &name, int fallback, int minimum, int maximum)
{
    const QString text = query.queryItemValue(name).trimmed();
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        throw ApiError{422, QStringLiteral("parameter '%1' must be an integer from %2 to %3")
                                .arg(name)
                                .arg(minimum)
                                .arg(maximum)};
    return value;
}

} // namespace

void RefreshRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/ops/refresh"), Role::Admin,
               [this](const RouteContext &context) { return list(context); });
    router.add("DELETE", QStringLiteral("/ops/refresh/{id}"), Role::Admin,
               [this](const RouteContext &context) { return remove(context); });
    router.add("POST", QStringLiteral("/ops/refresh/{id}/run"), Role::Admin,
               [this](const RouteContext &context) { return runNow(context); });
}

QJsonObject RefreshRoutes::scheduleJson(const RefreshSchedule &schedule)
{
    return {{QStringLiteral("id"), QString::fromLatin1(schedule.id)},
            {QStringLiteral("url"), schedule.url},
            {QStringLiteral("tenant"), schedule.tenant},
            {QStringLiteral("source"), schedule.source},
            {QStringLiteral("refresh"), schedule.every},
            {QStringLiteral("every_seconds"), schedule.everySec},
            {QStringLiteral("metadata"), QJsonDocument::fromJson(schedule.metadata).object()},
            {QStringLiteral("created_at"), timeOf(schedule.createdAtMs)},
            {QStringLiteral("next_at"), timeOf(schedule.nextAtMs)},
            {QStringLiteral("last_run_at"), timeOf(schedule.lastRunAtMs)},
            {QStringLiteral("last_job_id"),
             schedule.lastJobId.isEmpty() ? QJsonValue(QJsonValue::Null)
                                          : QJsonValue(QString::fromLatin1(schedule.lastJobId))}};
}

std::optional<RefreshSchedule> RefreshRoutes::requestedSchedule(const QJsonValue &refresh,
                                                                JobRequest &request)
{
    if (refresh.isUndefined() || refresh.isNull())
        return std::nullopt;
    const std::optional<int> everySec = RefreshSchedules::parseInterval(refresh.toString());
    if (!everySec)
        throw ApiError{422, QStringLiteral("field 'refresh' must be \"hourly\", \"daily\" or "
                                           "\"<N>h\" with N from 1 to 8760")};
    if (!request.urlUserInfo.isEmpty())
        throw ApiError{422, QStringLiteral("field 'refresh' cannot be used with a URL that holds "
                                           "credentials: the schedule would keep them")};
    if (request.id.isEmpty())
        request.id = JobQueue::newJobId();
    RefreshSchedule schedule;
    schedule.tenant = request.tenant;
    schedule.source = request.source;
    schedule.url = request.url;
    schedule.every = refresh.toString();
    schedule.everySec = *everySec;
    schedule.metadata = request.metadata;
    schedule.lastJobId = request.id;
    return schedule;
}

ApiReply RefreshRoutes::list(const RouteContext &context)
{
    const QUrlQuery query = context.request.query();
    const int limit = queryNumber(query, QStringLiteral("limit"), kDefaultLimit, 1, kMaxLimit);
    const int offset = queryNumber(query, QStringLiteral("offset"), 0, 0, INT_MAX);
    qint64 total = 0;
    const QList<RefreshSchedule> schedules =
        RefreshSchedules(m_queue.connection())
            .list(context.access.anyTenant ? QString() : context.access.tenant, offset, limit,
                  &total);
    // The last run's state, while its job is kept (RESULT_TTL, FAILURE_TTL).
    QList<RedisCommand> statuses;
    for (const RefreshSchedule &schedule : schedules)
        statuses.append({"HGET", keys::job(schedule.lastJobId), "status"});
    const QList<RedisReply> replies =
        statuses.isEmpty() ? QList<RedisReply>() : m_queue.connection().pipeline(statuses);
    QJsonArray items;
    for (qsizetype i = 0; i < schedules.size(); ++i) {
        QJsonObject item = scheduleJson(schedules[i]);
        const QByteArray status = replies[i].string();
        item.insert(QStringLiteral("last_status"), status.isEmpty()
                                                       ? QJsonValue(QJsonValue::Null)
                                                       : QJsonValue(QString::fromLatin1(status)));
        items.append(item);
    }
    return ApiReply::ok({{QStringLiteral("refreshes"), items},
                         {QStringLiteral("total"), total},
                         {QStringLiteral("offset"), offset},
                         {QStringLiteral("limit"), limit}});
}

// Another tenant's schedule is answered like one that does not exist.
std::optional<RefreshSchedule> RefreshRoutes::visible(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    std::optional<RefreshSchedule> schedule = RefreshSchedules(m_queue.connection()).find(id);
    if (schedule && !context.access.anyTenant && schedule->tenant != context.access.tenant)
        return std::nullopt;
    return schedule;
}

ApiReply RefreshRoutes::remove(const RouteContext &context)
{
    const std::optional<RefreshSchedule> schedule = visible(context);
    if (!schedule || !RefreshSchedules(m_queue.connection()).remove(schedule->id))
        return ApiReply::error(404, QStringLiteral("Refresh not found"));
    return ApiReply::ok({{QStringLiteral("id"), QString::fromLatin1(schedule->id)},
                         {QStringLiteral("deleted"), true}});
}

ApiReply RefreshRoutes::runNow(const RouteContext &context)
{
    std::optional<RefreshSchedule> schedule = visible(context);
    RefreshSchedules schedules(m_queue.connection());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (schedule)
        schedule = schedules.claimNow(schedule->id, now);
    if (!schedule)
        return ApiReply::error(404, QStringLiteral("Refresh not found"));
    const QByteArray jobId = m_queue.enqueue(RefreshSchedules::runRequest(*schedule));
    schedules.recordRun(schedule->id, jobId, now);
    schedule->lastJobId = jobId;
    schedule->lastRunAtMs = now;
    return ApiReply::ok({{QStringLiteral("refresh"), scheduleJson(*schedule)},
                         {QStringLiteral("job_id"), QString::fromLatin1(jobId)},
                         {QStringLiteral("queued"), true}});
}

} // namespace aether
