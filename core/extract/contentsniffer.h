#pragma once

#include <QByteArray>
#include <QString>

namespace aether {

// What the first bytes of a file say about it, independent of its name.
class ContentSniffer
{
public:
    // "%PDF-" within the first 1 KB, where readers accept the header.
    static bool isPdf(const QByteArray &data);

    // The MIME type of a known binary format we cannot read (PNG, JPEG, GIF,
    // ZIP, gzip, ELF, ...); empty when the signature is not one of them.
    static QString binaryType(const QByteArray &data);

    // NUL bytes (without a UTF-16 byte order mark) or many control characters
    // in the first 8 KB.
    static bool looksBinary(const QByteArray &data);

    // Starts with "<!doctype html" or "<html" (any case) after whitespace and
    // HTML comments, in any encoding TextDecoder knows by its BOM.
    static bool looksLikeHtml(const QByteArray &data);

    // The kind the content alone proves, before any name or declared type:
    // "pdf"; for a zip the Office kind its entries show ("docx", "pptx", "xlsx",
    // "odt", "ods", "odp") or "zip"; for text "html", "json" (an object or array
    // that parses, or JSON Lines) or "eml" (e-mail headers). Empty when the
    // content proves nothing.
    static QString contentKind(const QByteArray &data);

    // For a zip: the Office kind by its entries ([Content_Types].xml with word/,
    // ppt/ or xl/; an OpenDocument "mimetype" entry), "zip" for any other zip,
    // empty when the archive cannot be read.
    static QString zipKind(const QByteArray &data);
};

} // namespace aether
