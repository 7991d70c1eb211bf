#pragma once

// What the two files of KnowledgeStore share (knowledgestore.cpp writes,
// storemaintenance.cpp deletes and re-indexes): the prepared statements, the
// process-wide writer lock and the row encodings. Not for other users.

#include "store/knowledgestore.h"

#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

// Writers of this process take turns here: SQLite's own busy handler waits by
// sleeping (milliseconds at a time), which would idle the workers. Other
// processes still meet at SQLite's lock.
QMutex &storeWriters();

inline const QString kInsertDocument = QStringLiteral(
    "INSERT INTO documents (id, job_id, tenant, source, kind, filename, url, title, content_hash,"
    " size_bytes, text_chars, chunk_count, created_at, identity, metadata, http_etag,"
    " http_last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
inline const QString kInsertMetadata =
    QStringLiteral("INSERT INTO document_metadata (document_id, key, value) VALUES (?, ?, ?)");
inline const QString kNextDocumentId =
    QStringLiteral("UPDATE meta SET value = CAST(value AS INTEGER) + 1"
                   " WHERE key = 'last_document_id' RETURNING CAST(value AS INTEGER)");
inline const QString kInsertChunk = QStringLiteral(
    "INSERT INTO chunks (document_id, position, text, page, heading, start_offset, end_offset)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)");
// A chunk's text joins the keyword index by this statement, not by a trigger:
// FTS5 inside a trigger cost about twice the insert CPU (bench/storeceiling,
// old and new builds alternately), as every firing opens a statement
// savepoint on the index.
inline const QString kIndexChunkText =
    QStringLiteral("INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)");
inline const QString kInsertVector =
    QStringLiteral("INSERT INTO vectors (chunk_id, embedding) VALUES (?, ?)");
inline const QString kDeleteJobDocument = QStringLiteral("DELETE FROM documents WHERE job_id = ?");
inline const QString kDeleteDocument = QStringLiteral("DELETE FROM documents WHERE id = ?");
inline const QString kFindByIdentity = QStringLiteral(
    "SELECT id, job_id, content_hash, http_etag, http_last_modified, metadata FROM documents"
    " WHERE tenant = ? AND identity = ?"
    " ORDER BY id DESC LIMIT 1");
inline const QString kFindAttempt =
    QStringLiteral("SELECT attempt FROM job_attempts WHERE job_id = ?");
inline const QString kRecordAttempt =
    QStringLiteral("INSERT INTO job_attempts (job_id, attempt, written_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, written_at = "
                   "excluded.written_at");
inline const QString kForgetAttempts =
    QStringLiteral("DELETE FROM job_attempts WHERE written_at < ?");
inline const QString kBumpCounter =
    QStringLiteral("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?");

QVariant nullIfEmpty(const QString &text);

// The statements every write runs, prepared once per connection: parsing SQL
// per job would cost more than the inserts themselves.
struct KnowledgeStore::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : begin(db), commit(db), rollback(db), savepoint(db), release(db), rollbackToSavepoint(db),
          deleteJobDocument(db), deleteDocument(db), findByIdentity(db), bumpCounter(db),
          nextDocumentId(db), insertDocument(db), insertChunk(db), indexChunkText(db),
          insertVector(db),
          findAttempt(db), recordAttempt(db), forgetAttempts(db), insertMetadata(db)
    {
        const QList<QPair<QSqlQuery *, QString>> all{
            {&begin, QStringLiteral("BEGIN IMMEDIATE")},
            {&commit, QStringLiteral("COMMIT")},
            {&rollback, QStringLiteral("ROLLBACK")},
            {&savepoint, QStringLiteral("SAVEPOINT job")},
            {&release, QStringLiteral("RELEASE job")},
            {&rollbackToSavepoint, QStringLiteral("ROLLBACK TO job")},
            {&deleteJobDocument, kDeleteJobDocument},
            {&deleteDocument, kDeleteDocument},
            {&findByIdentity, kFindByIdentity},
            {&bumpCounter, kBumpCounter},
            {&nextDocumentId, kNextDocumentId},
            {&insertDocument, kInsertDocument},
            {&insertChunk, kInsertChunk},
            {&indexChunkText, kIndexChunkText},
            {&insertVector, kInsertVector},
            {&findAttempt, kFindAttempt},
            {&recordAttempt, kRecordAttempt},
            {&forgetAttempts, kForgetAttempts},
            {&insertMetadata, kInsertMetadata}};
        for (const auto &[query, sql] : all) {
            if (!query->prepare(sql))
                throw StoreError(
                    QStringLiteral("cannot prepare %1: %2").arg(sql, query->lastError().text()));
        }
    }

    QSqlQuery begin, commit, rollback, savepoint, release, rollbackToSavepoint, deleteJobDocument,
        deleteDocument, findByIdentity, bumpCounter, nextDocumentId, insertDocument, insertChunk,
        indexChunkText, insertVector, findAttempt, recordAttempt, forgetAttempts, insertMetadata;
};

} // namespace aether
