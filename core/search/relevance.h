#pragma once

#include "search/vectorindex.h"

#include <QList>
#include <QSet>
#include <optional>

namespace aether {

// How well one passage answers a query, from the two kinds of evidence hybrid
// search has, each on a scale a user can read:
// - keyword: the share of the query's words (weighted by how rare each is in
//   the store, BM25's IDF) that the passage holds: 1 when it has them all;
// - vector: how far its similarity stands out of the similarities of the
//   whole scan (nearly all unrelated to the query), in standard deviations:
//   1 at kFullVectorDeviations, the bar a vector hit must clear below that. Measuring against the
//   query's own spread calibrates the bar for any embedder: the hash embedder's noise floor and a
//   remote model's (where unrelated texts are often 0.3-0.7 similar) alike.
// `relevance` is the larger of the two, in [0, 1].
class RelevanceJudge
{
public:
    // Similarity this many standard deviations above the scan's mean is as
    // relevant as a passage holding every word of the query.
    static constexpr double kFullVectorDeviations = 8.0;
    // A vector-only hit must stand this many standard deviations above the
    // mean similarity of the scan.
    // Measured on tests/core/search/retrieval (hash embedder): paraphrases'
    // answers stand 5-12 deviations out, unrelated notes that share a
    // trigram or a word pair with the query up to about 4.5.
    static constexpr double kVectorBar = 5.0;
    // When no candidate holds any of the query's words (typos: "postgress
    // vaccum"), the best vector hits are all there is: a low bar, so that
    // such a query still finds its passage (typo answers stand 2.3-3
    // deviations out), with a low relevance that says how loose the match is.
    static constexpr double kNoWordVectorBar = 2.0;
    // A keyword hit whose words weigh less than this share of the best hit's
    // shares only an everyday word with the query ("start", "water").
    static constexpr double kKeywordShareOfBest = 0.5;
    // And every hit shown must be at least this share as relevant as the best.
    static constexpr double kRelevanceShareOfBest = 0.65;

    // Below this many vectors the spread says little; a similarity of
    // kSmallStoreBar is the bar instead.
    static constexpr qint64 kMinScanForSpread = 20;
    static constexpr double kSmallStoreBar = 0.25;

    // termWeights: each query term's IDF; scan: the spread of the vector scan.
    RelevanceJudge(QList<double> termWeights, std::optional<SimilarityStats> scan);

    double keywordStrength(const QSet<int> &matchedTerms) const;
    double vectorStrength(std::optional<float> similarity) const;

    // The best strengths among a query's candidates.
    struct Best
    {
        double keyword = 0;
        double relevance = 0;
    };
    // Whether a hit with these strengths is worth showing beside the best.
    static bool isRelevant(double keyword, double vector, const Best &best);

private:
    QList<double> m_termWeights;
    double m_totalWeight = 0;
    std::optional<SimilarityStats> m_scan;
};

} // namespace aether
