#include "extract/extractorregistry.h"

#include "base/ingesterror.h"
#include "extract/contentsniffer.h"
#include "extract/csvextractor.h"
#include "extract/docxextractor.h"
#include "extract/emlextractor.h"
#include "extract/epubextractor.h"
#include "extract/htmlextractor.h"
#include "extract/imageextractor.h"
#include "extract/jsonextractor.h"
#include "extract/markdownextractor.h"
#include "extract/odpextractor.h"
#include "extract/odsextractor.h"
#include "extract/odtextractor.h"
#include "extract/pdfextractor.h"
#include "extract/pptxextractor.h"
#include "extract/textdecoder.h"
#include "extract/textextractor.h"
#include "extract/xlsxextractor.h"
#include "extract/ziparchive.h"

#include <QFileInfo>

namespace aether {

namespace {

struct KnownType
{
    const char16_t *name; // a MIME type or a file extension
    const char16_t *kind;
};

// Declared types that name a format; other text/* types, +json and +xml are text.
constexpr KnownType kMimeTypes[] = {
    {u"text/html", u"html"},
    {u"application/xhtml+xml", u"html"},
    {u"text/markdown", u"markdown"},
    {u"text/x-markdown", u"markdown"},
    {u"application/pdf", u"pdf"},
    {u"text/csv", u"csv"},
    {u"text/tab-separated-values", u"csv"},
    {u"application/json", u"json"},
    {u"application/x-ndjson", u"json"},
    {u"application/jsonl", u"json"},
    {u"message/rfc822", u"eml"},
    {u"application/vnd.openxmlformats-officedocument.wordprocessingml.document", u"docx"},
    {u"application/vnd.openxmlformats-officedocument.presentationml.presentation", u"pptx"},
    {u"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", u"xlsx"},
    {u"application/vnd.oasis.opendocument.text", u"odt"},
    {u"application/vnd.oasis.opendocument.spreadsheet", u"ods"},
    {u"application/vnd.oasis.opendocument.presentation", u"odp"},
    {u"application/epub+zip", u"epub"},
};

constexpr KnownType kExtensions[] = {
    {u"html", u"html"},         {u"htm", u"html"},  {u"xhtml", u"html"}, {u"md", u"markdown"},
    {u"markdown", u"markdown"}, {u"pdf", u"pdf"},   {u"csv", u"csv"},    {u"tsv", u"csv"},
    {u"tab", u"csv"},           {u"json", u"json"}, {u"jsonl", u"json"}, {u"ndjson", u"json"},
    {u"eml", u"eml"},           {u"docx", u"docx"}, {u"docm", u"docx"},  {u"dotx", u"docx"},
    {u"pptx", u"pptx"},         {u"pptm", u"pptx"}, {u"xlsx", u"xlsx"},  {u"xlsm", u"xlsx"},
    {u"odt", u"odt"},           {u"ott", u"odt"},   {u"ods", u"ods"},    {u"ots", u"ods"},
    {u"odp", u"odp"},           {u"otp", u"odp"},   {u"png", u"image"},  {u"jpg", u"image"},
    {u"jpeg", u"image"},        {u"tif", u"image"}, {u"tiff", u"image"}, {u"webp", u"image"},
    {u"gif", u"image"},         {u"epub", u"epub"},
};

constexpr const char16_t *kTextExtensions[] = {
    u"txt", u"text", u"log",  u"xml", u"rst", u"yaml", u"yml", u"toml", u"ini", u"cfg", u"conf",
    u"tex", u"org",  u"adoc", u"srt", u"vtt", u"sql",  u"py",  u"c",    u"h",   u"cpp", u"hpp",
    u"js",  u"ts",   u"java", u"go",  u"rs",  u"sh",   u"rb",  u"php",  u"css",
};

// Kinds whose bytes are not text: no charset applies, binary content is expected.
bool isBinaryKind(const QString &kind)
{
    static constexpr const char16_t *binaryKinds[] = {u"pdf", u"docx", u"pptx",  u"xlsx", u"odt",
                                                      u"ods", u"odp",  u"image", u"epub"};
    for (const char16_t *candidate : binaryKinds) {
        if (kind == QStringView(candidate))
            return true;
    }
    return false;
}

// "Text/HTML; charset=utf-8" -> "text/html"
QString mimeTypeOf(const QString &contentType)
{
    return contentType.section(u';', 0, 0).trimmed().toLower();
}

QString extensionOf(const QString &fileName)
{
    return QFileInfo(fileName).suffix().toLower();
}

QString kindForMimeType(const QString &mimeType)
{
    for (const KnownType &type : kMimeTypes) {
        if (mimeType == QStringView(type.name))
            return QString::fromUtf16(type.kind);
    }
    if (mimeType.startsWith(u"text/") || mimeType == u"application/xml" ||
        mimeType.endsWith(u"+json") || mimeType.endsWith(u"+xml"))
        return QStringLiteral("text");
    return {};
}

QString kindForExtension(const QString &extension)
{
    if (extension.isEmpty())
        return QStringLiteral("text");
    for (const KnownType &type : kExtensions) {
        if (extension == QStringView(type.name))
            return QString::fromUtf16(type.kind);
    }
    for (const char16_t *candidate : kTextExtensions) {
        if (extension == QStringView(candidate))
            return QStringLiteral("text");
    }
    return {};
}

// What the sender says: the declared content type, then the file name.
QString declaredKind(const QString &fileName, const QString &contentType)
{
    if (QString kind = kindForMimeType(mimeTypeOf(contentType)); !kind.isEmpty())
        return kind;
    return kindForExtension(extensionOf(fileName));
}

// The declared kind when it is a binary format: its extractor explains what is
// wrong with the bytes ("document is encrypted") better than a generic refusal.
QString declaredBinaryKind(const QString &fileName, const QString &contentType)
{
    QString kind = kindForMimeType(mimeTypeOf(contentType));
    if (!isBinaryKind(kind))
        kind = kindForExtension(extensionOf(fileName));
    return isBinaryKind(kind) ? kind : QString();
}

// Text: content (HTML, JSON, e-mail), then declared type and name, then a BOM.
QString textKindOf(const QByteArray &data, const QString &fileName, const QString &contentType)
{
    if (QString kind = ContentSniffer::contentKind(data); !kind.isEmpty())
        return kind;
    if (QString kind = declaredKind(fileName, contentType); !kind.isEmpty())
        return kind;
    // A byte order mark says "text" more reliably than an unknown extension.
    if (TextDecoder::bomOf(data) != TextDecoder::Bom::None ||
        TextDecoder::guessUtf16(data) != TextDecoder::Bom::None)
        return QStringLiteral("text");
    return {};
}

// What the user sees after "unsupported file type: ".
QString describeUnsupported(const QByteArray &data, const QString &fileName,
                            const QString &contentType)
{
    const QString mimeType = mimeTypeOf(contentType);
    if (ZipArchive::hasZipSignature(data))
        return QStringLiteral("zip archive (not an Office or OpenDocument file)");
    if (const QString binaryType = ContentSniffer::binaryType(data); !binaryType.isEmpty())
        return QStringLiteral("binary content (%1)").arg(binaryType);
    if (ContentSniffer::looksBinary(data))
        return mimeType.isEmpty() ? QStringLiteral("binary content")
                                  : QStringLiteral("binary content (%1)").arg(mimeType);
    const QString described = QStringLiteral("'.%1' file").arg(extensionOf(fileName));
    return mimeType.isEmpty() ? described : QStringLiteral("%1 (%2)").arg(described, mimeType);
}

// An HTTP charset beats anything inside the file except a byte order mark, so
// the text is handed over as UTF-8 with a BOM, which every text extractor honours.
QByteArray applyDeclaredCharset(const QByteArray &data, const QString &kind,
                                const QString &contentType)
{
    const QByteArray charset = TextDecoder::charsetFromContentType(contentType);
    if (isBinaryKind(kind) || kind == u"eml" || !TextDecoder::supportsCharset(charset) ||
        TextDecoder::bomOf(data) != TextDecoder::Bom::None)
        return data;
    return QByteArray("\xEF\xBB\xBF").append(TextDecoder::decode(data, charset).toUtf8());
}

} // namespace

ExtractorRegistry::ExtractorRegistry()
{
    m_extractors.push_back(std::make_unique<TextExtractor>());
    m_extractors.push_back(std::make_unique<MarkdownExtractor>());
    m_extractors.push_back(std::make_unique<HtmlExtractor>());
    m_extractors.push_back(std::make_unique<PdfExtractor>());
    m_extractors.push_back(std::make_unique<CsvExtractor>());
    m_extractors.push_back(std::make_unique<JsonExtractor>());
    m_extractors.push_back(std::make_unique<EmlExtractor>());
    m_extractors.push_back(std::make_unique<DocxExtractor>());
    m_extractors.push_back(std::make_unique<PptxExtractor>());
    m_extractors.push_back(std::make_unique<XlsxExtractor>());
    m_extractors.push_back(std::make_unique<OdtExtractor>());
    m_extractors.push_back(std::make_unique<OdsExtractor>());
    m_extractors.push_back(std::make_unique<OdpExtractor>());
    m_extractors.push_back(std::make_unique<ImageExtractor>());
    m_extractors.push_back(std::make_unique<EpubExtractor>());
}

const Extractor *ExtractorRegistry::find(const QByteArray &data, const QString &fileName,
                                         const QString &contentType) const
{
    if (ContentSniffer::isPdf(data))
        return byKind(QStringLiteral("pdf"));
    if (ZipArchive::hasZipSignature(data)) {
        const QString kind = ContentSniffer::zipKind(data);
        if (isBinaryKind(kind))
            return byKind(kind);
        // A declared Office file that is a broken zip gets its reader's message.
        return byKind(declaredBinaryKind(fileName, contentType));
    }
    if (ImageExtractor::isReadableImageType(ContentSniffer::binaryType(data)))
        return byKind(QStringLiteral("image"));
    // A declared PDF or Office file that is not one (an encrypted Office file is
    // an OLE storage) gets its reader's message too.
    if (!ContentSniffer::binaryType(data).isEmpty() || ContentSniffer::looksBinary(data))
        return byKind(declaredBinaryKind(fileName, contentType));
    return byKind(textKindOf(data, fileName, contentType));
}

ExtractedDocument ExtractorRegistry::extract(const QByteArray &data, const QString &fileName,
                                             const QString &contentType,
                                             const CancelToken &cancel) const
{
    const Extractor *extractor = find(data, fileName, contentType);
    if (!extractor) {
        if (ZipArchive::hasZipSignature(data))
            ZipArchive readable(data); // throws ZipError when the archive itself is broken
        throw IngestError(QStringLiteral("UnsupportedType"),
                          QStringLiteral("unsupported file type: ") +
                              describeUnsupported(data, fileName, contentType));
    }
    return extractor->extract(applyDeclaredCharset(data, extractor->kind(), contentType), fileName,
                              cancel);
}

const ExtractorRegistry &ExtractorRegistry::standard()
{
    static const ExtractorRegistry registry;
    return registry;
}

QStringList ExtractorRegistry::supportedExtensions()
{
    QStringList extensions;
    for (const KnownType &type : kExtensions)
        extensions.append(QString::fromUtf16(type.name));
    for (const char16_t *extension : kTextExtensions)
        extensions.append(QString::fromUtf16(extension));
    return extensions;
}

const Extractor *ExtractorRegistry::byKind(const QString &kind) const
{
    for (const std::unique_ptr<Extractor> &extractor : m_extractors) {
        if (extractor->kind() == kind)
            return extractor.get();
    }
    return nullptr;
}

} // namespace aether
