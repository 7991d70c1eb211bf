#include "extract/textdecoder.h"

#include <QStringDecoder>

#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <memory>
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

// Enough text for uchardet's statistics; more only costs time.
constexpr qsizetype kDetectBytes = 1024 * 1024;
constexpr qsizetype kUtf16SniffBytes = 4096;
constexpr qsizetype kMinUtf16Pairs = 8;
// Accented letters needed before another Latin code page beats Windows-1252.
constexpr qsizetype kMinLatinEvidence = 16;

// The UTF-16 sample decodes without errors and reads as text, not as numbers
// that happen to have NUL high bytes.
bool readsAsText(QByteArrayView sample, QStringDecoder::Encoding encoding)
{
    QStringDecoder decoder(encoding, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(sample.first(sample.size() & ~qsizetype(1)));
    if (decoder.hasError() || text.isEmpty())
        return false;
    qsizetype controls = 0;
    for (const QChar ch : text) {
        if (ch.unicode() == 0)
            return false;
        if (ch.unicode() < 0x20 && ch != u'\n' && ch != u'\r' && ch != u'\t' && ch != u'\f')
            ++controls;
    }
    return controls * 100 <= text.size();
}

// Other Latin-script code pages, which uchardet confuses with Windows-1252 when
// a text has few accented letters ("mañana" as ISO-8859-10).
bool isOtherLatinCharset(const QByteArray &charset)
{
    static const QByteArray charsets[] = {
        "iso-8859-2",   "iso-8859-3",   "iso-8859-4",   "iso-8859-9",        "iso-8859-10",
        "iso-8859-13",  "iso-8859-14",  "iso-8859-15",  "iso-8859-16",       "windows-1250",
        "windows-1254", "windows-1257", "windows-1258", "mac-centraleurope", "ibm852",
        "ibm865",       "viscii"};
    for (const QByteArray &candidate : charsets) {
        if (charset == candidate)
            return true;
    }
    return false;
}

qsizetype highBytes(QByteArrayView bytes)
{
    qsizetype count = 0;
    for (const char byte : bytes)
        count += static_cast<unsigned char>(byte) >= 0x80;
    return count;
}

std::optional<QString> decodeDetected(const QByteArray &bytes)
{
    QByteArray charset = TextDecoder::detectCharset(bytes).toLower();
    if (charset.isEmpty() || isLatin1Label(charset) || charset == "utf-8")
        return std::nullopt; // UTF-8 with stray bytes or Western: Windows-1252 below
    if (isOtherLatinCharset(charset) && highBytes(bytes) < kMinLatinEvidence)
        return std::nullopt;
    if (charset == "uhc")
        charset = "cp949"; // the same code page under the name ICU knows
    QStringDecoder decoder(charset.constData(), QStringDecoder::Flag::Stateless);
    if (!decoder.isValid())
        return std::nullopt;
    return decodeStrict(bytes, std::move(decoder));
}

} // namespace

TextDecoder::Bom TextDecoder::guessUtf16(QByteArrayView bytes)
{
    const QByteArrayView sample = bytes.first(qMin(bytes.size(), kUtf16SniffBytes));
    const qsizetype pairs = sample.size() / 2;
    if (pairs < kMinUtf16Pairs)
        return Bom::None;
    // Latin, Cyrillic or Greek text in UTF-16 has high bytes of one or two values:
    // NUL (spaces, digits, ASCII letters) and its script's block.
    std::array<qsizetype, 256> evenCounts{};
    std::array<qsizetype, 256> oddCounts{};
    for (qsizetype i = 0; i + 1 < sample.size(); i += 2) {
        ++evenCounts[static_cast<unsigned char>(sample[i])];
        ++oddCounts[static_cast<unsigned char>(sample[i + 1])];
    }
    const auto looksLikeHighBytes = [pairs](const std::array<qsizetype, 256> &high,
                                            const std::array<qsizetype, 256> &low) {
        const qsizetype script = *std::max_element(high.begin() + 1, high.end());
        return high[0] * 10 >= pairs && low[0] * 4 < high[0] &&
               (high[0] + script) * 10 >= pairs * 9;
    };
    if (looksLikeHighBytes(oddCounts, evenCounts) && readsAsText(sample, QStringDecoder::Utf16LE))
        return Bom::Utf16LE;
    if (looksLikeHighBytes(evenCounts, oddCounts) && readsAsText(sample, QStringDecoder::Utf16BE))
        return Bom::Utf16BE;
    return Bom::None;
}

QByteArray TextDecoder::detectCharset(QByteArrayView bytes)
{
    const std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> detector(
        uchardet_new(), uchardet_delete);
    if (!detector)
        return {};
    const QByteArrayView sample = bytes.first(qMin(bytes.size(), kDetectBytes));
    if (uchardet_handle_data(detector.get(), sample.data(), size_t(sample.size())) != 0)
        return {};
    uchardet_data_end(detector.get());
    return QByteArray(uchardet_get_charset(detector.get()));
}

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
    switch (guessUtf16(bytes)) {
    case Bom::Utf16LE:
        return QStringDecoder(QStringDecoder::Utf16LE).decode(bytes);
    case Bom::Utf16BE:
        return QStringDecoder(QStringDecoder::Utf16BE).decode(bytes);
    default:
        break;
    }
    if (std::optional<QString> utf8 = decodeStrict(
            bytes, QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless)))
        return *utf8;
    if (std::optional<QString> detected = decodeDetected(bytes))
        return *detected;
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
