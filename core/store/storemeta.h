#pragma once

#include "store/knowledgestore.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

namespace aether::storemeta {

// The meta table: schema version, the embedder the vectors were made with,
// and the change counters ("generation" counts writes, "deletions" counts
// removals) that tell vector indexes in memory, in any process, to reload.
QHash<QString, QString> read(const QSqlDatabase &db);
void set(const QSqlDatabase &db, const QString &key, const QString &value);

EmbedderInfo embedderOf(const QHash<QString, QString> &meta);
void setEmbedder(const QSqlDatabase &db, const EmbedderInfo &embedder);

// Why vectors of `configured` cannot join a store made with `stored`; empty
// when they can (a dimension of 0 is "not known yet" and matches any).
QString mismatch(const QString &path, const EmbedderInfo &stored, const EmbedderInfo &configured);

// The store was made by an earlier version of the built-in hash embedder
// (hash-v2 before hash-v3), of the same dimension: a re-index needs no one's
// decision, as it neither calls a service nor changes the kind of vectors.
bool isBuiltInUpgrade(const EmbedderInfo &stored, const EmbedderInfo &configured);

} // namespace aether::storemeta
