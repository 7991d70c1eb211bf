#pragma once

#include <QList>
#include <QStringList>

namespace aether::schema {

// Each step takes the store from version (index) to version (index + 1); a
// store records its version in meta.schema_version and runs only the steps it
// has not had, in one transaction, so an old store opens in a new program.
inline const QList<QStringList> kMigrations = {
    // 0 -> 1: documents, their chunks, one float32 vector per chunk, an FTS5
    // index kept in step with chunks by triggers, and meta (schema version, embedder).
    {
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT "
                       "NULL)"),
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
        QStringLiteral("CREATE INDEX IF NOT EXISTS documents_by_tenant ON documents (tenant, "
                       "source)"),
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
        QStringLiteral(
            "CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN"
            " INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, "
            "old.text); END"),
    },
    // 1 -> 2: a document's identity within its tenant (URL, source + file name,
    // or content hash for text), so the same input is recognised and a new
    // version replaces the old; and the store's change counters, which tell
    // in-memory vector indexes of any process that they are stale.
    {
        QStringLiteral("ALTER TABLE documents ADD COLUMN identity TEXT"),
        QStringLiteral("UPDATE documents SET identity = CASE"
                       " WHEN url IS NOT NULL THEN 'url:' || url"
                       " WHEN filename IS NOT NULL THEN 'file:' || source || '/' || filename"
                       " ELSE 'text:' || content_hash END"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS documents_by_identity ON documents (tenant, "
                       "identity)"),
        QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0')"),
        QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES ('deletions', '0')"),
        // Document ids are never reused (a deleted id must not come back as
        // another document), which a plain INTEGER PRIMARY KEY does not promise.
        QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES ('last_document_id',"
                       " (SELECT COALESCE(MAX(id), 0) FROM documents))"),
    },
    // 2 -> 3: the last attempt of each job that wrote its document, so that an
    // attempt that lost its lease (a paused worker waking up after the job ran
    // again) cannot overwrite the newer attempt's document (fencing).
    {
        QStringLiteral("CREATE TABLE IF NOT EXISTS job_attempts ("
                       " job_id TEXT PRIMARY KEY,"
                       " attempt INTEGER NOT NULL,"
                       " written_at INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS job_attempts_by_age ON job_attempts "
                       "(written_at)"),
    },
    // 3 -> 4: a document's metadata (store/documentmetadata.h): the object as
    // given, and each key's value as a row, indexed so that a search filter
    // ("team" = "support") finds its documents without reading them all.
    {
        QStringLiteral("ALTER TABLE documents ADD COLUMN metadata TEXT"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS document_metadata ("
                       " document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (document_id, key))"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS document_metadata_by_value ON "
                       "document_metadata (key, value, document_id)"),
    },
    // 4 -> 5: a URL document's HTTP validators (ETag, Last-Modified), sent
    // back when it is refreshed so that an unchanged page answers 304.
    {
        QStringLiteral("ALTER TABLE documents ADD COLUMN http_etag TEXT"),
        QStringLiteral("ALTER TABLE documents ADD COLUMN http_last_modified TEXT"),
    },
    // 5 -> 6: chunks join the FTS5 index by the store's own insert
    // (store/storestatements.h, kIndexChunkText) instead of a trigger, which
    // cost about twice the insert CPU. Deletes keep their trigger, so
    // that a cascade from documents still leaves the index in step.
    {
        QStringLiteral("DROP TRIGGER IF EXISTS chunks_fts_insert"),
    },
    // 6 -> 7: vectors as float16 (store/vectorencoding.h), in stores that hold
    // none yet: a new store, or one that never had any. A store with vectors
    // keeps float32, recorded so, as its blobs are.
    {
        QStringLiteral("INSERT OR IGNORE INTO meta (key, value) VALUES ('vector_encoding',"
                       " CASE WHEN EXISTS (SELECT 1 FROM vectors) THEN 'float32'"
                       " ELSE 'float16' END)"),
    },
    // 7 -> 8: FTS5 merges its index segments 16 at a time instead of 4 (the
    // setting is kept in chunks_fts_config). Inserts merge less often: on the
    // store ceiling of 50 MB at 500 chunks a transaction, 20.0 -> 24.3 MB/s;
    // keyword search at 100,000 chunks unchanged, 7.36 ms p50 with either
    // (docs/benchmarks.md, "FTS5 merge settings").
    {
        QStringLiteral("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('automerge', 16)"),
    },
};

constexpr int kVersion = 8;

} // namespace aether::schema
