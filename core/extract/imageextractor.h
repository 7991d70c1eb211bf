#pragma once

#include "extract/extractor.h"

namespace aether {

// A picture of text (a scan, a photo of a page, a screenshot): PNG, JPEG,
// TIFF, WebP or GIF (its first frame). It holds no text layer: it is one page
// without text, which the pipeline's OCR step reads (core/ocr).
class ImageExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("image"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // The image types read, as ContentSniffer::binaryType() names them.
    static bool isReadableImageType(const QString &mimeType);
};

} // namespace aether
