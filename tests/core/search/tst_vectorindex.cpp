// The in-memory vector index against an exact float scan, on a real store:
// the int8 scan with float re-rank must return the same top results, honour
// the source filter and take in new vectors incrementally.
#include "search/vectorindex.h"
#include "store/knowledgestore.h"

#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
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
        return writeDocuments(*m_store, count, firstJob, source);
    }

    QHash<qint64, Vector> writeDocuments(KnowledgeStore &store, int count, int firstJob,
                                         const QString &source = QStringLiteral("docs"))
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
            store.writeBatch(batch);
            written.insert(store.chunkTexts(0, 1 << 30).last().id, write.vectors.first());
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

    static QString scalarText(const QSqlDatabase &db, const char *sql)
    {
        QSqlQuery query(db);
        if (!query.exec(QString::fromLatin1(sql)) || !query.next())
            return QStringLiteral("(none: %1)").arg(query.lastError().text());
        const QString value = query.value(0).toString();
        return query.next() ? QStringLiteral("(several)") : value;
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

    // A new store keeps vectors as float16, half the bytes, and search reads
    // them back within float16's rounding.
    void aNewStoreKeepsHalfPrecisionVectors()
    {
        QCOMPARE(scalarText(reader(), "SELECT value FROM meta WHERE key = 'vector_encoding'"),
                 QStringLiteral("float16"));
        QCOMPARE(scalarText(reader(), "SELECT DISTINCT length(embedding) FROM vectors"),
                 QString::number(kDimension * 2));
    }

    // A store made before float16 (schema 6) holds float32 blobs: it keeps
    // them, records so, and goes on writing float32, which search reads exactly.
    void aStoreWithFloat32VectorsKeepsThem()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.db"));
        const QString tenant = QStringLiteral("default");
        QHash<qint64, Vector> vectors;
        {
            KnowledgeStore made(path);
            made.open(EmbedderInfo{QStringLiteral("test"), QStringLiteral("random"), kDimension});
            vectors = writeDocuments(made, 50, 0);
        }
        {
            // What schema 6 left: float32 blobs, no vector_encoding.
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("downgrade"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("DELETE FROM meta WHERE key = 'vector_encoding'")));
            QVERIFY(query.exec(
                QStringLiteral("UPDATE meta SET value = '6' WHERE key = 'schema_version'")));
            for (auto it = vectors.cbegin(); it != vectors.cend(); ++it) {
                query.prepare(
                    QStringLiteral("UPDATE vectors SET embedding = ? WHERE chunk_id = ?"));
                query.addBindValue(QByteArray(reinterpret_cast<const char *>(it->constData()),
                                              it->size() * qsizetype(sizeof(float))));
                query.addBindValue(it.key());
                QVERIFY(query.exec());
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("downgrade"));
        KnowledgeStore old(path);
        old.open(EmbedderInfo{QStringLiteral("test"), QStringLiteral("random"), kDimension});
        const QHash<qint64, Vector> added = writeDocuments(old, 5, 1000);
        for (auto it = added.cbegin(); it != added.cend(); ++it)
            vectors.insert(it.key(), it.value());
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old-reader"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QCOMPARE(scalarText(db, "SELECT value FROM meta WHERE key = 'vector_encoding'"),
                 QStringLiteral("float32"));
        QCOMPARE(scalarText(db, "SELECT DISTINCT length(embedding) FROM vectors"),
                 QString::number(kDimension * 4));
        VectorIndex index;
        index.loadFrom(db, tenant);
        QCOMPARE(index.size(), 55);
        // Exact: float32 sums of the same products, far inside float16's error.
        const Vector query = randomUnitVector(m_random);
        for (auto it = vectors.cbegin(); it != vectors.cend(); ++it)
            QVERIFY(std::abs(index.similarity(it.key(), query).value_or(2) -
                             dot(it.value(), query)) < 1e-6);
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("old-reader"));
    }
};

QTEST_GUILESS_MAIN(TestVectorIndex)
#include "tst_vectorindex.moc"
