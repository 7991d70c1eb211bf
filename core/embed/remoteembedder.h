#pragma once

#include "base/ingesterror.h"
#include "embed/embedderconfig.h"
#include "embed/embeddingclient.h"
#include "text/embedder.h"

#include <QJsonObject>
#include <QUrl>

namespace aether {

// What the embedders that call a service share: batching, the dimension
// learned from the first answer and held to afterwards, unit-length vectors.
// A provider says where to send a batch, how to ask and how to read the answer.
// Errors are IngestError "EmbedError" (see EmbeddingClient) and JobInterrupted.
class RemoteEmbedder : public Embedder
{
public:
    QString model() const override { return m_config.model; }
    int dimension() const override { return m_dimension; }
    QList<Vector> embed(const QStringList &texts) override;
    QList<Vector> embed(const QStringList &texts, const CancelToken &cancel) override;
    // Embeds one short text to learn the dimension; a no-op once it is known.
    int probe(const CancelToken &cancel) override;

    const QUrl &endpoint() const { return m_endpoint; }

protected:
    RemoteEmbedder(const EmbedderConfig &config, const QUrl &endpoint);

    virtual QJsonObject request(const QStringList &batch) const = 0;
    // The answer's vectors in the order of the batch's texts; throws EmbedError
    // when the answer does not have the provider's shape.
    virtual QList<Vector> vectorsIn(const QJsonObject &answer) const = 0;

    // An EmbedError about a malformed answer, naming the service.
    IngestError badAnswer(const QString &what) const;
    // Reads a JSON array of numbers; an empty vector when it is not one.
    static Vector numbers(const QJsonValue &value);

private:
    QList<Vector> embedBatch(const QStringList &batch, const CancelToken &cancel);
    void checkDimensions(const QList<Vector> &vectors);

    EmbedderConfig m_config;
    QUrl m_endpoint;
    EmbeddingClient m_client;
    int m_dimension = 0;
};

} // namespace aether
