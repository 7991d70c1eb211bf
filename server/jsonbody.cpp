#include "server/jsonbody.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonParseError>

namespace aether {

namespace {

// application/json or a "+json" type (application/problem+json), parameters
// aside. No Content-Type at all is taken as JSON too: scripts that post JSON
// without saying so keep working, while a form or a file sent by mistake is
// refused.
bool isJsonContentType(const QByteArray &header)
{
    const QByteArray type = header.split(';').value(0).trimmed().toLower();
    return type.isEmpty() || type == "application/json" ||
           (type.startsWith("application/") && type.endsWith("+json"));
}

QByteArray checkedJsonBody(const QHttpServerRequest &request)
{
    const QByteArray contentType = request.value("Content-Type");
    if (!isJsonContentType(contentType))
        throw ApiError{415, QStringLiteral("this route takes a JSON body (Content-Type: "
                                           "application/json), not '%1'")
                                .arg(QString::fromLatin1(contentType))};
    return request.body();
}

} // namespace

JsonBody::JsonBody(const QHttpServerRequest &request) : JsonBody(checkedJsonBody(request)) {}

JsonBody::JsonBody(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        throw ApiError{400, QStringLiteral("request body is empty; send a JSON object")};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        throw ApiError{400, QStringLiteral("malformed JSON body: %1 at offset %2")
                                .arg(parseError.errorString())
                                .arg(parseError.offset)};
    }
    if (!document.isObject())
        throw ApiError{400, QStringLiteral("request body must be a JSON object")};
    m_object = document.object();
}

QString JsonBody::requiredString(const QString &name, int maxChars) const
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        throw ApiError{422, QStringLiteral("field '%1' is required").arg(name)};
    if (!value.isString())
        throw ApiError{422, QStringLiteral("field '%1' must be a string").arg(name)};
    const QString text = value.toString();
    if (text.trimmed().isEmpty())
        throw ApiError{422, QStringLiteral("field '%1' must not be empty").arg(name)};
    if (text.size() > maxChars)
        throw ApiError{
            413, QStringLiteral("field '%1' is longer than %2 characters").arg(name).arg(maxChars)};
    return text;
}

QString JsonBody::optionalString(const QString &name, const QString &fallback, int maxChars) const
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isString())
        throw ApiError{422, QStringLiteral("field '%1' must be a string").arg(name)};
    const QString text = value.toString().trimmed();
    if (text.isEmpty())
        return fallback;
    if (text.size() > maxChars)
        throw ApiError{
            422, QStringLiteral("field '%1' is longer than %2 characters").arg(name).arg(maxChars)};
    return text;
}

} // namespace aether
