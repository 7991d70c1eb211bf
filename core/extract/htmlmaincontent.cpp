#include "extract/htmlmaincontent.h"

#include "base/cancellation.h"
#include "extract/htmlboilerplate.h"
#include "extract/htmldom.h"

#include <algorithm>

namespace aether {

namespace {

constexpr int kNodesPerCancelCheck = 4096;
// Shorter runs of text are captions, labels and menu items, not paragraphs.
constexpr int kMinParagraphLength = 25;
// How many containers above a paragraph share its score.
constexpr int kScoredAncestors = 5;
// The fallback rule: a winner with less than this share of the page's text
// and fewer characters than kMinMainLength is probably a teaser box.
constexpr double kMinMainShare = 0.25;
constexpr int kMinMainLength = 200;
// A content-like name or landmark only confirms text that is there: below
// this much text its weight shrinks, so a "card-body" around one sentence
// does not beat the real content.
constexpr double kConfirmedLength = 500.0;

double tagWeight(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_DIV:
        return 5;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_BLOCKQUOTE:
        return 3;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_FORM:
        return -3;
    case GUMBO_TAG_TH:
        return -5;
    default:
        return HtmlDom::isHeading(tag) ? -5 : 0;
    }
}

bool isListItem(GumboTag tag)
{
    return tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DT || tag == GUMBO_TAG_DD;
}

// The page's own word for "this is the content".
double landmarkWeight(const HtmlDom &dom, int index)
{
    double weight = 0;
    const GumboTag tag = dom.node(index).tag;
    if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN)
        weight += 25;
    if (dom.attribute(index, "role").trimmed().compare(u"main", Qt::CaseInsensitive) == 0)
        weight += 25;
    if (dom.attribute(index, "itemprop").contains(u"articleBody", Qt::CaseInsensitive))
        weight += 25;
    return weight;
}

class Scorer
{
public:
    Scorer(const HtmlDom &dom, const std::vector<bool> &removed,
           const std::vector<HtmlNodeStat> &stats)
        : m_dom(dom), m_removed(removed), m_stats(stats), m_score(size_t(dom.size()), 0.0),
          m_isCandidate(size_t(dom.size()), false)
    {}

    void scoreParagraphs(const CancelToken &cancel)
    {
        for (int i = 0; i < m_dom.size(); ++i) {
            if (i % kNodesPerCancelCheck == 0)
                cancel.check();
            const HtmlNode &node = m_dom.node(i);
            if (m_removed[size_t(i)] || node.isText || !HtmlDom::isBlockLevel(node.tag) ||
                HtmlDom::isHeading(node.tag))
                continue;
            const HtmlNodeStat &stat = m_stats[size_t(i)];
            if (stat.ownLength < kMinParagraphLength || stat.ownLinkLength * 2 > stat.ownLength)
                continue;
            const double score = 1.0 + stat.ownCommas + std::min(stat.ownLength / 100, 3);
            // Loose text beside blocks is a paragraph of its own inside this
            // element; a <p> (or a div of only text) is one inside its parent;
            // a list item is one inside the list's parent.
            int ancestor = stat.hasBlockChild ? i : node.parent;
            if (isListItem(node.tag) && ancestor == node.parent && ancestor >= 0 &&
                m_dom.node(ancestor).parent >= 0)
                ancestor = m_dom.node(ancestor).parent;
            for (int level = 0; level < kScoredAncestors && ancestor >= 0; ++level) {
                const double divider = level == 0 ? 1 : level == 1 ? 2 : level * 3;
                addScore(ancestor, score / divider);
                ancestor = m_dom.node(ancestor).parent;
            }
        }
        for (int i = 0; i < m_dom.size(); ++i) {
            if (m_isCandidate[size_t(i)]) {
                m_score[size_t(i)] *= 1.0 - m_stats[size_t(i)].linkDensity();
                m_candidates.push_back(i);
            }
        }
    }

    // -1 when no paragraph scored at all.
    int bestCandidate() const
    {
        int best = -1;
        for (const int candidate : m_candidates) {
            if (best < 0 || score(candidate) > score(best))
                best = candidate;
        }
        return best;
    }

    // Readability's corrections to a winner that is too narrow.
    int widen(int top) const
    {
        top = commonAncestorOfRivals(top);
        // Go up while the parent scores better; stop where scores fade.
        double lastScore = score(top);
        const double floor = lastScore / 3;
        for (int parent = m_dom.node(top).parent; parent >= 0 && !isPageLevel(parent);
             parent = m_dom.node(parent).parent) {
            if (!m_isCandidate[size_t(parent)])
                continue;
            if (score(parent) < floor)
                break;
            if (score(parent) > lastScore) {
                top = parent;
                break;
            }
            lastScore = score(parent);
        }
        // An only child says nothing its parent would not.
        for (int parent = m_dom.node(top).parent;
             parent >= 0 && !isPageLevel(parent) && keptChildCount(parent) == 1;
             parent = m_dom.node(parent).parent)
            top = parent;
        return top;
    }

