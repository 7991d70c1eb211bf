#pragma once

#include "ingest/cancellation.h"
#include "text/chunker.h"
#include "text/embedder.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <exception>
#include <memory>
#include <stdexcept>

namespace aether {

// The store cannot be opened or written; the message says what to do.
class StoreError : public std::runtime_error
{
public:
    explicit StoreError(const QString &message) : std::runtime_error(message.toStdString()) {}
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
};

struct EmbedderInfo
{
    QString provider;
    QString model;
    int dimension = 0;
};

// One job's write in a batch: what to store, and (after writeBatch) its
// document id or why it was not stored.
struct DocumentWrite
{
    DocumentRecord document;
    QList<Chunk> chunks;
    QList<Vector> vectors;
    const CancelToken *cancel = &CancelToken::never();
    qint64 documentId = 0;
    std::exception_ptr error; // StoreError or JobInterrupted; null when stored
};

// The SQLite knowledge store (WAL) through Qt Sql. One instance per thread:
// each owns a named connection. A job's document, chunks and vectors are
// written atomically: alone in one transaction, or in a batch where each job
// has its own savepoint inside one transaction (group commit: SQLite's cost is
// per commit, so a worker draining many small jobs stores them together).
class KnowledgeStore
{
public:
    explicit KnowledgeStore(QString path);
    ~KnowledgeStore();
    KnowledgeStore(const KnowledgeStore &) = delete;
    KnowledgeStore &operator=(const KnowledgeStore &) = delete;

    // Opens (creating the file and schema when new) and checks that the store
    // was built with the same embedder; throws StoreError otherwise.
    void open(const EmbedderInfo &embedder);

    // Returns the document id. Throws StoreError, or JobInterrupted when `cancel`
    // fires; either way the transaction is rolled back and the store left as it was.
    qint64 write(const DocumentRecord &document, const QList<Chunk> &chunks,
                 const QList<Vector> &vectors, const CancelToken &cancel = CancelToken::never());

    // Writes every job in one transaction, each in its own savepoint: a job
    // that fails (or is interrupted) leaves no trace and does not stop the
    // others. Fills each write's documentId or error. Throws StoreError only
    // when the transaction itself cannot begin or commit (then nothing is stored).
    void writeBatch(QList<DocumentWrite *> &writes);

    qint64 documentCount(const QString &tenant = {});
    qint64 chunkCount(const QString &tenant = {});
    const QString &path() const { return m_path; }

private:
    void configureConnection();
    void migrate();
    void checkEmbedder(const EmbedderInfo &embedder);
    void exec(const QString &sql);
    qint64 count(const QString &sql, const QString &tenant);
    void writeChunks(qint64 documentId, const QList<Chunk> &chunks, const QList<Vector> &vectors,
                     const CancelToken &cancel);
    void run(QSqlQuery &query);
    qint64 writeRows(const DocumentWrite &write);

    struct Statements;

    QString m_path;
    QString m_connectionName;
    std::unique_ptr<Statements> m_statements;
};

} // namespace aether
