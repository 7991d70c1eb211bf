#pragma once

#include <QtGlobal>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class QIODevice;

namespace aether {

// The vectors a graph links, by slot: the int8 codes of a VectorIndex (or a
// copy of them, while a graph is built on another thread).
struct CodeTable
{
    const std::int8_t *codes = nullptr; // slot * dimension
    const float *scales = nullptr;      // the float value of one code step, by slot
    int dimension = 0;

    float similarity(std::uint32_t slot, const std::int8_t *query, float queryScale) const;
    const std::int8_t *codesOf(std::uint32_t slot) const
    {
        return codes + std::size_t(slot) * std::size_t(dimension);
    }
};

struct AnnCandidate
{
    float score = 0; // approximate cosine similarity, from the int8 codes
    std::uint32_t slot = 0;
};

// An approximate nearest-neighbour index over int8 codes: a hierarchical
// navigable small-world graph (HNSW, Malkov & Yashunin 2016). Node i is slot
// i of the codes it is given; nodes are added in slot order and never
// removed (VectorIndex tombstones deleted ones and rebuilds when they are
// many). Searching is const and may run on several threads at once; adding
// may not run beside anything else.
//
// Our own rather than FAISS's IndexHNSWSQ (Debian's libfaiss-dev 1.7.3): the
// algorithm is the same, but this one reads the int8 codes VectorIndex
// already holds (FAISS would keep a second copy), walks past tombstones and
// filtered nodes with any predicate, and is saved in our own checked file;
// and the core library and the Debian package need no FAISS, OpenMP, BLAS
// and LAPACK (FAISS stays a benchmark-only dependency, bench/search/).
class AnnIndex
{
public:
    struct Parameters
    {
        int links = 16;         // M: links per node (twice as many on the bottom layer)
        int buildBreadth = 100; // efConstruction: candidates weighed when a node is linked
    };

    AnnIndex() : AnnIndex(Parameters()) {}
    explicit AnnIndex(Parameters parameters);

    // Links slot size() of `table` into the graph.
    void add(const CodeTable &table);
    std::uint32_t size() const { return std::uint32_t(m_levels.size()); }
    const Parameters &parameters() const { return m_parameters; }

    // Whether a slot may be returned (tombstones, source and metadata filters);
    // a rejected node is still walked through.
    using Accept = std::function<bool(std::uint32_t slot)>;

    // Up to `count` accepted slots, most similar first. `breadth` (efSearch)
    // candidates are kept while walking the bottom layer: more finds more of
    // the true nearest, slower. `accept` null: every slot.
    std::vector<AnnCandidate> search(const CodeTable &table, const std::int8_t *query,
                                     float queryScale, int count, int breadth,
                                     const Accept &accept) const;

    // The graph's own memory (links and levels), not the codes it reads.
    qint64 memoryBytes() const;

    // The graph as fixed-width integers in the host's byte order (the file's
    // header, written by VectorIndex, tells another order apart).
    void write(QIODevice &device) const;
    // Nullptr when the data is not a whole, consistent graph of `nodes` nodes.
    static std::unique_ptr<AnnIndex> read(QIODevice &device, std::uint32_t nodes);

private:
    int linksAt(int level) const
    {
        return level == 0 ? 2 * m_parameters.links : m_parameters.links;
    }
    std::uint32_t *linksOf(std::uint32_t node, int level);
    const std::uint32_t *linksOf(std::uint32_t node, int level) const;
    std::vector<AnnCandidate> searchLayer(const CodeTable &table, const std::int8_t *query,
                                          float queryScale, AnnCandidate entry, int breadth,
                                          int level, const Accept &accept) const;
    AnnCandidate descend(const CodeTable &table, const std::int8_t *query, float queryScale,
                         AnnCandidate entry, int fromLevel, int toLevel) const;
    std::vector<AnnCandidate> diverse(const CodeTable &table,
                                      const std::vector<AnnCandidate> &sorted, int most) const;
    void link(const CodeTable &table, std::uint32_t node, std::uint32_t added, int level);
    int levelFor(std::uint32_t node) const;

    Parameters m_parameters;
    std::vector<std::uint8_t> m_levels;      // the top layer of each node
    std::vector<std::uint32_t> m_bottom;     // per node: a count, then 2 * links slots
    std::vector<std::uint32_t> m_upperStart; // per node: where its upper layers start in m_upper
    std::vector<std::uint32_t> m_upper;      // per node and upper layer: a count, then links slots
    std::uint32_t m_entry = 0;
    int m_topLevel = -1; // -1: empty
};

} // namespace aether
