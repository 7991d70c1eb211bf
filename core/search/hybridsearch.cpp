#include "search/hybridsearch.h"

#include "store/knowledgestore.h"
#include "text/hashembedder.h"
#include "text/stopwords.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>
#include <cmath>

namespace aether {

namespace {

constexpr int kByKeyword = 1;
constexpr int kByVector = 2;

// The tenant's chunks, with the optional source filter, as a SQL condition on
// d; each metadata condition adds one indexed lookup (document_metadata_by_value).
QString scopeSql(const SearchQuery &search)
{
    return QStringLiteral(" d.tenant = ? AND (? = '' OR d.source = ?)") +
           metadata::filterSql(search.filter.size(), QStringLiteral("d.id"));
}

void bindScope(QSqlQuery &query, const SearchQuery &search)
{
    query.addBindValue(search.tenant);
    query.addBindValue(search.source.isNull() ? QString(QLatin1String("")) : search.source);
    query.addBindValue(search.source.isNull() ? QString(QLatin1String("")) : search.source);
    for (const metadata::Condition &condition : search.filter) {
        query.addBindValue(condition.key);
        query.addBindValue(condition.value);
    }
}

void run(QSqlQuery &query)
{
    if (!query.exec())
        throw SearchError(QStringLiteral("search failed: %1").arg(query.lastError().text()));
}

} // namespace

HybridSearch::HybridSearch(QString databasePath, std::unique_ptr<Embedder> queryEmbedder)
    : m_reader(std::move(databasePath), "search"),
      m_embedder(queryEmbedder ? std::move(queryEmbedder) : std::make_unique<HashEmbedder>())
{}

HybridSearch::~HybridSearch() = default;

QSqlDatabase HybridSearch::database()
{
    try {
        return m_reader.database();
    } catch (const StoreError &error) {
        throw SearchError(QString::fromLocal8Bit(error.what()));
    }
}

QStringList HybridSearch::queryTerms(const QString &text)
{
    static const QRegularExpression words(QStringLiteral("[\\p{L}\\p{N}]+"));
    QStringList terms;
    QStringList stopWords;
    for (auto it = words.globalMatch(text); it.hasNext();) {
        const QString word = it.next().captured().toLower();
        (isStopWord(word) ? stopWords : terms).append(word);
    }
    if (terms.isEmpty())
        terms = stopWords; // a query of nothing but "to be or not to be"
    terms.removeDuplicates();
    return terms;
}

QString HybridSearch::ftsExpression(const QStringList &terms)
{
    QStringList quoted;
    for (const QString &term : terms)
        quoted.append(QLatin1Char('"') + term + QLatin1Char('"'));
    return quoted.join(QStringLiteral(" OR "));
}

QString HybridSearch::ftsExpression(const QString &text)
{
    return ftsExpression(queryTerms(text));
}

// BM25 costs microseconds per matching passage, and the more passages a word
// is found in, the less it adds to the score (its IDF falls). So the words are
// counted first (cheap: no ranking) and taken rarest first while the passages
// they match stay within kKeywordRowBudget; the rarest word is always taken.
QString HybridSearch::keywordExpression(const QString &text)
{
    const QStringList terms = queryTerms(text);
    if (terms.size() <= 1)
        return ftsExpression(terms);
    const QList<qint64> counts = termCounts(terms);
    QList<QPair<qint64, QString>> counted;
    for (qsizetype i = 0; i < terms.size(); ++i)
        counted.append({counts[i], terms[i]});
    std::sort(counted.begin(), counted.end());
    QStringList kept;
    qint64 matched = 0;
    for (const auto &[rows, term] : std::as_const(counted)) {
        if (!kept.isEmpty() && matched + rows > kKeywordRowBudget)
            break;
        kept.append(term);
        matched += rows;
    }
    return ftsExpression(kept);
}

// How many passages of the store hold each term (every tenant's: FTS5 has one
// index; for weighing words against each other that is enough). Remembered for
// the query being answered, as keywordExpression() and termWeights() both ask.
QList<qint64> HybridSearch::termCounts(const QStringList &terms)
{
    if (m_countedTerms == terms)
        return m_termCounts;
    QSqlQuery count(database());
    count.prepare(QStringLiteral("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?"));
    QList<qint64> counts;
    for (const QString &term : terms) {
        count.addBindValue(QString(QLatin1Char('"') + term + QLatin1Char('"')));
        run(count);
        counts.append(count.next() ? count.value(0).toLongLong() : 0);
        count.finish();
    }
    m_countedTerms = terms;
    m_termCounts = counts;
    return counts;
}

// Each term's BM25 inverse document frequency: a word in every passage
// weighs almost nothing, a rare one much.
QList<double> HybridSearch::termWeights(const QStringList &terms)
{
    if (terms.size() <= 1)
        return QList<double>(terms.size(), 1.0);
    QSqlQuery total(database());
    total.exec(QStringLiteral("SELECT COALESCE(MAX(rowid), 0) FROM chunks"));
    const double passages = total.next() ? double(total.value(0).toLongLong()) : 0.0;
    QList<double> weights;
    for (const qint64 count : termCounts(terms)) {
        const double n = double(count);
        weights.append(std::log(1.0 + (std::max(passages, n) - n + 0.5) / (n + 0.5)));
    }
    return weights;
}

// FTS5 ranks alone first: its top-N path with no joins is several times
// faster than joining every match to its document before sorting. The
// tenant and source filter then applies to those few; only when it leaves too
// few (a store shared by many tenants) does the joined query run.
QList<qint64> HybridSearch::keywordRanking(const SearchQuery &search)
{
    const QString expression = keywordExpression(search.text);
    if (expression.isEmpty())
        return {};
    const QSqlDatabase db = database();
    QSqlQuery top(db);
    top.setForwardOnly(true);
    top.prepare(QStringLiteral("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?"
                               " ORDER BY rank LIMIT %1")
                    .arg(kCandidates * kKeywordOverfetch));
    top.addBindValue(expression);
    run(top);
    QList<qint64> ranked;
    while (top.next())
        ranked.append(top.value(0).toLongLong());
    if (ranked.isEmpty())
        return {};
    QStringList ids;
    for (const qint64 id : std::as_const(ranked))
        ids.append(QString::number(id));
    QSqlQuery scoped(db);
    // CROSS JOIN keeps chunks the outer loop: the planner would otherwise walk
    // every document of the tenant by its index.
    scoped.prepare(QStringLiteral("SELECT c.id FROM chunks c CROSS JOIN documents d"
                                  " ON d.id = c.document_id WHERE c.id IN (%1) AND")
                       .arg(ids.join(u',')) +
                   scopeSql(search));
    bindScope(scoped, search);
    run(scoped);
    QSet<qint64> inScope;
    while (scoped.next())
        inScope.insert(scoped.value(0).toLongLong());
    QList<qint64> ranking;
    for (const qint64 id : std::as_const(ranked)) {
        if (inScope.contains(id) && ranking.size() < kCandidates)
            ranking.append(id);
    }
    if (ranking.size() < kCandidates && ranked.size() == kCandidates * kKeywordOverfetch)
        return joinedKeywordRanking(search, expression);
    return ranking;
}

QList<qint64> HybridSearch::joinedKeywordRanking(const SearchQuery &search,
                                                 const QString &expression)
{
    QSqlQuery query(database());
    query.prepare(
        QStringLiteral("SELECT c.id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
                       " JOIN documents d ON d.id = c.document_id"
                       " WHERE chunks_fts MATCH ? AND") +
        scopeSql(search) + QStringLiteral(" ORDER BY bm25(chunks_fts) LIMIT %1").arg(kCandidates));
    query.addBindValue(expression);
    bindScope(query, search);
    run(query);
    QList<qint64> ranking;
    while (query.next())
        ranking.append(query.value(0).toLongLong());
    return ranking;
}

// The counters every write and removal bumps (in any process): a cached index
// takes in new vectors when "generation" moved, and reloads when "deletions" did.
void HybridSearch::readChangeCounters()
{
    QSqlQuery query(database());
    query.exec(
        QStringLiteral("SELECT key, value FROM meta WHERE key IN ('generation', 'deletions')"));
    while (query.next()) {
        const qint64 value = query.value(1).toLongLong();
        (query.value(0).toString() == QLatin1String("generation") ? m_generation : m_deletions) =
            value;
    }
}

QString HybridSearch::annFilePath(const QString &databasePath, const QString &tenant)
{
    const QByteArray digest =
        QCryptographicHash::hash(tenant.toUtf8(), QCryptographicHash::Sha1).toHex();
    return databasePath + QStringLiteral(".ann-") + QString::fromLatin1(digest.left(16));
}

void HybridSearch::setAnnThreshold(qsizetype vectors)
{
    m_annThreshold = vectors;
    for (auto &[tenant, cached] : m_indexes)
        cached.index->setAnnThreshold(vectors);
}

VectorIndex &HybridSearch::vectorIndex(const QString &tenant)
{
    readChangeCounters();
    indexFor(tenant);
    return *m_indexes[tenant.toStdString()].index;
}

// A small index reloads after removals (it is quick); one with a graph is
// reconciled instead, which keeps the graph and tombstones what went.
const VectorIndex &HybridSearch::indexFor(const QString &tenant)
{
    CachedIndex &cached = m_indexes[tenant.toStdString()];
    VectorIndex &index = *cached.index;
    if (cached.generation < 0) {
        index.setAnnThreshold(m_annThreshold);
        index.setAnnFile(annFilePath(m_reader.path(), tenant));
    }
    try {
        if (cached.deletions >= 0 && cached.deletions != m_deletions) {
            if (index.hasAnn() || index.annBuilding()) {
                index.reconcileWith(database(), tenant);
                cached.generation = m_generation;
            } else {
                index.clear();
                cached.generation = -1;
            }
            cached.deletions = m_deletions;
        }
        if (cached.generation != m_generation) {
            index.loadFrom(database(), tenant, index.lastChunkId());
            cached.generation = m_generation;
            cached.deletions = m_deletions;
        }
    } catch (const StoreError &error) {
        throw SearchError(QString::fromLocal8Bit(error.what()));
    }
    index.maintain(m_deletions);
    return index;
}

Vector HybridSearch::embedQuery(const QString &text)
{
    try {
        return m_embedder->embed({text}).value(0);
    } catch (const std::exception &error) {
        throw SearchError(QStringLiteral("cannot embed the query: ") +
                          QString::fromLocal8Bit(error.what()));
    }
}

// The chunks of the documents a metadata filter lets through; nullopt
// without a filter.
std::optional<QSet<qint64>> HybridSearch::filteredChunks(const SearchQuery &search)
{
    if (search.filter.isEmpty())
        return std::nullopt;
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT c.id FROM documents d JOIN chunks c ON c.document_id = d.id"
                       " WHERE") +
        scopeSql(search));
    bindScope(query, search);
    run(query);
    QSet<qint64> chunks;
    while (query.next())
        chunks.insert(query.value(0).toLongLong());
    return chunks;
}

