#include "search/annindex.h"

#include "search/vectorcodes.h"

#include <QIODevice>
#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace aether {

namespace {

constexpr int kMaxLevel = 15;

struct Better
{
    bool operator()(const AnnCandidate &a, const AnnCandidate &b) const
    {
        return a.score != b.score ? a.score > b.score : a.slot < b.slot;
    }
};
struct Worse
{
    bool operator()(const AnnCandidate &a, const AnnCandidate &b) const { return Better()(b, a); }
};

// The nodes one search has reached, cleared in O(1) by moving to the next
// epoch. One per thread, as searches run on several at once.
class Visited
{
public:
    void start(std::size_t nodes)
    {
        if (m_marks.size() < nodes)
            m_marks.resize(nodes, 0);
        if (++m_epoch == 0) { // wrapped: old marks would read as this epoch's
            std::fill(m_marks.begin(), m_marks.end(), 0);
            m_epoch = 1;
        }
    }
    bool firstVisit(std::uint32_t node)
    {
        if (m_marks[node] == m_epoch)
            return false;
        m_marks[node] = m_epoch;
        return true;
    }

private:
    std::vector<std::uint16_t> m_marks;
    std::uint16_t m_epoch = 0;
};

Visited &visitedForThisThread()
{
    thread_local Visited visited;
    return visited;
}

std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL; // splitmix64
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

template<typename T> bool readArray(QIODevice &device, std::vector<T> &values, std::size_t count)
{
    values.resize(count);
    const qint64 bytes = qint64(count * sizeof(T));
    return device.read(reinterpret_cast<char *>(values.data()), bytes) == bytes;
}

template<typename T> void writeArray(QIODevice &device, const std::vector<T> &values)
{
    device.write(reinterpret_cast<const char *>(values.data()), qint64(values.size() * sizeof(T)));
}

template<typename T> bool readValue(QIODevice &device, T &value)
{
    return device.read(reinterpret_cast<char *>(&value), sizeof(T)) == qint64(sizeof(T));
}

template<typename T> void writeValue(QIODevice &device, T value)
{
    device.write(reinterpret_cast<const char *>(&value), sizeof(T));
}

} // namespace

float CodeTable::similarity(std::uint32_t slot, const std::int8_t *query, float queryScale) const
{
    return float(vectorcodes::dotCodes(codesOf(slot), query, dimension)) * scales[slot] *
           queryScale;
}

AnnIndex::AnnIndex(Parameters parameters) : m_parameters(parameters)
{
    m_parameters.links = std::clamp(m_parameters.links, 2, 64);
    m_parameters.buildBreadth = std::max(m_parameters.buildBreadth, m_parameters.links);
}

// Levels from a hash of the node, not a random generator: the same vectors
// give the same graph on every run, which makes a rebuilt graph comparable.
int AnnIndex::levelFor(std::uint32_t node) const
{
    const double uniform = double(mix(node) >> 11) * 0x1.0p-53;
    const double scale = 1.0 / std::log(double(m_parameters.links));
    return std::min(kMaxLevel, int(-std::log(std::max(uniform, 1e-300)) * scale));
}

std::uint32_t *AnnIndex::linksOf(std::uint32_t node, int level)
{
    if (level == 0)
        return m_bottom.data() + std::size_t(node) * std::size_t(1 + linksAt(0));
    return m_upper.data() + m_upperStart[node] + std::size_t(level - 1) * (1 + linksAt(1));
}

const std::uint32_t *AnnIndex::linksOf(std::uint32_t node, int level) const
{
    return const_cast<AnnIndex *>(this)->linksOf(node, level);
}

// Greedy walk down the upper layers: one best node per layer is enough there,
// they only bring the search near the query.
AnnCandidate AnnIndex::descend(const CodeTable &table, const std::int8_t *query, float queryScale,
                               AnnCandidate entry, int fromLevel, int toLevel) const
{
    for (int level = fromLevel; level > toLevel; --level) {
        for (bool moved = true; moved;) {
            moved = false;
            const std::uint32_t *links = linksOf(entry.slot, level);
            for (std::uint32_t i = 1; i <= links[0]; ++i) {
                const float score = table.similarity(links[i], query, queryScale);
                if (score > entry.score) {
                    entry = {score, links[i]};
                    moved = true;
                }
            }
        }
    }
    return entry;
}

