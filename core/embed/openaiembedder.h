#pragma once

#include "embed/remoteembedder.h"

namespace aether {

// Any OpenAI-compatible embeddings API (OpenAI, vLLM, llama.cpp's server,
// LM Studio, TEI): POST {base}/v1/embeddings {"model", "input": [texts]},
// answered {"data": [{"index": i, "embedding": [...]}, ...]}.
class OpenAiEmbedder : public RemoteEmbedder
{
public:
    static constexpr const char *kDefaultBaseUrl = "https://api.openai.com";

    explicit OpenAiEmbedder(const EmbedderConfig &config);

    QString provider() const override { return QStringLiteral("openai"); }

    // {base}/v1/embeddings; a base that ends in /v1 (as OpenAI documents it) or
    // already names /embeddings is not extended twice.
    static QUrl endpointFor(const QString &baseUrl);

protected:
    QJsonObject request(const QStringList &batch) const override;
    QList<Vector> vectorsIn(const QJsonObject &answer) const override;
};

} // namespace aether
