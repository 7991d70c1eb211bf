// EPUB (core/extract/epubextractor.*): chapters in spine order whatever the
// manifest's order, the table of contents' titles as headings, the book's title
// and author as metadata, and DRM-protected books refused with a clear message.
#include "base/ingesterror.h"
#include "epubfixture.h"
#include "extract/extractorregistry.h"

#include <QTest>

using namespace aether;
using namespace aether::test;

class TestEpub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chaptersKeepTheSpineOrderAndTheirTitles()
    {
        const ExtractedDocument book = ExtractorRegistry::standard().extract(
            epubBook(glacierChapters()), QStringLiteral("ice.epub"));
        QCOMPARE(book.kind, QStringLiteral("epub"));
        QCOMPARE(book.title, QStringLiteral("The Ice Age Reader"));
        QCOMPARE(book.metadata.value(QStringLiteral("author")).toString(),
                 QStringLiteral("Agnes Moraine"));
        QCOMPARE(book.metadata.value(QStringLiteral("language")).toString(), QStringLiteral("en"));
        QCOMPARE(book.blocks.size(), 3);
        QVERIFY(book.blocks[0].text.startsWith(QStringLiteral("Glaciers flow")));
        QVERIFY(book.blocks[1].text.startsWith(QStringLiteral("Moraines and drumlins")));
        QVERIFY(book.blocks[2].text.startsWith(QStringLiteral("Kettle lakes")));
        QCOMPARE(book.blocks[0].heading, QStringLiteral("How Ice Moves"));
        QCOMPARE(book.blocks[1].heading, QStringLiteral("What Ice Leaves Behind"));
        QCOMPARE(book.blocks[2].heading, QStringLiteral("Lakes of the North"));
    }

    void aFileNamedOtherwiseIsStillABook()
    {
        const Extractor *extractor = ExtractorRegistry::standard().find(
            epubBook(glacierChapters()), QStringLiteral("book.zip"), {});
        QVERIFY(extractor);
        QCOMPARE(extractor->kind(), QStringLiteral("epub"));
    }

    void drmProtectedBooksAreRefused()
    {
        const QByteArray encrypted = epubBook(
            glacierChapters(),
            {{QStringLiteral("META-INF/encryption.xml"),
              "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
              "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
              "<enc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>"
              "<enc:CipherData><enc:CipherReference URI=\"OEBPS/alpha.xhtml\"/></enc:CipherData>"
              "</enc:EncryptedData></encryption>"}});
        try {
            ExtractorRegistry::standard().extract(encrypted, QStringLiteral("locked.epub"));
            QFAIL("a DRM-protected book was read");
        } catch (const IngestError &error) {
            QVERIFY2(error.toString().startsWith(
                         QStringLiteral("EpubError: this book is DRM-protected")),
                     qPrintable(error.toString()));
        }
        // Font obfuscation is no DRM: the book reads.
        const QByteArray fonts = epubBook(
            glacierChapters(),
            {{QStringLiteral("META-INF/encryption.xml"),
              "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
              "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
              "<enc:EncryptionMethod Algorithm=\"http://www.idpf.org/2008/embedding\"/>"
              "<enc:CipherData><enc:CipherReference URI=\"OEBPS/font.otf\"/></enc:CipherData>"
              "</enc:EncryptedData></encryption>"}});
        QCOMPARE(
            ExtractorRegistry::standard().extract(fonts, QStringLiteral("f.epub")).blocks.size(),
            3);
        const QByteArray rights =
            epubBook(glacierChapters(), {{QStringLiteral("META-INF/rights.xml"), "<rights/>"}});
        QVERIFY_THROWS_EXCEPTION(
            IngestError, ExtractorRegistry::standard().extract(rights, QStringLiteral("r.epub")));
    }
};

QTEST_GUILESS_MAIN(TestEpub)
#include "tst_epub.moc"
