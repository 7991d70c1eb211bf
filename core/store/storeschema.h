#pragma once

#include <QStringList>

namespace aether::schema {

constexpr int kVersion = 1;

// Version 1: documents, their chunks, one float32 vector per chunk, an FTS5
// index kept in step with chunks by triggers, and meta (schema version, embedder).
inline const QStringList kVersion1 = {
    QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS documents ("
                   " id INTEGER PRIMARY KEY,"
                   " job_id TEXT UNIQUE,"
                   " tenant TEXT NOT NULL,"
                   " source TEXT NOT NULL,"
                   " kind TEXT NOT NULL,"
                   " filename TEXT,"
                   " url TEXT,"
                   " title TEXT,"
                   " content_hash TEXT NOT NULL,"
                   " size_bytes INTEGER NOT NULL,"
                   " text_chars INTEGER NOT NULL,"
                   " chunk_count INTEGER NOT NULL,"
                   " created_at TEXT NOT NULL)"),
    QStringLiteral("CREATE INDEX IF NOT EXISTS documents_by_tenant ON documents (tenant, source)"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS chunks ("
                   " id INTEGER PRIMARY KEY,"
                   " document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,"
                   " position INTEGER NOT NULL,"
                   " text TEXT NOT NULL,"
                   " page INTEGER,"
                   " heading TEXT,"
                   " start_offset INTEGER NOT NULL,"
                   " end_offset INTEGER NOT NULL,"
                   " UNIQUE (document_id, position))"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS vectors ("
                   " chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,"
                   " embedding BLOB NOT NULL)"),
    QStringLiteral("CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5("
                   " text, content='chunks', content_rowid='id', tokenize='porter unicode61')"),
    QStringLiteral("CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN"
                   " INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text); END"),
    QStringLiteral("CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN"
                   " INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, "
                   "old.text); END"),
};

} // namespace aether::schema
