// What the store makes of the same document arriving again, on real SQLite
// files: duplicates, replacement, tenants, deletion, schema migration from
// version 1, the dimension learned from the first vectors and re-embedding.
#include "store/documentcatalog.h"
#include "store/knowledgestore.h"
#include "store/storeschema.h"
#include "text/hashembedder.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

namespace {

const EmbedderInfo kHash{QStringLiteral("hash"), QStringLiteral("hash-v3"), 384};

DocumentWrite writeOf(const QString &jobId, const QString &url, const QStringList &texts,
                      const QString &tenant = QStringLiteral("default"))
{
    DocumentWrite write;
    write.document.jobId = jobId;
    write.document.tenant = tenant;
    write.document.source = QStringLiteral("web");
    write.document.kind = QStringLiteral("html");
    write.document.url = url;
    write.document.contentHash = texts.join(u'|'); // stands in for the SHA-256
    for (const QString &text : texts) {
        write.chunks.append(Chunk{text, 0, {}, 0, text.size()});
        write.vectors.append(HashEmbedder::embedOne(text));
    }
    return write;
}

void writeOne(KnowledgeStore &store, DocumentWrite &write)
{
    QList<DocumentWrite *> batch{&write};
    store.writeBatch(batch);
    if (write.error)
        std::rethrow_exception(write.error);
}

DocumentQuery pageOf(int limit, qint64 offset)
{
    DocumentQuery query;
    query.limit = limit;
    query.offset = offset;
    return query;
}

} // namespace

class TestDocumentIdentity : public QObject
{
    Q_OBJECT

private:
    QString path() const { return m_dir.filePath(QStringLiteral("knowledge.db")); }

