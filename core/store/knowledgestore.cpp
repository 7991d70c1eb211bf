#include "store/knowledgestore.h"

#include "store/storeschema.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

QAtomicInteger<quint64> s_connectionSerial;
QMutex s_processWriters;

// A job's write checks its token once per batch of chunk rows.
constexpr qsizetype kChunksPerCancelCheck = 256;

const QString kInsertDocument = QStringLiteral(
    "INSERT INTO documents (job_id, tenant, source, kind, filename, url, title, content_hash, "
    "size_bytes,"
    " text_chars, chunk_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const QString kInsertChunk = QStringLiteral(
    "INSERT INTO chunks (document_id, position, text, page, heading, start_offset, end_offset)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)");
const QString kInsertVector =
    QStringLiteral("INSERT INTO vectors (chunk_id, embedding) VALUES (?, ?)");
const QString kDeleteJobDocument = QStringLiteral("DELETE FROM documents WHERE job_id = ?");

} // namespace

// The statements every write runs, prepared once per connection: parsing SQL
// per job would cost more than the inserts themselves.
struct KnowledgeStore::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : begin(db), commit(db), rollback(db), savepoint(db), release(db), rollbackToSavepoint(db),
          deleteJobDocument(db), insertDocument(db), insertChunk(db), insertVector(db)
    {
        const QList<QPair<QSqlQuery *, QString>> all{
            {&begin, QStringLiteral("BEGIN IMMEDIATE")},
            {&commit, QStringLiteral("COMMIT")},
            {&rollback, QStringLiteral("ROLLBACK")},
            {&savepoint, QStringLiteral("SAVEPOINT job")},
            {&release, QStringLiteral("RELEASE job")},
            {&rollbackToSavepoint, QStringLiteral("ROLLBACK TO job")},
            {&deleteJobDocument, kDeleteJobDocument},
            {&insertDocument, kInsertDocument},
            {&insertChunk, kInsertChunk},
            {&insertVector, kInsertVector}};
        for (const auto &[query, sql] : all) {
            if (!query->prepare(sql))
                throw StoreError(
                    QStringLiteral("cannot prepare %1: %2").arg(sql, query->lastError().text()));
        }
    }

    QSqlQuery begin, commit, rollback, savepoint, release, rollbackToSavepoint, deleteJobDocument,
        insertDocument, insertChunk, insertVector;
};

namespace {

QByteArray vectorBlob(const Vector &vector)
{
    // float32 in host byte order (little-endian on every platform we ship).
    return QByteArray(reinterpret_cast<const char *>(vector.constData()),
                      vector.size() * qsizetype(sizeof(float)));
}

QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

} // namespace

KnowledgeStore::KnowledgeStore(QString path)
    : m_path(std::move(path)),
      m_connectionName(
          QStringLiteral("aether-store-%1").arg(s_connectionSerial.fetchAndAddRelaxed(1)))
{}

KnowledgeStore::~KnowledgeStore()
{
    m_statements.reset(); // before the connection goes
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

void KnowledgeStore::exec(const QString &sql)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(sql))
        throw StoreError(QStringLiteral("store %1: %2").arg(m_path, query.lastError().text()));
}

void KnowledgeStore::open(const EmbedderInfo &embedder)
{
    const QFileInfo file(m_path);
    if (!QDir().mkpath(file.absolutePath()))
        throw StoreError(QStringLiteral("cannot create the folder of the store %1").arg(m_path));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid())
        throw StoreError(
            QStringLiteral("the Qt SQLite driver is missing (install libqt6sql6-sqlite)"));
    db.setDatabaseName(m_path);
    // Workers write concurrently; wait for the write lock instead of failing.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
    if (!db.open())
        throw StoreError(
            QStringLiteral("cannot open the store %1: %2").arg(m_path, db.lastError().text()));
    configureConnection();
    migrate();
    checkEmbedder(embedder);
    m_statements = std::make_unique<Statements>(db);
}

void KnowledgeStore::configureConnection()
{
    exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    exec(QStringLiteral("PRAGMA foreign_keys=ON"));
}

