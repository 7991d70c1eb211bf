// The approximate vector index (AnnIndex, through VectorIndex and
// HybridSearch) on a real store of 50,000 chunks of the benchmark's synthetic
// text (bench/search/syntheticcorpus.h) embedded by the hash embedder: its
// top 10 must match the exact scan's for at least 95% of the results, a
// restart must read the saved graph and answer the same, arriving chunks must
// be found without a rebuild and deleted ones never.
#include "corpusstore.h"
#include "syntheticcorpus.h"

#include "search/hybridsearch.h"
#include "search/vectorindex.h"
#include "store/knowledgestore.h"
#include "text/hashembedder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <random>

using namespace aether;
using namespace aether::bench;

namespace {

constexpr int kChunks = 50000;
constexpr int kQueries = 300;
constexpr int kK = 10;
constexpr double kMinRecall = 0.95;
// The graph answers from this many vectors in scope (VectorIndex's default,
// 50,000, would leave the whole of this store to the exact scan).
constexpr qsizetype kExactScanLimit = 2000;

QList<qint64> ids(const QList<VectorHit> &hits)
{
    QList<qint64> found;
    for (const VectorHit &hit : hits)
        found.append(hit.chunkId);
    return found;
}

} // namespace

class TestAnnIndex : public QObject
{
    Q_OBJECT

private:
    QString databasePath() const { return m_dir.filePath(QStringLiteral("k.db")); }

    QSqlDatabase reader()
    {
        const QString name = QStringLiteral("reader");
        if (QSqlDatabase::contains(name))
            return QSqlDatabase::database(name);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(databasePath());
        db.open();
        return db;
    }

    qint64 deletions()
    {
        QSqlQuery query(reader());
        query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'deletions'"));
        return query.next() ? query.value(0).toLongLong() : -1;
    }

    // The same search in an index without a graph: the exact scan.
    QList<qint64> exactTop(const Vector &query, const QSet<qint64> *allowed = nullptr)
    {
        if (!m_exact) {
            m_exact = std::make_unique<VectorIndex>();
            m_exact->loadFrom(reader(), kTenant);
        }
        return ids(m_exact->search(query, kK, {}, nullptr, allowed));
    }

    // A HybridSearch whose tenant uses the graph at this store's size, with
    // the graph built (or read) and every vector linked.
    std::unique_ptr<HybridSearch> searchWithGraph()
    {
        auto search = std::make_unique<HybridSearch>(databasePath());
        search->setAnnThreshold(1000);
        VectorIndex &index = search->vectorIndex(kTenant);
        index.setExactScanLimit(kExactScanLimit);
        index.waitForAnn(deletions());
        return search;
    }

