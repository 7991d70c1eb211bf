// KnowledgeStore's maintenance: deleting documents, re-embedding, counting.
#include "store/storemeta.h"
#include "store/storestatements.h"

#include <QSqlError>
#include <QSqlQuery>

namespace aether {

bool KnowledgeStore::deleteDocument(const QString &tenant, qint64 documentId)
{
    const QMutexLocker writers(&storeWriters());
    QSqlQuery remove(database());
    remove.prepare(QStringLiteral("DELETE FROM documents WHERE id = ? AND tenant = ?"));
    remove.addBindValue(documentId);
    remove.addBindValue(tenant);
    run(m_statements->begin);
    try {
        run(remove);
        const bool removed = remove.numRowsAffected() > 0;
        if (removed)
            bumpCounter(QStringLiteral("deletions"));
        run(m_statements->commit);
        return removed;
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

QList<ChunkText> KnowledgeStore::chunkTexts(qint64 afterId, int limit)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT id, text FROM chunks WHERE id > ? ORDER BY id LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    run(query);
    QList<ChunkText> chunks;
    while (query.next())
        chunks.append(ChunkText{query.value(0).toLongLong(), query.value(1).toString()});
    return chunks;
}

void KnowledgeStore::discardStagedVectors()
{
    const QMutexLocker writers(&storeWriters());
    exec(QStringLiteral("DROP TABLE IF EXISTS vectors_next"));
}

// New vectors wait in vectors_next until every chunk has one, so search keeps
// working on the old vectors during a long re-index.
void KnowledgeStore::stageVectors(const QList<qint64> &chunkIds, const QList<Vector> &vectors)
{
    const QMutexLocker writers(&storeWriters());
    run(m_statements->begin);
    try {
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS vectors_next ("
                            " chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL)"));
        QSqlQuery insert(database());
        insert.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO vectors_next (chunk_id, embedding) VALUES (?, ?)"));
        for (qsizetype i = 0; i < chunkIds.size(); ++i) {
            insert.addBindValue(chunkIds[i]);
            insert.addBindValue(vectorBlob(vectors[i]));
            run(insert);
        }
        run(m_statements->commit);
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

void KnowledgeStore::commitStagedVectors(const EmbedderInfo &embedder)
{
    const QMutexLocker writers(&storeWriters());
    run(m_statements->begin);
    try {
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS vectors_next ("
                            " chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL)"));
        exec(QStringLiteral("INSERT OR REPLACE INTO vectors (chunk_id, embedding)"
                            " SELECT n.chunk_id, n.embedding FROM vectors_next n"
                            " JOIN chunks c ON c.id = n.chunk_id"));
        exec(QStringLiteral("DROP TABLE vectors_next"));
        storemeta::setEmbedder(database(), embedder);
        bumpCounter(QStringLiteral("deletions")); // every vector changed: indexes reload
        run(m_statements->commit);
        m_configured = embedder;
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

qint64 KnowledgeStore::count(const QString &sql, const QString &tenant)
{
    QSqlQuery query(database());
    query.prepare(tenant.isEmpty() ? sql : QString(sql + QStringLiteral(" WHERE d.tenant = ?")));
    if (!tenant.isEmpty())
        query.addBindValue(tenant);
    if (!query.exec() || !query.next())
        throw StoreError(query.lastError().text());
    return query.value(0).toLongLong();
}

qint64 KnowledgeStore::documentCount(const QString &tenant)
{
    return count(QStringLiteral("SELECT COUNT(*) FROM documents d"), tenant);
}

qint64 KnowledgeStore::chunkCount(const QString &tenant)
{
    return count(
        QStringLiteral("SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id"),
        tenant);
}

} // namespace aether
