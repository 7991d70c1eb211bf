#pragma once

#include "extract/extractor.h"

namespace aether {

// The readable text of a web page: scripts, styles, navigation, headers,
// footers, asides and forms dropped; block elements become paragraphs; each
// block tagged with the h1-h6 heading it follows. Title: <title>, else the first h1.
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
