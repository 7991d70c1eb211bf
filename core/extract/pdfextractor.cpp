#include "extract/pdfextractor.h"

#include "base/ingesterror.h"

#include <QLoggingCategory>
#include <poppler-qt6.h>

#include <mutex>

namespace aether {

namespace {

// Poppler reports every damaged object of a broken file on qDebug; the user
// already gets one clear error, so its chatter is off unless asked for
// (QT_LOGGING_RULES="aether.extract.pdf.debug=true").
Q_LOGGING_CATEGORY(lcPoppler, "aether.extract.pdf", QtWarningMsg)

void routePopplerMessages()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Poppler::setDebugErrorFunction(
            [](const QString &message, const QVariant &) { qCDebug(lcPoppler) << message; }, {});
    });
}

} // namespace

ExtractedDocument PdfExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    routePopplerMessages();
    const std::unique_ptr<Poppler::Document> pdf = Poppler::Document::loadFromData(data);
    if (!pdf)
        throw IngestError(QStringLiteral("PdfError"),
                          QStringLiteral("file is not a readable PDF (corrupt or truncated)"));
    // Checked first: poppler crashes when a locked document is asked for pages.
    if (pdf->isLocked())
        throw IngestError(QStringLiteral("PdfError"), QStringLiteral("document is encrypted"));

    ExtractedDocument document;
    document.kind = kind();
    document.title = pdf->info(QStringLiteral("Title")).simplified();
    document.pageCount = pdf->numPages();
    for (int index = 0; index < document.pageCount; ++index) {
        cancel.check(); // a page is the unit of work: a long PDF stops between pages
        const std::unique_ptr<Poppler::Page> page = pdf->page(index);
        // An empty rectangle means the whole page, in reading order.
        const QString text = page ? page->text(QRectF()).trimmed() : QString();
        if (text.isEmpty())
            document.pagesWithoutText.append(index + 1);
        else
            document.blocks.append(TextBlock{text, index + 1, {}});
    }
    return document;
}

} // namespace aether
