#include "store/knowledgestore.h"

#include "store/documentmetadata.h"
#include "store/storemeta.h"
#include "store/storeschema.h"
#include "store/storestatements.h"
#include "store/vectorencoding.h"
#include "store/walcheckpointer.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

QAtomicInteger<quint64> s_connectionSerial;

// A job's write checks its token once per batch of chunk rows.
constexpr qsizetype kChunksPerCancelCheck = 256;

// How long a job's last written attempt is remembered for fencing: far longer
// than any lease a paused or partitioned worker could still wake up holding.
constexpr qint64 kAttemptMemoryMs = qint64(14) * 24 * 3600 * 1000;

bool isBusy(const QSqlError &error)
{
    // Extended codes (SQLITE_BUSY_SNAPSHOT, ...) keep the primary code in the low byte.
    const int code = error.nativeErrorCode().toInt() & 0xff;
    return code == 5 || code == 6 || // SQLITE_BUSY, SQLITE_LOCKED
           error.databaseText().contains(QLatin1String("database is locked"));
}

} // namespace

QMutex &storeWriters()
{
    static QMutex writers;
    return writers;
}

QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QString DocumentRecord::identity() const
{
    if (!attachmentIdentity.isEmpty())
        return attachmentIdentity;
    if (!url.isEmpty())
        return QStringLiteral("url:") + url;
    if (!fileName.isEmpty())
        return QString(QStringLiteral("file:") + source + u'/' + fileName);
    return QStringLiteral("text:") + contentHash;
}

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

QSqlDatabase KnowledgeStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

void KnowledgeStore::fail(const QSqlError &error) const
{
    const QString message = QStringLiteral("store %1: %2").arg(m_path, error.text());
    if (isBusy(error))
        throw StoreBusy(message);
    throw StoreError(message);
}

void KnowledgeStore::exec(const QString &sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        fail(query.lastError());
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
    m_configured = embedder;
    configureConnection();
    migrate();
    m_vectorEncoding = vectorencoding::of(storemeta::read(database()));
    m_file = FileIdentity::of(m_path);
    m_statements = std::make_unique<Statements>(db);
    m_checkpointer = WalCheckpointer::forStore(m_path);
}

void KnowledgeStore::checkFileIdentity() const
{
    const std::optional<FileIdentity> now = FileIdentity::of(m_path);
    if (m_file && now == m_file)
        return;
    throw StoreMissing(QStringLiteral("the store file %1 is missing: it was deleted or replaced "
                                      "while this process had it open; restore it and restart")
                           .arg(m_path));
}

void KnowledgeStore::beginWrite()
{
    checkFileIdentity();
    run(m_statements->begin);
}

void KnowledgeStore::commitWrite()
{
    checkFileIdentity(); // deleted meanwhile: the commit would land nowhere
    run(m_statements->commit);
}

void KnowledgeStore::configureConnection()
{
    exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    // The log is copied into the database by the WalCheckpointer's thread, not
    // in a writer's commit (store/walcheckpointer.h); a log that grew while
    // readers held it is cut back to 64 MB when it starts over.
    exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
    exec(QStringLiteral("PRAGMA journal_size_limit=67108864"));
}

