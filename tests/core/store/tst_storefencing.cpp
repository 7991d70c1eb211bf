// The store's defences at its edges, on real SQLite files: an attempt that
// lost its lease cannot write over the newer attempt's document (fencing), a
// store file deleted while open refuses writes instead of losing them, and a
// damaged file is found by the start-up check.
#include "store/knowledgestore.h"
#include "store/storehealth.h"
#include "text/hashembedder.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

namespace {

const EmbedderInfo kHash{QStringLiteral("hash"), QStringLiteral("hash-v3"), 384};

DocumentWrite writeOf(const QString &jobId, qint64 attempt, const QString &text)
{
    DocumentWrite write;
    write.document.jobId = jobId;
    write.document.tenant = QStringLiteral("default");
    write.document.source = QStringLiteral("docs");
    write.document.kind = QStringLiteral("text");
    write.document.url = QStringLiteral("https://example.org/") + jobId;
    write.document.contentHash = text;
    write.chunks = {Chunk{text, 0, {}, 0, text.size()}};
    write.vectors = {HashEmbedder::embedOne(text)};
    write.attempt = attempt;
    return write;
}

// Writes one job alone, as a worker's batch of one would.
DocumentWrite &writeAlone(KnowledgeStore &store, DocumentWrite &write)
{
    QList<DocumentWrite *> batch{&write};
    store.writeBatch(batch);
    return write;
}

} // namespace

class TestStoreFencing : public QObject
{
    Q_OBJECT

private:
    QString path() const { return m_dir.filePath(QStringLiteral("knowledge.db")); }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init()
    {
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path() + QLatin1String(suffix));
    }

    void aStaleAttemptCannotReplaceTheNewerAttemptsDocument()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        DocumentWrite newer = writeOf(QStringLiteral("job-1"), 2, QStringLiteral("newer text"));
        QVERIFY(!writeAlone(store, newer).error);
        // Attempt 1 of the same job wakes up after attempt 2 wrote.
        DocumentWrite stale = writeOf(QStringLiteral("job-1"), 1, QStringLiteral("stale text"));
        writeAlone(store, stale);
        QVERIFY(stale.error);
        QVERIFY_THROWS_EXCEPTION(AttemptSuperseded, std::rethrow_exception(stale.error));
        QCOMPARE(stale.documentId, 0);
        const std::optional<StoredDocument> kept =
            store.find(QStringLiteral("default"), newer.document.identity());
        QVERIFY(kept);
        QCOMPARE(kept->id, newer.documentId);
        QCOMPARE(kept->contentHash, QStringLiteral("newer text"));
        QCOMPARE(store.documentCount(), 1);
    }

    void aNewerAttemptReplacesWhatAStaleAttemptWroteFirst()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        DocumentWrite stale = writeOf(QStringLiteral("job-2"), 1, QStringLiteral("first run"));
        QVERIFY(!writeAlone(store, stale).error);
        DocumentWrite newer = writeOf(QStringLiteral("job-2"), 2, QStringLiteral("second run"));
        QVERIFY(!writeAlone(store, newer).error);
        QCOMPARE(store.documentCount(), 1); // one copy per job
        QCOMPARE(store.find(QStringLiteral("default"), newer.document.identity())->contentHash,
                 QStringLiteral("second run"));
        // The same attempt again (a batch stored twice) still writes: not stale.
        DocumentWrite again = writeOf(QStringLiteral("job-2"), 2, QStringLiteral("second run"));
        QVERIFY(!writeAlone(store, again).error);
        QCOMPARE(store.documentCount(), 1);
    }

    void aStaleAttemptInABatchDoesNotStopTheOthers()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        DocumentWrite newer = writeOf(QStringLiteral("job-3"), 5, QStringLiteral("kept"));
        QVERIFY(!writeAlone(store, newer).error);
        DocumentWrite stale = writeOf(QStringLiteral("job-3"), 4, QStringLiteral("dropped"));
        DocumentWrite other = writeOf(QStringLiteral("job-4"), 1, QStringLiteral("other"));
        QList<DocumentWrite *> batch{&stale, &other};
        store.writeBatch(batch);
        QVERIFY(stale.error);
        QVERIFY(!other.error);
        QCOMPARE(store.documentCount(), 2);
    }

    void writesWithoutAnAttemptAreNotFenced()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        DocumentWrite fenced = writeOf(QStringLiteral("job-5"), 3, QStringLiteral("a"));
        QVERIFY(!writeAlone(store, fenced).error);
        DocumentWrite plain = writeOf(QStringLiteral("job-5"), 0, QStringLiteral("b"));
        QVERIFY(!writeAlone(store, plain).error);
    }

    void aDeletedStoreFileRefusesWritesAndIsReportedMissing()
    {
        KnowledgeStore store(path());
        store.open(kHash);
        StoreHealth health(path());
        QCOMPARE(health.state(), StoreHealth::State::Ok);
        DocumentWrite before = writeOf(QStringLiteral("job-6"), 1, QStringLiteral("before"));
        QVERIFY(!writeAlone(store, before).error);
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path() + QLatin1String(suffix));
        DocumentWrite after = writeOf(QStringLiteral("job-7"), 1, QStringLiteral("after"));
        QList<DocumentWrite *> batch{&after};
        QVERIFY_THROWS_EXCEPTION(StoreError, store.writeBatch(batch));
        QCOMPARE(after.documentId, 0);
        QCOMPARE(health.state(), StoreHealth::State::Missing);
        QVERIFY(health.problem().contains(QStringLiteral("missing")));
        // A new, empty file at the path is not the store that was opened either.
        QFile empty(path());
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QCOMPARE(health.state(), StoreHealth::State::Missing);
        QVERIFY_THROWS_EXCEPTION(StoreError, store.writeBatch(batch));
    }

    void aDamagedFileIsFoundByTheStartUpCheck()
    {
        {
            KnowledgeStore store(path());
            store.open(kHash);
            for (int i = 0; i < 200; ++i) {
                DocumentWrite write = writeOf(QStringLiteral("job-%1").arg(i), 1,
                                              QStringLiteral("text %1 ").arg(i).repeated(40));
                QVERIFY(!writeAlone(store, write).error);
            }
        }
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("checkpoint"));
            db.setDatabaseName(path());
            QVERIFY(db.open());
            QSqlQuery(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), db);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("checkpoint"));
        QFile file(path());
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 size = file.size();
        QVERIFY(size > 64 * 1024);
        file.seek(size / 2); // the header and schema pages stay readable
        file.write(QByteArray(size / 4, '\x5a'));
        file.close();

        StoreHealth health(path());
        health.startCheck();
        QTRY_VERIFY_WITH_TIMEOUT(health.state() != StoreHealth::State::Checking, 30000);
        QCOMPARE(health.state(), StoreHealth::State::Corrupt);
        QVERIFY2(health.problem().contains(QStringLiteral("corrupt")),
                 qPrintable(health.problem()));
    }

    void aSoundFileChecksOk()
    {
        {
            KnowledgeStore store(path());
            store.open(kHash);
        }
        StoreHealth health(path());
        health.startCheck();
        QTRY_VERIFY_WITH_TIMEOUT(health.state() != StoreHealth::State::Checking, 30000);
        QCOMPARE(health.state(), StoreHealth::State::Ok);
    }
};

QTEST_GUILESS_MAIN(TestStoreFencing)
#include "tst_storefencing.moc"
