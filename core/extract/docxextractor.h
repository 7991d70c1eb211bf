#pragma once

#include "extract/extractor.h"

namespace aether {

// Word documents (.docx): paragraphs in order, headings (by paragraph style,
// also when the style ids are localised) as blocks carrying their heading path,
// list items one line each, tables one line per row with cells joined by " | ".
// Title: the document properties' title, else the first heading.
class DocxExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("docx"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