void KnowledgeStore::migrate()
{
    exec(QStringLiteral("BEGIN IMMEDIATE"));
    try {
        for (const QString &statement : schema::kVersion1)
            exec(statement);
        exec(QStringLiteral(
                 "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '%1')")
                 .arg(schema::kVersion));
        exec(QStringLiteral("COMMIT"));
    } catch (const StoreError &) {
        exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

void KnowledgeStore::checkEmbedder(const EmbedderInfo &embedder)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    query.exec(QStringLiteral(
        "SELECT key, value FROM meta WHERE key IN ('embedder', 'model', 'dimension')"));
    QHash<QString, QString> meta;
    while (query.next())
        meta.insert(query.value(0).toString(), query.value(1).toString());
    if (meta.isEmpty()) {
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"));
        const QList<QPair<QString, QString>> rows{
            {QStringLiteral("embedder"), embedder.provider},
            {QStringLiteral("model"), embedder.model},
            {QStringLiteral("dimension"), QString::number(embedder.dimension)}};
        for (const auto &[key, value] : rows) {
            insert.addBindValue(key);
            insert.addBindValue(value);
            insert.exec();
        }
        return;
    }
    const QString configured =
        QStringLiteral("%1/%2/%3").arg(embedder.provider, embedder.model).arg(embedder.dimension);
    const QString stored =
        QStringLiteral("%1/%2/%3")
            .arg(meta.value(QStringLiteral("embedder")), meta.value(QStringLiteral("model")),
                 meta.value(QStringLiteral("dimension")));
    if (configured != stored) {
        throw StoreError(
            QStringLiteral("the store %1 was built with embedder %2 but %3 is configured; "
                           "configure the same embedder or use another DATABASE_URL")
                .arg(m_path, stored, configured));
    }
}

void KnowledgeStore::run(QSqlQuery &query)
{
    if (!query.exec())
        throw StoreError(QStringLiteral("store %1: %2").arg(m_path, query.lastError().text()));
}

void KnowledgeStore::writeChunks(qint64 documentId, const QList<Chunk> &chunks,
                                 const QList<Vector> &vectors, const CancelToken &cancel)
{
    QSqlQuery &chunkInsert = m_statements->insertChunk;
    QSqlQuery &vectorInsert = m_statements->insertVector;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (i > 0 && i % kChunksPerCancelCheck == 0)
            cancel.check();
        const Chunk &chunk = chunks[i];
        chunkInsert.addBindValue(documentId);
        chunkInsert.addBindValue(qint64(i));
        chunkInsert.addBindValue(chunk.text);
        chunkInsert.addBindValue(chunk.page > 0 ? QVariant(chunk.page) : QVariant());
        chunkInsert.addBindValue(nullIfEmpty(chunk.heading));
        chunkInsert.addBindValue(qint64(chunk.start));
        chunkInsert.addBindValue(qint64(chunk.end));
        run(chunkInsert);
        vectorInsert.addBindValue(chunkInsert.lastInsertId());
        vectorInsert.addBindValue(vectorBlob(vectors[i]));
        run(vectorInsert);
    }
}

qint64 KnowledgeStore::write(const DocumentRecord &document, const QList<Chunk> &chunks,
                             const QList<Vector> &vectors, const CancelToken &cancel)
{
    DocumentWrite single{document, chunks, vectors, &cancel, 0, nullptr};
    QList<DocumentWrite *> batch{&single};
    writeBatch(batch);
    if (single.error)
        std::rethrow_exception(single.error);
    return single.documentId;
}

// A job's rows, inside the open transaction and its savepoint.
qint64 KnowledgeStore::writeRows(const DocumentWrite &write)
{
    const DocumentRecord &document = write.document;
    if (write.chunks.size() != write.vectors.size())
        throw StoreError(QStringLiteral("internal: %1 chunks but %2 vectors")
                             .arg(write.chunks.size())
                             .arg(write.vectors.size()));
    write.cancel->check();
    m_statements->deleteJobDocument.addBindValue(document.jobId);
    run(m_statements->deleteJobDocument);
    QSqlQuery &insert = m_statements->insertDocument;
    for (const QVariant &value :
         {QVariant(document.jobId), QVariant(document.tenant), QVariant(document.source),
          QVariant(document.kind), nullIfEmpty(document.fileName), nullIfEmpty(document.url),
          nullIfEmpty(document.title), QVariant(document.contentHash), QVariant(document.sizeBytes),
          QVariant(document.textChars), QVariant(qint64(write.chunks.size())),
          QVariant(
              QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))})
        insert.addBindValue(value);
    run(insert);
    const qint64 documentId = insert.lastInsertId().toLongLong();
    writeChunks(documentId, write.chunks, write.vectors, *write.cancel);
    write.cancel->check(); // the last moment the job can still leave no trace
    return documentId;
}

void KnowledgeStore::writeBatch(QList<DocumentWrite *> &writes)
{
    if (!m_statements)
        throw StoreError(QStringLiteral("internal: the store %1 is not open").arg(m_path));
    // Writers of this process take turns here: SQLite's own busy handler waits
    // by sleeping (milliseconds at a time), which would idle the workers.
    // Other processes still meet at SQLite's lock. IMMEDIATE takes the write
    // lock up front, so two writers never deadlock upgrading read locks.
    const QMutexLocker writers(&s_processWriters);
    run(m_statements->begin);
    try {
        for (DocumentWrite *write : writes) {
            run(m_statements->savepoint);
            try {
                write->documentId = writeRows(*write);
                run(m_statements->release);
            } catch (...) {
                // Any failure, an interruption included, leaves no trace of this job.
                write->error = std::current_exception();
                m_statements->rollbackToSavepoint.exec();
                m_statements->release.exec();
            }
        }
        run(m_statements->commit);
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

qint64 KnowledgeStore::count(const QString &sql, const QString &tenant)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
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
