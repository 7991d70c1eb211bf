#pragma once

#include "extract/extractor.h"

namespace aether {

// E-mail messages (.eml, message/rfc822), parsed with GMime (libgmime-3.0):
// From, To, Cc, Date and Subject as a first block and as metadata ("from",
// "to", "cc", "date" in ISO 8601, "subject"), then the body: of alternatives
// the text/plain part, else the HTML one reduced to its text; forwarded
// messages (message/rfc822 parts) included; quoted-printable and base64
// undone, each part in its own charset, RFC 2047 headers decoded. Attached
// files (and inline non-text parts) are returned in `attachments` for the
// ingest to make documents of. Title: the Subject. At most kMaxDepth levels of
// nesting and kMaxParts parts are read, kMaxAttachments attachments kept.
class EmlExtractor : public Extractor
{
public:
    static constexpr int kMaxDepth = 16;
    static constexpr int kMaxParts = 1000;
    static constexpr int kMaxAttachments = 100;

    QString kind() const override { return QStringLiteral("eml"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // A header block with From: and one of Subject:, Date:, To:, Message-ID:
    // or MIME-Version: before the first empty line.
    static bool looksLikeEmail(const QByteArray &data);
};

} // namespace aether
