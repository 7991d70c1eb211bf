#pragma once

#include "store/storereader.h"

#include <QList>
#include <QString>

namespace aether {

struct DocumentSummary
{
    qint64 id = 0;
    QString source;
    QString kind;
    QString title;
    QString fileName;
    QString url;
    qint64 sizeBytes = 0;
    qint64 characters = 0;
    qint64 chunkCount = 0;
    QString createdAt;
    QString jobId;
};

struct DocumentPage
{
    QList<DocumentSummary> documents;
    qint64 total = 0;
};

// Reads what a tenant has stored: a page of documents (newest first, by
// source when asked) and one document's metadata. Every read is scoped by the
// tenant. One instance per thread: it owns a read connection to the store.
class DocumentCatalog
{
public:
    explicit DocumentCatalog(QString databasePath);

    // Throws StoreError when the store cannot be read.
    DocumentPage list(const QString &tenant, const QString &source, int limit, qint64 offset);
    bool find(const QString &tenant, qint64 documentId, DocumentSummary *found);

private:
    StoreReader m_reader;
};

} // namespace aether