std::vector<AnnCandidate> AnnIndex::searchLayer(const CodeTable &table, const std::int8_t *query,
                                                float queryScale, AnnCandidate entry, int breadth,
                                                int level, const Accept &accept) const
{
    Visited &visited = visitedForThisThread();
    visited.start(m_levels.size());
    // `frontier` yields the most similar unexplored node first; `found` holds
    // the best `breadth` accepted nodes, its least similar on top.
    std::priority_queue<AnnCandidate, std::vector<AnnCandidate>, Worse> frontier;
    std::priority_queue<AnnCandidate, std::vector<AnnCandidate>, Better> found;
    float bar = -std::numeric_limits<float>::infinity();
    const auto consider = [&](AnnCandidate candidate) {
        frontier.push(candidate);
        if (accept && !accept(candidate.slot))
            return;
        found.push(candidate);
        if (int(found.size()) > breadth)
            found.pop();
        if (int(found.size()) == breadth)
            bar = found.top().score;
    };
    visited.firstVisit(entry.slot);
    consider(entry);
    while (!frontier.empty()) {
        const AnnCandidate nearest = frontier.top();
        if (nearest.score < bar)
            break; // nothing left to explore is better than the worst kept
        frontier.pop();
        const std::uint32_t *links = linksOf(nearest.slot, level);
        const std::uint32_t count = links[0];
        for (std::uint32_t i = 1; i <= count; ++i)
            __builtin_prefetch(table.codesOf(links[i]));
        for (std::uint32_t i = 1; i <= count; ++i) {
            const std::uint32_t next = links[i];
            if (!visited.firstVisit(next))
                continue;
            const float score = table.similarity(next, query, queryScale);
            if (score > bar)
                consider({score, next});
        }
    }
    std::vector<AnnCandidate> result;
    result.reserve(found.size());
    for (; !found.empty(); found.pop())
        result.push_back(found.top());
    std::reverse(result.begin(), result.end());
    return result;
}

// HNSW's neighbour heuristic: a candidate is linked only when it is more
// similar to the node than to any neighbour already chosen, so links spread
// in every direction instead of bunching in one cluster (which is what keeps
// recall up on data without clear clusters, like hashed text features).
std::vector<AnnCandidate> AnnIndex::diverse(const CodeTable &table,
                                            const std::vector<AnnCandidate> &sorted, int most) const
{
    std::vector<AnnCandidate> chosen;
    for (const AnnCandidate &candidate : sorted) {
        if (int(chosen.size()) >= most)
            break;
        const std::int8_t *codes = table.codesOf(candidate.slot);
        const float scale = table.scales[candidate.slot];
        const bool nearerToAChosen =
            std::any_of(chosen.begin(), chosen.end(), [&](const AnnCandidate &kept) {
                return table.similarity(kept.slot, codes, scale) > candidate.score;
            });
        if (!nearerToAChosen)
            chosen.push_back(candidate);
    }
    return chosen;
}

// Adds `added` to the links of `node`; a full list is chosen again among
// its old links and the new one.
void AnnIndex::link(const CodeTable &table, std::uint32_t node, std::uint32_t added, int level)
{
    std::uint32_t *links = linksOf(node, level);
    const int most = linksAt(level);
    if (int(links[0]) < most) {
        links[++links[0]] = added;
        return;
    }
    const std::int8_t *codes = table.codesOf(node);
    const float scale = table.scales[node];
    std::vector<AnnCandidate> candidates{{table.similarity(added, codes, scale), added}};
    for (std::uint32_t i = 1; i <= links[0]; ++i)
        candidates.push_back({table.similarity(links[i], codes, scale), links[i]});
    std::sort(candidates.begin(), candidates.end(), Better());
    const std::vector<AnnCandidate> chosen = diverse(table, candidates, most);
    links[0] = std::uint32_t(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i)
        links[i + 1] = chosen[i].slot;
}

