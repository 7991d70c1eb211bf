#include "search/hybridsearch.h"

#include "store/knowledgestore.h"
#include "text/hashembedder.h"
#include "text/stopwords.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>

namespace aether {

namespace {

constexpr int kByKeyword = 1;
constexpr int kByVector = 2;

// The tenant's chunks, with the optional source filter, as a SQL condition on d.
const QString kScope = QStringLiteral(" d.tenant = ? AND (? = '' OR d.source = ?)");

void bindScope(QSqlQuery &query, const SearchQuery &search)
{
    query.addBindValue(search.tenant);
    query.addBindValue(search.source.isNull() ? QString(QLatin1String("")) : search.source);
    query.addBindValue(search.source.isNull() ? QString(QLatin1String("")) : search.source);
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
    QSqlQuery count(database());
    count.prepare(QStringLiteral("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?"));
    QList<QPair<qint64, QString>> counted;
    for (const QString &term : terms) {
        count.addBindValue(QString(QLatin1Char('"') + term + QLatin1Char('"')));
        run(count);
        counted.append({count.next() ? count.value(0).toLongLong() : 0, term});
        count.finish();
    }
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
                   kScope);
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
        kScope + QStringLiteral(" ORDER BY bm25(chunks_fts) LIMIT %1").arg(kCandidates));
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

const VectorIndex &HybridSearch::indexFor(const QString &tenant)
{
    CachedIndex &cached = m_indexes[tenant.toStdString()];
    if (cached.deletions != m_deletions) {
        cached.index.clear();
        cached.generation = -1;
    }
    if (cached.generation != m_generation) {
        try {
            cached.index.loadFrom(database(), tenant, cached.index.lastChunkId());
        } catch (const StoreError &error) {
            throw SearchError(QString::fromLocal8Bit(error.what()));
        }
        cached.generation = m_generation;
        cached.deletions = m_deletions;
    }
    return cached.index;
}

QList<qint64> HybridSearch::vectorRanking(const SearchQuery &search)
{
    const VectorIndex &index = indexFor(search.tenant);
    if (index.size() == 0)
        return {};
    QList<Vector> probe;
    try {
        probe = m_embedder->embed({search.text});
    } catch (const std::exception &error) {
        throw SearchError(QStringLiteral("cannot embed the query: ") +
                          QString::fromLocal8Bit(error.what()));
    }
    QList<qint64> ranking;
    for (const VectorHit &hit : index.search(probe.value(0), kCandidates, search.source)) {
        if (hit.score > 0)
            ranking.append(hit.chunkId);
    }
    return ranking;
}

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
    if (search.mode != SearchQuery::Mode::Vector)
        fuse(keywordRanking(search), kByKeyword);
    if (search.mode != SearchQuery::Mode::Keyword)
        fuse(vectorRanking(search), kByVector);
    QList<Ranked> ranked = fused.values();
    std::sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        return a.score != b.score ? a.score > b.score : a.chunkId < b.chunkId;
    });
    ranked = ranked.mid(0, qMax(1, search.k));
    return details(ranked, search);
}

QList<SearchHit> HybridSearch::details(const QList<Ranked> &ranked, const SearchQuery &search)
{
    const SnippetMaker snippets(queryTerms(search.text));
    QList<SearchHit> hits;
    QSqlQuery query(database());
    query.prepare(QStringLiteral(
        "SELECT c.document_id, c.text, c.page, c.heading, d.source, d.title, d.filename,"
        " d.url FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?"));
    for (const Ranked &entry : ranked) {
        query.addBindValue(entry.chunkId);
        run(query);
        if (!query.next())
            continue;
        const QString matched = entry.foundBy == (kByKeyword | kByVector) ? QStringLiteral("both")
                                : entry.foundBy == kByKeyword ? QStringLiteral("keyword")
                                                              : QStringLiteral("vector");
        hits.append(SearchHit{
            entry.chunkId, query.value(0).toLongLong(), entry.score, query.value(1).toString(),
            query.value(4).toString(), query.value(5).toString(), query.value(6).toString(),
            query.value(7).toString(), query.value(2).toInt(), query.value(3).toString(), matched,
            snippets.snippet(query.value(1).toString())});
    }
    return hits;
}

} // namespace aether
