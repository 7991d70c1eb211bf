#pragma once

#include "base/cancellation.h"
#include "store/fileidentity.h"
#include "store/vectorencoding.h"
#include "text/chunker.h"
#include "text/embedder.h"

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>

namespace aether {

class WalCheckpointer;

// The store cannot be opened or written; the message says what to do.
class StoreError : public std::runtime_error
{
public:
    explicit StoreError(const QString &message) : std::runtime_error(message.toStdString()) {}
};

// The configured embedder is not the one the store's vectors were made with.
class EmbedderMismatch : public StoreError
{
public:
    explicit EmbedderMismatch(const QString &message, bool builtInUpgrade = false)
        : StoreError(message), m_builtInUpgrade(builtInUpgrade)
    {}
    // The store holds vectors of an earlier version of the built-in hash
    // embedder, which the service re-indexes by itself at start
    // (app/common/ingestservice.cpp): a write may succeed once that is done.
    bool builtInUpgrade() const { return m_builtInUpgrade; }

private:
    bool m_builtInUpgrade = false;
};

// Another connection holds the store's lock (SQLITE_BUSY or SQLITE_LOCKED)
// longer than the busy timeout; trying again later may succeed.
class StoreBusy : public StoreError
{
public:
    using StoreError::StoreError;
};

// The store's file was deleted or replaced while this process had it open:
// a write would land in a file nobody sees. Only a restart reopens it.
class StoreMissing : public StoreError
{
public:
    using StoreError::StoreError;
};

// A later attempt of the same job has written already (this attempt lost its
// lease and the job was run again): this attempt's write was dropped.
class AttemptSuperseded : public StoreError
{
public:
    using StoreError::StoreError;
};

struct DocumentRecord
{
    QString jobId; // a job's write replaces its own earlier write (idempotent)
    QString tenant;
    QString source;
    QString kind; // "text", "html", "pdf", ...
    QString fileName;
    QString url;
    QString title;
    QString contentHash; // SHA-256 of the input bytes, hex
    qint64 sizeBytes = 0;
    qint64 textChars = 0;
    QJsonObject metadata; // flat (store/documentmetadata.h); empty: none
    // URL documents: the page's ETag and Last-Modified, for a conditional refresh.
    QString httpEtag;
    QString httpLastModified;
    // An e-mail's attachment: the mail's identity + "#attachment/<n>/<name>",
    // so that re-ingesting the mail replaces it (core/ingest/attachmentingest.cpp).
    QString attachmentIdentity;

    // What makes two inputs "the same document" within a tenant: the URL, the
    // source and file name, or for plain text its content.
    QString identity() const;
};

struct EmbedderInfo
{
    QString provider;
    QString model;
    int dimension = 0; // 0: not known yet (learned from the first vectors)
};

// A document already in the store under some identity.
struct StoredDocument
{
    qint64 id = 0;
    QString jobId;
    QString contentHash;
    QString httpEtag;
    QString httpLastModified;
};

// One job's write in a batch: what to store, and (after writeBatch) its
// document id or why it was not stored.
struct DocumentWrite
{
    DocumentRecord document;
    QList<Chunk> chunks;
    QList<Vector> vectors;
    const CancelToken *cancel = &CancelToken::never();
    // The job attempt's fencing token (grows with every take of the job): the
    // write is dropped when a higher one of the same job has written. 0: none.
    qint64 attempt = 0;
    qint64 documentId = 0;
    bool duplicate = false;        // same identity and content: nothing was written
    bool metadataUpdated = false;  // a duplicate whose metadata differed: it was replaced
    qint64 replacedDocumentId = 0; // same identity, new content: this one was replaced
    std::exception_ptr error;      // StoreError or JobInterrupted; null when stored
};

// A chunk's text, for re-embedding.
struct ChunkText
{
    qint64 id = 0;
    QString text;
};

// The SQLite knowledge store (WAL) through Qt Sql. One instance per thread:
// each owns a named connection. A job's document, chunks and vectors are
// written atomically: alone in one transaction, or in a batch where each job
// has its own savepoint inside one transaction (group commit: SQLite's cost is
// per commit, so a worker draining many small jobs stores them together).
// A document is stored once per identity: the same content again is a
// duplicate, new content under the same identity replaces the old rows.
class KnowledgeStore
{
public:
    explicit KnowledgeStore(QString path);
    ~KnowledgeStore();
    KnowledgeStore(const KnowledgeStore &) = delete;
    KnowledgeStore &operator=(const KnowledgeStore &) = delete;