void AnnIndex::add(const CodeTable &table)
{
    const std::uint32_t node = size();
    const int level = levelFor(node);
    m_levels.push_back(std::uint8_t(level));
    m_bottom.resize(m_bottom.size() + std::size_t(1 + linksAt(0)), 0);
    m_upperStart.push_back(std::uint32_t(m_upper.size()));
    m_upper.resize(m_upper.size() + std::size_t(level) * std::size_t(1 + linksAt(1)), 0);
    if (m_topLevel < 0) {
        m_entry = node;
        m_topLevel = level;
        return;
    }
    const std::int8_t *query = table.codesOf(node);
    const float queryScale = table.scales[node];
    AnnCandidate entry{table.similarity(m_entry, query, queryScale), m_entry};
    entry = descend(table, query, queryScale, entry, m_topLevel, level);
    for (int layer = std::min(level, m_topLevel); layer >= 0; --layer) {
        const std::vector<AnnCandidate> near =
            searchLayer(table, query, queryScale, entry, m_parameters.buildBreadth, layer, nullptr);
        const std::vector<AnnCandidate> chosen = diverse(table, near, m_parameters.links);
        std::uint32_t *links = linksOf(node, layer);
        links[0] = std::uint32_t(chosen.size());
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            links[i + 1] = chosen[i].slot;
            link(table, chosen[i].slot, node, layer);
        }
        if (!near.empty())
            entry = near.front();
    }
    if (level > m_topLevel) {
        m_entry = node;
        m_topLevel = level;
    }
}

std::vector<AnnCandidate> AnnIndex::search(const CodeTable &table, const std::int8_t *query,
                                           float queryScale, int count, int breadth,
                                           const Accept &accept) const
{
    if (m_topLevel < 0 || count <= 0)
        return {};
    AnnCandidate entry{table.similarity(m_entry, query, queryScale), m_entry};
    entry = descend(table, query, queryScale, entry, m_topLevel, 0);
    std::vector<AnnCandidate> found =
        searchLayer(table, query, queryScale, entry, std::max(breadth, count), 0, accept);
    if (int(found.size()) > count)
        found.resize(std::size_t(count));
    return found;
}

qint64 AnnIndex::memoryBytes() const
{
    return qint64(m_levels.capacity() + m_bottom.capacity() * sizeof(std::uint32_t) +
                  m_upperStart.capacity() * sizeof(std::uint32_t) +
                  m_upper.capacity() * sizeof(std::uint32_t));
}

void AnnIndex::write(QIODevice &device) const
{
    writeValue(device, std::uint32_t(m_parameters.links));
    writeValue(device, std::uint32_t(m_parameters.buildBreadth));
    writeValue(device, m_entry);
    writeValue(device, std::int32_t(m_topLevel));
    writeValue(device, std::uint64_t(m_upper.size()));
    writeArray(device, m_levels);
    writeArray(device, m_bottom);
    writeArray(device, m_upperStart);
    writeArray(device, m_upper);
}

std::unique_ptr<AnnIndex> AnnIndex::read(QIODevice &device, std::uint32_t nodes)
{
    std::uint32_t links = 0;
    std::uint32_t buildBreadth = 0;
    std::uint32_t entry = 0;
    std::int32_t topLevel = 0;
    std::uint64_t upperSize = 0;
    if (!readValue(device, links) || !readValue(device, buildBreadth) ||
        !readValue(device, entry) || !readValue(device, topLevel) || !readValue(device, upperSize))
        return nullptr;
    if (links < 2 || links > 64 || nodes == 0 || entry >= nodes || topLevel < 0 ||
        topLevel > kMaxLevel || upperSize > std::uint64_t(nodes) * kMaxLevel * (1 + links))
        return nullptr;
    auto index = std::make_unique<AnnIndex>(Parameters{int(links), int(buildBreadth)});
    if (!readArray(device, index->m_levels, nodes) ||
        !readArray(device, index->m_bottom, std::size_t(nodes) * (1 + 2 * links)) ||
        !readArray(device, index->m_upperStart, nodes) ||
        !readArray(device, index->m_upper, upperSize))
        return nullptr;
    index->m_entry = entry;
    index->m_topLevel = topLevel;
    // Every link must name a node and every list fit its room, or a search
    // would read out of bounds.
    for (std::uint32_t node = 0; node < nodes; ++node) {
        const int level = index->m_levels[node];
        if (level > topLevel ||
            std::uint64_t(index->m_upperStart[node]) + std::uint64_t(level) * (1 + links) >
                upperSize)
            return nullptr;
        for (int layer = 0; layer <= level; ++layer) {
            const std::uint32_t *list = index->linksOf(node, layer);
            if (list[0] > std::uint32_t(index->linksAt(layer)))
                return nullptr;
            for (std::uint32_t i = 1; i <= list[0]; ++i) {
                if (list[i] >= nodes || index->m_levels[list[i]] < layer)
                    return nullptr;
            }
        }
    }
    if (index->m_levels[entry] != topLevel)
        return nullptr;
    return index;
}

} // namespace aether
