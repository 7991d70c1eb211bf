#pragma once

#include "extract/extractor.h"

namespace aether {

// Markdown as readable text: markup removed, headings kept as blocks of their
// own, each block tagged with the path of headings it sits under ("Install >
// On Debian"), code kept verbatim. Title: the first level-1 heading.
class MarkdownExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("markdown"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // Removes inline markup from one line: emphasis, links, images, code spans.
    static QString stripInlineMarkup(const QString &line);
};

} // namespace aether
