#pragma once

#include "search/annindex.h"
#include "text/embedder.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <vector>

namespace aether {

struct VectorHit
{
    qint64 chunkId = 0;
    float score = 0; // cosine similarity (vectors are unit length)
};

// How similar a query is to every vector scanned: the spread of scores that
// mean nothing (nearly all of a store is unrelated to any one query), so that
// a hit can be judged by how far it stands out of it, whatever the embedder.
struct SimilarityStats
{
    qint64 count = 0;
    double mean = 0;
    double deviation = 0; // standard deviation
};

// One tenant's vectors in memory, for search without touching SQLite: a
// contiguous float array and an int8 copy of it. A query scans the int8 copy
// (a quarter of the memory traffic, which is what bounds a flat scan), then
// re-ranks the best candidates with the float vectors, so the top results are
// those of an exact float scan.
//
// A scan grows with the store (~2.8 ms per 100,000 vectors of 384
// dimensions), so from kAnnThreshold vectors on the candidates come from an
// approximate index instead (AnnIndex, a graph over the same int8 codes),
// built on a worker thread while the scan keeps answering, then kept current
// as vectors arrive; the float re-rank stays. Deleted vectors become
// tombstones (never returned; still walked through) until they are
// kRebuildShare of the graph, which is then rebuilt, again on a worker thread.
class VectorIndex
{
public:
    VectorIndex();
    ~VectorIndex(); // stops a background build
    VectorIndex(const VectorIndex &) = delete;
    VectorIndex &operator=(const VectorIndex &) = delete;

    // Loads the tenant's vectors with chunk ids above `afterChunkId` and
    // appends them. Throws StoreError when the store cannot be read.
    void loadFrom(const QSqlDatabase &db, const QString &tenant, qint64 afterChunkId = 0);
    // Brings the index in line with the store after removals: reads the
    // tenant's vectors again, keeps those it holds unchanged (and their place
    // in the graph), tombstones the ones gone or changed and adds the new.
    void reconcileWith(const QSqlDatabase &db, const QString &tenant);
    void clear();

    // The k most similar chunks, best first; `source` (empty: all) filters.
    // `stats`, when given, receives the spread of the scanned similarities
    // (of a sample of them when the approximate index answers).
    // `allowed`, when given: only these chunks (a metadata filter's).
    QList<VectorHit> search(const Vector &query, int k, const QString &source = {},
                            SimilarityStats *stats = nullptr,
                            const QSet<qint64> *allowed = nullptr) const;
    // The cosine similarity of one chunk's vector to the query; nullopt when
    // the index does not hold the chunk.
    std::optional<float> similarity(qint64 chunkId, const Vector &query) const;

    qsizetype size() const { return qsizetype(m_chunkIds.size()) - m_tombstones; }
    int dimension() const { return m_dimension; }
    qint64 lastChunkId() const { return m_lastChunkId; }

    // How many int8 candidates are re-ranked with floats per result wanted.
    static constexpr int kCandidatesPerResult = 8;
    static constexpr int kMinCandidates = 64;

    // --- The approximate index ---

    // From this many vectors in a tenant, search goes through the graph.
    // Below it the exact scan is fast (under ~6 ms) and exact. A constant,
    // not a setting: setAnnThreshold() exists for tests and benchmarks.
    static constexpr qsizetype kAnnThreshold = 200000;
    // A search whose source and metadata filter leave at most this many
    // vectors scans them exactly: a graph walk that must skip most nodes
    // wanders far to find enough accepted ones, while scanning this many
    // codes takes ~1.5 ms.
    static constexpr qsizetype kExactScanLimit = 50000;
    // Tombstones above this share of the graph's nodes start a rebuild.
    static constexpr double kRebuildShare = 0.1;
    // Candidates kept while walking the graph (efSearch), at least the
    // candidates asked for. Hashed text features are nearly random in 384
    // dimensions, the hardest case for a graph: measured on passages of the
    // synthetic corpus of bench/search (tests/core/search/tst_annindex.cpp,
    // 50,000 vectors, 16 links), recall@10 against the exact scan is 0.75 at
    // 160, 0.87 at 300, 0.94 at 600 and 0.97 at 1000; at 1000 it falls to
    // 0.92 at 100,000 vectors and 0.67 at 1,000,000 (bench/search.sh).
    static constexpr int kSearchBreadth = 1000;
    // A query with at most this share of its dimensions non-zero is scored
    // exactly from a dimension-major copy of the codes, reading only those
    // dimensions (vectorcodes::dotColumns): the hash embedder's queries have
    // ~45 of 384, so a scan reads an eighth of the codes. The graph serves
    // dense queries: on the hash embedder's short queries (far from every
    // chunk, nearly orthogonal to most) a graph walk cannot find its way,
    // see docs/ARCHITECTURE.md ("Vector search at scale").
    static constexpr double kSparseQueryShare = 0.25;
    // New vectors linked into the graph per maintain(); the rest are scanned
    // exactly until linked, so a burst of arrivals never stalls a search.
    static constexpr int kLinksPerMaintain = 4000;

