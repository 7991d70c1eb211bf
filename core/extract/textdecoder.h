#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace aether {

// Turns bytes of unknown encoding into text. The order of trust is the one
// browsers use: a byte order mark, then a declared charset, then UTF-16 told by
// its NUL bytes, then valid UTF-8, then the legacy charset uchardet detects
// (Windows-1251, KOI8-R, Shift_JIS, ...) when Qt can decode it, and finally
// Windows-1252, which decodes any byte sequence and is what "Latin-1" labelled
// or unlabelled legacy files almost always are.
class TextDecoder
{
public:
    enum class Bom
    {
        None,
        Utf8,
        Utf16LE,
        Utf16BE
    };

    static Bom bomOf(const QByteArray &bytes);

    // UTF-16 without a byte order mark, told by NUL bytes at every other
    // position (the high bytes of Latin text); Bom::None when it is not.
    static Bom guessUtf16(QByteArrayView bytes);

    // uchardet's guess for bytes that are not UTF-8 ("WINDOWS-1251"); empty when
    // it has none.
    static QByteArray detectCharset(QByteArrayView bytes);
    static bool isValidUtf8(QByteArrayView bytes);

    // declaredCharset: a charset label such as "iso-8859-1" or "utf-8";
    // ignored when empty or not supported by Qt.
    static QString decode(const QByteArray &bytes, const QByteArray &declaredCharset = {});

    // Whether decode() can honour this charset label.
    static bool supportsCharset(const QByteArray &charset);

    static QString decodeWindows1252(QByteArrayView bytes);

    // The code point Windows-1252 gives a byte in 0x80..0x9F (where it differs
    // from Latin-1); other values are returned unchanged.
    static char32_t windows1252CodePoint(char32_t latin1);

    // "text/html; charset=ISO-8859-1" -> "iso-8859-1"; empty when none.
    static QByteArray charsetFromContentType(QStringView contentType);

    // Converts CRLF and lone CR line ends to LF.
    static QString normaliseLineEnds(QString text);
};

} // namespace aether
