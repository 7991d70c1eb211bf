#include "extract/htmltextwriter.h"

#include "base/cancellation.h"
#include "extract/documentbuilder.h"
#include "extract/htmldom.h"

#include <utility>

namespace aether {

namespace {

constexpr int kNodesPerCancelCheck = 4096;
// Above this share of link text a list or box inside the content is
// navigation (a table of contents, "see also" links, a tag cloud).
constexpr double kMaxLinkDensity = 0.5;
// A paragraph this much link is a row of navigation links.
constexpr double kMaxParagraphLinkDensity = 0.8;
// Longer links standing alone are more likely a headline than a button.
constexpr int kMaxButtonLength = 80;

bool isList(GumboTag tag)
{
    return tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_DL ||
           tag == GUMBO_TAG_MENU || tag == GUMBO_TAG_DIR;
}

bool isLinkListCandidate(GumboTag tag)
{
    return isList(tag) || tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_SECTION ||
           tag == GUMBO_TAG_TABLE;
}

// Containers of inline text: a <code> inside one is inline code.
bool holdsInlineText(GumboTag tag)
{
    return tag == GUMBO_TAG_P || tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DT ||
           tag == GUMBO_TAG_DD || tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH ||
           tag == GUMBO_TAG_CAPTION || tag == GUMBO_TAG_SUMMARY || tag == GUMBO_TAG_LEGEND ||
           HtmlDom::isHeading(tag);
}

void endLine(QString &text)
{
    if (!text.isEmpty() && !text.endsWith(u'\n'))
        text += u'\n';
}

} // namespace

HtmlTextWriter::HtmlTextWriter(const HtmlDom &dom, const std::vector<bool> &removed,
                               const std::vector<HtmlNodeStat> &stats, bool dropLinkLists,
                               const CancelToken &cancel)
    : m_dom(dom), m_removed(removed), m_stats(stats), m_dropLinkLists(dropLinkLists),
      m_cancel(cancel)
{}

void HtmlTextWriter::write(int root)
{
    // Walks the flat subtree [root, end) keeping the open elements on a
    // stack: an element is left once the walk passes its end.
    std::vector<std::pair<int, Action>> open;
    const int end = m_dom.node(root).end;
    for (int i = root; i < end;) {
        while (!open.empty() && m_dom.node(open.back().first).end <= i) {
            leave(open.back().second);
            open.pop_back();
        }
        if (++m_visited % kNodesPerCancelCheck == 0)
            m_cancel.check();
        const HtmlNode &node = m_dom.node(i);
        if (isSkipped(i, root)) {
            i = node.end;
            continue;
        }
        if (node.isText)
            addText(node.text);
        else
            open.emplace_back(i, enter(i));
        ++i;
    }
    while (!open.empty()) {
        leave(open.back().second);
        open.pop_back();
    }
    flush();
}

bool HtmlTextWriter::isSkipped(int index, int root) const
{
    if (m_removed[size_t(index)])
        return true;
    const HtmlNode &node = m_dom.node(index);
    if (!m_dropLinkLists || index == root || node.isText)
        return false;
    const HtmlNodeStat &stat = m_stats[size_t(index)];
    if (node.tag == GUMBO_TAG_A)
        return isStandaloneLink(index);
    if (node.tag == GUMBO_TAG_P) // "Home · Photos": a line of links
        return stat.linkDensity() >= kMaxParagraphLinkDensity;
    return isLinkListCandidate(node.tag) && stat.textLength > 0 &&
           stat.linkDensity() > kMaxLinkDensity;
}

// A short link that is all the text of its paragraph or box ("Edit this page
// on GitHub", "Apply now", "<- All positions") is a button, not content. Links
// that are list items or table cells stay: they may be what the list is about.
bool HtmlTextWriter::isStandaloneLink(int index) const
{
    const int parent = m_dom.node(index).parent;
    if (parent < 0)
        return false;
    const GumboTag parentTag = m_dom.node(parent).tag;
    const HtmlNodeStat &link = m_stats[size_t(index)];
    const HtmlNodeStat &box = m_stats[size_t(parent)];
    if (link.textLength >= kMaxButtonLength)
        return false;
    if (parentTag == GUMBO_TAG_P)
        return box.textLength == link.textLength;
    return HtmlDom::isBlockLevel(parentTag) && !holdsInlineText(parentTag) &&
           box.ownLength == link.textLength;
}

HtmlTextWriter::Action HtmlTextWriter::enter(int index)
{
    const GumboTag tag = m_dom.node(index).tag;
    const bool block = HtmlDom::isBlockLevel(tag);
    if (tag == GUMBO_TAG_BR) {
        lineBreak();
        return Action::None;
    }
    if (m_cellDepth > 0) {
        if (block)
            m_cell += u' ';
        return block ? Action::Space : Action::None;
    }
    if (m_verbatimDepth > 0) {
        if (tag == GUMBO_TAG_PRE) {
            ++m_verbatimDepth;
            return Action::Verbatim;
        }
        if (block)
            endLine(m_text);
        return block ? Action::VerbatimLine : Action::None;
    }
    if (HtmlDom::isHeading(tag)) {
        flush();
        m_headingTag = tag;
        return Action::Heading;
    }
    if (tag == GUMBO_TAG_PRE || isCodeBlock(index)) {
        flush();
        ++m_verbatimDepth;
        return Action::Verbatim;
    }
    if (tag == GUMBO_TAG_TABLE) {
        paragraphBreak();
        if (m_stats[size_t(index)].isLayoutTable)
            return Action::Paragraph;
        ++m_dataTableDepth;
        return Action::DataTable;
    }
    if (m_dataTableDepth > 0) {
        switch (tag) {
        case GUMBO_TAG_TR:
            m_rowCells.clear();
            return Action::Row;
        case GUMBO_TAG_TD:
        case GUMBO_TAG_TH:
            ++m_cellDepth;
            m_cell.clear();
            return Action::Cell;
        case GUMBO_TAG_CAPTION:
            lineBreak();
            return Action::Line;
        default:
            break;
        }
    }
    if (isList(tag)) {
        paragraphBreak();
        ++m_listDepth;
        return Action::List;
    }
    if (tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DT || tag == GUMBO_TAG_DD) {
        lineBreak();
        return Action::Line;
    }
    if (block) {
        paragraphBreak();
        return Action::Paragraph;
    }
    return Action::None;
}

void HtmlTextWriter::leave(Action action)
{
    switch (action) {
    case Action::None:
        break;
    case Action::Paragraph:
        paragraphBreak();
        break;
    case Action::Line:
        lineBreak();
        break;
    case Action::Space:
        m_cell += u' ';
        break;
    case Action::VerbatimLine:
        endLine(m_text);
        break;
    case Action::Verbatim:
        if (--m_verbatimDepth == 0)
            flushVerbatim();
        break;
    case Action::Heading:
        closeHeading();
        break;
    case Action::List:
        --m_listDepth;
        paragraphBreak();
        break;
    case Action::DataTable:
        --m_dataTableDepth;
        paragraphBreak();
        break;
    case Action::Row:
        if (!m_rowCells.isEmpty()) {
            lineBreak();
            m_text += m_rowCells.join(QStringLiteral(" | "));
            lineBreak();
        }
        m_rowCells.clear();
        break;
    case Action::Cell:
        --m_cellDepth;
        if (QString cell = m_cell.simplified(); !cell.isEmpty())
            m_rowCells.append(cell);
        m_cell.clear();
        break;
    }
}

void HtmlTextWriter::addText(QStringView text)
{
    if (m_verbatimDepth > 0) {
        for (const QChar ch : text) {
            if (ch != u'\r')
                m_text += ch == QChar(0x00A0) ? QChar(u' ') : ch;
        }
        return;
    }
    // Source line breaks are spaces; whitespace runs collapse when a block is flushed.
    QString &target = m_cellDepth > 0 ? m_cell : m_text;
    target.reserve(target.size() + text.size());
    for (const QChar ch : text)
        target += ch.isSpace() ? QChar(u' ') : ch;
}

void HtmlTextWriter::lineBreak()
{
    if (m_cellDepth > 0) {
        m_cell += u' ';
        return;
    }
    const QStringView line = QStringView(m_text).mid(m_lineStart);
    if (!line.trimmed().isEmpty())
        ++m_lineCount;
    m_text += u'\n';
    m_lineStart = m_text.size();
    if (m_lineCount >= DocumentBuilder::kLinesPerBlock && m_verbatimDepth == 0)
        flush();
}

void HtmlTextWriter::paragraphBreak()
{
    if (m_cellDepth > 0)
        m_cell += u' ';
    else if (m_listDepth > 0 || m_dataTableDepth > 0)
        lineBreak();
    else
        flush();
}

void HtmlTextWriter::flush()
{
    QStringList lines;
    for (QStringView line : QStringView(m_text).split(u'\n')) {
        const QString simplified = line.toString().simplified();
        if (!simplified.isEmpty())
            lines.append(simplified);
    }
    clearText();
    if (!lines.isEmpty())
        m_blocks.append(TextBlock{lines.join(u'\n'), 0, m_headings.path()});
}

void HtmlTextWriter::flushVerbatim()
{
    QStringList lines;
    for (QStringView line : QStringView(m_text).split(u'\n')) {
        while (!line.isEmpty() && line.back().isSpace())
            line.chop(1);
        if (!line.isEmpty() || !lines.isEmpty())
            lines.append(line.toString()); // blank lines inside code stay
    }
    while (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    clearText();
    if (!lines.isEmpty())
        m_blocks.append(TextBlock{lines.join(u'\n'), 0, m_headings.path()});
}

void HtmlTextWriter::closeHeading()
{
    QString text = m_text;
    text.replace(u'\n', u' ');
    text = text.simplified();
    clearText();
    if (text.isEmpty())
        return;
    m_headings.enter(1 + int(m_headingTag - GUMBO_TAG_H1), text);
    m_blocks.append(TextBlock{text, 0, m_headings.path()});
}

void HtmlTextWriter::clearText()
{
    m_text.clear();
    m_lineStart = 0;
    m_lineCount = 0;
}

bool HtmlTextWriter::isCodeBlock(int index) const
{
    const HtmlNode &node = m_dom.node(index);
    if (node.tag != GUMBO_TAG_CODE || node.parent < 0)
        return false;
    const GumboTag parent = m_dom.node(node.parent).tag;
    return HtmlDom::isBlockLevel(parent) && !holdsInlineText(parent);
}

} // namespace aether