    void setAnnThreshold(qsizetype vectors) { m_annThreshold = vectors; }
    void setAnnParameters(AnnIndex::Parameters parameters) { m_annParameters = parameters; }
    void setSearchBreadth(int breadth) { m_searchBreadth = breadth; }
    void setExactScanLimit(qsizetype vectors) { m_exactScanLimit = vectors; }
    // Where the graph is kept between runs (empty: nowhere); see saveAnn().
    void setAnnFile(const QString &path) { m_annFile = path; }

    // Called after each load with the store's deletions counter: reads a
    // saved graph the first time, starts a background build or rebuild when
    // due, adopts a finished one, links new vectors into the graph and saves
    // it when it grew. Cheap when there is nothing to do.
    void maintain(qint64 storeDeletions);
    // Builds the graph now, on this thread (tests, benchmarks).
    void buildAnn();
    // Waits for a background build and adopts it (tests, benchmarks).
    void waitForAnn(qint64 storeDeletions);
    bool hasAnn() const { return m_ann != nullptr; }
    bool annBuilding() const { return m_build.valid(); }
    qsizetype annNodes() const { return m_ann ? qsizetype(m_ann->size()) : 0; }
    qsizetype tombstones() const { return m_tombstones; }
    bool hasColumns() const { return m_keepsColumns; }
    // Which way search() answers this query: "scan", "columns" or "graph".
    const char *method(const Vector &query, const QString &source = {},
                       const QSet<qint64> *allowed = nullptr) const;

    // The graph file: a header (format, dimension, the last chunk id and the
    // store's deletions counter it covers), the chunk id of every node, the
    // graph, and a checksum. Written only without tombstones, so that it
    // matches what a fresh load of the store gives.
    bool saveAnn(qint64 storeDeletions);
    // Adopts the saved graph when it matches the loaded vectors and the
    // store's deletions counter; otherwise false (and one log line if the
    // file was there but unusable).
    bool loadAnn(qint64 storeDeletions);

    // Bytes held: the float and int8 vectors, and the graph.
    qint64 vectorBytes() const;
    qint64 annBytes() const { return m_ann ? m_ann->memoryBytes() : 0; }

private:
    struct ScanScope
    {
        int sourceIndex = -1;
        const QSet<qint64> *allowed = nullptr;
    };
    struct Build
    {
        std::vector<std::uint32_t> keptSlots; // old slots that became 0, 1, 2, ...
        std::size_t slotsThen = 0;            // slots the index had when it started
        std::unique_ptr<AnnIndex> graph;
    };

    enum class Method
    {
        Scan,
        Columns,
        Graph
    };
    Method methodFor(const std::int8_t *codes, const ScanScope &scope) const;
    bool scopeFor(const QString &source, const QSet<qint64> *allowed, ScanScope &scope) const;
    void append(qint64 chunkId, const float *values, int sourceIndex);
    void keepColumns();
    void appendColumn(std::uint32_t slot);
    QList<VectorHit> columnCandidates(const std::int8_t *codes, float step, const Vector &query,
                                      int count, const ScanScope &scope,
                                      SimilarityStats *stats) const;
    int sourceIndexFor(const QString &source);
    void tombstone(std::uint32_t slot);
    bool accepts(std::uint32_t slot, const ScanScope &scope) const;
    qsizetype vectorsInScope(const ScanScope &scope) const;
    CodeTable codeTable() const;
    QList<VectorHit> candidates(const Vector &query, int count, const ScanScope &scope,
                                SimilarityStats *stats) const;
    QList<VectorHit> annCandidates(const Vector &query, int count, const ScanScope &scope,
                                   SimilarityStats *stats) const;
    QList<VectorHit> reranked(const Vector &query, const std::vector<AnnCandidate> &found) const;
    void sampleSpread(const std::int8_t *codes, float step, const ScanScope &scope,
                      SimilarityStats *stats) const;
    bool wantsAnn() const;
    void startBuild();
    void adopt(Build build);
    void linkNewVectors(std::size_t most);
    void stopBuild();

    int m_dimension = 0;
    std::vector<float> m_floats;      // slots * m_dimension
    std::vector<std::int8_t> m_codes; // slots * m_dimension, per-vector scaled
    std::vector<float> m_codeScales;  // float value of one code step, per slot
    std::vector<qint64> m_chunkIds;   // by slot; ascending but for ids the store reused
    std::vector<int> m_sourceIndexes;
    std::vector<bool> m_deleted; // tombstones, by slot
    // The codes again, dimension-major in blocks (vectorcodes::dotColumns),
    // once the index is large enough for the graph.
    std::vector<std::int8_t> m_columns;
    bool m_keepsColumns = false;
    QHash<qint64, std::uint32_t> m_slotOf; // the live slot of each chunk
    QHash<QString, int> m_sources;
    std::vector<qsizetype> m_sourceSizes; // live vectors, by source index
    qsizetype m_tombstones = 0;
    qint64 m_lastChunkId = 0;

    qsizetype m_annThreshold = kAnnThreshold;
    AnnIndex::Parameters m_annParameters;
    int m_searchBreadth = kSearchBreadth;
    qsizetype m_exactScanLimit = kExactScanLimit;
    QString m_annFile;
    bool m_annFileTried = false;
    std::size_t m_savedNodes = 0; // nodes in the graph file this index last wrote or read
    std::unique_ptr<AnnIndex> m_ann;
    std::future<Build> m_build;
    std::shared_ptr<std::atomic_bool> m_buildCancelled;
};

} // namespace aether
