#include "search/vectorindex.h"

#include "search/vectorcodes.h"
#include "store/knowledgestore.h"
#include "store/storemeta.h"
#include "store/vectorencoding.h"

#include <QCryptographicHash>
#include <QFile>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <queue>

namespace aether {

Q_LOGGING_CATEGORY(lcVectorIndex, "aether.search.vectorindex")

using vectorcodes::dotCodes;
using vectorcodes::dotFloats;
using vectorcodes::quantise;

namespace {

struct ScoredIndex
{
    float score;
    qsizetype index;
    bool operator>(const ScoredIndex &other) const { return score > other.score; }
};

// The best `count` scored slots seen, its least similar on top.
class BestSlots
{
public:
    explicit BestSlots(int count) : m_count(std::size_t(count)) {}
    void offer(float score, qsizetype slot)
    {
        if (m_heap.size() < m_count)
            m_heap.push({score, slot});
        else if (score > m_heap.top().score) {
            m_heap.pop();
            m_heap.push({score, slot});
        }
    }
    std::vector<AnnCandidate> take()
    {
        std::vector<AnnCandidate> slots;
        for (; !m_heap.empty(); m_heap.pop())
            slots.push_back({m_heap.top().score, std::uint32_t(m_heap.top().index)});
        return slots;
    }

private:
    std::size_t m_count;
    std::priority_queue<ScoredIndex, std::vector<ScoredIndex>, std::greater<ScoredIndex>> m_heap;
};

// Sum and sum of squares of similarities, for SimilarityStats.
struct Spread
{
    double sum = 0;
    double squares = 0;
    qint64 count = 0;
    void add(float score)
    {
        sum += score;
        squares += double(score) * score;
        ++count;
    }
    void writeTo(SimilarityStats *stats) const
    {
        if (!stats || count == 0)
            return;
        stats->count = count;
        stats->mean = sum / double(count);
        stats->deviation =
            std::sqrt(std::max(0.0, squares / double(count) - stats->mean * stats->mean));
    }
};

// The spread of similarities is estimated from this many vectors when the
// graph answers (it reads only the query's neighbourhood): enough for a mean
// and deviation within a few per cent, for ~0.2 ms.
constexpr qsizetype kSpreadSample = 8192;

// The graph file's header. The magic number also tells a file written on a
// machine of the other byte order apart.
constexpr std::uint32_t kAnnMagic = 0x314e4e41; // "ANN1"
constexpr std::uint32_t kAnnVersion = 1;

// Passes reads or writes through to a file and hashes them, so the graph
// file's checksum is computed as it streams, without a copy in memory.
class ChecksummedDevice : public QIODevice
{
public:
    ChecksummedDevice(QIODevice &inner, OpenMode mode) : m_inner(inner)
    {
        open(mode | QIODevice::Unbuffered); // a read-ahead would hash the checksum itself
    }
    QByteArray digest() const { return m_hash.result(); }

protected:
    qint64 readData(char *data, qint64 most) override
    {
        const qint64 read = m_inner.read(data, most);
        if (read > 0)
            m_hash.addData(QByteArrayView(data, read));
        return read;
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        m_hash.addData(QByteArrayView(data, size));
        return m_inner.write(data, size);
    }

private:
    QIODevice &m_inner;
    QCryptographicHash m_hash{QCryptographicHash::Md5};
};

template<typename T> bool readValue(QIODevice &device, T &value)
{
    return device.read(reinterpret_cast<char *>(&value), sizeof(T)) == qint64(sizeof(T));
}

template<typename T> void writeValue(QIODevice &device, T value)
{
    device.write(reinterpret_cast<const char *>(&value), sizeof(T));
}

} // namespace

VectorIndex::VectorIndex() = default;

VectorIndex::~VectorIndex()
{
    stopBuild();
}

void VectorIndex::stopBuild()
{
    if (!m_build.valid())
        return;
    m_buildCancelled->store(true);
    m_build.wait(); // the builder looks at the flag every few hundred nodes
    m_build = {};
}

void VectorIndex::clear()
{
    stopBuild();
    m_dimension = 0;
    m_floats = {};
    m_codes = {};
    m_codeScales = {};
    m_chunkIds = {};
    m_sourceIndexes = {};
    m_deleted = {};
    m_columns = {};
    m_keepsColumns = false;
    m_slotOf.clear();
    m_sources.clear();
    m_sourceSizes = {};
    m_tombstones = 0;
    m_lastChunkId = 0;
    m_annFileTried = false;
    m_savedNodes = 0;
    m_ann.reset();
}

int VectorIndex::sourceIndexFor(const QString &source)
{
    const auto known = m_sources.constFind(source);
    if (known != m_sources.cend())
        return known.value();
    m_sourceSizes.push_back(0);
    return m_sources.insert(source, int(m_sources.size())).value();
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
    const VectorEncoding encoding = vectorencoding::of(storemeta::read(db));
    std::vector<float> values;
    while (query.next()) {
        const QByteArray blob = query.value(1).toByteArray();
        const int dimension = vectorencoding::dimensionOf(blob.size(), encoding);
        if (m_dimension == 0)
            m_dimension = dimension;
        if (dimension != m_dimension || dimension == 0)
            continue; // a vector of another embedder, waiting for a re-index
        vectorencoding::decode(blob, encoding, dimension, values);
        append(query.value(0).toLongLong(), values.data(),
               sourceIndexFor(query.value(2).toString()));
    }
}

void VectorIndex::reconcileWith(const QSqlDatabase &db, const QString &tenant)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT v.chunk_id, v.embedding, d.source FROM vectors v"
        " JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id"
        " WHERE d.tenant = ? ORDER BY v.chunk_id"));
    query.addBindValue(tenant);
    if (!query.exec())
        throw StoreError(
            QStringLiteral("cannot read the vectors: %1").arg(query.lastError().text()));
    struct Arrived
    {
        qint64 chunkId;
        std::vector<float> values;
        QString source;
    };
    std::vector<Arrived> arrived;
    std::vector<bool> kept(m_chunkIds.size(), false);
    const VectorEncoding encoding = vectorencoding::of(storemeta::read(db));
    std::vector<float> values;
    for (bool first = true; query.next(); first = false) {
        const qint64 chunkId = query.value(0).toLongLong();
        const QByteArray blob = query.value(1).toByteArray();
        const QString source = query.value(2).toString();
        if (m_dimension == 0 || vectorencoding::dimensionOf(blob.size(), encoding) != m_dimension) {
            if (first) {
                // Another embedder's vectors (a re-index): nothing to keep.
                query.finish();
                clear();
                loadFrom(db, tenant);
                return;
            }
            continue; // as loadFrom() does: waiting for the re-index to finish
        }
        // A chunk id the store reused, or a re-embedded chunk, holds another
        // vector under the same id: only the very same values keep their slot.
        vectorencoding::decode(blob, encoding, m_dimension, values);
        const auto slot = m_slotOf.constFind(chunkId);
        if (slot != m_slotOf.cend() &&
            m_sourceIndexes[slot.value()] == m_sources.value(source, -1) &&
            std::memcmp(m_floats.data() + std::size_t(slot.value()) * std::size_t(m_dimension),
                        values.data(), values.size() * sizeof(float)) == 0) {
            kept[slot.value()] = true;
            continue;
        }
        arrived.push_back({chunkId, values, source});
    }
    for (std::uint32_t slot = 0; slot < kept.size(); ++slot) {
        if (!kept[slot])
            tombstone(slot);
    }
    for (const Arrived &vector : arrived)
        append(vector.chunkId, vector.values.data(), sourceIndexFor(vector.source));
}