void KnowledgeStore::migrate()
{
    exec(QStringLiteral("BEGIN IMMEDIATE"));
    try {
        QSqlQuery hasMeta(database());
        hasMeta.exec(
            QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"));
        const bool existing = hasMeta.next();
        hasMeta.finish();
        QHash<QString, QString> meta;
        if (existing)
            meta = storemeta::read(database());
        const int version =
            meta.value(QStringLiteral("schema_version"), QStringLiteral("0")).toInt();
        if (version > schema::kVersion)
            throw StoreError(QStringLiteral("the store %1 has schema version %2, newer than this "
                                            "program's %3; use a newer Aether Ingest")
                                 .arg(m_path)
                                 .arg(version)
                                 .arg(schema::kVersion));
        for (int step = version; step < schema::kVersion; ++step) {
            for (const QString &statement : schema::kMigrations[step])
                exec(statement);
        }
        storemeta::set(database(), QStringLiteral("schema_version"),
                       QString::number(schema::kVersion));
        if (!meta.contains(QStringLiteral("embedder")))
            storemeta::setEmbedder(database(), m_configured);
        exec(QStringLiteral("COMMIT"));
    } catch (const StoreError &) {
        exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

EmbedderInfo KnowledgeStore::storedEmbedder()
{
    return storemeta::embedderOf(storemeta::read(database()));
}

QString KnowledgeStore::embedderMismatch()
{
    return storemeta::mismatch(m_path, storedEmbedder(), m_configured);
}

void KnowledgeStore::run(QSqlQuery &query)
{
    if (!query.exec())
        fail(query.lastError());
}

// The job's attempt takes the job's row in job_attempts, in the transaction
// that writes its document: an attempt older than the one recorded there lost
// its lease and the job was run again, so its write must not land.
void KnowledgeStore::fenceAttempt(const DocumentWrite &write)
{
    if (write.attempt <= 0)
        return;
    QSqlQuery &recorded = m_statements->findAttempt;
    recorded.addBindValue(write.document.jobId);
    run(recorded);
    const qint64 newest = recorded.next() ? recorded.value(0).toLongLong() : 0;
    recorded.finish();
    if (newest > write.attempt)
        throw AttemptSuperseded(
            QStringLiteral("attempt %1 of job %2 lost its lease and attempt %3 has written the "
                           "document; this attempt's write was dropped")
                .arg(write.attempt)
                .arg(write.document.jobId)
                .arg(newest));
    QSqlQuery &record = m_statements->recordAttempt;
    record.addBindValue(write.document.jobId);
    record.addBindValue(write.attempt);
    record.addBindValue(QDateTime::currentMSecsSinceEpoch());
    run(record);
}

void KnowledgeStore::bumpCounter(const QString &key)
{
    m_statements->bumpCounter.addBindValue(key);
    run(m_statements->bumpCounter);
}

void KnowledgeStore::writeChunks(qint64 documentId, const QList<Chunk> &chunks,
                                 const QList<Vector> &vectors, const CancelToken &cancel)
{
    QSqlQuery &chunkInsert = m_statements->insertChunk;
    QSqlQuery &textIndex = m_statements->indexChunkText;
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
        const QVariant chunkId = chunkInsert.lastInsertId();
        textIndex.addBindValue(chunkId);
        textIndex.addBindValue(chunk.text);
        run(textIndex);
        vectorInsert.addBindValue(chunkId);
        vectorInsert.addBindValue(vectorencoding::encode(vectors[i], m_vectorEncoding));
        run(vectorInsert);
    }
}

qint64 KnowledgeStore::write(const DocumentRecord &document, const QList<Chunk> &chunks,
                             const QList<Vector> &vectors, const CancelToken &cancel)
{
    DocumentWrite single;
    single.document = document;
    single.chunks = chunks;
    single.vectors = vectors;
    single.cancel = &cancel;
    QList<DocumentWrite *> batch{&single};
    writeBatch(batch);
    if (single.error)
        std::rethrow_exception(single.error);
    return single.documentId;
}

// Vectors join the store only when they were made by the store's embedder;
// the first vectors of a store whose dimension was not known yet set it.
void KnowledgeStore::checkVectors(const DocumentWrite &write)
{
    if (write.chunks.size() != write.vectors.size())
        throw StoreError(QStringLiteral("internal: %1 chunks but %2 vectors")
                             .arg(write.chunks.size())
                             .arg(write.vectors.size()));
    if (const QString why = storemeta::mismatch(m_path, m_stored, m_configured); !why.isEmpty())
        throw EmbedderMismatch(why, storemeta::isBuiltInUpgrade(m_stored, m_configured));
    for (const Vector &vector : write.vectors) {
        if (m_stored.dimension == 0) {
            m_stored.dimension = int(vector.size());
            storemeta::set(database(), QStringLiteral("dimension"),
                           QString::number(m_stored.dimension));
        }
        if (vector.size() != m_stored.dimension)
            throw EmbedderMismatch(
                QStringLiteral("the embedder made vectors of %1 dimensions but the store %2 "
                               "holds %3; re-embed it with POST /ops/reindex")
                    .arg(vector.size())
                    .arg(m_path)
                    .arg(m_stored.dimension));
    }
}

// One row a key, for filters (document_metadata_by_value).
void KnowledgeStore::insertMetadataRows(qint64 documentId, const QJsonObject &metadata)
{
    QSqlQuery &field = m_statements->insertMetadata;
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        field.addBindValue(documentId);
        field.addBindValue(it.key());
        field.addBindValue(metadata::valueText(it.value()));
        run(field);
    }
}

// Rare (a re-ingest of the same content with other metadata), so prepared here.
void KnowledgeStore::replaceMetadata(qint64 documentId, const QJsonObject &metadata)
{
    QSqlQuery update(database());
    update.prepare(QStringLiteral("UPDATE documents SET metadata = ? WHERE id = ?"));
    update.addBindValue(
        metadata.isEmpty()
            ? QVariant(QMetaType(QMetaType::QString))
            : QVariant(QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Compact))));
    update.addBindValue(documentId);
    run(update);
    QSqlQuery clear(database());
    clear.prepare(QStringLiteral("DELETE FROM document_metadata WHERE document_id = ?"));
    clear.addBindValue(documentId);
    run(clear);
    insertMetadataRows(documentId, metadata);
}

