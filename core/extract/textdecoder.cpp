#include "extract/textdecoder.h"

#include <QStringDecoder>

#include <optional>

namespace aether {

namespace {

// Windows-1252 characters for bytes 0x80..0x9F; 0 marks the five bytes it leaves
// undefined, which keep their Latin-1 (C1 control) meaning.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

bool isLatin1Label(const QByteArray &label)
{
    // The WHATWG encoding standard maps all of these to Windows-1252.
    static const QByteArray labels[] = {"iso-8859-1", "iso8859-1", "latin1",    "latin-1",
                                        "l1",         "us-ascii",  "ascii",     "windows-1252",
                                        "cp1252",     "x-cp1252",  "iso_8859-1"};
    for (const QByteArray &candidate : labels) {
        if (label == candidate)
            return true;
    }
    return false;
}

std::optional<QString> decodeStrict(const QByteArray &bytes, QStringDecoder decoder)
{
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

std::optional<QString> decodeDeclared(const QByteArray &bytes, const QByteArray &charset)
{
    const QByteArray label = charset.trimmed().toLower();
    if (label.isEmpty())
        return std::nullopt;
    if (isLatin1Label(label))
        return TextDecoder::decodeWindows1252(bytes);
    QStringDecoder decoder(label.constData(), QStringDecoder::Flag::Stateless);
    if (!decoder.isValid())
        return std::nullopt;
    // A declared multi-byte charset that does not fit the bytes is a lie; fall
    // back to sniffing rather than producing replacement characters.
    return decodeStrict(bytes, std::move(decoder));
}

} // namespace

TextDecoder::Bom TextDecoder::bomOf(const QByteArray &bytes)
{
    if (bytes.startsWith("\xEF\xBB\xBF"))
        return Bom::Utf8;
    if (bytes.startsWith("\xFF\xFE"))
        return Bom::Utf16LE;
    if (bytes.startsWith("\xFE\xFF"))
        return Bom::Utf16BE;
    return Bom::None;
}

bool TextDecoder::isValidUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString ignored = decoder.decode(bytes);
    Q_UNUSED(ignored);
    return !decoder.hasError();
}

QString TextDecoder::decode(const QByteArray &bytes, const QByteArray &declaredCharset)
{
    switch (bomOf(bytes)) {
    case Bom::Utf8:
        return QString::fromUtf8(bytes.mid(3));
    case Bom::Utf16LE:
        return QStringDecoder(QStringDecoder::Utf16LE).decode(bytes.mid(2));
    case Bom::Utf16BE:
        return QStringDecoder(QStringDecoder::Utf16BE).decode(bytes.mid(2));
    case Bom::None:
        break;
    }
    if (std::optional<QString> declared = decodeDeclared(bytes, declaredCharset))
        return *declared;
    if (std::optional<QString> utf8 = decodeStrict(bytes, QStringDecoder(QStringDecoder::Utf8)))
        return *utf8;
    return decodeWindows1252(bytes);
}

bool TextDecoder::supportsCharset(const QByteArray &charset)
{
    const QByteArray label = charset.trimmed().toLower();
    return !label.isEmpty() &&
           (isLatin1Label(label) || QStringDecoder(label.constData()).isValid());
}

char32_t TextDecoder::windows1252CodePoint(char32_t latin1)
{
    if (latin1 < 0x80 || latin1 > 0x9F)
        return latin1;
    const char16_t mapped = kWindows1252High[latin1 - 0x80];
    return mapped ? mapped : latin1;
}

QString TextDecoder::decodeWindows1252(QByteArrayView bytes)
{
    QString text = QStringDecoder(QStringDecoder::Latin1).decode(bytes);
    for (QChar &ch : text) {
        if (ch.unicode() >= 0x80 && ch.unicode() <= 0x9F)
            ch = QChar(static_cast<char16_t>(windows1252CodePoint(ch.unicode())));
    }
    return text;
}

QByteArray TextDecoder::charsetFromContentType(QStringView contentType)
{
    const qsizetype at = contentType.indexOf(u"charset", 0, Qt::CaseInsensitive);
    if (at < 0)
        return {};
    QStringView rest = contentType.mid(at + 7).trimmed();
    if (!rest.startsWith(u'='))
        return {};
    rest = rest.mid(1).trimmed();
    if (rest.startsWith(u'"') || rest.startsWith(u'\''))
        rest = rest.mid(1);
    qsizetype end = 0;
    while (end < rest.size() && (rest[end].isLetterOrNumber() || rest[end] == u'-' ||
                                 rest[end] == u'_' || rest[end] == u'.' || rest[end] == u':'))
        ++end;
    return rest.left(end).toLatin1().toLower();
}

QString TextDecoder::normaliseLineEnds(QString text)
{
    if (!text.contains(u'\r'))
        return text;
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    text.replace(u'\r', u'\n');
    return text;
}

} // namespace aether
