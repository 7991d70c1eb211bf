#pragma once

#include "extract/extractor.h"

namespace aether {

// E-mail messages (.eml, message/rfc822): From, To, Cc, Date and Subject as a
// first block, then the body: of alternatives the text/plain part, else the
// HTML one reduced to its text; quoted-printable and base64 undone, each part
// in its own charset; attachments left out. Title: the Subject.
class EmlExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("eml"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // A header block with From: and one of Subject:, Date:, To:, Message-ID:
    // or MIME-Version: before the first empty line.
    static bool looksLikeEmail(const QByteArray &data);
};

} // namespace aether