    // The winner and those of its siblings that look like more content.
    std::vector<int> withSiblings(int top) const
    {
        const int parent = m_dom.node(top).parent;
        if (parent < 0 || isPageLevel(top))
            return {top};
        const double threshold = std::max(10.0, score(top) * 0.2);
        const QString topClass = m_dom.attribute(top, "class");
        std::vector<int> kept;
        std::vector<int> headings; // waiting for the sibling they introduce
        for (int sibling = m_dom.firstChild(parent); sibling >= 0;
             sibling = m_dom.nextSibling(sibling)) {
            if (m_removed[size_t(sibling)] || m_dom.node(sibling).isText)
                continue;
            if (HtmlDom::isHeading(m_dom.node(sibling).tag)) {
                headings.push_back(sibling);
                continue;
            }
            if (isSiblingContent(sibling, top, topClass, threshold)) {
                kept.insert(kept.end(), headings.begin(), headings.end());
                kept.push_back(sibling);
            }
            headings.clear();
        }
        return kept;
    }

private:
    double score(int index) const { return m_score[size_t(index)]; }

    bool isPageLevel(int index) const
    {
        const GumboTag tag = m_dom.node(index).tag;
        return tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML;
    }

    void addScore(int index, double score)
    {
        if (!m_isCandidate[size_t(index)]) {
            m_isCandidate[size_t(index)] = true;
            const double confirmed =
                std::min(1.0, m_stats[size_t(index)].textLength / kConfirmedLength);
            const int classWeight = HtmlBoilerplate::classWeight(m_dom, index);
            m_score[size_t(index)] = tagWeight(m_dom.node(index).tag) +
                                     (classWeight > 0 ? classWeight * confirmed : classWeight) +
                                     landmarkWeight(m_dom, index) * confirmed;
        }
        m_score[size_t(index)] += score;
    }

    // When three of the runners-up score nearly as well and sit in one
    // ancestor of the winner, the content is that ancestor (posts of a thread).
    int commonAncestorOfRivals(int top) const
    {
        std::vector<int> ranked = m_candidates;
        const auto count = std::min<size_t>(ranked.size(), 5);
        std::partial_sort(ranked.begin(), ranked.begin() + qsizetype(count), ranked.end(),
                          [this](int a, int b) { return score(a) > score(b); });
        std::vector<int> rivals;
        for (size_t k = 0; k < count; ++k) {
            if (ranked[k] != top && score(ranked[k]) >= 0.75 * score(top))
                rivals.push_back(ranked[k]);
        }
        if (rivals.size() < 3)
            return top;
        for (int parent = m_dom.node(top).parent; parent >= 0 && !isPageLevel(parent);
             parent = m_dom.node(parent).parent) {
            const auto inside = std::count_if(rivals.begin(), rivals.end(), [&](int rival) {
                return m_dom.contains(parent, rival);
            });
            if (inside >= 3)
                return parent;
        }
        return top;
    }

    int keptChildCount(int index) const
    {
        int count = 0;
        for (int child = m_dom.firstChild(index); child >= 0; child = m_dom.nextSibling(child))
            count += !m_removed[size_t(child)] && !m_dom.node(child).isText ? 1 : 0;
        return count;
    }

    bool isSiblingContent(int sibling, int top, const QString &topClass, double threshold) const
    {
        if (sibling == top)
            return true;
        const double bonus = !topClass.isEmpty() && m_dom.attribute(sibling, "class") == topClass
                                 ? score(top) * 0.2
                                 : 0.0;
        if (m_isCandidate[size_t(sibling)] && score(sibling) + bonus >= threshold)
            return true;
        const HtmlNodeStat &stat = m_stats[size_t(sibling)];
        const GumboTag tag = m_dom.node(sibling).tag;
        if (tag != GUMBO_TAG_P && (tag != GUMBO_TAG_DIV || stat.hasBlockChild))
            return false;
        if (stat.textLength > 80)
            return stat.linkDensity() < 0.25;
        if (stat.textLength == 0 || stat.linkLength > 0)
            return false;
        const QString text = m_dom.collapsedText(sibling);
        return text.endsWith(u'.') || text.contains(u". ");
    }

    const HtmlDom &m_dom;
    const std::vector<bool> &m_removed;
    const std::vector<HtmlNodeStat> &m_stats;
    std::vector<double> m_score;
    std::vector<bool> m_isCandidate;
    std::vector<int> m_candidates;
};

} // namespace

std::vector<int> HtmlMainContent::choose(const HtmlDom &dom, const std::vector<bool> &removed,
                                         const std::vector<HtmlNodeStat> &stats,
                                         const CancelToken &cancel)
{
    Scorer scorer(dom, removed, stats);
    scorer.scoreParagraphs(cancel);
    const int best = scorer.bestCandidate();
    if (best < 0)
        return {dom.body()};
    const std::vector<int> roots = scorer.withSiblings(scorer.widen(best));

    qsizetype chosenLength = 0;
    for (const int root : roots)
        chosenLength += stats[size_t(root)].textLength;
    const qsizetype pageLength = stats[size_t(dom.body())].textLength;
    if (chosenLength < kMinMainShare * pageLength && chosenLength < kMinMainLength)
        return {dom.body()};
    return roots;
}

} // namespace aether
