// Retrieval quality on a written corpus: short documents on distinct topics
// (some near neighbours), queried by paraphrases a user would type. Hybrid
// search must put the right document in the top 3 for at least 90% of the
// queries, and do better than either the keyword or the vector ranking alone.
#include "search/hybridsearch.h"
#include "store/knowledgestore.h"
#include "text/chunker.h"
#include "text/hashembedder.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QSet>
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

    QTemporaryDir m_dir;
    QList<CorpusDocument> m_documents;
    QList<LabelledQuery> m_queries;
    QHash<qint64, QString> m_corpusIds; // store document id -> corpus id
    std::unique_ptr<HybridSearch> m_search;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const QStringList &row : readTsv(QStringLiteral("documents.tsv"), 3))
            m_documents.append(CorpusDocument{row[0], row[1], row[2]});
        for (const QStringList &row : readTsv(QStringLiteral("queries.tsv"), 2))
            m_queries.append(LabelledQuery{row[0], row[1]});

        const QString path = m_dir.filePath(QStringLiteral("retrieval.db"));
        KnowledgeStore store(path);
        store.open(EmbedderInfo{QStringLiteral("hash"), QStringLiteral("hash-v2"),
                                HashEmbedder::kDimension});
        const Chunker chunker;
        for (const CorpusDocument &document : std::as_const(m_documents)) {
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
            m_corpusIds.insert(store.write(record, chunks, vectors), document.id);
        }
        QCOMPARE(store.documentCount(QStringLiteral("default")), qint64(m_documents.size()));
        m_search = std::make_unique<HybridSearch>(path);
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
};

QTEST_GUILESS_MAIN(TestRetrieval)
#include "tst_retrieval.moc"
