#include "extract/documentbuilder.h"

namespace aether {

namespace {

constexpr qsizetype kAdditionsPerCancelCheck = 500;

} // namespace

DocumentBuilder::DocumentBuilder(QString kind, const CancelToken &cancel) : m_cancel(cancel)
{
    m_document.kind = std::move(kind);
}

void DocumentBuilder::addHeading(int level, const QString &text)
{
    const QString heading = text.simplified();
    if (heading.isEmpty())
        return;
    endLines();
    countWork();
    m_headings.enter(level, heading);
    if (m_firstHeading.isEmpty())
        m_firstHeading = heading;
    m_document.blocks.append(TextBlock{heading, m_page, m_headings.path()});
}

void DocumentBuilder::addParagraph(const QString &text)
{
    const QString paragraph = text.trimmed();
    if (paragraph.isEmpty())
        return;
    endLines();
    countWork();
    m_document.blocks.append(TextBlock{paragraph, m_page, m_headings.path()});
}

void DocumentBuilder::addLine(const QString &text)
{
    const QString line = text.trimmed();
    if (line.isEmpty())
        return;
    countWork();
    m_lines.append(line);
    if (m_lines.size() >= kLinesPerBlock)
        endLines();
}

void DocumentBuilder::endLines()
{
    if (m_lines.isEmpty())
        return;
    m_document.blocks.append(TextBlock{m_lines.join(u'\n'), m_page, m_headings.path()});
    m_lines.clear();
}

void DocumentBuilder::setPage(int page)
{
    endLines();
    m_page = page;
}

void DocumentBuilder::resetHeadings()
{
    endLines();
    m_headings.clear();
}

ExtractedDocument DocumentBuilder::take()
{
    endLines();
    return std::move(m_document);
}

void DocumentBuilder::countWork()
{
    if (++m_work % kAdditionsPerCancelCheck == 0)
        m_cancel.check();
}

} // namespace aether
