#pragma once

#include "extract/extractor.h"

namespace aether {

// OpenDocument text (.odt, LibreOffice Writer): headings with their outline
// level as blocks carrying their heading path, paragraphs, list items one line
// each, tables one line per row with cells joined by " | ". Title: meta.xml's
// title, else the first heading.
class OdtExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("odt"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
