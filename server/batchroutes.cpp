#include "server/batchroutes.h"

#include "access/accesspolicy.h"
#include "crawl/crawlfrontier.h"
#include "queue/jobtime.h"
#include "queue/refreshschedules.h"
#include "server/inputvalidation.h"
#include "server/jsonbody.h"
#include "server/refreshroutes.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>

namespace aether {

namespace {

const QList<QByteArray> kEnded{"finished", "failed", "canceled"};

QString tenantScope(const AccessDecision &access)
{
    return access.anyTenant ? QString() : access.tenant;
}

QString itemString(const QJsonObject &item, const QString &name, int maxChars, int index)
{
    const QJsonValue value = item.value(name);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString() || value.toString().size() > maxChars)
        throw ApiError{422, QStringLiteral("items[%1].%2 must be a string of at most %3 characters")
                                .arg(index)
                                .arg(name)
                                .arg(maxChars)};
    return value.toString();
}

QJsonObject memberJson(const QByteArray &id, const JobFields &fields)
{
    const QByteArray status = fields.value("status", "expired");
    QJsonObject json{{QStringLiteral("id"), QString::fromLatin1(id)},
                     {QStringLiteral("status"), QString::fromLatin1(status)},
                     {QStringLiteral("type"), QString::fromLatin1(fields.value("type"))},
                     {QStringLiteral("progress"), fields.value("progress").toInt()}};
    for (const char *name : {"filename", "url", "error"}) {
        if (fields.contains(name) && (qstrcmp(name, "error") != 0 || status != "finished"))
            json.insert(QLatin1String(name), QString::fromUtf8(fields.value(name)));
    }
    return json;
}

} // namespace

BatchRoutes::BatchRoutes(JobQueue &queue, JobAdmin &admin, IngestLimits limits,
                         const WebhookDirectory &webhooks, int batchTtlSec)
    : m_queue(queue), m_admin(admin), m_limits(limits), m_webhooks(webhooks),
      m_batchTtlSec(batchTtlSec)
{}

void BatchRoutes::registerOn(Router &router)
{
    router.add("POST", QStringLiteral("/knowledge/ingest-batch-async"), Role::Editor,
               [this](const RouteContext &context) { return create(context); });
    router.add("GET", QStringLiteral("/ops/batches/{id}"), Role::Editor,
               [this](const RouteContext &context) { return status(context); });
    router.add("POST", QStringLiteral("/ops/batches/{id}/cancel"), Role::Editor,
               [this](const RouteContext &context) { return cancel(context); });
    router.add("POST", QStringLiteral("/ops/batches/{id}/retry"), Role::Editor,
               [this](const RouteContext &context) { return retry(context); });
}

ApiReply BatchRoutes::create(const RouteContext &context)
{
    BatchRecord batch;
    batch.id = JobBatches::newBatchId();
    batch.tenant = context.access.tenant;
    batch.ttlSec = m_batchTtlSec;
    const bool multipart =
        context.request.value("Content-Type").toLower().startsWith("multipart/form-data");
    QList<JobRequest> requests = multipart ? fileItems(context, batch) : jsonItems(context, batch);
    if (requests.isEmpty())
        throw ApiError{422, QStringLiteral("a batch needs at least one item")};
    if (requests.size() > kMaxItems)
        throw ApiError{422, QStringLiteral("a batch holds at most %1 items").arg(kMaxItems)};
    for (JobRequest &request : requests)
        request.batchId = batch.id;
    // One MULTI/EXEC: the batch and all its members, or nothing.
    const QList<QByteArray> ids = m_queue.enqueueBatch(requests, &batch);
    QJsonArray jobIds;
    for (const QByteArray &id : ids)
        jobIds.append(QString::fromLatin1(id));
    return ApiReply::ok({{QStringLiteral("batch_id"), QString::fromLatin1(batch.id)},
                         {QStringLiteral("job_ids"), jobIds},
                         {QStringLiteral("count"), jobIds.size()},
                         {QStringLiteral("tenant"), batch.tenant},
                         {QStringLiteral("source"), batch.source}});
}

// An item's own `metadata` over the batch's (the item's value wins for a key
// both name); the limits hold for the merged object. Errors name the item.
QByteArray BatchRoutes::itemMetadata(const QByteArray &batchWide, const QJsonObject &item,
                                     int index)
{
    const QJsonValue own = item.value(QStringLiteral("metadata"));
    if (own.isUndefined() || own.isNull())
        return batchWide;
    try {
        QJsonObject merged = QJsonDocument::fromJson(batchWide).object();
        const QJsonObject itemObject = QJsonDocument::fromJson(readMetadata(own)).object();
        for (auto it = itemObject.begin(); it != itemObject.end(); ++it)
            merged.insert(it.key(), it.value());
        return readMetadata(merged);
    } catch (const ApiError &error) {
        throw ApiError{error.status, QStringLiteral("items[%1]: %2").arg(index).arg(error.message)};
    }
}

