// Retrieval quality on a written corpus: short documents on distinct topics
// (some near neighbours), queried by paraphrases a user would type. Hybrid
// search must put the right document in the top 3 for at least 90% of the
// queries, and do better than either the keyword or the vector ranking alone.
// Precision: 20 queries whose answer is one document, among 500 notes on
// other themes (retrieval/make_unrelated.py) that share everyday words with
// them; at least 18 must return their document and nothing unrelated.
#include "search/hybridsearch.h"
#include "store/knowledgestore.h"
#include "text/chunker.h"
#include "text/hashembedder.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace aether;

namespace {

struct CorpusDocument
{
    QString id;
    QString title;
    QString text;
};

struct LabelledQuery
{
    QString text;
    QString expectedId;
};

// The rows of a tab-separated file with a header line, each split into exactly
// `columns` fields.
QList<QStringList> readTsv(const QString &fileName, int columns)
{
    QFile file(QStringLiteral(AETHER_RETRIEVAL_CORPUS) + QLatin1Char('/') + fileName);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    QList<QStringList> rows;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const QStringList fields = lines[i].split(QLatin1Char('\t'));
        if (fields.size() != columns)
            qFatal("%s line %lld: expected %d fields", qPrintable(fileName), i + 1, columns);
        rows.append(fields);
    }
    return rows;
}

const char *modeName(SearchQuery::Mode mode)
{
    switch (mode) {
    case SearchQuery::Mode::Hybrid:
        return "hybrid";
    case SearchQuery::Mode::Vector:
        return "vector";
    case SearchQuery::Mode::Keyword:
        return "keyword";
    }
    return "?";
}

} // namespace

class TestRetrieval : public QObject
{
    Q_OBJECT

private:
    static constexpr int kTopK = 3;
    static constexpr double kMinimumHybridHitRate = 0.9;

    // Where the expected document first appears in one ranking alone.
    QString rankIn(SearchQuery::Mode mode, const LabelledQuery &query)
    {
        const QList<SearchHit> results = m_search->search(
            {query.text, QStringLiteral("default"), {}, HybridSearch::kCandidates, mode});
        for (qsizetype i = 0; i < results.size(); ++i) {
            if (m_corpusIds.value(results[i].documentId) == query.expectedId)
                return QLatin1Char('#') + QString::number(i + 1);
        }
        return QStringLiteral("not ranked");
    }

    // Share of the queries whose expected document is among the top kTopK
    // results; logs each miss with what ranked first instead and where the
    // expected document stands in each ranking alone.
    double hitRate(SearchQuery::Mode mode)
    {
        int hits = 0;
        for (const LabelledQuery &query : std::as_const(m_queries)) {
            const QList<SearchHit> results =
                m_search->search({query.text, QStringLiteral("default"), {}, kTopK, mode});
            bool found = false;
            for (const SearchHit &result : results)
                found = found || m_corpusIds.value(result.documentId) == query.expectedId;
            if (found) {
                ++hits;
                continue;
            }
            const QString first = results.isEmpty() ? QStringLiteral("nothing")
                                                    : m_corpusIds.value(results.first().documentId);
            qInfo("%s miss: \"%s\" -> first %s; %s is %s by keywords, %s by vector", modeName(mode),
                  qPrintable(query.text), qPrintable(first), qPrintable(query.expectedId),
                  qPrintable(rankIn(SearchQuery::Mode::Keyword, query)),
                  qPrintable(rankIn(SearchQuery::Mode::Vector, query)));
        }
        return double(hits) / double(m_queries.size());
    }

    // Writes the documents into a new store at `path`; returns store id -> corpus id.
    // With float32, the store is made as one made before schema 7 was: its
    // meta says float32 before the store's migrations run.
    static QHash<qint64, QString> buildStore(const QString &path,
                                             const QList<CorpusDocument> &documents,
                                             VectorEncoding encoding = VectorEncoding::Float16)
    {
        if (encoding == VectorEncoding::Float32)
            recordFloat32(path);
        QHash<qint64, QString> ids;
        KnowledgeStore store(path);
        store.open(
            EmbedderInfo{QStringLiteral("hash"), HashEmbedder().model(), HashEmbedder::kDimension});
        const Chunker chunker;
        for (const CorpusDocument &document : documents) {
            const QList<Chunk> chunks = chunker.split(document.text);
            QList<Vector> vectors;
            for (const Chunk &chunk : chunks)
                vectors.append(HashEmbedder::embedOne(chunk.text));
            DocumentRecord record;
            record.jobId = QStringLiteral("retrieval-") + document.id;
            record.tenant = QStringLiteral("default");
            record.source = QStringLiteral("docs");
            record.kind = QStringLiteral("text");
            record.title = document.title;
            record.contentHash = QString::fromLatin1(
                QCryptographicHash::hash(document.text.toUtf8(), QCryptographicHash::Sha256)
                    .toHex());
            record.sizeBytes = document.text.toUtf8().size();
            record.textChars = document.text.size();
            ids.insert(store.write(record, chunks, vectors), document.id);
        }
        if (store.documentCount(QStringLiteral("default")) != documents.size())
            qFatal("the store of %s holds the wrong number of documents", qPrintable(path));
        return ids;
    }

