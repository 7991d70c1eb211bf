// Search latency at 10,000 and 100,000 chunks of 384 dimensions (or up to
// 1,000,000: --sizes 100000,1000000): HybridSearch (hybrid and vector
// modes), the bare VectorIndex scan and FAISS IndexFlatIP over the same
// vectors and queries, in one run (issue 5's "Done when"); then the
// approximate index of large tenants (issue 17): its build time and memory,
// latency and recall@10 against the exact scan, for the benchmark's queries
// (sparse: the column scan) and for passages (dense: the graph), and
// HybridSearch reading the saved graph as after a restart.
//   aether-bench-search [--sizes 10000,100000 | --sizes 100000 1000000] [--queries 200]
//                       [--warmup 20] [--keep DIR]

#include "corpusstore.h"
#include "syntheticcorpus.h"

#include "search/hybridsearch.h"
#include "search/vectorindex.h"
#include "store/knowledgestore.h"
#include "store/storemeta.h"
#include "store/vectorencoding.h"
#include "text/hashembedder.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>
#include <faiss/IndexFlat.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

using namespace aether;
using namespace aether::bench;

namespace {

constexpr int kK = 10;
constexpr double kHybridTargetMs = 20;
constexpr int kTargetChunks = 100000;
// Issue 17: with the approximate index, at 1,000,000 chunks.
constexpr double kAnnHybridTargetMs = 10;
constexpr double kAnnTargetRecall = 0.95;
constexpr int kAnnTargetChunks = 1000000;

struct Options
{
    QList<int> sizes{10000, 100000};
    int queries = 200;
    int warmup = 20;
    QString keepDir; // empty: the stores go with the run
};

// One way of searching, timed over every query; the ids it found, per query.
struct Series
{
    QString name;
    std::vector<double> ms;
    std::vector<QList<qint64>> found;
    double agreement = -1; // share of FAISS's top-10 found, averaged; -1: not compared