    qint64 scalar(const QString &sql)
    {
        qint64 value = -1;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("observer"));
            db.setDatabaseName(path());
            db.open();
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0).toLongLong();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("observer"));
        return value;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { QFile::remove(path()); }

    void theSameContentAgainIsADuplicate()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QString url = QStringLiteral("https://example.org/a");
        DocumentWrite first = writeOf(QStringLiteral("job-1"), url, {QStringLiteral("alpha")});
        writeOne(store, first);
        QVERIFY(!first.duplicate);
        DocumentWrite again = writeOf(QStringLiteral("job-2"), url, {QStringLiteral("alpha")});
        writeOne(store, again);
        QVERIFY(again.duplicate);
        QCOMPARE(again.documentId, first.documentId);
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 1);
    }

    void newContentUnderTheSameUrlReplacesTheOld()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QString url = QStringLiteral("https://example.org/a");
        DocumentWrite first = writeOf(QStringLiteral("job-1"), url,
                                      {QStringLiteral("old words"), QStringLiteral("old tail")});
        writeOne(store, first);
        DocumentWrite second = writeOf(QStringLiteral("job-2"), url, {QStringLiteral("new words")});
        writeOne(store, second);
        QVERIFY(!second.duplicate);
        QCOMPARE(second.replacedDocumentId, first.documentId);
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM vectors")), 1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'old'")),
            0);
    }

    void aJobProcessedTwiceLeavesOneCopy()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QString url = QStringLiteral("https://example.org/a");
        DocumentWrite first = writeOf(QStringLiteral("job-1"), url, {QStringLiteral("alpha")});
        writeOne(store, first);
        DocumentWrite rerun = writeOf(QStringLiteral("job-1"), url, {QStringLiteral("alpha")});
        writeOne(store, rerun);
        QVERIFY(!rerun.duplicate); // its own write, not someone else's
        QCOMPARE(store.documentCount(), 1);
        QCOMPARE(store.chunkCount(), 1);
    }

    void identityIsPerTenant()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        const QString url = QStringLiteral("https://example.org/a");
        DocumentWrite acme = writeOf(QStringLiteral("job-1"), url, {QStringLiteral("alpha")},
                                     QStringLiteral("acme"));
        DocumentWrite globex = writeOf(QStringLiteral("job-2"), url, {QStringLiteral("alpha")},
                                       QStringLiteral("globex"));
        writeOne(store, acme);
        writeOne(store, globex);
        QVERIFY(!globex.duplicate);
        QCOMPARE(store.documentCount(), 2);
        // One tenant cannot delete another's document.
        QVERIFY(!store.deleteDocument(QStringLiteral("globex"), acme.documentId));
        QVERIFY(store.deleteDocument(QStringLiteral("acme"), acme.documentId));
        QCOMPARE(store.documentCount(QStringLiteral("acme")), 0);
        QCOMPARE(store.documentCount(QStringLiteral("globex")), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM chunks")), 1);
    }

    void theCatalogListsOnlyTheTenantsDocuments()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        for (int i = 0; i < 5; ++i) {
            DocumentWrite write =
                writeOf(QStringLiteral("job-%1").arg(i), QStringLiteral("https://e.org/%1").arg(i),
                        {QStringLiteral("text %1").arg(i)},
                        i < 3 ? QStringLiteral("acme") : QStringLiteral("globex"));
            writeOne(store, write);
        }
        DocumentCatalog catalog(path());
        const DocumentPage page = catalog.list(QStringLiteral("acme"), pageOf(2, 0));
        QCOMPARE(page.total, 3);
        QCOMPARE(page.documents.size(), 2);
        QCOMPARE(page.documents.first().url, QStringLiteral("https://e.org/2")); // newest first
        QCOMPARE(catalog.list(QStringLiteral("acme"), pageOf(10, 2)).documents.size(), 1);
        DocumentQuery otherSource = pageOf(10, 0);
        otherSource.source = QStringLiteral("other");
        QCOMPARE(catalog.list(QStringLiteral("acme"), otherSource).total, 0);
        DocumentSummary found;
        QVERIFY(catalog.find(QStringLiteral("acme"), page.documents.first().id, &found));
        QCOMPARE(found.chunkCount, 1);
        QVERIFY(!catalog.find(QStringLiteral("globex"), page.documents.first().id, &found));
    }

    // A store written by the first release opens in this one: its documents
    // get an identity and a re-upload of one of them is recognised.
    void aVersionOneStoreIsMigrated()
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(path());
            QVERIFY(db.open());
            QSqlQuery query(db);
            for (const QString &statement : schema::kMigrations[0])
                QVERIFY2(query.exec(statement), qPrintable(statement));
            QVERIFY(query.exec(QStringLiteral(
                "INSERT INTO meta VALUES ('schema_version', '1'), ('embedder', 'hash'),"
                " ('model', 'hash-v3'), ('dimension', '384')")));
            QVERIFY(query.exec(QStringLiteral(
                "INSERT INTO documents (job_id, tenant, source, kind, url, content_hash,"
                " size_bytes, text_chars, chunk_count, created_at) VALUES ('old-job', 'default',"
                " 'web', 'html', 'https://example.org/a', 'alpha', 5, 5, 0, '2026-01-01 "
                "00:00:00')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        KnowledgeStore store(path());
        store.open(kHash);
        QCOMPARE(scalar(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")),
                 schema::kVersion);
        DocumentWrite again =
            writeOf(QStringLiteral("job-2"), QStringLiteral("https://example.org/a"),
                    {QStringLiteral("alpha")});
        writeOne(store, again);
        QVERIFY(again.duplicate);
        QCOMPARE(store.documentCount(), 1);
    }

    void theDimensionIsLearnedFromTheFirstVectors()
    {
        KnowledgeStore store(path());
        store.open(EmbedderInfo{QStringLiteral("ollama"), QStringLiteral("nomic-embed-text"), 0});
        DocumentWrite first = writeOf(QStringLiteral("job-1"), QStringLiteral("https://e.org/1"),
                                      {QStringLiteral("alpha")});
        writeOne(store, first);
        QCOMPARE(store.storedEmbedder().dimension, 384);
        DocumentWrite shorter = writeOf(QStringLiteral("job-2"), QStringLiteral("https://e.org/2"),
                                        {QStringLiteral("beta")});
        shorter.vectors.first().resize(128);
        QVERIFY_THROWS_EXCEPTION(EmbedderMismatch, writeOne(store, shorter));
        QCOMPARE(store.documentCount(), 1);
    }

    // Re-embedding swaps every vector and the recorded embedder at once.
    void stagedVectorsReplaceTheLiveOnes()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        DocumentWrite write = writeOf(QStringLiteral("job-1"), QStringLiteral("https://e.org/1"),
                                      {QStringLiteral("alpha"), QStringLiteral("beta")});
        writeOne(store, write);

        const EmbedderInfo other{QStringLiteral("ollama"), QStringLiteral("tiny"), 8};
        KnowledgeStore reconfigured(path());
        reconfigured.open(other);
        QVERIFY(!reconfigured.embedderMismatch().isEmpty());
        reconfigured.discardStagedVectors();
        const QList<ChunkText> chunks = reconfigured.chunkTexts(0, 100);
        QCOMPARE(chunks.size(), 2);
        reconfigured.stageVectors({chunks[0].id, chunks[1].id},
                                  {Vector(8, 0.5f), Vector(8, 0.25f)});
        // float16, 2 bytes a value (store/vectorencoding.h)
        QCOMPARE(scalar(QStringLiteral("SELECT length(embedding) FROM vectors LIMIT 1")), 384 * 2);
        reconfigured.commitStagedVectors(other);
        QCOMPARE(scalar(QStringLiteral("SELECT length(embedding) FROM vectors LIMIT 1")), 8 * 2);
        QVERIFY(reconfigured.embedderMismatch().isEmpty());
        QVERIFY(!store.embedderMismatch().isEmpty()); // the old configuration is now the odd one
    }
};

QTEST_GUILESS_MAIN(TestDocumentIdentity)
#include "tst_documentidentity.moc"
