#pragma once

#include <QString>

namespace aether {

// What an embedder is built from: the EMBED_* settings, plus retry tuning that
// only tests change.
struct EmbedderConfig
{
    QString provider = QStringLiteral("hash"); // "hash", "openai" or "ollama"
    QString model;                             // required for openai
    QString baseUrl;                           // empty: the provider's usual address
    QString apiKey;                            // sent as "Authorization: Bearer <key>" when set
    int batchSize = 64;                        // texts per request
    int timeoutMs = 60000;                     // one request, from sending to the last byte

    int maxAttempts = 5;        // per request, the first one included
    int initialBackoffMs = 500; // first wait after a 429, 5xx or lost connection; doubles
    int maxBackoffMs = 30000;   // longest wait, also for the service's Retry-After
};

} // namespace aether
