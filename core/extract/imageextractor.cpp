#include "extract/imageextractor.h"

#include <QFileInfo>

namespace aether {

bool ImageExtractor::isReadableImageType(const QString &mimeType)
{
    return mimeType == u"image/png" || mimeType == u"image/jpeg" || mimeType == u"image/tiff" ||
           mimeType == u"image/webp" || mimeType == u"image/gif";
}

ExtractedDocument ImageExtractor::extract(const QByteArray &data, const QString &fileName,
                                          const CancelToken &cancel) const
{
    Q_UNUSED(data);
    cancel.check();
    ExtractedDocument document;
    document.kind = kind();
    document.title = QFileInfo(fileName).completeBaseName();
    document.pageCount = 1;
    document.pagesWithoutText = {1};
    return document;
}

} // namespace aether
