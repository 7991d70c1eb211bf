#pragma once

#include "extract/extractor.h"

namespace aether {

// An e-book (EPUB 2 or 3): a zip whose package document (OPF, found through
// META-INF/container.xml) lists the chapters in reading order (the spine).
// Each chapter is XHTML, written as the HTML extractor writes a page; the
// table of contents (EPUB 3 nav, or the EPUB 2 NCX) names the chapters, and
// that name is the heading of the chapter's text. The book's title, author
// and language go into the document's metadata. A book whose content is
// encrypted (DRM: META-INF/encryption.xml beyond font obfuscation, or
// rights.xml) fails with EpubError.
class EpubExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("epub"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
