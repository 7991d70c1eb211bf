#pragma once

#include "extract/extractor.h"

#include <QStringList>

namespace aether {

// Plain text in any common encoding (see TextDecoder), one block per paragraph.
class TextExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("text"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // Paragraphs are separated by lines that are empty or hold only whitespace.
    static QStringList splitParagraphs(const QString &text,
                                       const CancelToken &cancel = CancelToken::never());
};

} // namespace aether
