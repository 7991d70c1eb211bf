#pragma once

#include "embed/remoteembedder.h"

namespace aether {

// Ollama's batch API: POST {base}/api/embed {"model", "input": [texts]},
// answered {"embeddings": [[...], ...]} in the input's order.
class OllamaEmbedder : public RemoteEmbedder
{
public:
    static constexpr const char *kDefaultBaseUrl = "http://127.0.0.1:11434";
    static constexpr const char *kDefaultModel = "nomic-embed-text";

    explicit OllamaEmbedder(const EmbedderConfig &config);

    QString provider() const override { return QStringLiteral("ollama"); }

    // {base}/api/embed, unless the base already names it.
    static QUrl endpointFor(const QString &baseUrl);

protected:
    QJsonObject request(const QStringList &batch) const override;
    QList<Vector> vectorsIn(const QJsonObject &answer) const override;
};

} // namespace aether