QList<qint64> HybridSearch::vectorRanking(const SearchQuery &search, const Vector &probe,
                                          SimilarityStats *scan)
{
    const VectorIndex &index = indexFor(search.tenant);
    const std::optional<QSet<qint64>> allowed = filteredChunks(search);
    QList<qint64> ranking;
    for (const VectorHit &hit :
         index.search(probe, kCandidates, search.source, scan, allowed ? &*allowed : nullptr)) {
        if (hit.score > 0)
            ranking.append(hit.chunkId);
    }
    return ranking;
}

// What a passage is judged on: its words, and the title and heading it
// stands under, which keyword search does not index but a reader sees (a
// passage of "Practising the piano" is about the piano without naming it).
static QString context(const SearchHit &hit)
{
    return hit.title + QLatin1Char('\n') + hit.heading + QLatin1Char('\n') + hit.text;
}

// Fuses the rankings by reciprocal rank, then judges each candidate in that
// order (search/relevance.h) and keeps the first k worth showing. In hybrid
// mode a candidate must clear the bar: a vector-only hit must stand out of the
// noise, a keyword hit must hold more than an everyday word of the query.
QList<SearchHit> HybridSearch::search(const SearchQuery &search)
{
    readChangeCounters();
    QHash<qint64, Ranked> fused;
    const auto fuse = [&fused](const QList<qint64> &ranking, int foundBy) {
        for (qsizetype rank = 0; rank < ranking.size(); ++rank) {
            Ranked &entry = fused[ranking[rank]];
            entry.chunkId = ranking[rank];
            entry.score += 1.0 / (kRrfK + rank + 1);
            entry.foundBy |= foundBy;
        }
    };
    const QStringList terms = queryTerms(search.text);
    if (search.mode != SearchQuery::Mode::Vector)
        fuse(keywordRanking(search), kByKeyword);
    const VectorIndex &index = indexFor(search.tenant);
    Vector probe;
    std::optional<SimilarityStats> scan;
    if (index.size() > 0) {
        probe = embedQuery(search.text);
        if (search.mode != SearchQuery::Mode::Keyword) {
            scan.emplace();
            fuse(vectorRanking(search, probe, &*scan), kByVector);
        }
    }
    QList<Ranked> ranked = fused.values();
    std::sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        return a.score != b.score ? a.score > b.score : a.chunkId < b.chunkId;
    });

    const SnippetMaker snippets(terms);
    const RelevanceJudge judge(termWeights(terms), scan);
    QList<Judged> judged;
    RelevanceJudge::Best best;
    // The best of the fused ranking are judged: what ranks below them would
    // not be shown anyway once k hits are found, and reading each costs.
    ranked = ranked.mid(0, qMax(kMinJudged, kJudgedPerResult * search.k));
    QSqlQuery detailsQuery = prepareDetails();
    for (const Ranked &entry : std::as_const(ranked)) {
        std::optional<SearchHit> hit = details(entry, detailsQuery);
        if (!hit)
            continue;
        Judged candidate{*hit, judge.keywordStrength(snippets.matchedTerms(context(*hit))),
                         judge.vectorStrength(probe.isEmpty()
                                                  ? std::nullopt
                                                  : index.similarity(entry.chunkId, probe))};
        candidate.hit.relevance = std::max(candidate.keyword, candidate.vector);
        best.keyword = std::max(best.keyword, candidate.keyword);
        best.relevance = std::max(best.relevance, candidate.hit.relevance);
        judged.append(std::move(candidate));
    }
    QList<SearchHit> hits;
    for (Judged &candidate : judged) {
        if (hits.size() >= qMax(1, search.k))
            break;
        const bool hybrid = search.mode == SearchQuery::Mode::Hybrid;
        if (hybrid && !RelevanceJudge::isRelevant(candidate.keyword, candidate.vector, best))
            continue;
        if (candidate.hit.relevance < search.minRelevance)
            continue;
        candidate.hit.snippet = snippets.snippet(candidate.hit.text);
        hits.append(std::move(candidate.hit));
    }
    return hits;
}

// Prepared once per search: a search reads up to 100 candidates.
QSqlQuery HybridSearch::prepareDetails()
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral(
        "SELECT c.document_id, c.text, c.page, c.heading, d.source, d.title, d.filename,"
        " d.url, d.metadata FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = "
        "?"));
    return query;
}

std::optional<SearchHit> HybridSearch::details(const Ranked &entry, QSqlQuery &query)
{
    query.addBindValue(entry.chunkId);
    run(query);
    if (!query.next())
        return std::nullopt;
    const QString matched = entry.foundBy == (kByKeyword | kByVector) ? QStringLiteral("both")
                            : entry.foundBy == kByKeyword             ? QStringLiteral("keyword")
                                                                      : QStringLiteral("vector");
    SearchHit hit{entry.chunkId,
                  query.value(0).toLongLong(),
                  entry.score,
                  query.value(1).toString(),
                  query.value(4).toString(),
                  query.value(5).toString(),
                  query.value(6).toString(),
                  query.value(7).toString(),
                  query.value(2).toInt(),
                  query.value(3).toString(),
                  matched,
                  0,
                  Snippet{},
                  QJsonDocument::fromJson(query.value(8).toString().toUtf8()).object()};
    query.finish();
    return hit;
}

} // namespace aether