void VectorIndex::append(qint64 chunkId, const float *values, int sourceIndex)
{
    const auto slot = std::uint32_t(m_chunkIds.size());
    m_floats.insert(m_floats.end(), values, values + m_dimension);
    m_codes.resize(m_codes.size() + size_t(m_dimension));
    m_codeScales.push_back(
        quantise(values, m_dimension, m_codes.data() + m_codes.size() - m_dimension));
    m_chunkIds.push_back(chunkId);
    m_sourceIndexes.push_back(sourceIndex);
    m_deleted.push_back(false);
    m_slotOf.insert(chunkId, slot);
    ++m_sourceSizes[size_t(sourceIndex)];
    m_lastChunkId = std::max(m_lastChunkId, chunkId);
    if (m_keepsColumns)
        appendColumn(slot);
}

void VectorIndex::tombstone(std::uint32_t slot)
{
    if (m_deleted[slot])
        return;
    m_deleted[slot] = true;
    ++m_tombstones;
    --m_sourceSizes[size_t(m_sourceIndexes[slot])];
    const auto live = m_slotOf.constFind(m_chunkIds[slot]);
    if (live != m_slotOf.cend() && live.value() == slot)
        m_slotOf.erase(live);
}

bool VectorIndex::accepts(std::uint32_t slot, const ScanScope &scope) const
{
    return !m_deleted[slot] &&
           (scope.sourceIndex < 0 || m_sourceIndexes[slot] == scope.sourceIndex) &&
           (!scope.allowed || scope.allowed->contains(m_chunkIds[slot]));
}

