#include "search/relevance.h"

#include <algorithm>

namespace aether {

RelevanceJudge::RelevanceJudge(QList<double> termWeights, std::optional<SimilarityStats> scan)
    : m_termWeights(std::move(termWeights)), m_scan(scan)
{
    for (const double weight : std::as_const(m_termWeights))
        m_totalWeight += weight;
}

double RelevanceJudge::keywordStrength(const QSet<int> &matchedTerms) const
{
    if (m_totalWeight <= 0)
        return matchedTerms.isEmpty() ? 0.0 : 1.0;
    double matched = 0;
    for (const int term : matchedTerms)
        matched += m_termWeights.value(term);
    return std::clamp(matched / m_totalWeight, 0.0, 1.0);
}

double RelevanceJudge::vectorStrength(std::optional<float> similarity) const
{
    if (!similarity)
        return 0;
    // A scan of a handful of vectors has no spread to measure against: then
    // the similarity itself, with the bar at kSmallStoreBar.
    if (!m_scan || m_scan->count < kMinScanForSpread || m_scan->deviation <= 0)
        return std::clamp(
            double(*similarity) * kVectorBar / (kSmallStoreBar * kFullVectorDeviations), 0.0, 1.0);
    const double deviations = (double(*similarity) - m_scan->mean) / m_scan->deviation;
    return std::clamp(deviations / kFullVectorDeviations, 0.0, 1.0);
}

bool RelevanceJudge::isRelevant(double keyword, double vector, const Best &best)
{
    if (std::max(keyword, vector) < kRelevanceShareOfBest * best.relevance)
        return false;
    if (best.keyword <= 0) // no candidate has a word of the query
        return vector >= kNoWordVectorBar / kFullVectorDeviations;
    return vector >= kVectorBar / kFullVectorDeviations ||
           (keyword > 0 && keyword >= kKeywordShareOfBest * best.keyword);
}

} // namespace aether