    double percentile(double p) const
    {
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        const auto rank = size_t(std::ceil(p * double(sorted.size())));
        return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
    }
    double mean() const { return std::accumulate(ms.begin(), ms.end(), 0.0) / double(ms.size()); }
};

using SearchFunction = std::function<QList<qint64>(int query)>;

Series measure(const QString &name, int queries, int warmup, const SearchFunction &search)
{
    for (int i = 0; i < warmup; ++i)
        search(i % queries);
    Series series{name, {}, {}, -1};
    QElapsedTimer timer;
    for (int i = 0; i < queries; ++i) {
        timer.start();
        QList<qint64> ids = search(i);
        series.ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        series.found.push_back(std::move(ids));
    }
    return series;
}

double agreement(const Series &ours, const Series &reference)
{
    double total = 0;
    for (size_t i = 0; i < reference.found.size(); ++i) {
        const QList<qint64> &expected = reference.found[i];
        const QSet<qint64> got(ours.found[i].cbegin(), ours.found[i].cend());
        int shared = 0;
        for (const qint64 id : expected)
            shared += got.contains(id) ? 1 : 0;
        total += expected.isEmpty() ? 1.0 : double(shared) / double(expected.size());
    }
    return total / double(reference.found.size());
}

// The store's vectors as search reads them (decoded from the store's
// encoding to float32, unit length), in chunk id order.
struct StoredVectors
{
    std::vector<float> values;
    std::vector<qint64> chunkIds;
};

StoredVectors readVectors(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT chunk_id, embedding FROM vectors ORDER BY chunk_id")))
        throw StoreError(query.lastError().text());
    const VectorEncoding encoding = vectorencoding::of(storemeta::read(db));
    StoredVectors stored;
    std::vector<float> values;
    while (query.next()) {
        const QByteArray blob = query.value(1).toByteArray();
        vectorencoding::decode(blob, encoding, vectorencoding::dimensionOf(blob.size(), encoding),
                               values);
        stored.values.insert(stored.values.end(), values.cbegin(), values.cend());
        stored.chunkIds.push_back(query.value(0).toLongLong());
    }
    return stored;
}

QList<qint64> hitIds(const QList<SearchHit> &hits)
{
    QList<qint64> ids;
    for (const SearchHit &hit : hits)
        ids.append(hit.chunkId);
    return ids;
}

QList<qint64> hitIds(const QList<VectorHit> &hits)
{
    QList<qint64> ids;
    for (const VectorHit &hit : hits)
        ids.append(hit.chunkId);
    return ids;
}

void printRow(const Series &series)
{
    std::printf("| %-44s | %8.3f | %8.3f | %8.3f | %s |\n", qPrintable(series.name),
                series.percentile(0.50), series.percentile(0.99), series.mean(),
                series.agreement < 0 ? "    -"
                                     : qPrintable(QString::number(series.agreement, 'f', 3)));
}

qint64 storeDeletions(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'deletions'"));
    return query.next() ? query.value(0).toLongLong() : 0;
}

// The approximate index of a large tenant (VectorIndex's column scan for
// sparse queries and graph for dense ones), built over the whole store
// whatever its size, against the exact scan `index`.
void benchmarkApproximate(const QString &path, const QSqlDatabase &db, const VectorIndex &index,
                          const SyntheticCorpus &corpus, int documents,
                          const std::vector<Vector> &probes, const QStringList &queries,
                          const Series &scan, const Options &options)
{
    const qint64 deletions = storeDeletions(db);
    VectorIndex approximate;
    approximate.loadFrom(db, kTenant);
    approximate.setAnnThreshold(1);
    approximate.setAnnFile(HybridSearch::annFilePath(path, kTenant));
    QElapsedTimer timer;
    timer.start();
    approximate.buildAnn();
    const double buildSeconds = double(timer.nsecsElapsed()) / 1e9;
    timer.start();
    approximate.saveAnn(deletions);
    const double saveSeconds = double(timer.nsecsElapsed()) / 1e9;
    const double graphMb = double(approximate.annBytes()) / 1e6;
    const double indexMb = double(approximate.vectorBytes()) / 1e6;
    const double exactMb = double(index.vectorBytes()) / 1e6;
    const double annMb = graphMb + indexMb - exactMb; // the graph and the column copy

    // "More like this": passages of documents the store does not hold.
    std::vector<Vector> passages;
    for (int i = 0; i < options.queries; ++i)
        passages.push_back(HashEmbedder::embedOne(corpus.chunkText(documents + i, i % 10)));
    Series annQueries = measure(QStringLiteral("approximate, bench queries (%1)")
                                    .arg(QLatin1String(approximate.method(probes[0]))),
                                options.queries, options.warmup, [&](int query) {
                                    return hitIds(approximate.search(probes[size_t(query)], kK));
                                });
    annQueries.agreement = agreement(annQueries, scan);
    Series passageScan =
        measure(QStringLiteral("exact scan, passages"), options.queries, options.warmup,
                [&](int query) { return hitIds(index.search(passages[size_t(query)], kK)); });
    Series annPassages = measure(QStringLiteral("approximate, passages (%1)")
                                     .arg(QLatin1String(approximate.method(passages[0]))),
                                 options.queries, options.warmup, [&](int query) {
                                     return hitIds(approximate.search(passages[size_t(query)], kK));
                                 });
    annPassages.agreement = agreement(annPassages, passageScan);

    // A restart: HybridSearch reads the saved graph on its first search.
    HybridSearch hybrid(path);
    hybrid.setAnnThreshold(1);
    timer.start();
    const VectorIndex &loaded = hybrid.vectorIndex(kTenant);
    const double loadSeconds = double(timer.nsecsElapsed()) / 1e9;
    const bool readBack = loaded.hasAnn() && !loaded.annBuilding();
    const auto hybridSearch = [&](SearchQuery::Mode mode) {
        return [&, mode](int query) {
            return hitIds(hybrid.search(SearchQuery{queries[query], kTenant, {}, kK, mode}));
        };
    };
    Series hybridMode =
        measure(QStringLiteral("HybridSearch approximate, mode hybrid"), options.queries,
                options.warmup, hybridSearch(SearchQuery::Mode::Hybrid));
    Series vectorMode =
        measure(QStringLiteral("HybridSearch approximate, mode vector"), options.queries,
                options.warmup, hybridSearch(SearchQuery::Mode::Vector));
    vectorMode.agreement = agreement(vectorMode, scan);

    std::printf("\n| %-44s | %8s | %8s | %8s | %s |\n", "approximate index, k=10, ms per query",
                "p50", "p99", "mean", "recall@10 vs scan");
    std::printf("|%s|%s|%s|%s|%s|\n", "----------------------------------------------",
                "----------", "----------", "----------", "-------------------");
    for (const Series *row : {&hybridMode, &vectorMode, &annQueries, &annPassages, &passageScan})
        printRow(*row);
    std::printf("\ngraph: %lld nodes, built in %.1f s (one thread), saved in %.2f s, read back "
                "by HybridSearch with the vectors in %.1f s (%s)\n",
                qlonglong(approximate.annNodes()), buildSeconds, saveSeconds, loadSeconds,
                readBack ? "read, not rebuilt" : "NOT read back");
    std::printf("memory per index: exact %.0f MB (floats + int8 codes), approximate adds %.0f MB "
                "(graph %.0f MB, column copy %.0f MB); each search thread holds its own\n",
                exactMb, annMb, graphMb, annMb - graphMb);
    if (probes.size() > 0 && int(index.size()) == kAnnTargetChunks)
        std::printf("target: hybrid p50 <= %.0f ms with recall@10 >= %.2f at %d chunks: %s "
                    "(%.3f ms, recall %.3f)\n",
                    kAnnHybridTargetMs, kAnnTargetRecall, kAnnTargetChunks,
                    hybridMode.percentile(0.5) <= kAnnHybridTargetMs &&
                            annQueries.agreement >= kAnnTargetRecall
                        ? "met"
                        : "NOT met",
                    hybridMode.percentile(0.5), annQueries.agreement);
    std::printf("ann: build_s=%.1f mb=%.0f p50_ms=%.3f p99_ms=%.3f recall10=%.4f "
                "passages_p50_ms=%.3f passages_recall10=%.4f hybrid_p50_ms=%.3f "
                "hybrid_p99_ms=%.3f\n",
                buildSeconds, annMb, annQueries.percentile(0.5), annQueries.percentile(0.99),
                annQueries.agreement, annPassages.percentile(0.5), annPassages.agreement,
                hybridMode.percentile(0.5), hybridMode.percentile(0.99));
    std::fflush(stdout);
}

void benchmarkSize(int chunks, const Options &options)
{
    QTemporaryDir temporary;
    const QDir dir(options.keepDir.isEmpty() ? temporary.path() : options.keepDir);
    const QString path = dir.filePath(QStringLiteral("bench-%1.db").arg(chunks));
    QFile::remove(path);
    CorpusShape shape;
    shape.chunks = chunks;
    const int documents = (chunks + shape.chunksPerDocument - 1) / shape.chunksPerDocument;
    const SyntheticCorpus corpus(std::max(1, documents / 5)); // ~5 documents per topic
    const BuildTimes built = buildStore(path, corpus, shape);

    std::mt19937_64 random(42);
    QStringList queries;
    for (int i = 0; i < options.queries; ++i)
        queries.append(corpus.query(random, documents));
    std::vector<Vector> probes;
    for (const QString &query : queries)
        probes.push_back(HashEmbedder::embedOne(query));

    std::printf("\n## %d chunks x %d dimensions\n\n", chunks, HashEmbedder::kDimension);
    std::printf("store: %d documents of %d chunks, batches of %d documents; built in %.1f s "
                "(%.0f chunks/s; writeBatch %.1f s, text + embedding %.1f s on a second "
                "thread), %.0f MB\n",
                documents, shape.chunksPerDocument, shape.documentsPerBatch, built.seconds,
                chunks / built.seconds, built.writeSeconds, built.prepareSeconds,
                double(QFileInfo(path).size()) / 1e6);
    std::printf("queries: %d of 3-6 words (e.g. \"%s\"), %d warm-up runs of each method first\n\n",
                options.queries, qPrintable(queries.value(0)), options.warmup);

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench"));
    db.setDatabaseName(path);
    if (!db.open())
        throw StoreError(db.lastError().text());
    StoredVectors stored = readVectors(db);
    VectorIndex index;
    index.loadFrom(db, kTenant);

    faiss::IndexFlatIP flat(HashEmbedder::kDimension);
    flat.add(faiss::Index::idx_t(stored.chunkIds.size()), stored.values.data());
    const int defaultThreads = omp_get_max_threads();
    const auto faissSearch = [&](int query) {
        float distances[kK];
        faiss::Index::idx_t labels[kK];
        flat.search(1, probes[size_t(query)].constData(), kK, distances, labels);
        QList<qint64> ids;
        for (const faiss::Index::idx_t label : labels) {
            if (label >= 0)
                ids.append(stored.chunkIds[size_t(label)]);
        }
        return ids;
    };

    auto hybrid = std::make_unique<HybridSearch>(path);
    const auto hybridSearch = [&](SearchQuery::Mode mode) {
        return [&, mode](int query) {
            return hitIds(hybrid->search(SearchQuery{queries[query], kTenant, {}, kK, mode}));
        };
    };

    omp_set_num_threads(1);
    Series faissOne = measure(QStringLiteral("FAISS IndexFlatIP, 1 thread"), options.queries,
                              options.warmup, faissSearch);
    omp_set_num_threads(defaultThreads);
    Series faissDefault =
        measure(QStringLiteral("FAISS IndexFlatIP, default (%1 threads)").arg(defaultThreads),
                options.queries, options.warmup, faissSearch);
    Series scan = measure(
        QStringLiteral("VectorIndex::search (int8 + float re-rank)"), options.queries,
        options.warmup, [&](int query) { return hitIds(index.search(probes[size_t(query)], kK)); });
    Series vectorMode = measure(QStringLiteral("HybridSearch, mode vector"), options.queries,
                                options.warmup, hybridSearch(SearchQuery::Mode::Vector));
    Series hybridMode = measure(QStringLiteral("HybridSearch, mode hybrid"), options.queries,
                                options.warmup, hybridSearch(SearchQuery::Mode::Hybrid));
    Series keywordMode = measure(QStringLiteral("HybridSearch, mode keyword"), options.queries,
                                 options.warmup, hybridSearch(SearchQuery::Mode::Keyword));
    faissDefault.agreement = agreement(faissDefault, faissOne);
    scan.agreement = agreement(scan, faissOne);
    vectorMode.agreement = agreement(vectorMode, faissOne);

    // FAISS's own best case: every query in one call (BLAS, all threads), per query.
    QElapsedTimer batchTimer;
    batchTimer.start();
    std::vector<float> allProbes;
    for (const Vector &probe : probes)
        allProbes.insert(allProbes.end(), probe.cbegin(), probe.cend());
    std::vector<float> distances(size_t(options.queries) * kK);
    std::vector<faiss::Index::idx_t> labels(size_t(options.queries) * kK);
    flat.search(options.queries, allProbes.data(), kK, distances.data(), labels.data());
    const double batchMs = double(batchTimer.nsecsElapsed()) / 1e6 / options.queries;

    std::printf("| %-44s | %8s | %8s | %8s | %s |\n", "k=10, ms per query", "p50", "p99", "mean",
                "top-10 vs FAISS");
    std::printf("|%s|%s|%s|%s|%s|\n", "----------------------------------------------",
                "----------", "----------", "----------", "-----------------");
    for (const Series *row :
         {&hybridMode, &vectorMode, &keywordMode, &scan, &faissOne, &faissDefault})
        printRow(*row);
    std::printf(
        "| %-44s | %8s | %8s | %8.3f | %s |\n",
        qPrintable(QStringLiteral("FAISS, all %1 queries in one call").arg(options.queries)), "-",
        "-", batchMs, "    -");

    const double scanP50 = scan.percentile(0.5);
    std::printf("\nratios (FAISS p50 / VectorIndex p50): %.2fx with 1 thread, %.2fx with %d "
                "threads; hybrid p50 / FAISS 1-thread p50: %.2f\n",
                faissOne.percentile(0.5) / scanP50, faissDefault.percentile(0.5) / scanP50,
                defaultThreads, hybridMode.percentile(0.5) / faissOne.percentile(0.5));
    const bool faster =
        scanP50 < faissOne.percentile(0.5) && scanP50 < faissDefault.percentile(0.5);
    const bool same = scan.agreement >= 0.999;
    std::printf("target: vector scan faster than FAISS flat with the same top-10: %s (p50 %.3f "
                "vs %.3f ms, agreement %.3f)\n",
                faster && same ? "met" : "NOT met", scanP50,
                std::min(faissOne.percentile(0.5), faissDefault.percentile(0.5)), scan.agreement);
    if (chunks == kTargetChunks)
        std::printf("target: hybrid p50 <= %.0f ms at %d chunks: %s (%.3f ms)\n", kHybridTargetMs,
                    kTargetChunks,
                    hybridMode.percentile(0.5) <= kHybridTargetMs ? "met" : "NOT met",
                    hybridMode.percentile(0.5));
    std::fflush(stdout);

    // Only the exact index and the store stay for the approximate part.
    hybrid.reset();
    flat.reset();
    flat.codes.shrink_to_fit();
    stored = {};
    benchmarkApproximate(path, db, index, corpus, documents, probes, queries, scan, options);

    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("bench"));
}