    // Adds `documents` new documents of the corpus, each of one chunk; returns
    // their texts by chunk id.
    QHash<qint64, QString> addDocuments(int documents)
    {
        KnowledgeStore store(databasePath());
        const HashEmbedder embedder;
        store.open(EmbedderInfo{embedder.provider(), embedder.model(), embedder.dimension()});
        std::vector<std::unique_ptr<DocumentWrite>> writes;
        QList<DocumentWrite *> batch;
        for (int i = 0; i < documents; ++i) {
            auto write = std::make_unique<DocumentWrite>();
            const int document = m_documents + 1000 + i; // beyond the corpus's documents
            Chunk chunk;
            chunk.text = m_corpus->chunkText(document, 0);
            chunk.end = chunk.text.size();
            write->vectors.append(HashEmbedder::embedOne(chunk.text));
            write->chunks.append(chunk);
            write->document.jobId = QStringLiteral("added-%1").arg(document);
            write->document.tenant = kTenant;
            write->document.source = QStringLiteral("added");
            write->document.kind = QStringLiteral("text");
            write->document.contentHash = write->document.jobId;
            batch.append(write.get());
            writes.push_back(std::move(write));
        }
        store.writeBatch(batch);
        m_exact.reset();
        QHash<qint64, QString> added;
        QSqlQuery query(reader());
        query.exec(QStringLiteral("SELECT c.id, c.text FROM chunks c JOIN documents d ON d.id = "
                                  "c.document_id WHERE d.source = 'added'"));
        while (query.next())
            added.insert(query.value(0).toLongLong(), query.value(1).toString());
        return added;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<SyntheticCorpus> m_corpus;
    int m_documents = 0;
    std::unique_ptr<VectorIndex> m_exact; // for exactTop(); reset when the store changes
    std::vector<Vector> m_probes;         // the benchmark's queries: a few words
    std::vector<Vector> m_passages;       // a passage each

private Q_SLOTS:
    void initTestCase()
    {
        CorpusShape shape;
        shape.chunks = kChunks;
        m_documents = (kChunks + shape.chunksPerDocument - 1) / shape.chunksPerDocument;
        m_corpus = std::make_unique<SyntheticCorpus>(m_documents / 5);
        const BuildTimes built = buildStore(databasePath(), *m_corpus, shape);
        qInfo("store of %d chunks built in %.1f s", kChunks, built.seconds);
        std::mt19937_64 random(17);
        for (int i = 0; i < kQueries; ++i)
            m_probes.push_back(HashEmbedder::embedOne(m_corpus->query(random, m_documents)));
        // "More like this": passages of documents the store does not hold, on
        // its topics.
        for (int i = 0; i < kQueries; ++i)
            m_passages.push_back(
                HashEmbedder::embedOne(m_corpus->chunkText(m_documents + 5000 + i, i % 10)));
    }

    // The recall the design promises, measured as the benchmark does, for
    // both ways a large index answers: the hash embedder's short queries
    // (sparse: the column scan, exact) and passages (dense: the graph). A
    // graph searched with a breadth of 160 instead of 1000 fails it (0.75).
    void recallAtTenAgainstTheExactScan()
    {
        VectorIndex exact;
        exact.loadFrom(reader(), kTenant);
        QCOMPARE(exact.size(), kChunks);
        QVERIFY(!exact.hasAnn());

        QElapsedTimer timer;
        timer.start();
        const std::unique_ptr<HybridSearch> search = searchWithGraph();
        const VectorIndex &index = search->vectorIndex(kTenant);
        QVERIFY(index.hasAnn());
        QCOMPARE(index.annNodes(), kChunks);
        qInfo("graph of %d vectors built in %.1f s, %.1f MB (vectors %.1f MB)", kChunks,
              double(timer.elapsed()) / 1000, double(index.annBytes()) / 1e6,
              double(index.vectorBytes()) / 1e6);

        for (const auto &[probes, method] :
             {std::pair{&m_probes, "columns"}, std::pair{&m_passages, "graph"}}) {
            int found = 0;
            qint64 exactNs = 0;
            qint64 approximateNs = 0;
            for (const Vector &probe : *probes) {
                QCOMPARE(index.method(probe), method);
                timer.start();
                const QList<qint64> expected = ids(exact.search(probe, kK));
                exactNs += timer.nsecsElapsed();
                timer.start();
                const QList<qint64> got = ids(index.search(probe, kK));
                approximateNs += timer.nsecsElapsed();
                QCOMPARE(got.size(), expected.size());
                for (const qint64 id : expected)
                    found += got.contains(id) ? 1 : 0;
            }
            const double recall = double(found) / double(probes->size() * kK);
            qInfo("%s: recall@10 %.4f over %zu queries; mean %.3f ms (exact scan %.3f ms)", method,
                  recall, probes->size(), double(approximateNs) / 1e6 / double(probes->size()),
                  double(exactNs) / 1e6 / double(probes->size()));
            QVERIFY2(recall >= kMinRecall, qPrintable(QString::number(recall)));
        }
    }

    // A restart reads the graph saved beside the database instead of building
    // it, and answers exactly as before; a damaged file is ignored.
    void savedGraphIsReadBackAndAnswersTheSame()
    {
        const std::unique_ptr<HybridSearch> first = searchWithGraph();
        const VectorIndex &built = first->vectorIndex(kTenant);
        const QString file = HybridSearch::annFilePath(databasePath(), kTenant);
        QVERIFY(QFile::exists(file));

        HybridSearch restarted(databasePath());
        restarted.setAnnThreshold(1000);
        const VectorIndex &read = restarted.vectorIndex(kTenant);
        QVERIFY(read.hasAnn());
        QVERIFY(!read.annBuilding()); // read, not rebuilt
        restarted.vectorIndex(kTenant).setExactScanLimit(kExactScanLimit);
        restarted.vectorIndex(kTenant).setExactScanLimit(kExactScanLimit);
        QCOMPARE(read.annNodes(), built.annNodes());
        for (const Vector &probe : m_probes) {
            const QList<VectorHit> before = built.search(probe, kK);
            const QList<VectorHit> after = read.search(probe, kK);
            QCOMPARE(ids(after), ids(before));
            for (qsizetype i = 0; i < before.size(); ++i)
                QCOMPARE(after[i].score, before[i].score);
        }

        // One flipped byte in the graph: ignored (the checksum), rebuilt. The
        // good file is put back afterwards for the next tests.
        const QString good = file + QStringLiteral(".good");
        QVERIFY(QFile::copy(file, good));
        QFile damaged(file);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        damaged.seek(damaged.size() / 2);
        char byte = 0;
        damaged.getChar(&byte);
        damaged.seek(damaged.size() / 2);
        damaged.putChar(char(byte ^ 0x5a));
        damaged.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring .*ann-")));
        HybridSearch again(databasePath());
        again.setAnnThreshold(1000);
        VectorIndex &rebuilding = again.vectorIndex(kTenant);
        QVERIFY(!rebuilding.hasAnn());
        QVERIFY(rebuilding.annBuilding()); // meanwhile the exact scan answers
        QCOMPARE(ids(rebuilding.search(m_probes.front(), kK)), exactTop(m_probes.front()));
        QVERIFY(QFile::remove(file) && QFile::rename(good, file));
    }

    // Chunks written after the graph are linked into it as they are loaded:
    // no rebuild, and each is its own nearest neighbour, but for at most 1 %:
    // a graph may leave a new node with few links in (its neighbours keep
    // their closer ones), which a walk then misses. Measured: 1 of 300 with
    // float16 vectors (the same vector decoded), 0 of 300 with float32.
    void arrivingChunksAreFoundWithoutARebuild()
    {
        const std::unique_ptr<HybridSearch> search = searchWithGraph();
        const qsizetype before = search->vectorIndex(kTenant).annNodes();
        const QHash<qint64, QString> added = addDocuments(300);
        QCOMPARE(added.size(), 300);
        const VectorIndex &index = search->vectorIndex(kTenant);
        QVERIFY(!index.annBuilding());
        QCOMPARE(index.annNodes(), before + 300);
        QStringList missed;
        for (auto it = added.cbegin(); it != added.cend(); ++it) {
            const QList<VectorHit> hits = index.search(HashEmbedder::embedOne(it.value()), 1);
            if (hits.value(0).chunkId != it.key())
                missed.append(QString::number(it.key()));
        }
        qInfo("%lld of %lld new chunks found as their own nearest neighbour",
              added.size() - missed.size(), added.size());
        QVERIFY2(missed.size() * 100 <= added.size(), qPrintable(missed.join(u',')));
        // And the source filter: only the new chunks are in "added" (300, so
        // the exact scan over them answers, by the filter rule).
        const QList<VectorHit> hits = index.search(m_probes.front(), kK, QStringLiteral("added"));
        QCOMPARE(hits.size(), kK);
        for (const VectorHit &hit : hits)
            QVERIFY(added.contains(hit.chunkId));
    }

    // A metadata filter that leaves few chunks is answered by the exact scan
    // over them; a wide one by the graph with the filter applied as it walks.
    void filtersAreHonoured()
    {
        const std::unique_ptr<HybridSearch> search = searchWithGraph();
        const VectorIndex &index = search->vectorIndex(kTenant);
        QSet<qint64> few;
        QSet<qint64> many;
        QSqlQuery query(reader());
        query.exec(QStringLiteral("SELECT chunk_id FROM vectors"));
        while (query.next()) {
            const qint64 id = query.value(0).toLongLong();
            (id % 97 == 0 ? few : many).insert(id);
        }
        QVERIFY(few.size() <= kExactScanLimit && many.size() > kExactScanLimit);
        for (int i = 0; i < 20; ++i) {
            const Vector &probe = m_probes[size_t(i)];
            QCOMPARE(ids(index.search(probe, kK, {}, nullptr, &few)), exactTop(probe, &few));
            for (const VectorHit &hit : index.search(probe, kK, {}, nullptr, &many))
                QVERIFY(many.contains(hit.chunkId));
        }
    }

    // Deleted chunks become tombstones, never returned; past kRebuildShare
    // of the graph a rebuild starts on a worker thread while the old graph
    // keeps answering, and still none comes back.
    void deletedChunksAreNeverReturned()
    {
        const std::unique_ptr<HybridSearch> search = searchWithGraph();
        QSet<qint64> deletedChunks;
        QList<qint64> documentsToDelete;
        {
            // The documents of the first queries' best hits, then more until
            // past the rebuild share.
            const VectorIndex &index = search->vectorIndex(kTenant);
            QSet<qint64> hitChunks;
            for (int i = 0; i < 50; ++i) {
                for (const qint64 id : ids(index.search(m_probes[size_t(i)], 3)))
                    hitChunks.insert(id);
            }
            QSqlQuery query(reader());
            query.exec(
                QStringLiteral("SELECT DISTINCT document_id FROM chunks WHERE id IN (%1)").arg([&] {
                    QStringList list;
                    for (const qint64 id : hitChunks)
                        list.append(QString::number(id));
                    return list.join(u',');
                }()));
            while (query.next())
                documentsToDelete.append(query.value(0).toLongLong());
        }
        const auto deleteDocuments = [&](const QList<qint64> &documents) {
            KnowledgeStore store(databasePath());
            const HashEmbedder embedder;
            store.open(EmbedderInfo{embedder.provider(), embedder.model(), embedder.dimension()});
            for (const qint64 document : documents) {
                QSqlQuery chunks(reader());
                chunks.prepare(QStringLiteral("SELECT id FROM chunks WHERE document_id = ?"));
                chunks.addBindValue(document);
                chunks.exec();
                while (chunks.next())
                    deletedChunks.insert(chunks.value(0).toLongLong());
                QVERIFY(store.deleteDocument(kTenant, document));
            }
        };
        const auto noneDeletedReturned = [&](const VectorIndex &index) {
            for (const Vector &probe : m_probes) {
                for (const qint64 id : ids(index.search(probe, kK)))
                    QVERIFY2(!deletedChunks.contains(id), qPrintable(QString::number(id)));
            }
        };

        deleteDocuments(documentsToDelete);
        const VectorIndex &index = search->vectorIndex(kTenant);
        QVERIFY(index.tombstones() > 0);
        QVERIFY(!index.annBuilding());
        noneDeletedReturned(index);

        // Past the share: a rebuild in the background, answers meanwhile.
        QList<qint64> more;
        QSqlQuery query(reader());
        query.exec(
            QStringLiteral("SELECT id FROM documents WHERE tenant = 'bench' AND id % 8 = 0"));
        while (query.next())
            more.append(query.value(0).toLongLong());
        deleteDocuments(more);
        VectorIndex &rebuilding = search->vectorIndex(kTenant);
        QVERIFY(rebuilding.annBuilding());
        QVERIFY(rebuilding.hasAnn()); // the old graph answers meanwhile
        noneDeletedReturned(rebuilding);
        rebuilding.waitForAnn(deletions());
        QVERIFY(!rebuilding.annBuilding());
        QCOMPARE(rebuilding.tombstones(), 0);
        QCOMPARE(rebuilding.annNodes(), rebuilding.size());
        noneDeletedReturned(rebuilding);
        for (const qint64 id : std::as_const(deletedChunks))
            QVERIFY(!rebuilding.similarity(id, m_probes.front()));
    }
};

QTEST_GUILESS_MAIN(TestAnnIndex)
#include "tst_annindex.moc"
