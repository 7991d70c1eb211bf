#pragma once

#include "text/embedder.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <cstdint>
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

// One tenant's vectors in memory, for exact search without touching SQLite:
// a contiguous float array and an int8 copy of it. A query scans the int8
// copy (a quarter of the memory traffic, which is what bounds a flat scan),
// then re-ranks the best candidates with the float vectors, so the top
// results are those of an exact float scan.
class VectorIndex
{
public:
    // Loads the tenant's vectors with chunk ids above `afterChunkId` and
    // appends them. Throws StoreError when the store cannot be read.
    void loadFrom(const QSqlDatabase &db, const QString &tenant, qint64 afterChunkId = 0);
    void clear();

    // The k most similar chunks, best first; `source` (empty: all) filters.
    // `stats`, when given, receives the spread of the scanned similarities.
    // `allowed`, when given: only these chunks (a metadata filter's).
    QList<VectorHit> search(const Vector &query, int k, const QString &source = {},
                            SimilarityStats *stats = nullptr,
                            const QSet<qint64> *allowed = nullptr) const;
    // The cosine similarity of one chunk's vector to the query; nullopt when
    // the index does not hold the chunk.
    std::optional<float> similarity(qint64 chunkId, const Vector &query) const;

    qsizetype size() const { return qsizetype(m_chunkIds.size()); }
    int dimension() const { return m_dimension; }
    qint64 lastChunkId() const { return m_chunkIds.empty() ? 0 : m_chunkIds.back(); }

    // How many int8 candidates are re-ranked with floats per result wanted.
    static constexpr int kCandidatesPerResult = 8;
    static constexpr int kMinCandidates = 64;

private:
    void append(qint64 chunkId, const float *values, int sourceIndex);
    QList<VectorHit> candidates(const Vector &query, int count, int sourceIndex,
                                SimilarityStats *stats, const QSet<qint64> *allowed) const;

    int m_dimension = 0;
    std::vector<float> m_floats;      // size() * m_dimension
    std::vector<std::int8_t> m_codes; // size() * m_dimension, per-vector scaled
    std::vector<float> m_codeScales;  // float value of one code step, per vector
    std::vector<qint64> m_chunkIds;   // ascending
    std::vector<int> m_sourceIndexes;
    QHash<QString, int> m_sources;
};

} // namespace aether
