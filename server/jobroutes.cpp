#include "server/jobroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobtime.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

namespace aether {

namespace {

QJsonValue timestampOrNull(const JobFields &fields, const char *name)
{
    const QByteArray stored = fields.value(name);
    return stored.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(apiTimestamp(stored)));
}

// How long the job's last attempt ran, to the millisecond (the timestamps the
// API shows have whole seconds); null until it has ended.
QJsonValue durationMs(const JobFields &fields)
{
    const std::optional<qint64> started = storedTimestampMs(fields.value("started_at"));
    const std::optional<qint64> ended = storedTimestampMs(fields.value("ended_at"));
    if (!started || !ended || *ended < *started)
        return QJsonValue();
    return QJsonValue(*ended - *started);
}

QJsonValue textOrNull(const JobFields &fields, const char *name)
{
    const QByteArray stored = fields.value(name);
    return stored.isEmpty() ? QJsonValue() : QJsonValue(QString::fromUtf8(stored));
}

// Empty when the caller may act on every tenant's jobs, else its tenant.
QString tenantScope(const AccessDecision &access)
{
    return access.anyTenant ? QString() : access.tenant;
}

QByteArray jobId(const RouteContext &context)
{
    return context.parameters.first().toUtf8();
}

QByteArray oneOf(const QUrlQuery &query, const QString &name, const QList<QByteArray> &allowed)
{
    const QByteArray value = query.queryItemValue(name, QUrl::FullyDecoded).trimmed().toUtf8();
    if (!value.isEmpty() && !allowed.contains(value))
        throw ApiError{422, QStringLiteral("parameter '%1' must be one of %2")
                                .arg(name, QString::fromLatin1(allowed.join(", ")))};
    return value;
}

// GET /ops/jobs?status=&type=&tenant=&limit=&before= ; empty values count as absent.
JobListQuery listQuery(const QUrlQuery &query)
{
    JobListQuery parsed;
    parsed.status = oneOf(query, QStringLiteral("status"), JobAdmin::kStatuses);
    parsed.type = oneOf(query, QStringLiteral("type"), JobAdmin::kTypes);
    parsed.tenant = query.queryItemValue(QStringLiteral("tenant"), QUrl::FullyDecoded).trimmed();
    if (!parsed.tenant.isEmpty() && !isValidTenantName(parsed.tenant))
        throw ApiError{
            422,
            QStringLiteral("parameter 'tenant' must be 1-64 letters, digits, '.', '_' or '-'")};
    const QString limit =
        query.queryItemValue(QStringLiteral("limit"), QUrl::FullyDecoded).trimmed();
    if (!limit.isEmpty()) {
        bool ok = false;
        parsed.limit = limit.toInt(&ok);
        if (!ok || parsed.limit < 1 || parsed.limit > JobAdmin::kMaxLimit)
            throw ApiError{422, QStringLiteral("parameter 'limit' must be an integer from 1 to %1")
                                    .arg(JobAdmin::kMaxLimit)};
    }
    const QString before =
        query.queryItemValue(QStringLiteral("before"), QUrl::FullyDecoded).trimmed();
    if (!before.isEmpty()) {
        parsed.before = JobCursor::fromText(before.toUtf8());
        if (!parsed.before)
            throw ApiError{422, QStringLiteral("parameter 'before' must be a next_cursor of an "
                                               "earlier answer (or a creation time in ms)")};
    }
    return parsed;
}

// A cursor is the creation time (ms) of the last job listed, or "<ms>:<id>"
// when the next job was created in the same millisecond.
QJsonValue cursorJson(const std::optional<JobCursor> &cursor)
{
    if (!cursor)
        return QJsonValue();
    if (cursor->id.isEmpty())
        return QJsonValue(cursor->createdMs);
    return QJsonValue(QString::fromLatin1(cursor->toText()));
}

ApiReply actionReply(const QByteArray &id, const JobAction &action, QJsonObject answer)
{
    switch (action.result) {
    case JobAction::Result::NotFound:
        return ApiReply::error(404, QStringLiteral("Job not found"));
    case JobAction::Result::Conflict:
        return ApiReply::error(409, action.message);
    case JobAction::Result::Done:
        break;
    }
    answer.insert(QStringLiteral("id"), QString::fromLatin1(id));
    return ApiReply::ok(answer);
}

} // namespace

// The job's name (the URL, the file name or the text's first words), kept as
// RQ's description; jobs enqueued before names were kept describe their call
// ("aether_ingest.ingest_url_job(...)") and are named by their URL or file.
QByteArray JobRoutes::jobName(const JobFields &fields)
{
    // What RQ's call description looked like before jobs had names.
    static const QRegularExpression oldDescription(
        QStringLiteral("^aether_ingest\\.ingest_(text|url|file|reindex)_job\\(.*\\)$"),
        QRegularExpression::DotMatchesEverythingOption);
    const QByteArray description = fields.value("description");
    if (!description.isEmpty() && !oldDescription.match(QString::fromUtf8(description)).hasMatch())
        return description;
    const QByteArray fileName = fields.value("filename");
    return fileName.isEmpty() ? fields.value("url") : fileName;
}

JobRoutes::JobRoutes(JobQueue &queue, JobAdmin &admin) : m_queue(queue), m_admin(admin) {}

void JobRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/ops/jobs"), Role::Admin,
               [this](const RouteContext &context) { return list(context); });
    router.add("GET", QStringLiteral("/ops/jobs/{id}"), Role::Admin,
               [this](const RouteContext &context) { return status(context); });
    router.add("DELETE", QStringLiteral("/ops/jobs/{id}"), Role::Admin,
               [this](const RouteContext &context) { return remove(context); });
    router.add("POST", QStringLiteral("/ops/jobs/{id}/cancel"), Role::Admin,
               [this](const RouteContext &context) { return cancel(context); });
    router.add("POST", QStringLiteral("/ops/jobs/{id}/retry"), Role::Admin,
               [this](const RouteContext &context) { return retry(context); });
}

QJsonObject JobRoutes::jobJson(const QByteArray &id, const JobFields &fields, bool detailed)
{
    const QByteArray status = fields.value("status");
    QJsonObject json{
        {QStringLiteral("id"), QString::fromLatin1(id)},
        {QStringLiteral("status"), QString::fromLatin1(status)},
        {QStringLiteral("type"), QString::fromLatin1(fields.value("type"))},
        {QStringLiteral("tenant"), QString::fromUtf8(fields.value("tenant"))},
        {QStringLiteral("source"), QString::fromUtf8(fields.value("source"))},
        {QStringLiteral("priority"), QString::fromLatin1(fields.value("priority", "default"))},
        {QStringLiteral("created_at"), timestampOrNull(fields, "created_at")},
        {QStringLiteral("enqueued_at"), timestampOrNull(fields, "enqueued_at")},
        {QStringLiteral("started_at"), timestampOrNull(fields, "started_at")},
        {QStringLiteral("ended_at"), timestampOrNull(fields, "ended_at")},
        {QStringLiteral("stage"), textOrNull(fields, "stage")},
        {QStringLiteral("progress"), fields.value("progress").toInt()},
        {QStringLiteral("attempts"), fields.value("attempts").toInt()},
        {QStringLiteral("max_attempts"), fields.value("max_attempts").toInt()},
        {QStringLiteral("recoveries"), fields.value("recoveries").toInt()},
        {QStringLiteral("retry_at"), timestampOrNull(fields, "retry_at")},
        {QStringLiteral("worker_name"), textOrNull(fields, "worker_name")},
        {QStringLiteral("cancel_requested"), fields.value("cancel_requested") == "1"}};
    json.insert(QStringLiteral("name"), QString::fromUtf8(jobName(fields)));
    json.insert(QStringLiteral("duration_ms"), durationMs(fields));
    if (status == "failed" || status == "canceled" || status == "scheduled")
        json.insert(QStringLiteral("error"), QString::fromUtf8(fields.value("error")));
    if (const QByteArray batch = fields.value("batch_id"); !batch.isEmpty())
        json.insert(QStringLiteral("batch_id"), QString::fromLatin1(batch));
    if (detailed && fields.contains("webhook_url")) {
        json.insert(QStringLiteral("webhook_url"), QString::fromUtf8(fields.value("webhook_url")));
        json.insert(QStringLiteral("webhook_status"),
                    QString::fromLatin1(fields.value("webhook_status", "pending")));
        json.insert(QStringLiteral("webhook_deliveries"),
                    QJsonDocument::fromJson(fields.value("webhook_deliveries", "[]")).array());
    }
    if (detailed) {
        if (status == "finished")
            json.insert(QStringLiteral("result"),
                        QJsonDocument::fromJson(fields.value("result_json")).object());
        json.insert(QStringLiteral("history"),
                    QJsonDocument::fromJson(fields.value("history")).array());
    }
    return json;
}

ApiReply JobRoutes::status(const RouteContext &context)
{
    const QByteArray id = jobId(context);
    const std::optional<JobFields> fields = m_queue.fetch(id);
    if (!fields || (!context.access.anyTenant &&
                    QString::fromUtf8(fields->value("tenant")) != context.access.tenant))
        return ApiReply::error(404, QStringLiteral("Job not found"));
    return ApiReply::ok(jobJson(id, *fields));
}

ApiReply JobRoutes::list(const RouteContext &context)
{
    JobListQuery query = listQuery(context.request.query());
    JobListPage page;
    // A key of one tenant lists that tenant's jobs only, whatever it asks for.
    if (context.access.anyTenant || query.tenant.isEmpty() ||
        query.tenant == context.access.tenant) {
        query.tenant = context.access.anyTenant ? query.tenant : context.access.tenant;
        page = m_admin.list(query);
    }
    QJsonArray jobs;
    for (const auto &[id, fields] : std::as_const(page.jobs))
        jobs.append(jobJson(id, fields, false));
    return ApiReply::ok(
        {{QStringLiteral("jobs"), jobs}, {QStringLiteral("next_cursor"), cursorJson(page.next)}});
}

ApiReply JobRoutes::cancel(const RouteContext &context)
{
    const QByteArray id = jobId(context);
    const JobAction action = m_admin.cancel(id, tenantScope(context.access));
    return actionReply(id, action,
                       {{QStringLiteral("status"), QString::fromLatin1(action.status)},
                        {QStringLiteral("cancel_requested"), action.status == "started"}});
}

ApiReply JobRoutes::retry(const RouteContext &context)
{
    const QByteArray id = jobId(context);
    const JobAction action = m_admin.retry(id, tenantScope(context.access));
    return actionReply(id, action,
                       {{QStringLiteral("status"), QString::fromLatin1(action.status)}});
}

ApiReply JobRoutes::remove(const RouteContext &context)
{
    const QByteArray id = jobId(context);
    return actionReply(id, m_admin.remove(id, tenantScope(context.access)),
                       {{QStringLiteral("deleted"), true}});
}

} // namespace aether
