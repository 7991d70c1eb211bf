#pragma once

#include "extract/extracteddocument.h"
#include "extract/headingpath.h"
#include "extract/htmlnodestats.h"

#include <gumbo.h>

#include <QString>
#include <QStringList>

#include <vector>

namespace aether {

class CancelToken;
class HtmlDom;

// Turns chosen parts of a page into text blocks: one per paragraph, heading,
// list (an item per line), table (a row per line, cells joined by " | ") and
// code block (whitespace kept); a long list or table is cut into blocks of
// DocumentBuilder::kLinesPerBlock lines so that it chunks well. Each block carries its heading
// path, the enclosing h1..h6 titles joined by " > ". Inside the content, lists and boxes made
// mostly of links (tables of contents, tag lists) are left out when `dropLinkLists` is set.
class HtmlTextWriter
{
public:
    HtmlTextWriter(const HtmlDom &dom, const std::vector<bool> &removed,
                   const std::vector<HtmlNodeStat> &stats, bool dropLinkLists,
                   const CancelToken &cancel);

    // Appends the blocks of the subtree at `root`; call in document order.
    void write(int root);
    QList<TextBlock> takeBlocks() { return std::move(m_blocks); }

private:
    // What entering an element started, so that leaving it can finish it.
    enum class Action
    {
        None,
        Paragraph,    // a block: its own paragraph (a line inside a list)
        Line,         // a list item or caption: its own line
        Space,        // a block inside a table cell: words apart, same cell
        VerbatimLine, // a block inside <pre>: its own line of code
        Verbatim,     // <pre> or a code block
        Heading,
        List,
        DataTable,
        Row,
        Cell
    };

    bool isSkipped(int index, int root) const;
    bool isStandaloneLink(int index) const;
    Action enter(int index);
    void leave(Action action);
    void addText(QStringView text);
    void lineBreak();
    void paragraphBreak();
    void flush();
    void flushVerbatim();
    void clearText();
    void closeHeading();
    bool isCodeBlock(int index) const;

    const HtmlDom &m_dom;
    const std::vector<bool> &m_removed;
    const std::vector<HtmlNodeStat> &m_stats;
    const bool m_dropLinkLists;
    const CancelToken &m_cancel;

    QList<TextBlock> m_blocks;
    QString m_text; // the block being built; '\n' separates its lines
    QString m_cell; // the data-table cell being built
    QStringList m_rowCells;
    qsizetype m_lineStart = 0; // where the last line of m_text starts
    int m_lineCount = 0;       // complete lines in m_text
    HeadingPath m_headings;
    int m_verbatimDepth = 0; // inside <pre> or a code block
    int m_listDepth = 0;
    int m_dataTableDepth = 0;
    int m_cellDepth = 0;
    GumboTag m_headingTag = GUMBO_TAG_H1; // of the heading being read
    int m_visited = 0;
};

} // namespace aether
