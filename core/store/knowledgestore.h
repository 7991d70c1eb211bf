#pragma once

#include "ingest/cancellation.h"
#include "text/chunker.h"
#include "text/embedder.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
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

// The SQLite knowledge store (WAL) through Qt Sql. One instance per thread:
// each owns a named connection. A job's document, chunks and vectors are
// written in one transaction.
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
    void deleteJobDocument(const QString &jobId);

    QString m_path;
    QString m_connectionName;
};

} // namespace aether
