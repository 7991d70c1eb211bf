#pragma once

#include "extract/extractor.h"

namespace aether {

// OpenDocument spreadsheets (.ods, LibreOffice Calc): each sheet under its name
// as a heading, one line per row with the cells as displayed joined by " | ".
// Repeated empty rows and cells (which fill sheets to their end) cost nothing.
class OdsExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("ods"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
