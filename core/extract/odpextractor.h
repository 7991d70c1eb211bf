#pragma once

#include "extract/extractor.h"

namespace aether {

// OpenDocument presentations (.odp, LibreOffice Impress): each slide's text in
// order, its title as a heading block, paragraphs and table rows one line each;
// each block's page is its slide number. Title: meta.xml's title, else the
// first slide's title.
class OdpExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("odp"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
