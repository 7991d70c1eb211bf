// The knowledge store on real SQLite files: schema, WAL, one transaction per
// job, idempotent rewrites, FTS5 in step, embedder mismatch refused.
#include "store/knowledgestore.h"
#include "store/storeschema.h"
#include "text/hashembedder.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using namespace aether;

namespace {

const EmbedderInfo kHash{QStringLiteral("hash"), QStringLiteral("hash-v3"), 384};

QList<Chunk> chunksOf(const QStringList &texts)
{
    QList<Chunk> chunks;
    qsizetype offset = 0;
    for (const QString &text : texts) {
        chunks.append(Chunk{text, 0, {}, offset, offset + text.size()});
        offset += text.size();
    }
    return chunks;
}

QList<Vector> vectorsOf(const QList<Chunk> &chunks)
{
    QList<Vector> vectors;
    for (const Chunk &chunk : chunks)
        vectors.append(HashEmbedder::embedOne(chunk.text));
    return vectors;
}

QStringList numbered(const QString &prefix, int count)
{
    QStringList texts;
    for (int i = 0; i < count; ++i)
        texts << QStringLiteral("%1 chunk number %2").arg(prefix).arg(i);
    return texts;
}

DocumentRecord record(const QString &jobId, const QString &tenant = QStringLiteral("default"))
{
    DocumentRecord document;
    document.jobId = jobId;
    document.tenant = tenant;
    document.source = QStringLiteral("docs");
    document.kind = QStringLiteral("text");
    document.contentHash = jobId; // distinct content per job: no duplicates here
    return document;
}

} // namespace

class TestKnowledgeStore : public QObject
{
    Q_OBJECT

private:
    QString path() const { return m_dir.filePath(QStringLiteral("knowledge.db")); }

