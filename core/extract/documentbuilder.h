#pragma once

#include "base/cancellation.h"
#include "extract/extracteddocument.h"
#include "extract/headingpath.h"

#include <QStringList>

namespace aether {

// Collects the text of a structured document (Office, OpenDocument, CSV, JSON)
// into blocks: a heading is a block of its own, a paragraph is a block, and runs
// of short lines (list items, table rows, sheet rows) share a block of at most
// kLinesPerBlock lines, so a huge sheet still chunks well. Every block carries the
// heading path it sits under and the current page (slide). Checks `cancel`
// every few hundred additions.
class DocumentBuilder
{
public:
    static constexpr qsizetype kLinesPerBlock = 50;

    DocumentBuilder(QString kind, const CancelToken &cancel);

    // level 1 is outermost; 0 (a document title) is above level 1.
    void addHeading(int level, const QString &text);
    void addParagraph(const QString &text);
    void addLine(const QString &text); // one line of a list, table or sheet
    void endLines();                   // the list or table ends here
    void setPage(int page);
    void resetHeadings();

    const QString &firstHeading() const { return m_firstHeading; }
    ExtractedDocument &document() { return m_document; }
    // The document with every pending line flushed into its block.
    ExtractedDocument take();

private:
    void countWork();

    ExtractedDocument m_document;
    const CancelToken &m_cancel;
    HeadingPath m_headings;
    QString m_firstHeading;
    QStringList m_lines;
    int m_page = 0;
    qsizetype m_work = 0;
};

} // namespace aether
