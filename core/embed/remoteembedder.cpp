#include "embed/remoteembedder.h"

#include "base/ingesterror.h"

#include <QJsonArray>

#include <cmath>

namespace aether {

namespace {

// The store ranks chunks by dot product, which is cosine similarity only for
// unit vectors. Services differ: OpenAI's vectors have length 1, Ollama's and
// TEI's depend on the model and its settings. So every vector is made unit
// length here, once, instead of at every search.
void normalise(Vector &vector)
{
    double squares = 0.0;
    for (const float value : vector)
        squares += double(value) * double(value);
    if (squares <= 0.0)
        return;
    const auto scale = static_cast<float>(1.0 / std::sqrt(squares));
    for (float &value : vector)
        value *= scale;
}

} // namespace

RemoteEmbedder::RemoteEmbedder(const EmbedderConfig &config, const QUrl &endpoint)
    : m_config(config), m_endpoint(endpoint), m_client(config)
{}

QList<Vector> RemoteEmbedder::embed(const QStringList &texts)
{
    return embed(texts, CancelToken::never());
}

QList<Vector> RemoteEmbedder::embed(const QStringList &texts, const CancelToken &cancel)
{
    QList<Vector> vectors;
    vectors.reserve(texts.size());
    const qsizetype batchSize = qMax(1, m_config.batchSize);
    for (qsizetype first = 0; first < texts.size(); first += batchSize)
        vectors.append(embedBatch(texts.mid(first, batchSize), cancel));
    return vectors;
}

int RemoteEmbedder::probe(const CancelToken &cancel)
{
    if (m_dimension == 0)
        embedBatch({QStringLiteral("dimension probe")}, cancel);
    return m_dimension;
}

QList<Vector> RemoteEmbedder::embedBatch(const QStringList &batch, const CancelToken &cancel)
{
    // Services refuse empty input (OpenAI answers 400 to ""); a blank stands in
    // and gets the service's vector for "nothing".
    QStringList input = batch;
    for (QString &text : input) {
        if (text.isEmpty())
            text = QStringLiteral(" ");
    }
    const QJsonObject answer = m_client.post(m_endpoint, request(input), cancel);
    QList<Vector> vectors = vectorsIn(answer);
    if (vectors.size() != batch.size()) {
        throw badAnswer(
            QStringLiteral("%1 vectors for %2 texts").arg(vectors.size()).arg(batch.size()));
    }
    checkDimensions(vectors);
    for (Vector &vector : vectors)
        normalise(vector);
    return vectors;
}

void RemoteEmbedder::checkDimensions(const QList<Vector> &vectors)
{
    const int expected = m_dimension != 0 ? m_dimension : int(vectors.value(0).size());
    for (const Vector &vector : vectors) {
        if (vector.isEmpty())
            throw badAnswer(QStringLiteral("an empty vector or one that is not all numbers"));
        if (vector.size() != expected) {
            const QString learned =
                m_dimension != 0 ? QStringLiteral("as in its first answer")
                                 : QStringLiteral("as for the other texts of the same request");
            throw IngestError(
                QStringLiteral("EmbedError"),
                QStringLiteral("embedding service answered %1 dimensions, expected %2 %3 "
                               "(did the model behind %4 change?)")
                    .arg(vector.size())
                    .arg(expected)
                    .arg(learned, m_endpoint.toString(QUrl::RemoveUserInfo)));
        }
    }
    m_dimension = expected;
}

IngestError RemoteEmbedder::badAnswer(const QString &what) const
{
    return IngestError(QStringLiteral("EmbedError"),
                       QStringLiteral("embedding service at %1 answered %2")
                           .arg(m_endpoint.toString(QUrl::RemoveUserInfo), what));
}

Vector RemoteEmbedder::numbers(const QJsonValue &value)
{
    const QJsonArray array = value.toArray();
    Vector vector;
    vector.reserve(array.size());
    for (const QJsonValue &number : array) {
        if (!number.isDouble() || !std::isfinite(number.toDouble()))
            return {};
        vector.append(float(number.toDouble()));
    }
    return vector;
}

} // namespace aether