// A job's rows, inside the open transaction and its savepoint. The same
// identity with the same content is a duplicate (unless it is this job's own
// earlier write, which is rewritten); with new content the old rows go.
void KnowledgeStore::writeRows(DocumentWrite &write)
{
    const DocumentRecord &document = write.document;
    fenceAttempt(write);
    checkVectors(write);
    write.cancel->check();
    QSqlQuery &find = m_statements->findByIdentity;
    find.addBindValue(document.tenant);
    find.addBindValue(document.identity());
    run(find);
    if (find.next()) {
        const StoredDocument existing{find.value(0).toLongLong(), find.value(1).toString(),
                                      find.value(2).toString(), find.value(3).toString(),
                                      find.value(4).toString()};
        const QJsonObject storedMetadata =
            QJsonDocument::fromJson(find.value(5).toString().toUtf8()).object();
        find.finish();
        if (existing.jobId != document.jobId && existing.contentHash == document.contentHash) {
            write.duplicate = true;
            write.documentId = existing.id;
            // The same content again: its metadata is the latest ingest's.
            if (storedMetadata != document.metadata) {
                replaceMetadata(existing.id, document.metadata);
                write.metadataUpdated = true;
            }
            return;
        }
        if (existing.jobId != document.jobId)
            write.replacedDocumentId = existing.id;
        m_statements->deleteDocument.addBindValue(existing.id);
        run(m_statements->deleteDocument);
        bumpCounter(QStringLiteral("deletions"));
    }
    m_statements->deleteJobDocument.addBindValue(document.jobId);
    run(m_statements->deleteJobDocument);
    if (m_statements->deleteJobDocument.numRowsAffected() > 0)
        bumpCounter(QStringLiteral("deletions"));
    QSqlQuery &nextId = m_statements->nextDocumentId;
    run(nextId);
    if (!nextId.next())
        throw StoreError(QStringLiteral("store %1: no document id counter").arg(m_path));
    write.documentId = nextId.value(0).toLongLong();
    nextId.finish();
    QSqlQuery &insert = m_statements->insertDocument;
    for (const QVariant &value :
         {QVariant(write.documentId), QVariant(document.jobId), QVariant(document.tenant),
          QVariant(document.source), QVariant(document.kind), nullIfEmpty(document.fileName),
          nullIfEmpty(document.url), nullIfEmpty(document.title), QVariant(document.contentHash),
          QVariant(document.sizeBytes), QVariant(document.textChars),
          QVariant(qint64(write.chunks.size())),
          QVariant(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
          QVariant(document.identity()),
          document.metadata.isEmpty()
              ? QVariant(QMetaType(QMetaType::QString))
              : QVariant(QString::fromUtf8(
                    QJsonDocument(document.metadata).toJson(QJsonDocument::Compact))),
          nullIfEmpty(document.httpEtag), nullIfEmpty(document.httpLastModified)})
        insert.addBindValue(value);
    run(insert);
    insertMetadataRows(write.documentId, document.metadata);
    writeChunks(write.documentId, write.chunks, write.vectors, *write.cancel);
    bumpCounter(QStringLiteral("generation"));
    write.cancel->check(); // the last moment the job can still leave no trace
}

namespace {

// A write's results as before writeBatch: its rows were rolled back.
void forgetResults(DocumentWrite &write)
{
    write.documentId = 0;
    write.duplicate = false;
    write.metadataUpdated = false;
    write.replacedDocumentId = 0;
}

} // namespace

void KnowledgeStore::writeBatch(QList<DocumentWrite *> &writes)
{
    if (!m_statements)
        throw StoreError(QStringLiteral("internal: the store %1 is not open").arg(m_path));
    const QMutexLocker writers(&storeWriters());
    // Nearly always every job of a batch is written: first all of them without
    // a savepoint each, since a savepoint makes FTS5 write its pending terms
    // out as a segment of their own (one tiny segment per job, merged again
    // and again: ~8 % of a worker's CPU on a drain of small texts). Only a
    // batch in which a job failed is written again, a savepoint per job.
    std::exception_ptr failure;
    if (writeTogether(writes, &failure))
        return;
    if (writes.size() == 1) { // it alone failed: nothing else to keep
        writes.first()->error = failure;
        return;
    }
    writeEachApart(writes);
}

// All writes in one transaction; false, with the transaction rolled back and
// `failure` set, when one of them failed. Throws what beginning or committing
// the transaction throws.
bool KnowledgeStore::writeTogether(QList<DocumentWrite *> &writes, std::exception_ptr *failure)
{
    // IMMEDIATE takes the write lock up front, so two writers never deadlock
    // upgrading read locks (see storeWriters() for the process's own turns).
    beginWrite();
    try {
        // Read inside the transaction: a re-index in another process may have
        // changed the embedder since this connection last looked.
        m_stored = storedEmbedder();
        for (DocumentWrite *write : writes) {
            try {
                writeRows(*write);
            } catch (...) {
                *failure = std::current_exception();
                m_statements->rollback.exec();
                for (DocumentWrite *written : writes)
                    forgetResults(*written);
                return false;
            }
        }
        forgetOldAttempts();
        commitWrite();
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
    return true;
}

// Each write in its own savepoint of one transaction: one that fails (or is
// interrupted) leaves no trace and does not stop the others.
void KnowledgeStore::writeEachApart(QList<DocumentWrite *> &writes)
{
    beginWrite();
    try {
        m_stored = storedEmbedder();
        for (DocumentWrite *write : writes) {
            run(m_statements->savepoint);
            try {
                writeRows(*write);
                run(m_statements->release);
            } catch (...) {
                write->error = std::current_exception();
                forgetResults(*write);
                m_statements->rollbackToSavepoint.exec();
                m_statements->release.exec();
            }
        }
        forgetOldAttempts();
        commitWrite();
    } catch (...) {
        m_statements->rollback.exec();
        throw;
    }
}

void KnowledgeStore::forgetOldAttempts()
{
    m_statements->forgetAttempts.addBindValue(QDateTime::currentMSecsSinceEpoch() -
                                              kAttemptMemoryMs);
    run(m_statements->forgetAttempts);
}

std::optional<StoredDocument> KnowledgeStore::find(const QString &tenant, const QString &identity)
{
    QSqlQuery &find = m_statements->findByIdentity;
    find.addBindValue(tenant);
    find.addBindValue(identity);
    run(find);
    std::optional<StoredDocument> found;
    if (find.next())
        found = StoredDocument{find.value(0).toLongLong(), find.value(1).toString(),
                               find.value(2).toString(), find.value(3).toString(),
                               find.value(4).toString()};
    find.finish(); // a finished read holds no snapshot open
    return found;
}

} // namespace aether
