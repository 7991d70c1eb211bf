#pragma once

#include "extract/extractor.h"

namespace aether {

// Markdown as readable text, parsed by md4c (CommonMark + GitHub tables and
// strikethrough): markup removed, headings kept as blocks of their own, each block
// tagged with the path of headings it sits under ("Install > On Debian"), code
// kept verbatim, a table one row a line, a list one item a line, raw HTML blocks
// and comments dropped (text inside inline HTML kept), links by their text, front
// matter skipped. Title: the first level-1 heading.
class MarkdownExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("markdown"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
