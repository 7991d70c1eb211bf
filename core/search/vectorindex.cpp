#include "search/vectorindex.h"

#include "store/knowledgestore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>
#include <cmath>
#include <queue>

namespace aether {

namespace {

// The inner loops below are the whole cost of a scan. They are written plainly
// so the compiler vectorises them; on x86-64 an AVX2 clone is chosen at run
// time where the processor has it (GCC function multi-versioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AETHER_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AETHER_VECTOR_CLONES
#endif

AETHER_VECTOR_CLONES
std::int32_t dotCodes(const std::int8_t *a, const std::int8_t *b, int dimension)
{
    std::int32_t sum = 0;
    for (int i = 0; i < dimension; ++i)
        sum += std::int16_t(a[i]) * std::int16_t(b[i]);
    return sum;
}

AETHER_VECTOR_CLONES
float dotFloats(const float *a, const float *b, int dimension)
{
    float sum = 0;
    for (int i = 0; i < dimension; ++i)
        sum += a[i] * b[i];
    return sum;
}

// Symmetric per-vector quantisation: the largest magnitude maps to 127.
float quantise(const float *values, int dimension, std::int8_t *codes)
{
    float largest = 0;
    for (int i = 0; i < dimension; ++i)
        largest = std::max(largest, std::fabs(values[i]));
    const float step = largest > 0 ? largest / 127.0f : 1.0f;
    for (int i = 0; i < dimension; ++i)
        codes[i] = std::int8_t(std::lround(values[i] / step));
    return step;
}

struct ScoredIndex
{
    float score;
    qsizetype index;
    bool operator>(const ScoredIndex &other) const { return score > other.score; }
};

} // namespace

void VectorIndex::clear()
{
    *this = VectorIndex();
}

void VectorIndex::loadFrom(const QSqlDatabase &db, const QString &tenant, qint64 afterChunkId)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT v.chunk_id, v.embedding, d.source FROM vectors v"
        " JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id"
        " WHERE d.tenant = ? AND v.chunk_id > ? ORDER BY v.chunk_id"));
    query.addBindValue(tenant);
    query.addBindValue(afterChunkId);
    if (!query.exec())
        throw StoreError(
            QStringLiteral("cannot read the vectors: %1").arg(query.lastError().text()));
    while (query.next()) {
        const QByteArray blob = query.value(1).toByteArray();
        const int dimension = int(blob.size() / qsizetype(sizeof(float)));
        if (m_dimension == 0)
            m_dimension = dimension;
        if (dimension != m_dimension || dimension == 0)
            continue; // a vector of another embedder, waiting for a re-index
        const QString source = query.value(2).toString();
        const int sourceIndex = int(m_sources.size());
        const auto known = m_sources.constFind(source);
        append(query.value(0).toLongLong(), reinterpret_cast<const float *>(blob.constData()),
               known != m_sources.cend() ? known.value()
                                         : m_sources.insert(source, sourceIndex).value());
    }
}

void VectorIndex::append(qint64 chunkId, const float *values, int sourceIndex)
{
    m_floats.insert(m_floats.end(), values, values + m_dimension);
    m_codes.resize(m_codes.size() + size_t(m_dimension));
    m_codeScales.push_back(
        quantise(values, m_dimension, m_codes.data() + m_codes.size() - m_dimension));
    m_chunkIds.push_back(chunkId);
    m_sourceIndexes.push_back(sourceIndex);
}

QList<VectorHit> VectorIndex::candidates(const Vector &query, int count, int sourceIndex,
                                         SimilarityStats *stats, const QSet<qint64> *allowed) const
{
    double sum = 0;
    double sumOfSquares = 0;
    qint64 scanned = 0;
    std::vector<std::int8_t> codes(static_cast<size_t>(m_dimension));
    const float queryStep = quantise(query.constData(), m_dimension, codes.data());
    // A min-heap of the best `count` so far; most vectors lose to its top at once.
    std::priority_queue<ScoredIndex, std::vector<ScoredIndex>, std::greater<ScoredIndex>> best;
    const qsizetype total = size();
    for (qsizetype i = 0; i < total; ++i) {
        if (sourceIndex >= 0 && m_sourceIndexes[size_t(i)] != sourceIndex)
            continue;
        if (allowed && !allowed->contains(m_chunkIds[size_t(i)]))
            continue;
        const float score =
            float(dotCodes(m_codes.data() + i * m_dimension, codes.data(), m_dimension)) *
            m_codeScales[size_t(i)] * queryStep;
        sum += score;
        sumOfSquares += double(score) * score;
        ++scanned;
        if (qsizetype(best.size()) < count)
            best.push({score, i});
        else if (score > best.top().score) {
            best.pop();
            best.push({score, i});
        }
    }
    if (stats && scanned > 0) {
        stats->count = scanned;
        stats->mean = sum / double(scanned);
        stats->deviation =
            std::sqrt(std::max(0.0, sumOfSquares / double(scanned) - stats->mean * stats->mean));
    }
    QList<VectorHit> found;
    found.reserve(qsizetype(best.size()));
    for (; !best.empty(); best.pop()) {
        const qsizetype i = best.top().index;
        found.append(VectorHit{qint64(i), dotFloats(m_floats.data() + i * m_dimension,
                                                    query.constData(), m_dimension)});
    }
    return found;
}

QList<VectorHit> VectorIndex::search(const Vector &query, int k, const QString &source,
                                     SimilarityStats *stats, const QSet<qint64> *allowed) const
{
    if (m_dimension == 0 || query.size() != m_dimension || k <= 0)
        return {};
    int sourceIndex = -1;
    if (!source.isEmpty()) {
        const auto known = m_sources.constFind(source);
        if (known == m_sources.cend())
            return {};
        sourceIndex = known.value();
    }
    QList<VectorHit> hits = candidates(query, std::max(kMinCandidates, k * kCandidatesPerResult),
                                       sourceIndex, stats, allowed);
    std::sort(hits.begin(), hits.end(), [](const VectorHit &a, const VectorHit &b) {
        return a.score != b.score ? a.score > b.score : a.chunkId < b.chunkId;
    });
    hits.resize(std::min<qsizetype>(hits.size(), k));
    for (VectorHit &hit : hits)
        hit.chunkId = m_chunkIds[size_t(hit.chunkId)]; // the slot becomes the chunk's id
    return hits;
}

std::optional<float> VectorIndex::similarity(qint64 chunkId, const Vector &query) const
{
    if (query.size() != m_dimension)
        return std::nullopt;
    const auto found = std::lower_bound(m_chunkIds.begin(), m_chunkIds.end(), chunkId);
    if (found == m_chunkIds.end() || *found != chunkId)
        return std::nullopt;
    const size_t slot = size_t(found - m_chunkIds.begin());
    return dotFloats(m_floats.data() + slot * size_t(m_dimension), query.constData(), m_dimension);
}

} // namespace aether
