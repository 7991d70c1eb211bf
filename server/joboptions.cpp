#include "server/joboptions.h"

#include "server/apireply.h"
#include "server/inputvalidation.h"
#include "store/documentmetadata.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace aether {

namespace {

int wholeNumber(const QJsonValue &value, const QString &name, int minimum, int maximum)
{
    bool ok = false;
    int number = 0;
    if (value.isDouble()) {
        // Range first: converting a double outside int's range is undefined
        // (found by fuzz_jsonrequest with {"timeout": 8.9e25}).
        const double d = value.toDouble();
        ok = std::isfinite(d) && d >= minimum && d <= maximum && d == std::floor(d);
        number = ok ? int(d) : 0;
    } else if (value.isString()) {
        number = value.toString().trimmed().toInt(&ok);
    }
    if (!ok || number < minimum || number > maximum) {
        throw ApiError{422, QStringLiteral("field '%1' must be a whole number from %2 to %3")
                                .arg(name)
                                .arg(minimum)
                                .arg(maximum)};
    }
    return number;
}

} // namespace

void readJobOptions(const std::function<QJsonValue(const QString &)> &field,
                    const IngestLimits &limits, JobRequest &request)
{
    const QJsonValue priority = field(QStringLiteral("priority"));
    if (!priority.isUndefined() && !priority.isNull()) {
        const QString name = priority.toString().trimmed().toLower();
        if (name != QLatin1String("high") && name != QLatin1String("default") &&
            name != QLatin1String("low"))
            throw ApiError{422, QStringLiteral("field 'priority' must be high, default or low")};
        request.priority = name.toLatin1();
    }
    request.timeoutSec = limits.jobTimeoutSec;
    const QJsonValue timeout = field(QStringLiteral("timeout"));
    if (!timeout.isUndefined() && !timeout.isNull())
        request.timeoutSec = wholeNumber(timeout, QStringLiteral("timeout"), 1, 86400);
    const QJsonValue attempts = field(QStringLiteral("max_attempts"));
    if (!attempts.isUndefined() && !attempts.isNull())
        request.maxAttempts = wholeNumber(attempts, QStringLiteral("max_attempts"), 1, 10);
    request.metadata = readMetadata(field(QStringLiteral("metadata")));
}

// A JSON object (JSON bodies), or its text (a multipart field); compact JSON,
// or empty when there is none.
QByteArray readMetadata(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return {};
    QJsonObject object;
    if (value.isObject()) {
        object = value.toObject();
    } else if (value.isString()) {
        if (value.toString().size() > 4 * metadata::kMaxBytes)
            throw ApiError{422, QStringLiteral("'metadata' is larger than %1 bytes as JSON")
                                    .arg(metadata::kMaxBytes)};
        const QJsonDocument parsed = QJsonDocument::fromJson(value.toString().toUtf8());
        if (!parsed.isObject())
            throw ApiError{422, QStringLiteral("field 'metadata' must be a JSON object")};
        object = parsed.object();
    } else {
        throw ApiError{422, QStringLiteral("field 'metadata' must be a JSON object")};
    }
    if (const QString problem = metadata::problem(object); !problem.isEmpty())
        throw ApiError{422, problem};
    return object.isEmpty() ? QByteArray() : QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void readWebhook(const FieldReader &field, const IngestLimits &limits,
                 const WebhookDirectory &webhooks, const QHttpServerRequest &http, QString *url,
                 QByteArray *keyRef)
{
    // The key that asked: an API key, else the admin key.
    QByteArray key = http.value("x-api-key");
    if (key.isEmpty())
        key = http.value("x-admin-key");
    const QJsonValue given = field(QStringLiteral("webhook_url"));
    QString text = given.isString() ? given.toString().trimmed() : QString();
    if (!given.isUndefined() && !given.isNull() && !given.isString())
        throw ApiError{422, QStringLiteral("field 'webhook_url' must be a string")};
    if (text.isEmpty()) {
        // The key's default was checked at start (a bad one stops the service).
        *url = webhooks.defaultUrl(key);
        if (!url->isEmpty())
            *keyRef = WebhookDirectory::keyRef(key);
        return;
    }
    if (text.size() > input::kMaxUrlChars)
        throw ApiError{422, QStringLiteral("field 'webhook_url' is too long")};
    *url = input::validUrl(text, limits.allowPrivateUrls, QStringLiteral("webhook_url"))
               .toString(QUrl::FullyEncoded);
    *keyRef = WebhookDirectory::keyRef(key);
}

void readWebhook(const FieldReader &field, const IngestLimits &limits,
                 const WebhookDirectory &webhooks, const QHttpServerRequest &http,
                 JobRequest &request)
{
    readWebhook(field, limits, webhooks, http, &request.webhookUrl, &request.webhookKey);
}

} // namespace aether
