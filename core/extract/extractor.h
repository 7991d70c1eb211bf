#pragma once

#include "base/cancellation.h"
#include "extract/extracteddocument.h"

#include <QByteArray>
#include <QString>

namespace aether {

// One document format. extract() throws IngestError with a message a user can
// act on ("PdfError: document is encrypted") when the bytes cannot be read,
// and JobInterrupted when `cancel` fires (checked between pages or line batches).
class Extractor
{
public:
    virtual ~Extractor() = default;
    virtual QString kind() const = 0;
    virtual ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                                      const CancelToken &cancel) const = 0;
};

} // namespace aether
