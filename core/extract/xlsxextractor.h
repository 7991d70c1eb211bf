#pragma once

#include "extract/extractor.h"

namespace aether {

// Excel workbooks (.xlsx): each sheet in workbook order under its name as a
// heading, one line per row with the cells as written (shared and inline
// strings, numbers, booleans) joined by " | ". Title: the document properties' title.
class XlsxExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("xlsx"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
