// OCR (core/ocr): Tesseract reads a picture of text drawn in the test, the
// scanned pages of a PDF join its text pages in order, a missing language is a
// clear error, and cancellation stops between pages.
#include "base/cancellation.h"
#include "extract/extractorregistry.h"
#include "ocr/pagerecognition.h"
#include "scannedfixtures.h"

#include <QTest>
#include <poppler-qt6.h>

using namespace aether;
using namespace aether::test;

class TestOcr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPictureOfTextIsRead()
    {
        OcrEngine engine(QStringLiteral("eng"));
        const RecognisedText read =
            engine.recognise(pageImage({QStringLiteral("Glaciers carve valleys into"),
                                        QStringLiteral("the shape of a letter U.")}));
        QVERIFY2(read.text.contains(QStringLiteral("Glaciers carve valleys")),
                 qPrintable(read.text));
        QVERIFY2(read.confidence >= 60, qPrintable(QString::number(read.confidence)));
        // The same as a PNG file, decoded by leptonica.
        const RecognisedText fromPng = engine.recogniseEncoded(
            pngOf(pageImage({QStringLiteral("Moraines mark the ice edge.")})));
        QVERIFY2(fromPng.text.contains(QStringLiteral("Moraines mark the ice edge")),
                 qPrintable(fromPng.text));
    }

    void aMissingLanguageNamesItsPackage()
    {
        try {
            OcrEngine engine(QStringLiteral("eng+zzz"));
            QFAIL("a language without data was accepted");
        } catch (const OcrUnavailable &missing) {
            QVERIFY2(QString::fromLocal8Bit(missing.what())
                         .contains(QStringLiteral("tesseract-ocr-zzz")),
                     missing.what());
        }
    }

    void scannedPagesJoinTheTextInPageOrder()
    {
        const QByteArray pdf =
            scannedPdf({pageImage({QStringLiteral("First page about drumlins.")}),
                        pageImage({QStringLiteral("Second page about eskers.")})});
        // Poppler finds no text layer: both pages wait for OCR.
        ExtractedDocument document =
            ExtractorRegistry::standard().extract(pdf, QStringLiteral("scan.pdf"));
        QCOMPARE(document.pagesWithoutText, QList<int>({1, 2}));
        QVERIFY(document.blocks.isEmpty());

        OcrEngine engine(QStringLiteral("eng"));
        QList<int> progress;
        const QList<RecognisedPage> pages = recognisePages(
            engine, document, pdf, CancelToken::never(),
            [&progress](int done, int total) { progress.append(done * 100 / total); });
        QCOMPARE(pages.size(), 2);
        QCOMPARE(progress, QList<int>({50, 100}));
        QCOMPARE(document.blocks.size(), 2);
        QCOMPARE(document.blocks[0].page, 1);
        QCOMPARE(document.blocks[1].page, 2);
        QVERIFY2(document.blocks[1].text.contains(QStringLiteral("eskers")),
                 qPrintable(document.blocks[1].text));
        QVERIFY(document.pagesWithoutText.isEmpty());
        QVERIFY(pages[1].hasText && pages[1].confidence > 50);
    }

    void cancellationStopsBetweenPages()
    {
        const QByteArray pdf =
            scannedPdf({pageImage({QStringLiteral("One")}), pageImage({QStringLiteral("Two")}),
                        pageImage({QStringLiteral("Three")})});
        ExtractedDocument document =
            ExtractorRegistry::standard().extract(pdf, QStringLiteral("scan.pdf"));
        OcrEngine engine(QStringLiteral("eng"));
        CancelToken cancel;
        int pagesRead = 0;
        QVERIFY_THROWS_EXCEPTION(JobInterrupted,
                                 recognisePages(engine, document, pdf, cancel, [&](int done, int) {
                                     pagesRead = done;
                                     if (done == 1)
                                         cancel.interrupt(JobInterrupted::Reason::Canceled);
                                 }));
        QCOMPARE(pagesRead, 1);
    }
};

QTEST_MAIN(TestOcr)
#include "tst_ocr.moc"
