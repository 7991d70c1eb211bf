#pragma once

#include "fetch/addressguard.h"
#include "notify/webhookdirectory.h"
#include "queue/jobrequest.h"
#include "server/inputvalidation.h"

#include <QJsonValue>
#include <functional>

class QHttpServerRequest;

namespace aether {

using FieldReader = std::function<QJsonValue(const QString &)>;

struct IngestLimits
{
    qint64 maxUploadBytes = 100LL * 1024 * 1024;
    int jobTimeoutSec = 600;
    PrivateAccess allowPrivateUrls; // URL_ALLOW_PRIVATE, URL_ALLOW_HOSTS
    input::UrlCredentials urlCredentials = input::UrlCredentials::Refused; // URL_ALLOW_CREDENTIALS
};

// Reads the optional fields every enqueue endpoint takes: `priority`
// (high|default|low), `timeout` (seconds, 1..86400; default JOB_TIMEOUT) and
// `max_attempts` (1..10; default 3). `field` returns a request field by name
// (undefined when absent): JSON values, or multipart text parts as strings.
// Invalid values throw ApiError 422.
// `metadata`: a flat JSON object (store/documentmetadata.h), as an object or
// as the text of one; 422 with the reason when it is not one.
QByteArray readMetadata(const QJsonValue &value);

void readJobOptions(const std::function<QJsonValue(const QString &)> &field,
                    const IngestLimits &limits, JobRequest &request);

// Reads `webhook_url` (an http(s) URL, checked like URL ingestion); without
// it, the default webhook of the request's key (WEBHOOK_URLS) applies. Sets
// request.webhookUrl and the key reference that picks the signing secret.
void readWebhook(const FieldReader &field, const IngestLimits &limits,
                 const WebhookDirectory &webhooks, const QHttpServerRequest &http,
                 JobRequest &request);
// The same for a batch's own webhook.
void readWebhook(const FieldReader &field, const IngestLimits &limits,
                 const WebhookDirectory &webhooks, const QHttpServerRequest &http, QString *url,
                 QByteArray *keyRef);

} // namespace aether