qsizetype VectorIndex::vectorsInScope(const ScanScope &scope) const
{
    qsizetype vectors = scope.sourceIndex >= 0 ? m_sourceSizes[size_t(scope.sourceIndex)] : size();
    if (scope.allowed)
        vectors = std::min(vectors, scope.allowed->size());
    return vectors;
}

CodeTable VectorIndex::codeTable() const
{
    return CodeTable{m_codes.data(), m_codeScales.data(), m_dimension};
}

QList<VectorHit> VectorIndex::reranked(const Vector &query,
                                       const std::vector<AnnCandidate> &found) const
{
    QList<VectorHit> hits;
    hits.reserve(qsizetype(found.size()));
    for (const AnnCandidate &candidate : found)
        hits.append(VectorHit{qint64(candidate.slot),
                              dotFloats(m_floats.data() + size_t(candidate.slot) * m_dimension,
                                        query.constData(), m_dimension)});
    return hits;
}

QList<VectorHit> VectorIndex::candidates(const Vector &query, int count, const ScanScope &scope,
                                         SimilarityStats *stats) const
{
    Spread spread;
    std::vector<std::int8_t> codes(static_cast<size_t>(m_dimension));
    const float queryStep = quantise(query.constData(), m_dimension, codes.data());
    // Most vectors lose to the worst of the best `count` at once.
    BestSlots best(count);
    const auto score = [&](std::uint32_t slot) {
        const float similarity = float(dotCodes(m_codes.data() + size_t(slot) * m_dimension,
                                                codes.data(), m_dimension)) *
                                 m_codeScales[slot] * queryStep;
        spread.add(similarity);
        best.offer(similarity, slot);
    };
    // A metadata filter that allows few chunks: look those up rather than
    // asking the filter about every slot.
    if (scope.allowed && scope.allowed->size() < qsizetype(m_chunkIds.size()) / 4) {
        for (const qint64 chunkId : *scope.allowed) {
            const auto slot = m_slotOf.constFind(chunkId);
            if (slot != m_slotOf.cend() && accepts(slot.value(), scope))
                score(slot.value());
        }
    } else {
        for (std::uint32_t slot = 0; slot < m_chunkIds.size(); ++slot) {
            if (accepts(slot, scope))
                score(slot);
        }
    }
    spread.writeTo(stats);
    return reranked(query, best.take());
}

QList<VectorHit> VectorIndex::annCandidates(const Vector &query, int count, const ScanScope &scope,
                                            SimilarityStats *stats) const
{
    std::vector<std::int8_t> codes(static_cast<size_t>(m_dimension));
    const float queryStep = quantise(query.constData(), m_dimension, codes.data());
    AnnIndex::Accept accept;
    if (m_tombstones > 0 || scope.sourceIndex >= 0 || scope.allowed)
        accept = [this, &scope](std::uint32_t slot) { return accepts(slot, scope); };
    std::vector<AnnCandidate> found = m_ann->search(codeTable(), codes.data(), queryStep, count,
                                                    std::max(m_searchBreadth, count), accept);
    // Vectors not linked into the graph yet are scanned.
    const CodeTable table = codeTable();
    BestSlots best(count);
    for (const AnnCandidate &candidate : found)
        best.offer(candidate.score, candidate.slot);
    for (std::uint32_t slot = m_ann->size(); slot < m_chunkIds.size(); ++slot) {
        if (accepts(slot, scope))
            best.offer(table.similarity(slot, codes.data(), queryStep), slot);
    }
    sampleSpread(codes.data(), queryStep, scope, stats);
    return reranked(query, best.take());
}

