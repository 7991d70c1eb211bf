#pragma once

#include "search/relevance.h"
#include "search/snippet.h"
#include "search/vectorindex.h"
#include "store/documentmetadata.h"
#include "store/storereader.h"
#include "text/embedder.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QSqlQuery>
#include <QString>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace aether {

struct SearchQuery
{
    QString text;
    QString tenant;
    QString source; // empty: every source
    int k = 5;
    enum class Mode
    {
        Hybrid,
        Vector,
        Keyword
    } mode = Mode::Hybrid;
    double minRelevance = 0; // hits less relevant than this are left out
    // Documents whose metadata holds every one of these (key = value); empty: any.
    QList<metadata::Condition> filter = {};
};

struct SearchHit
{
    qint64 chunkId = 0;
    qint64 documentId = 0;
    double score = 0;
    QString text;
    QString source;
    QString title;
    QString fileName;
    QString url;
    int page = 0;
    QString heading;
    // Which rankings found it: "keyword", "vector" or "both". A vector-only hit
    // shares no word with the query; with the hash embedder it is often noise.
    QString matched;
    // How well it answers the query, in [0, 1] (search/relevance.h): the share
    // of the query's words it holds, or how far its meaning stands out.
    double relevance = 0;
    Snippet snippet; // the best window around the query's words, and where they are
    QJsonObject metadata = {};
};

class SearchError : public std::runtime_error
{
public:
    explicit SearchError(const QString &message) : std::runtime_error(message.toStdString()) {}
};

// Finds the passages of one tenant that answer a query, in the SQLite store:
// FTS5 BM25 (porter stemming) for the words, cosine similarity over the
// tenant's vectors (a VectorIndex in memory, kept current by the store's change
// counters) for the meaning, fused by reciprocal rank (as GPT4All's LocalDocs
// does). One instance per thread: it owns a read connection and its indexes
// (so each search thread holds its own copy of every tenant's vectors: at
// 1,000,000 x 384 that is ~2.6 GB per thread, 2.05 GB of floats and codes
// and 0.55 GB of column copy and graph, measured by bench/search.sh).
class HybridSearch
{
public:
    // queryEmbedder: the embedder the store's vectors were made with; the
    // offline hash embedder when null.
    explicit HybridSearch(QString databasePath, std::unique_ptr<Embedder> queryEmbedder = nullptr);
    ~HybridSearch();
    HybridSearch(const HybridSearch &) = delete;
    HybridSearch &operator=(const HybridSearch &) = delete;

    QList<SearchHit> search(const SearchQuery &query);

    // From how many vectors a tenant's search goes through the approximate
    // index (VectorIndex::kAnnThreshold unless a test or benchmark says).
    void setAnnThreshold(qsizetype vectors);
    // The tenant's index as it is now, loaded and kept current (benchmarks,
    // tests: its size, memory and graph).
    VectorIndex &vectorIndex(const QString &tenant);
    // Where a tenant's approximate index is kept between runs: beside the
    // database, "<database>.ann-<first 16 hex digits of the tenant's SHA-1>".
    static QString annFilePath(const QString &databasePath, const QString &tenant);

    static constexpr int kCandidates = 50;      // per ranking, before fusion
    static constexpr int kRrfK = 60;            // the usual reciprocal-rank constant
    static constexpr int kKeywordOverfetch = 4; // FTS5 hits taken before the tenant filter
    static constexpr int kJudgedPerResult = 3;  // fused candidates judged per result asked for
    static constexpr int kMinJudged = 20;

    // How many matching passages keyword search ranks at most, rarer words
    // first (see keywordExpression()).
    static constexpr qint64 kKeywordRowBudget = 2500;

    // The query as an FTS5 expression: its words without stop words (unless
    // that leaves none), quoted, OR'ed (user text is never FTS5 syntax).
    static QString ftsExpression(const QString &text);

    // The query's words as keyword search takes them: lower-cased, without stop
    // words (unless that leaves none), each once.
    static QStringList queryTerms(const QString &text);

private:
    QSqlDatabase database(); // SearchError when the store cannot be opened
    QList<qint64> keywordRanking(const SearchQuery &query);
    static QString ftsExpression(const QStringList &terms);
    QString keywordExpression(const QString &text);
    QList<qint64> joinedKeywordRanking(const SearchQuery &query, const QString &expression);
    QList<qint64> vectorRanking(const SearchQuery &query, const Vector &probe,
                                SimilarityStats *scan);
    std::optional<QSet<qint64>> filteredChunks(const SearchQuery &query);
    Vector embedQuery(const QString &text);
    QList<double> termWeights(const QStringList &terms);
    QList<qint64> termCounts(const QStringList &terms);
    struct Ranked
    {
        qint64 chunkId = 0;
        double score = 0;
        int foundBy = 0; // kByKeyword | kByVector
    };
    struct Judged
    {
        SearchHit hit;
        double keyword = 0;
        double vector = 0;
    };
    QSqlQuery prepareDetails();
    static std::optional<SearchHit> details(const Ranked &entry, QSqlQuery &query);
    const VectorIndex &indexFor(const QString &tenant);
    void readChangeCounters();

    struct CachedIndex
    {
        std::unique_ptr<VectorIndex> index = std::make_unique<VectorIndex>();
        qint64 generation = -1;
        qint64 deletions = -1;
    };

    StoreReader m_reader;
    QStringList m_countedTerms; // the terms termCounts() last counted
    QList<qint64> m_termCounts;
    std::unique_ptr<Embedder> m_embedder;
    std::unordered_map<std::string, CachedIndex> m_indexes; // by tenant
    qint64 m_generation = 0;
    qint64 m_deletions = 0;
    qsizetype m_annThreshold = VectorIndex::kAnnThreshold;
};

} // namespace aether
