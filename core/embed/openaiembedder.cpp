#include "embed/openaiembedder.h"

#include "base/ingesterror.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aether {

OpenAiEmbedder::OpenAiEmbedder(const EmbedderConfig &config)
    : RemoteEmbedder(config, endpointFor(config.baseUrl))
{}

QUrl OpenAiEmbedder::endpointFor(const QString &baseUrl)
{
    QString base =
        baseUrl.trimmed().isEmpty() ? QString::fromLatin1(kDefaultBaseUrl) : baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (base.endsWith(QLatin1String("/embeddings")))
        return QUrl(base);
    if (base.endsWith(QLatin1String("/v1")))
        return QUrl(base + QStringLiteral("/embeddings"));
    return QUrl(base + QStringLiteral("/v1/embeddings"));
}

QJsonObject OpenAiEmbedder::request(const QStringList &batch) const
{
    return QJsonObject{{QStringLiteral("model"), model()},
                       {QStringLiteral("input"), QJsonArray::fromStringList(batch)}};
}

QList<Vector> OpenAiEmbedder::vectorsIn(const QJsonObject &answer) const
{
    const QJsonValue data = answer.value(QLatin1String("data"));
    if (!data.isArray()) {
        throw badAnswer(answer.contains(QLatin1String("error"))
                            ? EmbeddingClient::serviceMessage(QJsonDocument(answer).toJson())
                            : QStringLiteral("without a \"data\" list"));
    }
    // Placed by "index": the specification does not promise the input's order.
    const QJsonArray items = data.toArray();
    QList<Vector> vectors(items.size());
    for (qsizetype position = 0; position < items.size(); ++position) {
        const QJsonObject item = items.at(position).toObject();
        const qsizetype index = item.value(QLatin1String("index")).toInteger(position);
        if (index < 0 || index >= items.size() || !vectors.at(index).isEmpty())
            throw badAnswer(
                QStringLiteral("a missing, repeated or out-of-range index %1").arg(index));
        vectors[index] = numbers(item.value(QLatin1String("embedding")));
        if (vectors.at(index).isEmpty())
            throw badAnswer(QStringLiteral("an empty embedding, or one that is not all numbers"));
    }
    return vectors;
}

} // namespace aether
