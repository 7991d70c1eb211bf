#include "extract/htmlnodestats.h"

#include "base/cancellation.h"
#include "extract/htmldom.h"

#include <algorithm>

namespace aether {

namespace {

constexpr int kNodesPerCancelCheck = 4096;
// A table cell this long is a page column, not a datum.
constexpr int kLayoutCellLength = 300;

void measureText(QStringView text, HtmlNodeStat &stat)
{
    // Whitespace between tags is layout, not text: it counts for nothing.
    if (text.trimmed().isEmpty())
        return;
    bool inSpace = false;
    for (const QChar ch : text) {
        const bool space = ch.isSpace();
        if (!space || !inSpace)
            ++stat.textLength;
        inSpace = space;
        if (ch == u',' || ch == QChar(0xFF0C) || ch == QChar(0x3001) || ch == QChar(0x060C))
            ++stat.commas;
    }
    stat.ownLength = stat.textLength;
    stat.ownCommas = stat.commas;
}

bool isParagraphLike(GumboTag tag)
{
    return tag == GUMBO_TAG_P || tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_UL ||
           tag == GUMBO_TAG_OL || tag == GUMBO_TAG_DL || tag == GUMBO_TAG_BLOCKQUOTE;
}

// Readability's test, simplified: data tables hold short values in a grid
// (a cell may wrap its value in one <p>, as Sphinx does); layout tables hold
// several paragraphs, headings, nested tables or long columns per cell.
bool isLayoutTable(const HtmlDom &dom, int table, const std::vector<HtmlNodeStat> &stats,
                   const std::vector<bool> &removed)
{
    const QString role = dom.attribute(table, "role").trimmed().toLower();
    if (role == u"presentation" || role == u"none")
        return true;
    int maxColumns = 0;
    bool layout = false;
    auto visitRow = [&](int row) {
        int columns = 0;
        for (int cell = dom.firstChild(row); cell >= 0; cell = dom.nextSibling(cell)) {
            const GumboTag tag = dom.node(cell).tag;
            if (removed[size_t(cell)] || (tag != GUMBO_TAG_TD && tag != GUMBO_TAG_TH))
                continue;
            ++columns;
            const HtmlNodeStat &stat = stats[size_t(cell)];
            layout = layout || stat.hasTableBelow || stat.hasHeadingBelow ||
                     stat.paragraphsBelow > 1 || stat.textLength >= kLayoutCellLength;
        }
        maxColumns = std::max(maxColumns, columns);
    };
    for (int child = dom.firstChild(table); child >= 0; child = dom.nextSibling(child)) {
        const GumboTag tag = dom.node(child).tag;
        if (tag == GUMBO_TAG_TR) {
            visitRow(child);
        } else if (tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT) {
            for (int row = dom.firstChild(child); row >= 0; row = dom.nextSibling(row)) {
                if (dom.isElement(row, GUMBO_TAG_TR))
                    visitRow(row);
            }
        }
    }
    return layout || maxColumns <= 1;
}

} // namespace

std::vector<HtmlNodeStat> measureHtmlNodes(const HtmlDom &dom, const std::vector<bool> &removed,
                                           const CancelToken &cancel)
{
    // Children come after their parent in the flat order, so walking it
    // backwards sees every node after all of its descendants. For inline
    // elements the own* fields collect text on its way up to the nearest
    // block, which keeps it.
    std::vector<HtmlNodeStat> stats(size_t(dom.size()));
    for (int i = dom.size() - 1; i >= 0; --i) {
        if (i % kNodesPerCancelCheck == 0)
            cancel.check();
        if (removed[size_t(i)])
            continue;
        const HtmlNode &node = dom.node(i);
        HtmlNodeStat &stat = stats[size_t(i)];
        const bool block = !node.isText && HtmlDom::isBlockLevel(node.tag);
        if (node.isText) {
            measureText(node.text, stat);
        } else if (node.tag == GUMBO_TAG_A) {
            stat.linkLength = stat.textLength;
            stat.ownLinkLength = stat.ownLength;
        } else if (node.tag == GUMBO_TAG_TABLE) {
            stat.isLayoutTable = isLayoutTable(dom, i, stats, removed);
        }
        if (node.parent < 0)
            continue;
        HtmlNodeStat &parent = stats[size_t(node.parent)];
        parent.textLength += stat.textLength;
        parent.linkLength += stat.linkLength;
        parent.commas += stat.commas;
        parent.hasBlockChild = parent.hasBlockChild || block;
        parent.hasTableBelow =
            parent.hasTableBelow || stat.hasTableBelow || node.tag == GUMBO_TAG_TABLE;
        parent.paragraphsBelow +=
            stat.paragraphsBelow + (!node.isText && isParagraphLike(node.tag) ? 1 : 0);
        parent.hasHeadingBelow = parent.hasHeadingBelow || stat.hasHeadingBelow ||
                                 (!node.isText && HtmlDom::isHeading(node.tag));
        if (!block) {
            parent.ownLength += stat.ownLength;
            parent.ownLinkLength += stat.ownLinkLength;
            parent.ownCommas += stat.ownCommas;
        }
    }
    return stats;
}

} // namespace aether