QList<JobRequest> BatchRoutes::jsonItems(const RouteContext &context, BatchRecord &batch)
{
    const JsonBody body(context.request);
    const auto field = [&body](const QString &name) { return body.object().value(name); };
    batch.source = input::validSource(
        body.optionalString(QStringLiteral("source"), QString(), input::kMaxSourceChars));
    readWebhook(field, m_limits, m_webhooks, context.request, &batch.webhookUrl, &batch.webhookKey);
    const QJsonValue items = body.object().value(QStringLiteral("items"));
    if (!items.isArray())
        throw ApiError{422,
                       QStringLiteral("field 'items' is required (a list of {text} or {url})")};
    JobRequest common;
    common.tenant = batch.tenant;
    readJobOptions(field, m_limits, common);
    QList<JobRequest> requests;
    QList<RefreshSchedule> schedules; // URL items with `refresh`
    const QJsonArray list = items.toArray();
    for (qsizetype i = 0; i < list.size() && i <= kMaxItems; ++i) {
        const QJsonObject item = list.at(i).toObject();
        JobRequest request = common;
        const int index = int(i);
        request.text = itemString(item, QStringLiteral("text"),
                                  int(qMin<qint64>(m_limits.maxUploadBytes, INT_MAX)), index);
        const QString url = itemString(item, QStringLiteral("url"), input::kMaxUrlChars, index);
        if (request.text.isEmpty() == url.isEmpty())
            throw ApiError{422,
                           QStringLiteral("items[%1] needs exactly one of 'text' or 'url'").arg(i)};
        request.type = url.isEmpty() ? JobType::Text : JobType::Url;
        if (!url.isEmpty())
            input::setJobUrl(request,
                             input::validUrl(url, m_limits.allowPrivateUrls, QStringLiteral("url"),
                                             m_limits.urlCredentials));
        request.metadata = itemMetadata(common.metadata, item, index);
        const QString source =
            itemString(item, QStringLiteral("source"), input::kMaxSourceChars, index);
        request.source = input::validSource(!source.isEmpty()         ? source
                                            : !batch.source.isEmpty() ? batch.source
                                            : url.isEmpty()           ? QStringLiteral("docs")
                                                                      : QStringLiteral("web"));
        if (const QJsonValue refresh = item.value(QStringLiteral("refresh"));
            !refresh.isUndefined() && url.isEmpty())
            throw ApiError{422, QStringLiteral("items[%1]: 'refresh' is for URLs").arg(i)};
        try {
            if (auto schedule = RefreshRoutes::requestedSchedule(
                    item.value(QStringLiteral("refresh")), request))
                schedules.append(std::move(*schedule));
        } catch (const ApiError &error) {
            throw ApiError{error.status, QStringLiteral("items[%1]: %2").arg(i).arg(error.message)};
        }
        requests.append(std::move(request));
    }
    // Recorded once every item is valid: a refused batch leaves no schedule.
    RefreshSchedules refreshes(m_queue.connection());
    for (const RefreshSchedule &schedule : std::as_const(schedules))
        refreshes.upsert(schedule, QDateTime::currentMSecsSinceEpoch());
    return requests;
}

QList<JobRequest> BatchRoutes::fileItems(const RouteContext &context, BatchRecord &batch)
{
    // The files plus a few option fields.
    const QList<MultipartPart> parts = input::multipartParts(context.request, kMaxItems + 16);
    const auto field = [&parts](const QString &name) {
        const MultipartPart *part = input::findPart(parts, name);
        return part ? QJsonValue(QString::fromUtf8(part->data)) : QJsonValue(QJsonValue::Undefined);
    };
    const QString source = field(QStringLiteral("source")).toString().trimmed();
    if (source.size() > input::kMaxSourceChars)
        throw ApiError{422, QStringLiteral("field 'source' is longer than %1 characters")
                                .arg(input::kMaxSourceChars)};
    batch.source = input::validSource(source.isEmpty() ? QStringLiteral("uploads") : source);
    readWebhook(field, m_limits, m_webhooks, context.request, &batch.webhookUrl, &batch.webhookKey);
    JobRequest common;
    common.tenant = batch.tenant;
    common.type = JobType::File;
    common.source = batch.source;
    readJobOptions(field, m_limits, common);
    QList<JobRequest> requests;
    for (const MultipartPart &part : parts) {
        if (part.name != QLatin1String("file"))
            continue;
        JobRequest request = common;
        request.fileName = input::checkedUpload(part, m_limits.maxUploadBytes);
        request.contentType = part.contentType;
        request.fileBytes = part.data;
        requests.append(std::move(request));
    }
    return requests;
}