void VectorIndex::sampleSpread(const std::int8_t *codes, float step, const ScanScope &scope,
                               SimilarityStats *stats) const
{
    if (!stats)
        return;
    Spread spread;
    const CodeTable table = codeTable();
    const std::size_t stride = std::max<std::size_t>(1, m_chunkIds.size() / kSpreadSample);
    for (std::size_t slot = 0; slot < m_chunkIds.size(); slot += stride) {
        if (accepts(std::uint32_t(slot), scope))
            spread.add(table.similarity(std::uint32_t(slot), codes, step));
    }
    spread.writeTo(stats);
}

QList<VectorHit> VectorIndex::search(const Vector &query, int k, const QString &source,
                                     SimilarityStats *stats, const QSet<qint64> *allowed) const
{
    if (m_dimension == 0 || query.size() != m_dimension || k <= 0)
        return {};
    ScanScope scope;
    if (!scopeFor(source, allowed, scope))
        return {};
    std::vector<std::int8_t> codes(static_cast<size_t>(m_dimension));
    const float step = quantise(query.constData(), m_dimension, codes.data());
    const int count = std::max(kMinCandidates, k * kCandidatesPerResult);
    QList<VectorHit> hits;
    switch (methodFor(codes.data(), scope)) {
    case Method::Scan:
        hits = candidates(query, count, scope, stats);
        break;
    case Method::Columns:
        hits = columnCandidates(codes.data(), step, query, count, scope, stats);
        break;
    case Method::Graph:
        hits = annCandidates(query, count, scope, stats);
        break;
    }
    std::sort(hits.begin(), hits.end(), [](const VectorHit &a, const VectorHit &b) {
        return a.score != b.score ? a.score > b.score : a.chunkId < b.chunkId;
    });
    hits.resize(std::min<qsizetype>(hits.size(), k));
    for (VectorHit &hit : hits)
        hit.chunkId = m_chunkIds[size_t(hit.chunkId)]; // the slot becomes the chunk's id
    return hits;
}

bool VectorIndex::scopeFor(const QString &source, const QSet<qint64> *allowed,
                           ScanScope &scope) const
{
    scope.allowed = allowed;
    if (source.isEmpty())
        return true;
    const auto known = m_sources.constFind(source);
    if (known == m_sources.cend())
        return false;
    scope.sourceIndex = known.value();
    return true;
}

// The rule: a scope of at most m_exactScanLimit vectors is scanned; beyond
// it a sparse query reads the columns (exact, and cheaper than the graph),
// a dense one walks the graph once there is one.
VectorIndex::Method VectorIndex::methodFor(const std::int8_t *codes, const ScanScope &scope) const
{
    if (vectorsInScope(scope) <= m_exactScanLimit)
        return Method::Scan;
    if (m_keepsColumns) {
        const auto nonZero =
            std::count_if(codes, codes + m_dimension, [](std::int8_t code) { return code != 0; });
        if (double(nonZero) <= kSparseQueryShare * m_dimension)
            return Method::Columns;
    }
    return m_ann ? Method::Graph : Method::Scan;
}

const char *VectorIndex::method(const Vector &query, const QString &source,
                                const QSet<qint64> *allowed) const
{
    ScanScope scope;
    if (m_dimension == 0 || query.size() != m_dimension || !scopeFor(source, allowed, scope))
        return "scan";
    std::vector<std::int8_t> codes(static_cast<size_t>(m_dimension));
    quantise(query.constData(), m_dimension, codes.data());
    switch (methodFor(codes.data(), scope)) {
    case Method::Columns:
        return "columns";
    case Method::Graph:
        return "graph";
    case Method::Scan:
        break;
    }
    return "scan";
}