    // Opens (creating the file, or migrating an older schema) and records the
    // embedder when the store is new. A store made with another embedder
    // opens, but refuses writes until it is re-indexed (see embedderMismatch()).
    // Throws StoreBusy when another connection holds the lock too long.
    void open(const EmbedderInfo &embedder);

    // Empty when the configured embedder matches the store's; else why not.
    QString embedderMismatch();
    EmbedderInfo storedEmbedder();

    // Returns the document id. Throws StoreError, or JobInterrupted when `cancel`
    // fires; either way the transaction is rolled back and the store left as it was.
    qint64 write(const DocumentRecord &document, const QList<Chunk> &chunks,
                 const QList<Vector> &vectors, const CancelToken &cancel = CancelToken::never());

    // Writes every job in one transaction: a job that fails (or is
    // interrupted) leaves no trace and does not stop the others (the batch is
    // then written again, each job in its own savepoint). Fills each write's result fields. Throws
    // StoreError only when the transaction itself cannot begin or commit (then nothing is stored),
    // also when the file opened is no longer at its path (deleted or replaced): writing on would
    // land in a file nobody will read again.
    void writeBatch(QList<DocumentWrite *> &writes);

    // The tenant's document with this identity, if any (a read, no lock).
    std::optional<StoredDocument> find(const QString &tenant, const QString &identity);

    // Removes the document with its chunks, vectors and index entries; false
    // when the tenant has no such document.
    bool deleteDocument(const QString &tenant, qint64 documentId);

    // Re-embedding, of every tenant (`tenant` empty) or of one tenant's
    // chunks: chunks after `afterId` in id order, new vectors staged beside the
    // live ones (one staging table per scope), then swapped in with the
    // embedder in one transaction. One tenant's re-index keeps the store's
    // embedder: its commit throws EmbedderMismatch if `embedder` is another.
    QList<ChunkText> chunkTexts(qint64 afterId, int limit, const QString &tenant = {});
    void discardStagedVectors(const QString &tenant = {}); // what an unfinished re-index left
    void stageVectors(const QList<qint64> &chunkIds, const QList<Vector> &vectors,
                      const QString &tenant = {});
    void commitStagedVectors(const EmbedderInfo &embedder, const QString &tenant = {});

    qint64 documentCount(const QString &tenant = {});
    qint64 chunkCount(const QString &tenant = {});
    const QString &path() const { return m_path; }

private:
    QSqlDatabase database() const;
    void configureConnection();
    void migrate();
    void exec(const QString &sql);
    void insertMetadataRows(qint64 documentId, const QJsonObject &metadata);
    void replaceMetadata(qint64 documentId, const QJsonObject &metadata);
    qint64 count(const QString &sql, const QString &tenant);
    void writeChunks(qint64 documentId, const QList<Chunk> &chunks, const QList<Vector> &vectors,
                     const CancelToken &cancel);
    void run(QSqlQuery &query);
    void writeRows(DocumentWrite &write);
    bool writeTogether(QList<DocumentWrite *> &writes, std::exception_ptr *failure);
    void writeEachApart(QList<DocumentWrite *> &writes);
    void forgetOldAttempts();
    void checkVectors(const DocumentWrite &write);
    void bumpCounter(const QString &key);
    void fenceAttempt(const DocumentWrite &write);
    void checkFileIdentity() const;
    // Every write transaction starts and commits here: both check that the
    // file opened is still the one at the path (throws StoreMissing).
    void beginWrite();
    void commitWrite();
    [[noreturn]] void fail(const QSqlError &error) const;

    struct Statements;

    QString m_path;
    QString m_connectionName;
    std::optional<FileIdentity> m_file; // the file opened, to notice it go
    EmbedderInfo m_configured;
    EmbedderInfo m_stored; // as read at the start of the current write transaction
    VectorEncoding m_vectorEncoding = VectorEncoding::Float32; // fixed when the store was made
    std::unique_ptr<Statements> m_statements;
    std::shared_ptr<WalCheckpointer> m_checkpointer; // after the connection closes, it may stop
};

} // namespace aether