std::optional<BatchState> BatchRoutes::scopedBatch(const RouteContext &context)
{
    return JobBatches(m_queue.connection())
        .fetch(context.parameters.first().toLatin1(), tenantScope(context.access));
}

QJsonObject BatchRoutes::batchJson(const BatchState &state)
{
    QJsonObject counts;
    for (const char *status :
         {"queued", "started", "scheduled", "finished", "failed", "canceled", "expired"})
        counts.insert(QLatin1String(status), 0);
    QJsonArray jobs;
    int ended = 0;
    qint64 progressSum = 0;
    for (const auto &[id, fields] : state.members) {
        const QByteArray status = fields.value("status", "expired");
        const QString name = QString::fromLatin1(status);
        counts.insert(name, counts.value(name).toInt() + 1);
        const bool over = kEnded.contains(status) || status == "expired";
        ended += over;
        progressSum += over ? 100 : fields.value("progress").toInt();
        jobs.append(memberJson(id, fields));
    }
    const qsizetype total = state.members.size();
    const JobFields &record = state.record;
    QJsonObject json{
        {QStringLiteral("id"), QString::fromLatin1(state.id)},
        {QStringLiteral("tenant"), QString::fromUtf8(record.value("tenant"))},
        {QStringLiteral("source"), QString::fromUtf8(record.value("source"))},
        {QStringLiteral("created_at"),
         QString::fromLatin1(apiTimestamp(record.value("created_at")))},
        {QStringLiteral("finished_at"),
         record.contains("finished_at")
             ? QJsonValue(QString::fromLatin1(apiTimestamp(record.value("finished_at"))))
             : QJsonValue()},
        {QStringLiteral("total"), int(total)},
        {QStringLiteral("ended"), ended},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("progress"), total ? int(progressSum / total) : 100},
        {QStringLiteral("finished"), ended == total},
        {QStringLiteral("jobs"), jobs}};
    if (record.contains("webhook_url")) {
        json.insert(QStringLiteral("webhook_url"), QString::fromUtf8(record.value("webhook_url")));
        json.insert(QStringLiteral("webhook_status"),
                    QString::fromLatin1(record.value("webhook_status", "pending")));
        json.insert(QStringLiteral("webhook_deliveries"),
                    QJsonDocument::fromJson(record.value("webhook_deliveries", "[]")).array());
    }
    return json;
}

ApiReply BatchRoutes::status(const RouteContext &context)
{
    const std::optional<BatchState> state = scopedBatch(context);
    if (!state)
        return ApiReply::error(404, QStringLiteral("Batch not found"));
    return ApiReply::ok(batchJson(*state));
}

ApiReply BatchRoutes::cancel(const RouteContext &context)
{
    const std::optional<BatchState> state = scopedBatch(context);
    if (!state)
        return ApiReply::error(404, QStringLiteral("Batch not found"));
    // A crawl's batch: no page is queued any more either (crawl/crawlfrontier.h).
    CrawlFrontier::cancel(m_queue, state->id, QString());
    int canceled = 0;
    int requested = 0;
    for (const auto &[id, fields] : state->members) {
        const JobAction action = m_admin.cancel(id, tenantScope(context.access));
        if (action.result == JobAction::Result::Done)
            (action.status == "started" ? requested : canceled) += 1;
    }
    return ApiReply::ok({{QStringLiteral("id"), QString::fromLatin1(state->id)},
                         {QStringLiteral("canceled"), canceled},
                         {QStringLiteral("cancel_requested"), requested}});
}

ApiReply BatchRoutes::retry(const RouteContext &context)
{
    const std::optional<BatchState> state = scopedBatch(context);
    if (!state)
        return ApiReply::error(404, QStringLiteral("Batch not found"));
    int retried = 0;
    int notRetried = 0;
    for (const auto &[id, fields] : state->members) {
        const QByteArray status = fields.value("status");
        if (status != "failed" && status != "canceled")
            continue;
        const JobAction action = m_admin.retry(id, tenantScope(context.access));
        (action.result == JobAction::Result::Done ? retried : notRetried) += 1;
    }
    return ApiReply::ok({{QStringLiteral("id"), QString::fromLatin1(state->id)},
                         {QStringLiteral("retried"), retried},
                         {QStringLiteral("not_retried"), notRetried}});
}

} // namespace aether
