#pragma once

#include "base/cancellation.h"
#include "embed/embedderconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QUrl>

namespace aether {

// Blocking JSON-over-HTTP POST to an embedding service, for use on a worker
// thread (it runs its own event loop, like UrlFetcher). It retries what a busy
// or restarting service answers (429, 5xx, a refused or dropped connection)
// with exponential backoff and jitter, honouring Retry-After in seconds up to
// maxBackoffMs, at most maxAttempts times. Throws IngestError of kind "EmbedError":
//   transient: retries used up, or no answer within timeoutMs (not retried, so a
//              stuck service costs one timeout; the queue retries the job later);
//   permanent: any other 4xx (with the service's own error message), or a 2xx
//              answer that is not a JSON object.
// Throws JobInterrupted when `cancel` fires, also while waiting to retry.
class EmbeddingClient
{
public:
    explicit EmbeddingClient(const EmbedderConfig &config);

    QJsonObject post(const QUrl &url, const QJsonObject &body,
                     const CancelToken &cancel = CancelToken::never()) const;

    // The message a service put in an error answer: OpenAI-style
    // {"error":{"message":...}}, Ollama-style {"error":"..."}, or the body's text.
    static QString serviceMessage(const QByteArray &body);

private:
    int retryDelayMs(int attempt, const QByteArray &retryAfter) const;

    QByteArray m_apiKey;
    int m_timeoutMs;
    int m_maxAttempts;
    int m_initialBackoffMs;
    int m_maxBackoffMs;
};

} // namespace aether
