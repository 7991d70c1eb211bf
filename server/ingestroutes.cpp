#include "server/ingestroutes.h"

#include "access/accesspolicy.h"
#include "extract/extractorregistry.h"
#include "fetch/addressguard.h"
#include "server/jsonbody.h"
#include "server/multipartparser.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QUrl>

namespace aether {

namespace {

constexpr int kMaxSourceChars = 200;
constexpr int kMaxUrlChars = 8192;
constexpr int kMaxIdempotencyKeyBytes = 255;

QString validSource(const QString &source)
{
    for (const QChar c : source) {
        if (c.category() == QChar::Other_Control)
            throw ApiError{422,
                           QStringLiteral("field 'source' must not contain control characters")};
    }
    return source;
}

QUrl validUrl(const QString &text, bool allowPrivate)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty())
        throw ApiError{422,
                       QStringLiteral("field 'url' must be an absolute http:// or https:// URL")};
    // Literal addresses are checked here; names are resolved and checked by the worker.
    const QHostAddress literal(url.host());
    if (!allowPrivate && !literal.isNull() && !AddressGuard::isPublic(literal)) {
        throw ApiError{
            422, QStringLiteral("field 'url' points to a private, loopback or link-local address "
                                "(set URL_ALLOW_PRIVATE=1 to allow)")};
    }
    return url;
}

const MultipartPart *findPart(const QList<MultipartPart> &parts, const QString &name)
{
    for (const MultipartPart &part : parts) {
        if (part.name == name)
            return &part;
    }
    return nullptr;
}

QList<MultipartPart> multipartParts(const QHttpServerRequest &request)
{
    const QByteArray boundary = MultipartParser::boundaryFrom(request.value("Content-Type"));
    if (boundary.isEmpty())
        throw ApiError{400,
                       QStringLiteral("send the file as multipart/form-data with a 'file' part")};
    MultipartParser parser;
    const std::optional<QList<MultipartPart>> parts = parser.parse(request.body(), boundary);
    if (!parts)
        throw ApiError{400, QStringLiteral("malformed multipart body: ") + parser.error()};
    return *parts;
}

} // namespace

IngestRoutes::IngestRoutes(JobQueue &queue, EnqueueBatcher &batcher, IngestLimits limits)
    : m_queue(queue), m_batcher(batcher), m_waiter(queue.connection()), m_limits(limits)
{}

void IngestRoutes::registerOn(Router &router)
{
    for (const Answer answer : {Answer::JobId, Answer::Result}) {
        const QString suffix = answer == Answer::JobId ? QStringLiteral("-async") : QString();
        router.add("POST", QStringLiteral("/knowledge/ingest-text") + suffix, Role::Editor,
                   [this, answer](const RouteContext &context) {
                       return submit(context, textRequest(context, answer), {}, answer);
                   });
        router.add(
            "POST", QStringLiteral("/knowledge/ingest-url") + suffix, Role::Editor,
            [this, answer](const RouteContext &context) {
                const JobRequest request = urlRequest(context, answer);
                return submit(context, request, {{QStringLiteral("url"), request.url}}, answer);
            });
        router.add("POST", QStringLiteral("/knowledge/ingest-file") + suffix, Role::Editor,
                   [this, answer](const RouteContext &context) {
                       JobRequest request = fileRequest(context, answer);
                       const QString fileName = request.fileName;
                       return submit(context, std::move(request),
                                     {{QStringLiteral("filename"), fileName}}, answer);
                   });
    }
}

ApiReply IngestRoutes::submit(const RouteContext &context, JobRequest request, QJsonObject answer,
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

ApiReply IngestRoutes::enqueue(const RouteContext &context, JobRequest request, QJsonObject answer)
{
    answer.insert(QStringLiteral("queued"), true);
    answer.insert(QStringLiteral("type"), QString::fromLatin1(jobTypeName(request.type)));
    answer.insert(QStringLiteral("tenant"), request.tenant);
    answer.insert(QStringLiteral("source"), request.source);
    answer.insert(QStringLiteral("priority"), QString::fromLatin1(request.priority));
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
            answer.insert(QStringLiteral("job_id"), QString::fromLatin1(holder));
            answer.insert(QStringLiteral("queued"), false);
            answer.insert(QStringLiteral("idempotent_replay"), true);
            return ApiReply::ok(answer);
        }
    }
    m_batcher.submit(std::move(request), [send = context.answer, answer](
                                             const QByteArray &id, const QString &error) mutable {
        if (!error.isEmpty())
            return send(ApiReply::queueUnavailable(error));
        answer.insert(QStringLiteral("job_id"), QString::fromLatin1(id));
        send(ApiReply::ok(answer));
    });
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
    readJobOptions([&body](const QString &name) { return body.object().value(name); }, m_limits,
                   request);
    return request;
}

JobRequest IngestRoutes::urlRequest(const RouteContext &context, Answer answer)
{
    const JsonBody body(context.request);
    JobRequest request = newRequest(context, JobType::Url, answer);
    request.url = validUrl(body.requiredString(QStringLiteral("url"), kMaxUrlChars),
                           m_limits.allowPrivateUrls)
                      .toString(QUrl::FullyEncoded);
    request.source = validSource(
        body.optionalString(QStringLiteral("source"), QStringLiteral("web"), kMaxSourceChars));
    readJobOptions([&body](const QString &name) { return body.object().value(name); }, m_limits,
                   request);
    return request;
}

JobRequest IngestRoutes::fileRequest(const RouteContext &context, Answer answer)
{
    const QList<MultipartPart> parts = multipartParts(context.request);
    const MultipartPart *file = findPart(parts, QStringLiteral("file"));
    if (!file)
        throw ApiError{422,
                       QStringLiteral("field 'file' is required (a multipart part named 'file')")};
    if (file->data.isEmpty())
        throw ApiError{422, QStringLiteral("the uploaded file is empty")};
    if (file->data.size() > m_limits.maxUploadBytes)
        throw ApiError{413,
                       QStringLiteral("the file is larger than the limit of %1 MB (MAX_UPLOAD_MB)")
                           .arg(m_limits.maxUploadBytes / (1024 * 1024))};
    const QString fileName = file->fileName.isEmpty() ? QStringLiteral("upload") : file->fileName;
    if (!ExtractorRegistry::standard().find(file->data, fileName,
                                            QString::fromLatin1(file->contentType)))
        throw ApiError{
            415, QStringLiteral("unsupported file type: %1 is not a text, Markdown, HTML, PDF, "
                                "Office, OpenDocument, CSV, JSON or e-mail file")
                     .arg(fileName)};

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
    readJobOptions(
        [&parts](const QString &name) {
            const MultipartPart *part = findPart(parts, name);
            return part ? QJsonValue(QString::fromUtf8(part->data))
                        : QJsonValue(QJsonValue::Undefined);
        },
        m_limits, request);
    return request;
}

} // namespace aether
