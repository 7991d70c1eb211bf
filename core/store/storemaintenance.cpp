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
    // An e-mail's attachments go with it: their identities are the mail's +
    // "#attachment/<n>/<name>" (core/ingest/attachmentingest.cpp), a range of
    // the (tenant, identity) index ('0' is the character after '/').
    QSqlQuery attachments(database());
    attachments.prepare(QStringLiteral(
        "DELETE FROM documents WHERE tenant = ? AND identity >= (SELECT identity || "
        "'#attachment/' FROM documents WHERE id = ? AND tenant = ?) AND identity < (SELECT "
        "identity || '#attachment0' FROM documents WHERE id = ? AND tenant = ?)"));
    for (const QVariant &value : {QVariant(tenant), QVariant(documentId), QVariant(tenant),
                                  QVariant(documentId), QVariant(tenant)})
        attachments.addBindValue(value);
    beginWrite();
    try {
        run(attachments);
        run(remove);
        const bool removed = remove.numRowsAffected() > 0;
        if (removed)
            bumpCounter(QStringLiteral("deletions"));
        commitWrite();
        return removed;
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

namespace {

// The staging table of one re-index scope: "vectors_next" for every tenant,
// "vectors_next_<tenant in hex>" for one (hex: any name is a safe identifier).
QString stagingTable(const QString &tenant)
{
    if (tenant.isEmpty())
        return QStringLiteral("vectors_next");
    return QStringLiteral("vectors_next_") + QString::fromLatin1(tenant.toUtf8().toHex());
}

QString createStaging(const QString &table)
{
    return QStringLiteral("CREATE TABLE IF NOT EXISTS %1 ("
                          " chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL)")
        .arg(table);
}

} // namespace

QList<ChunkText> KnowledgeStore::chunkTexts(qint64 afterId, int limit, const QString &tenant)
{
    QSqlQuery query(database());
    if (tenant.isEmpty()) {
        query.prepare(
            QStringLiteral("SELECT id, text FROM chunks WHERE id > ? ORDER BY id LIMIT ?"));
        query.addBindValue(afterId);
    } else {
        query.prepare(QStringLiteral("SELECT c.id, c.text FROM chunks c"
                                     " JOIN documents d ON d.id = c.document_id"
                                     " WHERE c.id > ? AND d.tenant = ? ORDER BY c.id LIMIT ?"));
        query.addBindValue(afterId);
        query.addBindValue(tenant);
    }
    query.addBindValue(limit);
    run(query);
    QList<ChunkText> chunks;
    while (query.next())
        chunks.append(ChunkText{query.value(0).toLongLong(), query.value(1).toString()});
    return chunks;
}

void KnowledgeStore::discardStagedVectors(const QString &tenant)
{
    const QMutexLocker writers(&storeWriters());
    checkFileIdentity();
    exec(QStringLiteral("DROP TABLE IF EXISTS ") + stagingTable(tenant));
}

// New vectors wait in the staging table until every chunk has one, so search
// keeps working on the old vectors during a long re-index.
void KnowledgeStore::stageVectors(const QList<qint64> &chunkIds, const QList<Vector> &vectors,
                                  const QString &tenant)
{
    const QString table = stagingTable(tenant);
    const QMutexLocker writers(&storeWriters());
    beginWrite();
    try {
        exec(createStaging(table));
        QSqlQuery insert(database());
        insert.prepare(
            QStringLiteral("INSERT OR REPLACE INTO %1 (chunk_id, embedding) VALUES (?, ?)")
                .arg(table));
        for (qsizetype i = 0; i < chunkIds.size(); ++i) {
            insert.addBindValue(chunkIds[i]);
            insert.addBindValue(vectorencoding::encode(vectors[i], m_vectorEncoding));
            run(insert);
        }
        commitWrite();
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

void KnowledgeStore::commitStagedVectors(const EmbedderInfo &embedder, const QString &tenant)
{
    const QString table = stagingTable(tenant);
    const QMutexLocker writers(&storeWriters());
    beginWrite();
    try {
        if (!tenant.isEmpty()) {
            // Vectors of one embedder per store: one tenant cannot change it.
            const QString mismatch = storemeta::mismatch(m_path, storedEmbedder(), embedder);
            if (!mismatch.isEmpty())
                throw EmbedderMismatch(mismatch);
        }
        exec(createStaging(table));
        QSqlQuery swap(database());
        // Joined to the tenant's documents: a staging table cannot reach another tenant.
        swap.prepare(
            QStringLiteral("INSERT OR REPLACE INTO vectors (chunk_id, embedding)"
                           " SELECT n.chunk_id, n.embedding FROM %1 n"
                           " JOIN chunks c ON c.id = n.chunk_id"
                           " JOIN documents d ON d.id = c.document_id%2")
                .arg(table, tenant.isEmpty() ? QString() : QStringLiteral(" WHERE d.tenant = ?")));
        if (!tenant.isEmpty())
            swap.addBindValue(tenant);
        run(swap);
        exec(QStringLiteral("DROP TABLE ") + table);
        if (tenant.isEmpty())
            storemeta::setEmbedder(database(), embedder);
        bumpCounter(QStringLiteral("deletions")); // vectors changed: indexes reload
        commitWrite();
        if (tenant.isEmpty())
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
