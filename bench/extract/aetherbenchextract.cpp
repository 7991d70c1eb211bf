// Extraction throughput: HtmlExtractor over ~20 MB of web pages and
// PdfExtractor over a 200-page PDF, both made here. The PDF is left in the
// work directory so that bench/extract.sh can time pdftotext on the same file.
//   aether-bench-extract --work DIR [--html-mb 20] [--pdf-pages 200] [--runs 3]

#include "extract/htmlextractor.h"
#include "extract/pdfextractor.h"
#include "ocr/pagerecognition.h"

#include <QBuffer>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QTextStream>

#include <algorithm>
#include <poppler-qt6.h>

using namespace aether;

namespace {

QList<QByteArray> seedPages()
{
    const QDir dir(QStringLiteral(AETHER_HTML_CORPUS));
    QList<QByteArray> pages;
    for (const QString &name : dir.entryList({QStringLiteral("*.html")}, QDir::Files)) {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            pages.append(file.readAll());
    }
    return pages;
}

// Variants of the seed pages until `bytes` are reached: each copy gets a few
// extra paragraphs and list items so that no two documents are the same.
QList<QByteArray> htmlCorpus(const QList<QByteArray> &seeds, qint64 bytes)
{
    QList<QByteArray> pages;
    qint64 total = 0;
    for (int copy = 0; total < bytes; ++copy) {
        QByteArray page = seeds[copy % seeds.size()];
        QByteArray extra = "<p>Variant " + QByteArray::number(copy) + ":";
        for (int sentence = 0; sentence < 3 + copy % 7; ++sentence)
            extra += " Measurement " + QByteArray::number(copy * 31 + sentence) +
                     " was taken at the north pier, logged, and compared with the previous year.";
        extra += "</p><ul><li>Item " + QByteArray::number(copy) + "</li><li>Item " +
                 QByteArray::number(copy + 1) + "</li></ul>";
        const qsizetype at = page.lastIndexOf("</p>");
        page.insert(at < 0 ? page.size() : at + 4, extra);
        total += page.size();
        pages.append(page);
    }
    return pages;
}

void writePdf(const QString &path, int pageCount)
{
    QPdfWriter writer(path);
    writer.setTitle(QStringLiteral("Extraction benchmark"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(300);
    QPainter painter(&writer);
    QFont font(QStringLiteral("DejaVu Serif"));
    font.setPointSize(10);
    painter.setFont(font);
    const QRect area = painter.viewport().adjusted(150, 150, -150, -150);
    for (int page = 1; page <= pageCount; ++page) {
        if (page > 1)
            writer.newPage();
        QString text = QStringLiteral("Chapter %1\n\n").arg(page);
        for (int paragraph = 0; paragraph < 6; ++paragraph) {
            text += QStringLiteral("Paragraph %1 of page %2. The quarterly report describes how "
                                   "the ingestion pipeline reads documents, splits them into "
                                   "chunks along headings and paragraphs, embeds every chunk "
                                   "and stores it with its page number, so that a search can "
                                   "point the reader back to the right place in the original "
                                   "file. Throughput, latency and recall are measured on every "
                                   "release and compared with the previous one.\n\n")
                        .arg(paragraph + 1)
                        .arg(page);
        }
        painter.drawText(area, Qt::TextWordWrap, text);
    }
}

struct Timing
{
    double bestSeconds = 0;
    qint64 characters = 0;
};

template<typename Run> Timing best(int runs, Run run)
{
    Timing timing;
    for (int k = 0; k < runs; ++k) {
        QElapsedTimer clock;
        clock.start();
        timing.characters = run();
        const double seconds = clock.nsecsElapsed() / 1e9;
        timing.bestSeconds = k == 0 ? seconds : std::min(timing.bestSeconds, seconds);
    }
    return timing;
}

qint64 characters(const ExtractedDocument &document)
{
    qint64 count = document.title.size();
    for (const TextBlock &block : document.blocks)
        count += block.text.size();
    return count;
}

// OCR throughput: the text PDF's first pages rendered at 300 dpi as a scanner
// would (pictures only, no text layer), then read by the pipeline's OCR step
// on one core, as one worker does. Pages per second, once (a page takes seconds).
double ocrPagesPerSecond(const QByteArray &textPdf, int pageCount, QTextStream &out)
{
    if (pageCount <= 0)
        return 0;
    const std::unique_ptr<Poppler::Document> source = Poppler::Document::loadFromData(textPdf);
    QByteArray scanned;
    QBuffer buffer(&scanned);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(300);
        QPainter painter(&writer);
        for (int page = 0; page < std::min(pageCount, source->numPages()); ++page) {
            if (page > 0)
                writer.newPage();
            const QImage image = source->page(page)->renderToImage(300, 300);
            painter.drawImage(painter.viewport(), image);
        }
    }
    ExtractedDocument document = PdfExtractor().extract(scanned, {}, CancelToken::never());
    const int pages = int(document.pagesWithoutText.size());
    OcrEngine engine(QStringLiteral("eng"));
    QElapsedTimer clock;
    clock.start();
    const QList<RecognisedPage> read =
        recognisePages(engine, document, scanned, CancelToken::never(), {});
    const double seconds = clock.nsecsElapsed() / 1e9;
    int confidence = 0;
    for (const RecognisedPage &page : read)
        confidence += page.confidence;
    out << QStringLiteral("  OCR (Tesseract, 300 dpi, one core): %1 scanned A4 pages in %2 s: "
                          "%3 pages/s, mean confidence %4, %5 characters\n")
               .arg(pages)
               .arg(seconds, 0, 'f', 2)
               .arg(pages / seconds, 0, 'f', 2)
               .arg(read.isEmpty() ? 0 : confidence / int(read.size()))
               .arg(characters(document));
    return pages / seconds;
}

} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv); // QPdfWriter needs fonts
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("HTML and PDF extraction throughput"));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("work"), QStringLiteral("Directory for the PDF."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("html-mb"), QStringLiteral("HTML corpus size in MB."),
                      QStringLiteral("mb"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("pdf-pages"), QStringLiteral("Pages in the PDF."),
                      QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("ocr-pages"),
                      QStringLiteral("Scanned A4 pages read with OCR (0: none)."),
                      QStringLiteral("n"), QStringLiteral("6")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs; the best one counts."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.process(app);
    QTextStream out(stdout);
    const QString work = parser.value(QStringLiteral("work"));
    if (work.isEmpty() || !QDir().mkpath(work)) {
        out << "give a writable --work directory\n";
        return 2;
    }
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());
    const double mb = 1024.0 * 1024.0;

    const QList<QByteArray> seeds = seedPages();
    if (seeds.isEmpty()) {
        out << "no seed pages in " << AETHER_HTML_CORPUS << "\n";
        return 2;
    }
    const QList<QByteArray> pages =
        htmlCorpus(seeds, qint64(parser.value(QStringLiteral("html-mb")).toDouble() * mb));
    qint64 htmlBytes = 0;
    for (const QByteArray &page : pages)
        htmlBytes += page.size();
    const HtmlExtractor html;
    const Timing htmlTiming = best(runs, [&] {
        qint64 count = 0;
        for (const QByteArray &page : pages)
            count += characters(html.extract(page, {}, CancelToken::never()));
        return count;
    });
    const double htmlRate = htmlBytes / mb / htmlTiming.bestSeconds;
    out << QStringLiteral(
               "  HtmlExtractor: %1 pages, %2 MB in %3 s: %4 MB/s (%5 characters kept)\n")
               .arg(pages.size())
               .arg(htmlBytes / mb, 0, 'f', 1)
               .arg(htmlTiming.bestSeconds, 0, 'f', 2)
               .arg(htmlRate, 0, 'f', 1)
               .arg(htmlTiming.characters);

    const QString pdfPath = QDir(work).filePath(QStringLiteral("bench.pdf"));
    writePdf(pdfPath, parser.value(QStringLiteral("pdf-pages")).toInt());
    QFile pdfFile(pdfPath);
    if (!pdfFile.open(QIODevice::ReadOnly)) {
        out << "cannot read " << pdfPath << "\n";
        return 1;
    }
    const QByteArray pdf = pdfFile.readAll();
    const PdfExtractor pdfExtractor;
    int pdfPages = 0;
    const Timing pdfTiming = best(runs, [&] {
        const ExtractedDocument document = pdfExtractor.extract(pdf, {}, CancelToken::never());
        pdfPages = document.pageCount;
        return characters(document);
    });
    const double pdfRate = pdf.size() / mb / pdfTiming.bestSeconds;
    out << QStringLiteral("  PdfExtractor: %1 pages, %2 MB in %3 s: %4 MB/s (%5 characters)\n")
               .arg(pdfPages)
               .arg(pdf.size() / mb, 0, 'f', 2)
               .arg(pdfTiming.bestSeconds, 0, 'f', 3)
               .arg(pdfRate, 0, 'f', 2)
               .arg(pdfTiming.characters);
    const double ocrRate =
        ocrPagesPerSecond(pdf, parser.value(QStringLiteral("ocr-pages")).toInt(), out);
    // For bench/extract.sh.
    out << "html_mb_per_s=" << htmlRate << "\npdf_mb_per_s=" << pdfRate << "\npdf_file=" << pdfPath
        << "\npdf_bytes=" << pdf.size() << "\nocr_pages_per_s=" << ocrRate << "\n";
    return 0;
}
