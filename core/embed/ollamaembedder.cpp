#include "embed/ollamaembedder.h"

#include "base/ingesterror.h"

#include <QJsonArray>

namespace aether {

namespace {

EmbedderConfig withDefaultModel(EmbedderConfig config)
{
    if (config.model.trimmed().isEmpty())
        config.model = QString::fromLatin1(OllamaEmbedder::kDefaultModel);
    return config;
}

} // namespace

OllamaEmbedder::OllamaEmbedder(const EmbedderConfig &config)
    : RemoteEmbedder(withDefaultModel(config), endpointFor(config.baseUrl))
{}

QUrl OllamaEmbedder::endpointFor(const QString &baseUrl)
{
    QString base =
        baseUrl.trimmed().isEmpty() ? QString::fromLatin1(kDefaultBaseUrl) : baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (base.endsWith(QLatin1String("/api/embed")))
        return QUrl(base);
    return QUrl(base + QStringLiteral("/api/embed"));
}

QJsonObject OllamaEmbedder::request(const QStringList &batch) const
{
    return QJsonObject{{QStringLiteral("model"), model()},
                       {QStringLiteral("input"), QJsonArray::fromStringList(batch)}};
}

QList<Vector> OllamaEmbedder::vectorsIn(const QJsonObject &answer) const
{
    const QJsonValue embeddings = answer.value(QLatin1String("embeddings"));
    if (!embeddings.isArray()) {
        throw badAnswer(answer.value(QLatin1String("error")).isString()
                            ? answer.value(QLatin1String("error")).toString()
                            : QStringLiteral("without an \"embeddings\" list"));
    }
    QList<Vector> vectors;
    for (const QJsonValue &embedding : embeddings.toArray()) {
        vectors.append(numbers(embedding));
        if (vectors.constLast().isEmpty())
            throw badAnswer(QStringLiteral("an empty embedding, or one that is not all numbers"));
    }
    return vectors;
}

} // namespace aether