QList<VectorHit> VectorIndex::columnCandidates(const std::int8_t *codes, float step,
                                               const Vector &query, int count,
                                               const ScanScope &scope, SimilarityStats *stats) const
{
    std::vector<int> dims;
    std::vector<std::int16_t> weights;
    for (int j = 0; j < m_dimension; ++j) {
        if (codes[j] != 0) {
            dims.push_back(j);
            weights.push_back(codes[j]);
        }
    }
    Spread spread;
    BestSlots best(count);
    const bool everySlot = m_tombstones == 0 && scope.sourceIndex < 0 && !scope.allowed;
    alignas(32) std::int32_t scores[vectorcodes::kBlockVectors];
    const std::size_t slots = m_chunkIds.size();
    for (std::size_t first = 0; first < slots; first += vectorcodes::kBlockVectors) {
        vectorcodes::dotColumns(m_columns.data() + first * size_t(m_dimension), dims.data(),
                                weights.data(), int(dims.size()), scores);
        const std::size_t inBlock =
            std::min<std::size_t>(vectorcodes::kBlockVectors, slots - first);
        for (std::size_t i = 0; i < inBlock; ++i) {
            const auto slot = std::uint32_t(first + i);
            if (!everySlot && !accepts(slot, scope))
                continue;
            const float score = float(scores[i]) * m_codeScales[slot] * step;
            spread.add(score);
            best.offer(score, slot);
        }
    }
    spread.writeTo(stats);
    return reranked(query, best.take());
}

void VectorIndex::keepColumns()
{
    m_keepsColumns = true;
    m_columns.clear();
    for (std::uint32_t slot = 0; slot < m_chunkIds.size(); ++slot)
        appendColumn(slot);
}

void VectorIndex::appendColumn(std::uint32_t slot)
{
    const std::size_t block = slot / vectorcodes::kBlockVectors;
    const std::size_t row = slot % vectorcodes::kBlockVectors;
    const std::size_t blockBytes = std::size_t(m_dimension) * vectorcodes::kBlockVectors;
    if (m_columns.size() < (block + 1) * blockBytes)
        m_columns.resize((block + 1) * blockBytes, 0);
    std::int8_t *column = m_columns.data() + block * blockBytes + row;
    const std::int8_t *codes = m_codes.data() + std::size_t(slot) * std::size_t(m_dimension);
    for (int j = 0; j < m_dimension; ++j)
        column[std::size_t(j) * vectorcodes::kBlockVectors] = codes[j];
}

std::optional<float> VectorIndex::similarity(qint64 chunkId, const Vector &query) const
{
    if (query.size() != m_dimension)
        return std::nullopt;
    const auto slot = m_slotOf.constFind(chunkId);
    if (slot == m_slotOf.cend())
        return std::nullopt;
    return dotFloats(m_floats.data() + size_t(slot.value()) * size_t(m_dimension),
                     query.constData(), m_dimension);
}

qint64 VectorIndex::vectorBytes() const
{
    return qint64(m_floats.capacity() * sizeof(float) + m_codes.capacity() + m_columns.capacity() +
                  m_codeScales.capacity() * sizeof(float) + m_chunkIds.capacity() * sizeof(qint64) +
                  m_sourceIndexes.capacity() * sizeof(int) + m_deleted.capacity() / 8) +
           qint64(m_slotOf.capacity()) * qint64(sizeof(qint64) + sizeof(std::uint32_t) + 8);
}

// --- The approximate index ---

bool VectorIndex::wantsAnn() const
{
    return size() >= m_annThreshold;
}

namespace {

// The graph over a copy of the live vectors' codes, on a worker thread; the
// copy is what makes it safe while the index takes in new vectors meanwhile.
std::unique_ptr<AnnIndex> buildGraph(std::vector<std::int8_t> codes, std::vector<float> scales,
                                     int dimension, AnnIndex::Parameters parameters,
                                     const std::atomic_bool &cancelled)
{
    auto graph = std::make_unique<AnnIndex>(parameters);
    const CodeTable table{codes.data(), scales.data(), dimension};
    for (std::size_t node = 0; node < scales.size(); ++node) {
        if (node % 256 == 0 && cancelled.load())
            return nullptr;
        graph->add(table);
    }
    return graph;
}

} // namespace