Options parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Search latency of HybridSearch and VectorIndex beside FAISS IndexFlatIP"));
    parser.addHelpOption();
    const QCommandLineOption sizes(QStringLiteral("sizes"), QStringLiteral("chunk counts"),
                                   QStringLiteral("n,n"), QStringLiteral("10000,100000"));
    const QCommandLineOption queries(QStringLiteral("queries"), QStringLiteral("queries timed"),
                                     QStringLiteral("n"), QStringLiteral("200"));
    const QCommandLineOption warmup(QStringLiteral("warmup"),
                                    QStringLiteral("untimed runs of each method first"),
                                    QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption keep(QStringLiteral("keep"),
                                  QStringLiteral("keep the stores in this folder, to inspect them"),
                                  QStringLiteral("dir"));
    parser.addOptions({sizes, queries, warmup, keep});
    parser.addPositionalArgument(QStringLiteral("more sizes"),
                                 QStringLiteral("more chunk counts (--sizes 100000 1000000)"));
    parser.process(app);
    Options options;
    options.sizes.clear();
    const QStringList given = parser.value(sizes).split(QLatin1Char(','), Qt::SkipEmptyParts) +
                              parser.positionalArguments();
    for (const QString &size : given) {
        if (size.toInt() > 0)
            options.sizes.append(size.toInt());
    }
    options.queries = std::max(1, parser.value(queries).toInt());
    options.warmup = std::max(1, parser.value(warmup).toInt()); // the first search loads the index
    options.keepDir = parser.value(keep);
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Options options = parse(app);
    std::printf("# aether-bench-search: %d queries, k=%d, %d dimensions (HashEmbedder)\n",
                options.queries, kK, HashEmbedder::kDimension);
    std::printf("ours is single-threaded; FAISS %d.%d.%d with OpenMP up to %d threads\n",
                FAISS_VERSION_MAJOR, FAISS_VERSION_MINOR, FAISS_VERSION_PATCH,
                omp_get_max_threads());
    try {
        for (const int size : options.sizes)
            benchmarkSize(size, options);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "aether-bench-search: %s\n", error.what());
        return 1;
    }
    return 0;
}
