#include "server/inputvalidation.h"

#include "extract/extractorregistry.h"
#include "fetch/addressguard.h"
#include "server/apireply.h"

#include <QHostAddress>
#include <QHttpServerRequest>

namespace aether::input {

QString withoutControls(const QString &text, const QString &field)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            throw ApiError{
                422, QStringLiteral("field '%1' must not contain control characters").arg(field)};
    }
    return text;
}

QString validSource(const QString &source)
{
    return withoutControls(source, QStringLiteral("source"));
}

QUrl validUrl(const QString &text, const PrivateAccess &allowPrivate, const QString &field,
              UrlCredentials credentials)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty())
        throw ApiError{
            422,
            QStringLiteral("field '%1' must be an absolute http:// or https:// URL").arg(field)};
    // The message never repeats the URL: it would echo the credentials.
    if (!url.userInfo().isEmpty() && credentials == UrlCredentials::Refused)
        throw ApiError{422, QStringLiteral("field '%1' carries credentials (user:password@); %2")
                                .arg(field, field == QLatin1String("url")
                                                ? QStringLiteral("set URL_ALLOW_CREDENTIALS=1 to "
                                                                 "allow them")
                                                : QStringLiteral("webhooks are authenticated by "
                                                                 "their X-Aether-Signature"))};
    // Literal addresses are checked here; names are resolved and checked when used.
    // One trailing dot (the DNS root) is no part of a literal: "127.0.0.1." is
    // still this machine to a resolver, so it is judged as "127.0.0.1".
    QString host = url.host();
    if (host.endsWith(QLatin1Char('.')))
        host.chop(1);
    const QHostAddress literal(host);
    if (!allowPrivate.allows(url.host()) && !allowPrivate.allows(host) && !literal.isNull()) {
        const QString why = AddressGuard::refusal(literal);
        if (!why.isEmpty())
            throw ApiError{422, QStringLiteral("field '%1' points to %2 (allow it with "
                                               "URL_ALLOW_HOSTS, or all private addresses with "
                                               "URL_ALLOW_PRIVATE=1)")
                                    .arg(field, why)};
    }
    return url;
}

void setJobUrl(JobRequest &request, const QUrl &url)
{
    request.url = url.toString(QUrl::FullyEncoded | QUrl::RemoveUserInfo);
    request.urlUserInfo = url.userInfo(QUrl::FullyEncoded);
}

const MultipartPart *findPart(const QList<MultipartPart> &parts, const QString &name)
{
    for (const MultipartPart &part : parts) {
        if (part.name == name)
            return &part;
    }
    return nullptr;
}

QList<MultipartPart> multipartParts(const QHttpServerRequest &request, int maxParts)
{
    const QByteArray boundary = MultipartParser::boundaryFrom(request.value("Content-Type"));
    if (boundary.isEmpty())
        throw ApiError{400,
                       QStringLiteral("send the file as multipart/form-data with a 'file' part")};
    MultipartParser parser(maxParts);
    const std::optional<QList<MultipartPart>> parts = parser.parse(request.body(), boundary);
    if (!parts)
        throw ApiError{400, QStringLiteral("malformed multipart body: ") + parser.error()};
    return *parts;
}

QString checkedUpload(const MultipartPart &file, qint64 maxBytes)
{
    const QString fileName = file.fileName.isEmpty() ? QStringLiteral("upload") : file.fileName;
    if (file.data.isEmpty())
        throw ApiError{422, QStringLiteral("the uploaded file %1 is empty").arg(fileName)};
    if (file.data.size() > maxBytes)
        throw ApiError{413,
                       QStringLiteral("the file is larger than the limit of %1 MB (MAX_UPLOAD_MB)")
                           .arg(maxBytes / (1024 * 1024))};
    if (!ExtractorRegistry::standard().find(file.data, fileName,
                                            QString::fromLatin1(file.contentType)))
        throw ApiError{
            415, QStringLiteral("unsupported file type: %1 is not a text, Markdown, HTML, PDF, "
                                "Office, OpenDocument, CSV, JSON or e-mail file")
                     .arg(fileName)};
    return fileName;
}

} // namespace aether::input