    // An independent connection, as another process would see the file.
    qint64 scalar(const QString &sql)
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("observer"));
        db.setDatabaseName(path());
        db.open();
        qint64 value = -1;
        {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0).toLongLong();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("observer"));
        return value;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { QFile::remove(path()); }

    // Metadata is stored with its document, a row per key, replaced with it,
    // and a filter's lookup runs on the index (not a scan of every document).
    void metadataIsStoredAndIndexed()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> chunks = Chunker().split(QStringLiteral("Moraines mark the ice edge."));
        DocumentRecord document = record(QStringLiteral("job-1"));
        document.metadata = QJsonObject{{"team", "support"}, {"year", 2025}, {"public", true}};
        const qint64 id = store.write(document, chunks, vectorsOf(chunks));
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM document_metadata WHERE "
                                       "document_id = %1")
                            .arg(id)),
                 3);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM document_metadata WHERE key = 'year'"
                                       " AND value = '2025'")),
                 1);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM document_metadata WHERE key = "
                                       "'public' AND value = 'true'")),
                 1);
        QVERIFY(store.deleteDocument(QStringLiteral("default"), id));
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM document_metadata")), 0);

        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("planner"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QString plan;
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(
                QStringLiteral("EXPLAIN QUERY PLAN SELECT document_id FROM document_metadata"
                               " WHERE key = 'team' AND value = 'support'")));
            while (query.next())
                plan += query.value(3).toString();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("planner"));
        QVERIFY2(plan.contains(QStringLiteral("document_metadata_by_value")), qPrintable(plan));
    }

    void createsTheSchemaInWalMode()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        QCOMPARE(scalar(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")),
                 schema::kVersion);
        QCOMPARE(scalar(QStringLiteral("SELECT value FROM meta WHERE key = 'dimension'")), 384);
        // FTS5 merges 16 segments at a time (schema 8, store/storeschema.h).
        QCOMPARE(scalar(QStringLiteral("SELECT v FROM chunks_fts_config WHERE k = 'automerge'")),
                 16);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                                       "('documents', 'chunks', 'vectors', 'chunks_fts', 'meta')")),
                 5);
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mode"));
        db.setDatabaseName(path());
        db.open();
        QString mode;
        {
            QSqlQuery query(QStringLiteral("PRAGMA journal_mode"), db);
            query.next();
            mode = query.value(0).toString();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("mode"));
        QCOMPARE(mode, QStringLiteral("wal"));
    }

    void writesDocumentChunksVectorsAndSearchIndex()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> chunks = chunksOf({QStringLiteral("Redis carries the jobs."),
                                              QStringLiteral("Workers store vectors in SQLite.")});
        const qint64 id = store.write(record(QStringLiteral("job-1")), chunks, vectorsOf(chunks));
        QVERIFY(id > 0);
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT chunk_count FROM documents")), 2);
        // float16 (store/vectorencoding.h)
        QCOMPARE(scalar(QStringLiteral("SELECT length(embedding) FROM vectors LIMIT 1")), 384 * 2);
        // Porter stemming: "worker" finds "Workers".
        QCOMPARE(scalar(QStringLiteral(
                     "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'worker'")),
                 1);
    }

    // Writers never checkpoint (a commit that did would hold the write lock
    // through two fsyncs): the store's own thread copies the log into the
    // database file while the store stays open (store/walcheckpointer.h).
    void theLogIsCopiedIntoTheDatabaseWhileOpen()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const qint64 emptySize = QFileInfo(path()).size();
        for (int job = 0; job < 40; ++job) {
            const QList<Chunk> chunks = chunksOf(numbered(QStringLiteral("job %1").arg(job), 50));
            store.write(record(QStringLiteral("job-%1").arg(job)), chunks, vectorsOf(chunks));
        }
        // 2,000 chunks and their float16 vectors (1.5 MB) reach the file, not only the log.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path()).size() > emptySize + 1024 * 1024, 10000);
    }

    void theSameJobWrittenTwiceLeavesOneCopy()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> chunks =
            chunksOf({QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")});
        store.write(record(QStringLiteral("job-1")), chunks, vectorsOf(chunks));
        store.write(record(QStringLiteral("job-1")), chunks, vectorsOf(chunks));
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 3);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 3);
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'beta'")),
            1);
    }

    void aFailedWriteLeavesNothing()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        QList<Chunk> chunks =
            chunksOf({QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third")});
        const QList<Vector> vectors = vectorsOf(chunks);
        chunks[2].text = QString(); // NULL text violates NOT NULL on the last insert
        QVERIFY_THROWS_EXCEPTION(StoreError,
                                 store.write(record(QStringLiteral("job-x")), chunks, vectors));
        QCOMPARE(store.documentCount(), 0);
        QCOMPARE(store.chunkCount(), 0);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 0);
        // The store is still usable afterwards.
        chunks[2].text = QStringLiteral("third");
        store.write(record(QStringLiteral("job-x")), chunks, vectors);
        QCOMPARE(store.chunkCount(), 3);
    }

    // A batch is written in one transaction; when one of its jobs fails, the
    // others are still stored, and the failed one leaves no row behind.
    void oneFailedJobOfABatchLeavesTheOthersStored()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        std::vector<DocumentWrite> writes(3);
        for (int i = 0; i < 3; ++i) {
            writes[i].document = record(QStringLiteral("batch-%1").arg(i));
            writes[i].chunks = chunksOf({QStringLiteral("glacier %1 moraine").arg(i)});
            writes[i].vectors = vectorsOf(writes[i].chunks);
        }
        writes[1].chunks[0].text = QString(); // NULL text violates NOT NULL
        QList<DocumentWrite *> batch{&writes[0], &writes[1], &writes[2]};
        store.writeBatch(batch);
        QVERIFY(!writes[0].error && writes[0].documentId > 0);
        QVERIFY(writes[1].error && writes[1].documentId == 0);
        QVERIFY(!writes[2].error && writes[2].documentId > writes[0].documentId);
        QCOMPARE(store.documentCount(), 2);
        QCOMPARE(store.chunkCount(), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 2);
        QCOMPARE(scalar(QStringLiteral(
                     "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'moraine'")),
                 2);
    }

    void countsAreScopedByTenant()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> chunks = chunksOf({QStringLiteral("one")});
        store.write(record(QStringLiteral("a"), QStringLiteral("acme")), chunks, vectorsOf(chunks));
        store.write(record(QStringLiteral("b"), QStringLiteral("globex")), chunks,
                    vectorsOf(chunks));
        QCOMPARE(store.documentCount(QStringLiteral("acme")), 1);
        QCOMPARE(store.documentCount(), 2);
    }

    // A store made with another embedder opens (so it can be re-indexed), but
    // refuses vectors of the configured one with a message that says what to do.
    void anotherEmbedderIsRefused()
    {
        {
            KnowledgeStore store(path());
            store.open(kHash);
        }
        KnowledgeStore store(path());
        store.open(
            EmbedderInfo{QStringLiteral("openai"), QStringLiteral("text-embedding-3-small"), 1536});
        QVERIFY(store.embedderMismatch().contains(QStringLiteral("hash/hash-v3 (384 dimensions)")));
        QVERIFY(store.embedderMismatch().contains(QStringLiteral("/ops/reindex")));
        const QList<Chunk> chunks = chunksOf({QStringLiteral("one")});
        QVERIFY_THROWS_EXCEPTION(EmbedderMismatch, store.write(record(QStringLiteral("job-1")),
                                                               chunks, vectorsOf(chunks)));
        QCOMPARE(store.documentCount(), 0);
    }

    void twoConnectionsWriteConcurrently()
    {
        KnowledgeStore first(path());
        first.open(kHash);
        QList<QThread *> threads;
        for (int t = 0; t < 3; ++t) {
            threads.append(QThread::create([this, t] {
                KnowledgeStore store(path());
                store.open(kHash);
                const QList<Chunk> chunks = chunksOf({QStringLiteral("concurrent text")});
                for (int i = 0; i < 20; ++i)
                    store.write(record(QStringLiteral("t%1-%2").arg(t).arg(i)), chunks,
                                vectorsOf(chunks));
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            thread->wait();
            delete thread;
        }
        QCOMPARE(first.documentCount(), 60);
    }

    void anInterruptedWriteLeavesNothing()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> before = chunksOf(numbered(QStringLiteral("old"), 3));
        store.write(record(QStringLiteral("job-1")), before, vectorsOf(before));

        CancelToken cancel;
        cancel.interrupt(JobInterrupted::Reason::Canceled);
        const QList<Chunk> chunks = chunksOf(numbered(QStringLiteral("new"), 5));
        try {
            store.write(record(QStringLiteral("job-1")), chunks, vectorsOf(chunks), cancel);
            QFAIL("an interrupted write went through");
        } catch (const JobInterrupted &interrupted) {
            QCOMPARE(interrupted.reason(), JobInterrupted::Reason::Canceled);
        }
        QVERIFY_THROWS_EXCEPTION(JobInterrupted, store.write(record(QStringLiteral("job-2")),
                                                             chunks, vectorsOf(chunks), cancel));
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 3);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 3);

        // The store is still usable afterwards.
        store.write(record(QStringLiteral("job-2")), chunks, vectorsOf(chunks));
        QCOMPARE(store.documentCount(), 2);
        QCOMPARE(store.chunkCount(), 8);
    }

    // A job timing out while its many chunks are being written: the transaction
    // is rolled back, so the job's earlier copy is still there, untouched.
    void aTimeoutDuringTheWriteRollsBack()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QList<Chunk> before = chunksOf(numbered(QStringLiteral("old"), 1000));
        QElapsedTimer clock;
        clock.start();
        store.write(record(QStringLiteral("job-big")), before, vectorsOf(before));
        const qint64 writeMs = clock.elapsed();

        // Twice as many rows as the write just timed: the deadline passes part way.
        const QList<Chunk> chunks = chunksOf(numbered(QStringLiteral("new"), 2000));
        const QList<Vector> vectors = vectorsOf(chunks);
        const CancelToken cancel(CancelToken::Clock::now() +
                                 std::chrono::milliseconds(std::max<qint64>(1, writeMs / 2)));
        try {
            store.write(record(QStringLiteral("job-big")), chunks, vectors, cancel);
            QFAIL(qPrintable(QStringLiteral("the write outlived its deadline (%1 ms for half "
                                            "as many rows)")
                                 .arg(writeMs)));
        } catch (const JobInterrupted &interrupted) {
            QCOMPARE(interrupted.reason(), JobInterrupted::Reason::Timeout);
        }
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 1000);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 1000);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM chunks WHERE text LIKE 'new%'")), 0);
        QCOMPARE(scalar(QStringLiteral("SELECT chunk_count FROM documents")), 1000);

        // No transaction was left open: the next write goes through.
        store.write(record(QStringLiteral("job-big")), chunks, vectors);
        QCOMPARE(store.chunkCount(), 2000);
    }
};

QTEST_GUILESS_MAIN(TestKnowledgeStore)
#include "tst_knowledgestore.moc"
