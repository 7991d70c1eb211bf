#include "server/ingestroutes.h"

#include "access/accesspolicy.h"
#include "queue/refreshschedules.h"
#include "server/inputvalidation.h"
#include "server/jsonbody.h"
#include "server/refreshroutes.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QUrl>

namespace aether {

using input::findPart;
using input::kMaxSourceChars;
using input::kMaxTitleChars;
using input::kMaxUrlChars;
using input::validSource;

namespace {

constexpr int kMaxIdempotencyKeyBytes = 255;

} // namespace

IngestRoutes::IngestRoutes(JobQueue &queue, EnqueueBatcher &batcher, IngestLimits limits,
                           const WebhookDirectory &webhooks)
    : m_queue(queue), m_batcher(batcher), m_waiter(queue.connection()), m_limits(limits),
      m_webhooks(webhooks)
{}

void IngestRoutes::registerOn(Router &router)
{
    for (const Answer answer : {Answer::JobId, Answer::Result}) {
        const QString suffix = answer == Answer::JobId ? QStringLiteral("-async") : QString();
        router.add("POST", QStringLiteral("/knowledge/ingest-text") + suffix, Role::Editor,
                   [this, answer](const RouteContext &context) {
                       return submit(context, textRequest(context, answer), ReplyJson(), answer);
                   });
        router.add("POST", QStringLiteral("/knowledge/ingest-url") + suffix, Role::Editor,
                   [this, answer](const RouteContext &context) {
                       JobRequest request = urlRequest(context, answer);
                       ReplyJson url;
                       url.field("url", QStringView(request.url));
                       scheduleRefresh(context, request, url);
                       return submit(context, std::move(request), std::move(url), answer);
                   });
        router.add("POST", QStringLiteral("/knowledge/ingest-file") + suffix, Role::Editor,
                   [this, answer](const RouteContext &context) {
                       JobRequest request = fileRequest(context, answer);
                       ReplyJson fileName;
                       fileName.field("filename", QStringView(request.fileName));
                       return submit(context, std::move(request), std::move(fileName), answer);
                   });
    }
}

ApiReply IngestRoutes::submit(const RouteContext &context, JobRequest request, ReplyJson answer,
                              Answer mode)
{
    return mode == Answer::JobId ? enqueue(context, std::move(request), std::move(answer))
                                 : runAndWait(context, std::move(request));
}

// The synchronous form: an ordinary job (same pipeline, limits, retries and
// workers), queued at high priority unless asked otherwise, answered with its
// result when it ends. The HTTP thread does not wait: JobWaiter polls.
ApiReply IngestRoutes::runAndWait(const RouteContext &context, JobRequest request)
{
    const int waitMs = qMin(request.timeoutSec, kMaxSyncWaitSec) * 1000 + kSyncWaitSlackMs;
    m_batcher.submit(std::move(request), [this, send = context.answer,
                                          waitMs](const QByteArray &id, const QString &error) {
        if (!error.isEmpty())
            return send(ApiReply::queueUnavailable(error));
        m_waiter.wait(id, waitMs, [send, id](const JobEnd &end) { send(replyForEnd(id, end)); });
    });
    return ApiReply::deferred();
}

ApiReply IngestRoutes::replyForEnd(const QByteArray &id, const JobEnd &end)
{
    const QString jobId = QString::fromLatin1(id);
    if (end.status == "finished") {
        QJsonObject body = end.result;
        body.insert(QStringLiteral("job_id"), jobId);
        body.insert(QStringLiteral("status"), QStringLiteral("finished"));
        return ApiReply::ok(body);
    }
    if (end.status == "waiting") {
        ApiReply reply = ApiReply::ok(
            {{QStringLiteral("job_id"), jobId},
             {QStringLiteral("queued"), true},
             {QStringLiteral("status"), QStringLiteral("running")},
             {QStringLiteral("message"),
              QStringLiteral("the job has not ended yet; follow it at GET /ops/jobs/%1")
                  .arg(jobId)}});
        reply.status = 202;
        return reply;
    }
    const QString kind = end.error.section(u':', 0, 0);
    const int status = end.status == "canceled"                   ? 409
                       : kind == QLatin1String("UnsupportedType") ? 415
                       : kind == QLatin1String("TooLarge")        ? 413
                                                                  : 422;
    ApiReply reply = ApiReply::error(
        status, end.status == "canceled" ? QStringLiteral("the job was canceled") : end.error);
    reply.body.insert(QStringLiteral("job_id"), jobId);
    reply.body.insert(QStringLiteral("status"), QString::fromLatin1(end.status));
    return reply;
}

ApiReply IngestRoutes::enqueue(const RouteContext &context, JobRequest request, ReplyJson answer)
{
    answer.field("type", QByteArray(jobTypeName(request.type)))
        .field("tenant", QStringView(request.tenant))
        .field("source", QStringView(request.source))
        .field("priority", request.priority);
    const QByteArray idempotencyKey = context.request.value("Idempotency-Key").trimmed();
    if (!idempotencyKey.isEmpty()) {
        if (idempotencyKey.size() > kMaxIdempotencyKeyBytes)
            throw ApiError{422, QStringLiteral("Idempotency-Key is longer than %1 bytes")
                                    .arg(kMaxIdempotencyKeyBytes)};
        request.id = JobQueue::newJobId();
        request.idempotencyKey = JobQueue::idempotencyRedisKey(request.tenant, idempotencyKey);
        const QByteArray holder =
            m_queue.claimIdempotencyKey(request.tenant, idempotencyKey, request.id);
        if (holder != request.id) {
            ReplyJson replay;
            replay.field("ok", true).field("job_id", holder).field("queued", false);
            replay.field("idempotent_replay", true).fieldsOf(answer);
            return ApiReply::json(replay.object());
        }
    }
    ReplyJson queued;
    queued.field("queued", true).fieldsOf(answer);
    m_batcher.submitAndAnswer(std::move(request), std::move(queued), context.answer);
    return ApiReply::deferred();
}

JobRequest IngestRoutes::newRequest(const RouteContext &context, JobType type, Answer answer)
{
    JobRequest request;
    request.type = type;
    request.tenant = context.access.tenant;
    if (answer == Answer::Result)
        request.priority = "high"; // someone waits for it
    return request;
}

JobRequest IngestRoutes::textRequest(const RouteContext &context, Answer answer)
{
    const JsonBody body(context.request);
    JobRequest request = newRequest(context, JobType::Text, answer);
    request.text = body.requiredString(QStringLiteral("text"),
                                       int(qMin<qint64>(m_limits.maxUploadBytes, INT_MAX)));
    request.source = validSource(
        body.optionalString(QStringLiteral("source"), QStringLiteral("docs"), kMaxSourceChars));
    request.title = input::withoutControls(
        body.optionalString(QStringLiteral("title"), QString(), kMaxTitleChars).trimmed(),
        QStringLiteral("title"));
    const auto field = [&body](const QString &name) { return body.object().value(name); };
    readJobOptions(field, m_limits, request);
    readWebhook(field, m_limits, m_webhooks, context.request, request);
    return request;
}

JobRequest IngestRoutes::urlRequest(const RouteContext &context, Answer answer)
{
    const JsonBody body(context.request);
    JobRequest request = newRequest(context, JobType::Url, answer);
    input::setJobUrl(request,
                     input::validUrl(body.requiredString(QStringLiteral("url"), kMaxUrlChars),
                                     m_limits.allowPrivateUrls, QStringLiteral("url"),
                                     m_limits.urlCredentials));
    request.source = validSource(
        body.optionalString(QStringLiteral("source"), QStringLiteral("web"), kMaxSourceChars));
    const auto field = [&body](const QString &name) { return body.object().value(name); };
    readJobOptions(field, m_limits, request);
    readWebhook(field, m_limits, m_webhooks, context.request, request);
    return request;
}

// `refresh`: the URL is fetched again on that schedule (server/refreshroutes.h);
// this ingest is its first run.
void IngestRoutes::scheduleRefresh(const RouteContext &context, JobRequest &request,
                                   ReplyJson &answer)
{
    const std::optional<RefreshSchedule> schedule = RefreshRoutes::requestedSchedule(
        JsonBody(context.request).object().value(QStringLiteral("refresh")), request);
    if (!schedule)
        return;
    const QByteArray id = RefreshSchedules(m_queue.connection())
                              .upsert(*schedule, QDateTime::currentMSecsSinceEpoch());
    answer.field("refresh_id", id).field("refresh", QStringView(schedule->every));
}

JobRequest IngestRoutes::fileRequest(const RouteContext &context, Answer answer)
{
    const QList<MultipartPart> parts = input::multipartParts(context.request);
    const MultipartPart *file = findPart(parts, QStringLiteral("file"));
    if (!file)
        throw ApiError{422,
                       QStringLiteral("field 'file' is required (a multipart part named 'file')")};
    const QString fileName = input::checkedUpload(*file, m_limits.maxUploadBytes);

    JobRequest request = newRequest(context, JobType::File, answer);
    request.fileName = fileName;
    request.contentType = file->contentType;
    request.fileBytes = file->data;
    const MultipartPart *source = findPart(parts, QStringLiteral("source"));
    const QString sourceText = source ? QString::fromUtf8(source->data).trimmed() : QString();
    if (sourceText.size() > kMaxSourceChars)
        throw ApiError{
            422,
            QStringLiteral("field 'source' is longer than %1 characters").arg(kMaxSourceChars)};
    request.source = validSource(sourceText.isEmpty() ? QStringLiteral("uploads") : sourceText);
    const auto field = [&parts](const QString &name) {
        const MultipartPart *part = findPart(parts, name);
        return part ? QJsonValue(QString::fromUtf8(part->data)) : QJsonValue(QJsonValue::Undefined);
    };
    readJobOptions(field, m_limits, request);
    readWebhook(field, m_limits, m_webhooks, context.request, request);
    return request;
}

} // namespace aether
