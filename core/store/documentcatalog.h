#pragma once

#include "store/documentmetadata.h"

#include "store/storedtext.h"
#include "store/storereader.h"

#include <QJsonObject>
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
    QJsonObject metadata;
};

struct DocumentPage
{
    QList<DocumentSummary> documents;
    qint64 total = 0; // of every page: the documents the query's filters match
};

// Which of a tenant's documents a listing shows, newest first, and where its
// page starts.
struct DocumentQuery
{
    QString source; // exactly this source; empty: every source
    // Case-insensitive (ASCII) part of the title, source, type, file name or
    // URL; empty: any. Taken literally: % and _ are no wildcards.
    QString text;
    // Keyset paging: only documents with a lower id. Pages then never shift
    // when documents are stored while a client pages. 0: from the newest.
    qint64 beforeId = 0;
    qint64 offset = 0; // rows skipped after that, for callers that page by offset
    int limit = 50;
    QList<metadata::Condition> filter; // metadata every document listed has
};

// One stored chunk and its place in the document (position counts from 0).
struct ChunkEntry
{
    qint64 chunkId = 0;
    int position = 0;
    StoredChunk chunk;
};

struct SourceCount
{
    QString source;
    qint64 documents = 0;
};

// Reads what a tenant has stored: a page of documents (newest first, filtered
// by source and text when asked), its sources with their counts, and one
// document's metadata or stored text. Every read is scoped by the tenant.
// One instance per thread: it owns a read connection to the store.
class DocumentCatalog
{
public:
    explicit DocumentCatalog(QString databasePath);

    // Throws StoreError when the store cannot be read.
    DocumentPage list(const QString &tenant, const DocumentQuery &query);
    bool find(const QString &tenant, qint64 documentId, DocumentSummary *found);
    QList<SourceCount> sources(const QString &tenant); // by source name
    // The document's text joined from its chunks, at most `maxCharacters` of
    // it; false when the tenant has no such document.
    bool text(const QString &tenant, qint64 documentId, qsizetype maxCharacters, StoredText *found);
    // Up to `limit` of the document's chunks after position `afterPosition`
    // (-1: from the first), in order; false when the tenant has no such document.
    bool chunks(const QString &tenant, qint64 documentId, int afterPosition, int limit,
                QList<ChunkEntry> *found);

private:
    StoreReader m_reader;
};

} // namespace aether
