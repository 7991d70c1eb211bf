// The in-memory vector index against an exact float scan, on a real store:
// the int8 scan with float re-rank must return the same top results, honour
// the source filter and take in new vectors incrementally.
#include "search/vectorindex.h"
#include "store/knowledgestore.h"

#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace aether;

namespace {

constexpr int kDimension = 384;

Vector randomUnitVector(QRandomGenerator &random)
{
    Vector vector(kDimension);
    double squares = 0;
    for (float &value : vector) {
        value = float(random.generateDouble() * 2 - 1);
        squares += double(value) * value;
    }
    for (float &value : vector)
        value = float(value / std::sqrt(squares));
    return vector;
}

double dot(const Vector &a, const Vector &b)
{
    double sum = 0;
    for (int i = 0; i < kDimension; ++i)
        sum += double(a[i]) * b[i];
    return sum;
}

} // namespace

class TestVectorIndex : public QObject
{
    Q_OBJECT

private:
    // Writes `count` documents of one chunk each; returns their vectors by chunk id.
    QHash<qint64, Vector> addDocuments(int count, const QString &source, int firstJob)
    {
        QHash<qint64, Vector> written;
        for (int i = 0; i < count; ++i) {
            DocumentWrite write;
            write.document.jobId = QStringLiteral("job-%1").arg(firstJob + i);
            write.document.tenant = QStringLiteral("default");
            write.document.source = source;
            write.document.kind = QStringLiteral("text");
            write.document.contentHash = write.document.jobId;
            write.chunks.append(Chunk{write.document.jobId, 0, {}, 0, 5});
            write.vectors.append(randomUnitVector(m_random));
            QList<DocumentWrite *> batch{&write};
            m_store->writeBatch(batch);
            written.insert(m_store->chunkTexts(0, 1 << 30).last().id, write.vectors.first());
        }
        return written;
    }

    QList<qint64> exactTop(const QHash<qint64, Vector> &vectors, const Vector &query, int k)
    {
        QList<QPair<double, qint64>> scored;
        for (auto it = vectors.cbegin(); it != vectors.cend(); ++it)
            scored.append({dot(it.value(), query), it.key()});
        std::sort(scored.begin(), scored.end(),
                  [](const auto &a, const auto &b) { return a.first > b.first; });
        QList<qint64> ids;
        for (int i = 0; i < k; ++i)
            ids.append(scored[i].second);
        return ids;
    }

    // A reader of its own, as search has.
    QSqlDatabase reader()
    {
        const QString name = QStringLiteral("reader");
        if (QSqlDatabase::contains(name))
            return QSqlDatabase::database(name);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_dir.filePath(QStringLiteral("k.db")));
        db.open();
        return db;
    }

    QTemporaryDir m_dir;
    QRandomGenerator m_random{42};
    std::unique_ptr<KnowledgeStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        m_store = std::make_unique<KnowledgeStore>(m_dir.filePath(QStringLiteral("k.db")));
        m_store->open(EmbedderInfo{QStringLiteral("test"), QStringLiteral("random"), kDimension});
    }

    void sameTopResultsAsAnExactScan()
    {
        const QHash<qint64, Vector> vectors = addDocuments(1500, QStringLiteral("docs"), 0);
        VectorIndex index;
        index.loadFrom(reader(), QStringLiteral("default"));
        QCOMPARE(index.size(), 1500);
        int agreeing = 0;
        for (int q = 0; q < 50; ++q) {
            const Vector query = randomUnitVector(m_random);
            const QList<qint64> exact = exactTop(vectors, query, 10);
            const QList<VectorHit> hits = index.search(query, 10);
            QCOMPARE(hits.size(), 10);
            for (const VectorHit &hit : hits) {
                agreeing += exact.contains(hit.chunkId);
                QVERIFY(std::abs(hit.score - dot(vectors.value(hit.chunkId), query)) < 1e-4);
            }
        }
        qInfo("top-10 agreement with an exact float scan: %.3f", agreeing / 500.0);
        QVERIFY(agreeing >= 495); // the float re-rank makes near-misses rare
    }

    void filtersBySourceAndTakesInNewVectors()
    {
        VectorIndex index;
        const QSqlDatabase db = reader();
        index.loadFrom(db, QStringLiteral("default"));
        const qsizetype before = index.size();
        const QHash<qint64, Vector> added = addDocuments(20, QStringLiteral("manuals"), 100000);
        index.loadFrom(db, QStringLiteral("default"), index.lastChunkId());
        QCOMPARE(index.size(), before + 20);
        const Vector query = added.cbegin().value();
        const QList<VectorHit> hits = index.search(query, 5, QStringLiteral("manuals"));
        QCOMPARE(hits.size(), 5);
        QCOMPARE(hits.first().chunkId, added.cbegin().key());
        for (const VectorHit &hit : hits)
            QVERIFY(added.contains(hit.chunkId));
        QVERIFY(index.search(query, 5, QStringLiteral("nowhere")).isEmpty());
        QVERIFY(index.search(Vector(7, 1.0f), 5).isEmpty()); // another dimension
    }
};

QTEST_GUILESS_MAIN(TestVectorIndex)
#include "tst_vectorindex.moc"