    static void recordFloat32(const QString &path)
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("float32"));
            db.setDatabaseName(path);
            QSqlQuery query(db);
            if (!db.open() ||
                !query.exec(QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT "
                                           "NOT NULL)")) ||
                !query.exec(QStringLiteral(
                    "INSERT INTO meta (key, value) VALUES ('vector_encoding', 'float32')")))
                qFatal("cannot prepare %s: %s", qPrintable(path),
                       qPrintable(query.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("float32"));
    }

    // The corpus ids of a search's hits, in order.
    static QStringList rankedIds(HybridSearch &search, const QHash<qint64, QString> &ids,
                                 const SearchQuery &query)
    {
        QStringList ranked;
        for (const SearchHit &hit : search.search(query))
            ranked.append(ids.value(hit.documentId));
        return ranked;
    }

    static QList<CorpusDocument> readDocuments(const QString &fileName)
    {
        QList<CorpusDocument> documents;
        for (const QStringList &row : readTsv(fileName, 3))
            documents.append(CorpusDocument{row[0], row[1], row[2]});
        return documents;
    }

    static QList<LabelledQuery> readQueries(const QString &fileName)
    {
        QList<LabelledQuery> queries;
        for (const QStringList &row : readTsv(fileName, 2))
            queries.append(LabelledQuery{row[0], row[1]});
        return queries;
    }

    // The precision store: each precision query's answer document, and the
    // unrelated notes.
    void buildPrecisionStore()
    {
        m_precisionQueries = readQueries(QStringLiteral("precision.tsv"));
        QHash<QString, CorpusDocument> byId;
        for (const CorpusDocument &document : std::as_const(m_documents))
            byId.insert(document.id, document);
        QList<CorpusDocument> documents;
        for (const LabelledQuery &query : std::as_const(m_precisionQueries)) {
            if (!byId.contains(query.expectedId))
                qFatal("precision.tsv: no document %s", qPrintable(query.expectedId));
            documents.append(byId.value(query.expectedId));
        }
        m_unrelatedCount = 0;
        for (const CorpusDocument &note : readDocuments(QStringLiteral("unrelated.tsv"))) {
            documents.append(note);
            ++m_unrelatedCount;
        }
        const QString path = m_dir.filePath(QStringLiteral("precision.db"));
        m_precisionIds = buildStore(path, documents);
        m_precisionSearch = std::make_unique<HybridSearch>(path);
    }

    QTemporaryDir m_dir;
    QList<CorpusDocument> m_documents;
    QList<LabelledQuery> m_queries;
    QHash<qint64, QString> m_corpusIds; // store document id -> corpus id
    std::unique_ptr<HybridSearch> m_search;
    QList<LabelledQuery> m_precisionQueries;
    QHash<qint64, QString> m_precisionIds;
    std::unique_ptr<HybridSearch> m_precisionSearch;
    int m_unrelatedCount = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_documents = readDocuments(QStringLiteral("documents.tsv"));
        m_queries = readQueries(QStringLiteral("queries.tsv"));
        const QString path = m_dir.filePath(QStringLiteral("retrieval.db"));
        m_corpusIds = buildStore(path, m_documents);
        m_search = std::make_unique<HybridSearch>(path);
        buildPrecisionStore();
    }

    void theCorpusIsLargeAndLabelled()
    {
        QVERIFY(m_documents.size() >= 60);
        QVERIFY(m_queries.size() >= 60);
        QSet<QString> ids;
        for (const CorpusDocument &document : std::as_const(m_documents)) {
            QVERIFY2(!ids.contains(document.id), qPrintable(document.id));
            ids.insert(document.id);
            QVERIFY2(document.text.size() >= 300 && document.text.size() <= 900,
                     qPrintable(document.id));
        }
        for (const LabelledQuery &query : std::as_const(m_queries))
            QVERIFY2(ids.contains(query.expectedId), qPrintable(query.text));
    }

    void hybridFindsMoreThanEitherRankingAlone()
    {
        const double hybrid = hitRate(SearchQuery::Mode::Hybrid);
        const double vector = hitRate(SearchQuery::Mode::Vector);
        const double keyword = hitRate(SearchQuery::Mode::Keyword);
        qInfo("top-%d hit rate over %lld queries, %lld documents: hybrid %.2f, vector %.2f, "
              "keyword %.2f",
              kTopK, static_cast<long long>(m_queries.size()),
              static_cast<long long>(m_documents.size()), hybrid, vector, keyword);
        QVERIFY2(hybrid >= kMinimumHybridHitRate, qPrintable(QString::number(hybrid)));
        QVERIFY2(hybrid > vector, qPrintable(QString::number(vector)));
        QVERIFY2(hybrid > keyword, qPrintable(QString::number(keyword)));
    }

    // A query whose answer is one document returns that document first and no
    // unrelated one among its k results: no filler from hash-vector noise or
    // from a shared everyday word.
    void oneAnswerQueriesReturnNoUnrelatedDocument()
    {
        QVERIFY(m_unrelatedCount >= 500);
        QCOMPARE(m_precisionQueries.size(), 20);
        int clean = 0;
        for (const LabelledQuery &query : std::as_const(m_precisionQueries)) {
            const QList<SearchHit> results = m_precisionSearch->search(
                {query.text, QStringLiteral("default"), {}, 10, SearchQuery::Mode::Hybrid});
            QStringList unrelated;
            for (const SearchHit &hit : results) {
                QVERIFY2(hit.relevance >= 0 && hit.relevance <= 1,
                         qPrintable(QString::number(hit.relevance)));
                if (m_precisionIds.value(hit.documentId) != query.expectedId)
                    unrelated.append(QStringLiteral("%1 (%2, relevance %3)")
                                         .arg(m_precisionIds.value(hit.documentId), hit.matched)
                                         .arg(hit.relevance, 0, 'f', 2));
            }
            const bool foundFirst =
                !results.isEmpty() &&
                m_precisionIds.value(results.first().documentId) == query.expectedId;
            if (foundFirst && unrelated.isEmpty()) {
                ++clean;
                continue;
            }
            qInfo("not clean: \"%s\": %s; unrelated: %s", qPrintable(query.text),
                  foundFirst ? "answer first" : "answer not first",
                  qPrintable(unrelated.join(QStringLiteral(", "))));
        }
        const double paraphrases = hitRate(SearchQuery::Mode::Hybrid);
        // For bench/report.sh (docs/benchmarks.md).
        qInfo("RESULT retrieval precision_clean=%d/%lld unrelated_documents=%d "
              "paraphrase_top3=%.2f paraphrase_queries=%lld",
              clean, static_cast<long long>(m_precisionQueries.size()), m_unrelatedCount,
              paraphrases, static_cast<long long>(m_queries.size()));
        QVERIFY2(clean >= 18, qPrintable(QString::number(clean)));
        QVERIFY2(paraphrases >= kMinimumHybridHitRate, qPrintable(QString::number(paraphrases)));
    }

    // Stores keep vectors as float16 (store/vectorencoding.h). Every query of
    // the test set, by vectors alone and hybrid, returns the same top 10 as
    // from float32 vectors of the same corpus, with the same first result;
    // the order below it may differ only where float16's rounding (a cosine
    // moves by ~1e-4) swaps near-tied neighbours, in at most 1 % of rankings
    // (measured: 1 of 246, two unrelated notes at ranks 3 and 4).
    void halfPrecisionVectorsRankAsFloat32Does()
    {
        const QString path = m_dir.filePath(QStringLiteral("float32.db"));
        const QHash<qint64, QString> float32Ids =
            buildStore(path, m_documents, VectorEncoding::Float32);
        HybridSearch float32Search(path);
        QList<LabelledQuery> queries = m_queries;
        queries += m_precisionQueries;
        int compared = 0;
        int reordered = 0;
        int empty = 0;
        for (const LabelledQuery &query : std::as_const(queries)) {
            for (const SearchQuery::Mode mode :
                 {SearchQuery::Mode::Vector, SearchQuery::Mode::Hybrid}) {
                const SearchQuery search{query.text, QStringLiteral("default"), {}, 10, mode};
                const QStringList half = rankedIds(*m_search, m_corpusIds, search);
                const QStringList full = rankedIds(float32Search, float32Ids, search);
                const QString both = QStringLiteral("%1 \"%2\": float16 %3; float32 %4")
                                         .arg(QLatin1String(modeName(mode)), query.text,
                                              half.join(u','), full.join(u','));
                // (Hybrid search returns nothing it judges unrelated: maybe nothing.)
                QVERIFY2(half.value(0) == full.value(0), qPrintable(both));
                QVERIFY2(QSet<QString>(half.cbegin(), half.cend()) ==
                             QSet<QString>(full.cbegin(), full.cend()),
                         qPrintable(both));
                empty += full.isEmpty();
                if (half != full) {
                    ++reordered;
                    qInfo("reordered below the first: %s", qPrintable(both));
                }
                ++compared;
            }
        }
        qInfo("%d of %d top-10 rankings in the same order from float16 and float32 vectors "
              "(%d empty in both)",
              compared - reordered, compared, empty);
        QVERIFY(empty * 10 < compared);
        QVERIFY2(reordered * 100 <= compared, qPrintable(QString::number(reordered)));
    }
};

QTEST_GUILESS_MAIN(TestRetrieval)
#include "tst_retrieval.moc"