void VectorIndex::startBuild()
{
    stopBuild();
    std::vector<std::uint32_t> kept;
    kept.reserve(size_t(size()));
    for (std::uint32_t slot = 0; slot < m_chunkIds.size(); ++slot) {
        if (!m_deleted[slot])
            kept.push_back(slot);
    }
    std::vector<std::int8_t> codes(kept.size() * size_t(m_dimension));
    std::vector<float> scales(kept.size());
    for (std::size_t node = 0; node < kept.size(); ++node) {
        std::memcpy(codes.data() + node * size_t(m_dimension),
                    m_codes.data() + size_t(kept[node]) * size_t(m_dimension), size_t(m_dimension));
        scales[node] = m_codeScales[kept[node]];
    }
    m_buildCancelled = std::make_shared<std::atomic_bool>(false);
    m_build = std::async(std::launch::async, [codes = std::move(codes), scales = std::move(scales),
                                              kept = std::move(kept), slotsThen = m_chunkIds.size(),
                                              dimension = m_dimension, parameters = m_annParameters,
                                              cancelled = m_buildCancelled]() mutable {
        Build build;
        build.graph =
            buildGraph(std::move(codes), std::move(scales), dimension, parameters, *cancelled);
        build.keptSlots = std::move(kept);
        build.slotsThen = slotsThen;
        return build;
    });
}

void VectorIndex::buildAnn()
{
    if (!m_keepsColumns)
        keepColumns();
    startBuild();
    m_build.wait();
    adopt(m_build.get());
    linkNewVectors(m_chunkIds.size());
}

void VectorIndex::waitForAnn(qint64 storeDeletions)
{
    if (m_build.valid())
        m_build.wait();
    maintain(storeDeletions);
    linkNewVectors(m_chunkIds.size());
}

// The new graph's nodes are the slots live when the build started, in
// order, so the arrays drop the tombstones of then to match; slots added
// since follow (linked by linkNewVectors()), and tombstones made since stay.
void VectorIndex::adopt(Build build)
{
    if (!build.graph)
        return; // cancelled
    std::vector<std::uint32_t> order = std::move(build.keptSlots);
    const bool unchanged = order.size() == build.slotsThen;
    for (std::size_t slot = build.slotsThen; slot < m_chunkIds.size(); ++slot)
        order.push_back(std::uint32_t(slot));
    if (!unchanged) {
        const auto rows = [this, &order](auto &values, std::size_t width) {
            std::remove_reference_t<decltype(values)> kept(order.size() * width);
            for (std::size_t i = 0; i < order.size(); ++i)
                std::copy_n(values.begin() + std::ptrdiff_t(order[i] * width), width,
                            kept.begin() + std::ptrdiff_t(i * width));
            values = std::move(kept);
        };
        rows(m_floats, size_t(m_dimension));
        rows(m_codes, size_t(m_dimension));
        rows(m_codeScales, 1);
        rows(m_chunkIds, 1);
        rows(m_sourceIndexes, 1);
        std::vector<bool> deleted(order.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            deleted[i] = m_deleted[order[i]];
        m_deleted = std::move(deleted);
        m_tombstones = std::count(m_deleted.begin(), m_deleted.end(), true);
        m_slotOf.clear();
        for (std::uint32_t slot = 0; slot < m_chunkIds.size(); ++slot) {
            if (!m_deleted[slot])
                m_slotOf.insert(m_chunkIds[slot], slot);
        }
        if (m_keepsColumns)
            keepColumns();
    }
    m_ann = std::move(build.graph);
}

void VectorIndex::linkNewVectors(std::size_t most)
{
    if (!m_ann)
        return;
    const CodeTable table = codeTable();
    for (; m_ann->size() < m_chunkIds.size() && most > 0; --most)
        m_ann->add(table);
}

void VectorIndex::maintain(qint64 storeDeletions)
{
    if (m_build.valid()) {
        if (m_build.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            linkNewVectors(kLinksPerMaintain); // the old graph keeps answering
            return;
        }
        adopt(m_build.get());
    }
    if (!m_keepsColumns && wantsAnn())
        keepColumns();
    if (!m_ann) {
        if (!wantsAnn())
            return;
        if (!m_annFileTried) {
            m_annFileTried = true;
            loadAnn(storeDeletions);
        }
        if (!m_ann) {
            startBuild();
            return;
        }
    }
    if (double(m_tombstones) > kRebuildShare * double(m_ann->size())) {
        startBuild();
        return;
    }
    linkNewVectors(kLinksPerMaintain);
    if (m_ann->size() >= 1.1 * double(m_savedNodes))
        saveAnn(storeDeletions);
}

bool VectorIndex::saveAnn(qint64 storeDeletions)
{
    if (m_annFile.isEmpty() || !m_ann || m_tombstones > 0 || m_ann->size() != m_chunkIds.size())
        return false;
    QSaveFile file(m_annFile);
    m_savedNodes = m_ann->size(); // a failed write is not retried before the graph grows again
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcVectorIndex, "cannot write %s: %s", qPrintable(m_annFile),
                  qPrintable(file.errorString()));
        return false;
    }
    {
        ChecksummedDevice device(file, QIODevice::WriteOnly);
        writeValue(device, kAnnMagic);
        writeValue(device, kAnnVersion);
        writeValue(device, std::uint32_t(m_dimension));
        writeValue(device, std::uint32_t(m_ann->size()));
        writeValue(device, qint64(m_chunkIds.empty() ? 0 : m_chunkIds.back()));
        writeValue(device, qint64(storeDeletions));
        device.write(reinterpret_cast<const char *>(m_chunkIds.data()),
                     qint64(m_chunkIds.size() * sizeof(qint64)));
        m_ann->write(device);
        file.write(device.digest());
    }
    if (!file.commit()) {
        qCWarning(lcVectorIndex, "cannot write %s: %s", qPrintable(m_annFile),
                  qPrintable(file.errorString()));
        return false;
    }
    return true;
}

