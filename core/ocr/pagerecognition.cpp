#include "ocr/pagerecognition.h"

#include "base/ingesterror.h"

#include <algorithm>
#include <poppler-qt6.h>

namespace aether {

namespace {

QImage renderPage(Poppler::Document &pdf, int pageNumber)
{
    const std::unique_ptr<Poppler::Page> page = pdf.page(pageNumber - 1);
    if (!page)
        return {};
    const QSizeF points = page->pageSizeF(); // 1/72 inch
    const double longest = std::max(points.width(), points.height()) / 72.0;
    const double dpi =
        longest > 0 ? std::min<double>(kOcrDpi, kMaxRenderedSide / longest) : kOcrDpi;
    QImage image = page->renderToImage(dpi, dpi);
    image.setDotsPerMeterX(qRound(dpi / 0.0254));
    image.setDotsPerMeterY(qRound(dpi / 0.0254));
    return image;
}

void insertInPageOrder(ExtractedDocument &document, TextBlock block)
{
    const auto after =
        std::upper_bound(document.blocks.begin(), document.blocks.end(), block.page,
                         [](int page, const TextBlock &existing) { return page < existing.page; });
    document.blocks.insert(after, std::move(block));
}

} // namespace

QList<RecognisedPage> recognisePages(OcrEngine &engine, ExtractedDocument &document,
                                     const QByteArray &bytes, const CancelToken &cancel,
                                     const PageProgress &progress)
{
    const QList<int> pages = document.pagesWithoutText;
    if (pages.isEmpty())
        return {};
    std::unique_ptr<Poppler::Document> pdf;
    if (document.kind == QLatin1String("pdf")) {
        pdf = Poppler::Document::loadFromData(bytes);
        if (!pdf || pdf->isLocked())
            return {};
        pdf->setRenderHint(Poppler::Document::Antialiasing);
        pdf->setRenderHint(Poppler::Document::TextAntialiasing);
    }
    QList<RecognisedPage> recognised;
    QList<int> stillWithoutText;
    for (qsizetype i = 0; i < pages.size(); ++i) {
        cancel.check(); // a page is OCR's unit of work: seconds each
        const int page = pages[i];
        RecognisedText text;
        try {
            text = pdf ? engine.recognise(renderPage(*pdf, page)) : engine.recogniseEncoded(bytes);
        } catch (const OcrUnavailable &unreadable) {
            throw IngestError(QStringLiteral("ImageError"),
                              QString::fromLocal8Bit(unreadable.what()));
        }
        const bool hasText = !text.text.isEmpty();
        recognised.append(RecognisedPage{page, text.confidence, hasText});
        if (hasText)
            insertInPageOrder(document, TextBlock{text.text, pdf ? page : 0, {}});
        else
            stillWithoutText.append(page);
        if (progress)
            progress(int(i + 1), int(pages.size()));
    }
    document.pagesWithoutText = stillWithoutText;
    return recognised;
}

} // namespace aether
