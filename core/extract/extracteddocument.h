#pragma once

#include "extract/emailattachment.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

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
    // What the file says of itself (an e-book's title and author, say): flat
    // string, number or boolean values, stored with the document's metadata;
    // what the caller sent wins over these.
    QVariantMap metadata;
    // Web pages: where the page links to, as written (<a href>, to be resolved
    // against baseUrl, else the page's own URL), and the URL it names as its
    // own (<link rel="canonical">); a site crawl follows them.
    QStringList links;
    QString baseUrl;
    QString canonicalUrl;
    // E-mails only: the attached files, for the ingest to make documents of
    // (core/extract/emlextractor.h says which and how many).
    QList<EmailAttachment> attachments;

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
