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
    : m_queue(queue), m_batcher(batcher), m_limits(limits)
{}

void IngestRoutes::registerOn(Router &router)
{
    router.add("POST", QStringLiteral("/knowledge/ingest-text-async"), Role::Editor,
               [this](const RouteContext &context) { return ingestText(context); });
    router.add("POST", QStringLiteral("/knowledge/ingest-url-async"), Role::Editor,
               [this](const RouteContext &context) { return ingestUrl(context); });
    router.add("POST", QStringLiteral("/knowledge/ingest-file-async"), Role::Editor,
               [this](const RouteContext &context) { return ingestFile(context); });
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

ApiReply IngestRoutes::ingestText(const RouteContext &context)
{
    const JsonBody body(context.request);
    JobRequest request;
    request.type = JobType::Text;
    request.tenant = context.access.tenant;
    request.text = body.requiredString(QStringLiteral("text"),
                                       int(qMin<qint64>(m_limits.maxUploadBytes, INT_MAX)));
    request.source = validSource(
        body.optionalString(QStringLiteral("source"), QStringLiteral("docs"), kMaxSourceChars));
    readJobOptions([&body](const QString &name) { return body.object().value(name); }, m_limits,
                   request);
    return enqueue(context, request, {});
}

ApiReply IngestRoutes::ingestUrl(const RouteContext &context)
{
    const JsonBody body(context.request);
    JobRequest request;
    request.type = JobType::Url;
    request.tenant = context.access.tenant;
    request.url = validUrl(body.requiredString(QStringLiteral("url"), kMaxUrlChars),
                           m_limits.allowPrivateUrls)
                      .toString(QUrl::FullyEncoded);
    request.source = validSource(
        body.optionalString(QStringLiteral("source"), QStringLiteral("web"), kMaxSourceChars));
    readJobOptions([&body](const QString &name) { return body.object().value(name); }, m_limits,
                   request);
    return enqueue(context, request, {{QStringLiteral("url"), request.url}});
}

ApiReply IngestRoutes::ingestFile(const RouteContext &context)
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
            415, QStringLiteral("unsupported file type: %1 is not text, Markdown, HTML or PDF")
                     .arg(fileName)};

    JobRequest request;
    request.type = JobType::File;
    request.tenant = context.access.tenant;
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
    return enqueue(context, std::move(request), {{QStringLiteral("filename"), fileName}});
}

} // namespace aether
