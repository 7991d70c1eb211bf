#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace aether {

// One part of an Internet message (RFC 5322 / MIME, RFC 2045-2047): its headers
// and its body, with the transfer encoding undone on request. A whole e-mail is
// the outermost part.
class MimePart
{
public:
    static constexpr int kMaxDepth = 10;
    static constexpr qsizetype kMaxParts = 1000;

    static MimePart parse(const QByteArray &raw);

    // The unfolded value of the first header of this name (any case); empty if none.
    QByteArray header(QByteArrayView name) const;
    // A header's text with RFC 2047 encoded words ("=?utf-8?q?Gr=C3=BC=C3=9Fe?=") decoded.
    QString headerText(QByteArrayView name) const;
    // "text/plain" (lower case); text/plain when the part declares none, as MIME says.
    QByteArray mimeType() const;
    // A parameter of a structured header, e.g. ("content-type", "charset").
    QByteArray parameter(QByteArrayView headerName, QByteArrayView name) const;
    bool isMultipart() const { return mimeType().startsWith("multipart/"); }
    bool isAttachment() const;

    // The body with quoted-printable or base64 undone.
    QByteArray decodedBody() const;
    // The parts of a multipart body (at most kMaxParts).
    QList<MimePart> children() const;

    static QString decodeEncodedWords(const QByteArray &value);
    static QByteArray decodeQuotedPrintable(QByteArrayView bytes, bool underscoreIsSpace = false);

private:
    QList<std::pair<QByteArray, QByteArray>> m_headers; // (lower-case name, value)
    QByteArray m_body;
};

} // namespace aether
