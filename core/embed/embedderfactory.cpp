#include "embed/embedderfactory.h"

#include "config/settings.h"
#include "embed/ollamaembedder.h"
#include "embed/openaiembedder.h"
#include "text/hashembedder.h"

#include <QUrl>
#include <stdexcept>

namespace aether {

namespace {

[[noreturn]] void refuse(const QString &message)
{
    throw std::invalid_argument(message.toStdString());
}

void checkBaseUrl(const QString &baseUrl)
{
    if (baseUrl.trimmed().isEmpty())
        return;
    const QUrl url(baseUrl.trimmed());
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        refuse(QStringLiteral("EMBED_BASE_URL must be an http(s) URL such as "
                              "http://127.0.0.1:11434, not '%1'")
                   .arg(baseUrl));
}

} // namespace

EmbedderConfig embedderConfig(const Settings &settings)
{
    EmbedderConfig config;
    config.provider = settings.embedProvider;
    config.model = settings.embedModel;
    config.baseUrl = settings.embedBaseUrl;
    config.apiKey = settings.embedApiKey;
    config.batchSize = settings.embedBatchSize;
    config.timeoutMs = settings.embedTimeoutSec * 1000;
    return config;
}

QStringList embedProviders()
{
    return {QStringLiteral("hash"), QStringLiteral("openai"), QStringLiteral("ollama")};
}

std::unique_ptr<Embedder> createEmbedder(const EmbedderConfig &config)
{
    const QString provider = config.provider.trimmed().toLower();
    if (provider == QLatin1String("hash"))
        return std::make_unique<HashEmbedder>();
    if (!embedProviders().contains(provider)) {
        refuse(QStringLiteral("unknown EMBED_PROVIDER '%1'; use one of: %2")
                   .arg(config.provider, embedProviders().join(QStringLiteral(", "))));
    }
    if (config.batchSize < 1)
        refuse(QStringLiteral("EMBED_BATCH_SIZE must be at least 1"));
    if (config.timeoutMs < 1)
        refuse(QStringLiteral("EMBED_TIMEOUT must be at least 1 second"));
    checkBaseUrl(config.baseUrl);
    if (provider == QLatin1String("ollama"))
        return std::make_unique<OllamaEmbedder>(config);
    if (config.model.trimmed().isEmpty())
        refuse(QStringLiteral("EMBED_MODEL is required for the openai provider"));
    return std::make_unique<OpenAiEmbedder>(config);
}

} // namespace aether
