#include "store/storemeta.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether::storemeta {

QHash<QString, QString> read(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT key, value FROM meta")))
        throw StoreError(
            QStringLiteral("cannot read the store's meta table: %1").arg(query.lastError().text()));
    QHash<QString, QString> meta;
    while (query.next())
        meta.insert(query.value(0).toString(), query.value(1).toString());
    return meta;
}

void set(const QSqlDatabase &db, const QString &key, const QString &value)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (!query.exec())
        throw StoreError(QStringLiteral("cannot write the store's meta table: %1")
                             .arg(query.lastError().text()));
}

EmbedderInfo embedderOf(const QHash<QString, QString> &meta)
{
    return EmbedderInfo{meta.value(QStringLiteral("embedder")), meta.value(QStringLiteral("model")),
                        meta.value(QStringLiteral("dimension")).toInt()};
}

void setEmbedder(const QSqlDatabase &db, const EmbedderInfo &embedder)
{
    set(db, QStringLiteral("embedder"), embedder.provider);
    set(db, QStringLiteral("model"), embedder.model);
    set(db, QStringLiteral("dimension"), QString::number(embedder.dimension));
}

namespace {

QString describe(const EmbedderInfo &embedder)
{
    QString text = embedder.provider + u'/' + embedder.model;
    if (embedder.dimension > 0)
        text += QStringLiteral(" (%1 dimensions)").arg(embedder.dimension);
    return text;
}

} // namespace

QString mismatch(const QString &path, const EmbedderInfo &stored, const EmbedderInfo &configured)
{
    const bool sameModel =
        stored.provider == configured.provider && stored.model == configured.model;
    const bool sameDimension = stored.dimension == 0 || configured.dimension == 0 ||
                               stored.dimension == configured.dimension;
    if (sameModel && sameDimension)
        return {};
    return QStringLiteral("the store %1 was built with the embedder %2 but %3 is configured; "
                          "re-embed it with POST /ops/reindex, or configure the same embedder")
        .arg(path, describe(stored), describe(configured));
}

bool isBuiltInUpgrade(const EmbedderInfo &stored, const EmbedderInfo &configured)
{
    const QString builtIn = QStringLiteral("hash");
    return stored.provider == builtIn && configured.provider == builtIn &&
           stored.model != configured.model && stored.dimension == configured.dimension;
}

} // namespace aether::storemeta
