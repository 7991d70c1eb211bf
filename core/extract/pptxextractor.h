#pragma once

#include "extract/extractor.h"

namespace aether {

// PowerPoint decks (.pptx): the text of each slide in presentation order, its
// title as a heading block, every text paragraph and table row one line; each
// block's page is its slide number. Title: the document properties' title, else
// the first slide's title.
class PptxExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("pptx"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;
};

} // namespace aether
