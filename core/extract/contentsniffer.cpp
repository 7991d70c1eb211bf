#include "extract/contentsniffer.h"

#include "base/ingesterror.h"
#include "extract/emlextractor.h"
#include "extract/jsonextractor.h"
#include "extract/officepackage.h"
#include "extract/textdecoder.h"
#include "extract/ziparchive.h"

namespace aether {

namespace {

constexpr qsizetype kSniffBytes = 8 * 1024;

struct Signature
{
    QByteArrayView magic;
    const char *mimeType;
};

const Signature kBinarySignatures[] = {
    {"\x89PNG\r\n\x1a\n", "image/png"},
    {"\xFF\xD8\xFF", "image/jpeg"},
    {"GIF87a", "image/gif"},
    {"GIF89a", "image/gif"},
    {QByteArrayView("II*\0", 4), "image/tiff"},
    {QByteArrayView("MM\0*", 4), "image/tiff"},
    {"PK\x03\x04", "application/zip"},
    {"\x1F\x8B", "application/gzip"},
    {"\x7F"
     "ELF",
     "application/x-elf"},
    {"MZ", "application/x-msdownload"},
    {"BM", "image/bmp"},
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "application/x-ole-storage"},
    {"7z\xBC\xAF\x27\x1C", "application/x-7z-compressed"},
    {"Rar!\x1A\x07", "application/vnd.rar"},
    {"OggS", "audio/ogg"},
    {"ID3", "audio/mpeg"},
    {"fLaC", "audio/flac"},
    {"\x1A\x45\xDF\xA3", "video/webm"},
};

bool isPrintableAscii(QByteArrayView bytes)
{
    for (const char byte : bytes) {
        if (byte < 0x20 || byte > 0x7E)
            return false;
    }
    return true;
}

// "RIFF....WEBP" and "....ftyp" carry their type after a length field.
QString containerType(const QByteArray &data)
{
    if (data.startsWith("RIFF") && data.size() >= 12) {
        const QByteArray form = data.mid(8, 4);
        if (form == "WEBP")
            return QStringLiteral("image/webp");
        if (form == "WAVE")
            return QStringLiteral("audio/wav");
        if (form == "AVI ")
            return QStringLiteral("video/x-msvideo");
    }
    if (data.size() >= 12 && data.mid(4, 4) == "ftyp")
        return QStringLiteral("video/mp4");
    return {};
}

// Position after leading whitespace and comments, in an ASCII-compatible text.
qsizetype skipWhitespaceAndComments(QStringView text)
{
    qsizetype i = 0;
    while (i < text.size()) {
        if (text[i].isSpace()) {
            ++i;
        } else if (text.mid(i).startsWith(u"<!--")) {
            const qsizetype end = text.indexOf(u"-->", i + 4);
            if (end < 0)
                return text.size();
            i = end + 3;
        } else {
            break;
        }
    }
    return i;
}

} // namespace

bool ContentSniffer::isPdf(const QByteArray &data)
{
    return QByteArrayView(data).first(qMin<qsizetype>(data.size(), 1024)).indexOf("%PDF-") >= 0;
}

QString ContentSniffer::binaryType(const QByteArray &data)
{
    for (const Signature &signature : kBinarySignatures) {
        if (!data.startsWith(signature.magic))
            continue;
        // A printable signature ("BM", "ID3") may just be how a text file starts.
        if (!isPrintableAscii(signature.magic) || looksBinary(data))
            return QString::fromLatin1(signature.mimeType);
    }
    return containerType(data);
}

bool ContentSniffer::looksBinary(const QByteArray &data)
{
    const TextDecoder::Bom bom = TextDecoder::bomOf(data);
    if (bom == TextDecoder::Bom::Utf16LE || bom == TextDecoder::Bom::Utf16BE ||
        TextDecoder::guessUtf16(data) != TextDecoder::Bom::None)
        return false;
    const QByteArrayView head = QByteArrayView(data).first(qMin(data.size(), kSniffBytes));
    qsizetype controls = 0;
    for (const char byte : head) {
        const auto ch = static_cast<unsigned char>(byte);
        if (ch == 0)
            return true;
        const bool textControl =
            ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v' || ch == 0x1B;
        if ((ch < 0x20 && !textControl) || ch == 0x7F)
            ++controls;
    }
    // Text files have no or very few stray control characters.
    return !head.isEmpty() && controls * 10 > head.size();
}

bool ContentSniffer::looksLikeHtml(const QByteArray &data)
{
    const QString text = TextDecoder::decode(data.left(1024));
    const QStringView rest = QStringView(text).mid(skipWhitespaceAndComments(text));
    return rest.startsWith(u"<!doctype html", Qt::CaseInsensitive) ||
           rest.startsWith(u"<html", Qt::CaseInsensitive);
}

QString ContentSniffer::contentKind(const QByteArray &data)
{
    if (isPdf(data))
        return QStringLiteral("pdf");
    if (ZipArchive::hasZipSignature(data)) {
        const QString kind = zipKind(data);
        return kind.isEmpty() ? QStringLiteral("zip") : kind;
    }
    if (!binaryType(data).isEmpty() || looksBinary(data))
        return {};
    if (looksLikeHtml(data))
        return QStringLiteral("html");
    if (JsonExtractor::looksLikeJson(data))
        return QStringLiteral("json");
    if (EmlExtractor::looksLikeEmail(data))
        return QStringLiteral("eml");
    return {};
}

QString ContentSniffer::zipKind(const QByteArray &data)
{
    try {
        ZipArchive zip(data);
        const QString kind = OfficePackage::kindOf(zip);
        return kind.isEmpty() ? QStringLiteral("zip") : kind;
    } catch (const IngestError &) {
        return {}; // corrupt, truncated or too many entries
    }
}

} // namespace aether
