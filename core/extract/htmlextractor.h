#pragma once

#include "extract/extractor.h"

namespace aether {

// The main text of a web page, parsed with gumbo (HTML5): what is never
// content is dropped (scripts, navigation, headers and footers, forms, cookie
// banners, share bars, comments, related links, sidebars, ads), the main
// content is chosen by text and link density (HtmlMainContent), and written as
// blocks of paragraphs, headings, lists, table rows and code (HtmlTextWriter),
// each with its heading path ("Install > On Debian"). When the chosen content
// is too short, the whole visible text is kept instead. Title: <title> without
// the site name when a heading confirms the rest, else <title>, else the first h1.
class HtmlExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("html"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // Bytes to text: a byte order mark, then the charset of contentTypeHeader
    // ("text/html; charset=..."), then a <meta> charset in the first 2 KB,
    // then UTF-8 if valid, else Windows-1252.
    static QString decode(const QByteArray &bytes, const QString &contentTypeHeader = {});

    static ExtractedDocument extractText(QStringView html,
                                         const CancelToken &cancel = CancelToken::never());
};

} // namespace aether