bool VectorIndex::loadAnn(qint64 storeDeletions)
{
    QFile file(m_annFile);
    if (m_annFile.isEmpty() || !file.exists() || m_tombstones > 0)
        return false;
    const auto unusable = [this](const char *why) {
        qCWarning(lcVectorIndex, "ignoring %s (%s); the graph is rebuilt", qPrintable(m_annFile),
                  why);
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return unusable("cannot be read");
    ChecksummedDevice device(file, QIODevice::ReadOnly);
    std::uint32_t magic = 0;
    std::uint32_t version = 0;
    std::uint32_t dimension = 0;
    std::uint32_t nodes = 0;
    qint64 lastChunkId = 0;
    qint64 deletions = 0;
    if (!readValue(device, magic) || !readValue(device, version) || !readValue(device, dimension) ||
        !readValue(device, nodes) || !readValue(device, lastChunkId) ||
        !readValue(device, deletions) || magic != kAnnMagic || version != kAnnVersion)
        return unusable("not a graph file of this version");
    if (int(dimension) != m_dimension || deletions != storeDeletions || nodes == 0 ||
        nodes > m_chunkIds.size() || m_chunkIds[nodes - 1] != lastChunkId)
        return unusable("made for other vectors or before removals from the store");
    std::vector<qint64> chunkIds(nodes);
    const qint64 idBytes = qint64(nodes * sizeof(qint64));
    if (device.read(reinterpret_cast<char *>(chunkIds.data()), idBytes) != idBytes)
        return unusable("truncated");
    if (!std::equal(chunkIds.begin(), chunkIds.end(), m_chunkIds.begin()))
        return unusable("made for other vectors");
    std::unique_ptr<AnnIndex> graph = AnnIndex::read(device, nodes);
    if (!graph)
        return unusable("corrupt graph");
    const QByteArray digest = device.digest();
    if (file.read(digest.size()) != digest || !file.atEnd())
        return unusable("checksum mismatch");
    m_ann = std::move(graph);
    m_savedNodes = nodes;
    return true;
}

} // namespace aether
