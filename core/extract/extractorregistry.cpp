#include "extract/extractorregistry.h"

#include "extract/contentsniffer.h"
#include "extract/htmlextractor.h"
#include "extract/markdownextractor.h"
#include "extract/pdfextractor.h"
#include "extract/textdecoder.h"
#include "extract/textextractor.h"
#include "ingest/ingesterror.h"

#include <QFileInfo>

namespace aether {

namespace {

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
    if (mimeType == u"text/html" || mimeType == u"application/xhtml+xml")
        return QStringLiteral("html");
    if (mimeType == u"text/markdown" || mimeType == u"text/x-markdown")
        return QStringLiteral("markdown");
    if (mimeType == u"application/pdf")
        return QStringLiteral("pdf");
    if (mimeType.startsWith(u"text/") || mimeType == u"application/json" ||
        mimeType == u"application/xml" || mimeType.endsWith(u"+json") || mimeType.endsWith(u"+xml"))
        return QStringLiteral("text");
    return {};
}

QString kindForExtension(const QString &extension)
{
    static constexpr const char16_t *textExtensions[] = {
        u"txt",  u"text", u"csv",  u"tsv", u"json", u"jsonl", u"log", u"xml", u"rst",
        u"yaml", u"yml",  u"toml", u"ini", u"cfg",  u"conf",  u"tex", u"org", u"adoc",
        u"srt",  u"vtt",  u"sql",  u"py",  u"c",    u"h",     u"cpp", u"hpp", u"js",
        u"ts",   u"java", u"go",   u"rs",  u"sh",   u"rb",    u"php", u"css",
    };
    if (extension == u"html" || extension == u"htm" || extension == u"xhtml")
        return QStringLiteral("html");
    if (extension == u"md" || extension == u"markdown")
        return QStringLiteral("markdown");
    if (extension == u"pdf")
        return QStringLiteral("pdf");
    if (extension.isEmpty())
        return QStringLiteral("text");
    for (const char16_t *candidate : textExtensions) {
        if (extension == QStringView(candidate))
            return QStringLiteral("text");
    }
    return {};
}

// Bytes that are text (not PDF, not binary): content, then declared type, then name.
QString textKindOf(const QByteArray &data, const QString &fileName, const QString &contentType)
{
    if (ContentSniffer::looksLikeHtml(data))
        return QStringLiteral("html");
    if (QString kind = kindForMimeType(mimeTypeOf(contentType)); !kind.isEmpty())
        return kind;
    if (QString kind = kindForExtension(extensionOf(fileName)); !kind.isEmpty())
        return kind;
    // A byte order mark says "text" more reliably than an unknown extension.
    if (TextDecoder::bomOf(data) != TextDecoder::Bom::None)
        return QStringLiteral("text");
    return {};
}

bool declaresPdf(const QString &fileName, const QString &contentType)
{
    return mimeTypeOf(contentType) == u"application/pdf" || extensionOf(fileName) == u"pdf";
}

// What the user sees after "unsupported file type: ".
QString describeUnsupported(const QByteArray &data, const QString &fileName,
                            const QString &contentType)
{
    const QString mimeType = mimeTypeOf(contentType);
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
    if (kind == u"pdf" || !TextDecoder::supportsCharset(charset) ||
        TextDecoder::bomOf(data) != TextDecoder::Bom::None)
        return data;
    return QByteArrayLiteral("\xEF\xBB\xBF") + TextDecoder::decode(data, charset).toUtf8();
}

} // namespace

ExtractorRegistry::ExtractorRegistry()
{
    m_extractors.push_back(std::make_unique<TextExtractor>());
    m_extractors.push_back(std::make_unique<MarkdownExtractor>());
    m_extractors.push_back(std::make_unique<HtmlExtractor>());
    m_extractors.push_back(std::make_unique<PdfExtractor>());
}

const Extractor *ExtractorRegistry::find(const QByteArray &data, const QString &fileName,
                                         const QString &contentType) const
{
    if (ContentSniffer::isPdf(data))
        return byKind(QStringLiteral("pdf"));
    if (!ContentSniffer::binaryType(data).isEmpty())
        return nullptr;
    // A declared PDF that is binary garbage gets PdfExtractor's "corrupt" message.
    if (ContentSniffer::looksBinary(data))
        return declaresPdf(fileName, contentType) ? byKind(QStringLiteral("pdf")) : nullptr;
    return byKind(textKindOf(data, fileName, contentType));
}

ExtractedDocument ExtractorRegistry::extract(const QByteArray &data, const QString &fileName,
                                             const QString &contentType,
                                             const CancelToken &cancel) const
{
    const Extractor *extractor = find(data, fileName, contentType);
    if (!extractor)
        throw IngestError(QStringLiteral("UnsupportedType"),
                          QStringLiteral("unsupported file type: ") +
                              describeUnsupported(data, fileName, contentType));
    return extractor->extract(applyDeclaredCharset(data, extractor->kind(), contentType), fileName,
                              cancel);
}

const ExtractorRegistry &ExtractorRegistry::standard()
{
    static const ExtractorRegistry registry;
    return registry;
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
