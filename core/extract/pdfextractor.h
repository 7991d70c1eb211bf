#pragma once

#include "extract/extractor.h"

namespace aether {

// PDF text through poppler, one block per page. Pages without a text layer
// (scans) are listed in pagesWithoutText so the caller can tell the user.
// Each call loads its own poppler Document, so one instance serves all threads.
class PdfExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("pdf"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
