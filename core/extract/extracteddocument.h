#pragma once

#include <QList>
#include <QString>

namespace aether {

// One run of text with where it came from: a PDF page (1-based, 0 = none)
// or the heading it sits under.
struct TextBlock
{
    QString text;
    int page = 0;
    QString heading;
};

// What an extractor makes of a file or a web page: readable text in order.
struct ExtractedDocument
{
    QString kind;  // the extractor's: "text", "markdown", "html", "pdf", "docx", "csv", ...
    QString title; // may be empty
    QList<TextBlock> blocks;
    int pageCount = 0;           // paged formats: PDF pages, slides
    QList<int> pagesWithoutText; // PDFs only: scanned pages with no text layer

    bool isEmpty() const
    {
        for (const TextBlock &block : blocks) {
            if (!block.text.trimmed().isEmpty())
                return false;
        }
        return true;
    }
};

} // namespace aether
