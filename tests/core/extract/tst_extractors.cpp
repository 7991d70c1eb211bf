#include "base/ingesterror.h"
#include "extract/extractorregistry.h"
#include "extract/htmlextractor.h"
#include "extract/markdownextractor.h"
#include "extract/pdfextractor.h"
#include "extract/textextractor.h"
#include "pdffixture.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <memory>
#include <optional>

using namespace aether;
using aether::test::buildPdf;

namespace {

QByteArray samplePdf()
{
    return buildPdf({QStringLiteral("Aether page one\nsecond line of page one"), QString(),
                     QStringLiteral("The third page (with parentheses)")},
                    QStringLiteral("Quarterly Report"));
}

QByteArray utf16(const QString &text, bool littleEndian)
{
    QByteArray bytes = littleEndian ? QByteArray("\xFF\xFE") : QByteArray("\xFE\xFF");
    for (const QChar ch : text) {
        const char low = char(ch.unicode() & 0xFF);
        const char high = char(ch.unicode() >> 8);
        bytes += littleEndian ? QByteArray{} + low + high : QByteArray{} + high + low;
    }
    return bytes;
}

QStringList texts(const ExtractedDocument &document)
{
    QStringList result;
    for (const TextBlock &block : document.blocks)
        result << block.text;
    return result;
}

QString allText(const ExtractedDocument &document)
{
    return texts(document).join(u'\n');
}

// A long report: `pageCount` pages of several lines each, so reading it takes a while.
QByteArray longPdf(int pageCount)
{
    QStringList pages;
    for (int page = 1; page <= pageCount; ++page) {
        QStringList lines;
        for (int line = 1; line <= 40; ++line)
            lines << QStringLiteral("Page %1 line %2: the quarterly figures in detail")
                         .arg(page)
                         .arg(line);
        pages << lines.join(u'\n');
    }
    return buildPdf(pages, QStringLiteral("Long Report"));
}

// The reason extraction was interrupted with, or nothing if it ran to the end.
std::optional<JobInterrupted::Reason>
interruption(const Extractor &extractor, const QByteArray &bytes, const CancelToken &cancel)
{
    try {
        extractor.extract(bytes, {}, cancel);
    } catch (const JobInterrupted &interrupted) {
        return interrupted.reason();
    }
    return std::nullopt;
}

} // namespace

class TestExtractors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textUtf8WithBomAndParagraphs();
    void textUtf16WithBom_data();
    void textUtf16WithBom();
    void textLatin1AndWindows1252Fallback();
    void markdownHeadingsAndInlineMarkup();
    void htmlDropsBoilerplateKeepsParagraphs();
    void htmlDecodesEntities();
    void htmlMetaCharset();
    void htmlContentTypeCharsetBeatsMeta();
    void pdfPagesTitleAndEmptyPages();
    void pdfCorruptOrTruncated_data();
    void pdfCorruptOrTruncated();
    void pdfEncrypted();
    void registryDetectsKind_data();
    void registryDetectsKind();
    void registryRefusesBinaryWithReason();
    void registryStandardIsShared();
    void pdfInterruptedTokenStopsExtraction();
    void pdfExpiredDeadlineIsTimeout();
    void pdfInterruptedFromAnotherThreadStopsBeforeLastPage();
    void textFormatsCheckTheToken_data();
    void textFormatsCheckTheToken();
    void registryPassesTheToken();
};

void TestExtractors::textUtf8WithBomAndParagraphs()
{
    const QByteArray bytes = "\xEF\xBB\xBF"
                             "First paragraph,\r\nstill first.\r\n\r\n  \r\n"
                             "Second: na\xC3\xAFve caf\xC3\xA9.\r\n";
    const ExtractedDocument document =
        TextExtractor().extract(bytes, QStringLiteral("a.txt"), CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("text"));
    QCOMPARE(texts(document), QStringList({QStringLiteral("First paragraph,\nstill first."),
                                           QStringLiteral("Second: naïve café.")}));
}

void TestExtractors::textUtf16WithBom_data()
{
    QTest::addColumn<bool>("littleEndian");
    QTest::newRow("LE") << true;
    QTest::newRow("BE") << false;
}

void TestExtractors::textUtf16WithBom()
{
    QFETCH(bool, littleEndian);
    const QString text = QStringLiteral("Grüße aus Köln\n\n€ 5 — ok");
    const ExtractedDocument document =
        TextExtractor().extract(utf16(text, littleEndian), {}, CancelToken::never());
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("Grüße aus Köln"), QStringLiteral("€ 5 — ok")}));
}

void TestExtractors::textLatin1AndWindows1252Fallback()
{
    // Not valid UTF-8: é (0xE9) in Latin-1, and Windows-1252 curly quotes and euro.
    const QByteArray bytes = "caf\xE9 \x93quoted\x94 \x80"
                             "5";
    const ExtractedDocument document = TextExtractor().extract(bytes, {}, CancelToken::never());
    QCOMPARE(allText(document), QStringLiteral("café “quoted” €5"));
}

void TestExtractors::markdownHeadingsAndInlineMarkup()
{
    const QByteArray markdown = "---\ntitle: front matter\n---\n"
                                "# Aether Guide\n\nIntro with **bold**, *italic* and "
                                "[a link](https://example.com), snake_case_name, \\*stars\\*.\n\n"
                                "## Install\n\n> Run `make *all*` first.\n\n"
                                "```sh\ncmake -S . -B build # **not bold**\n```\n\n"
                                "Usage\n-----\n\n![diagram](d.png) shows ~~old~~ flow.\n";
    const ExtractedDocument document =
        MarkdownExtractor().extract(markdown, {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("markdown"));
    QCOMPARE(document.title, QStringLiteral("Aether Guide"));
    QCOMPARE(texts(document),
             QStringList(
                 {QStringLiteral("Aether Guide"),
                  QStringLiteral("Intro with bold, italic and a link, snake_case_name, *stars*."),
                  QStringLiteral("Install"), QStringLiteral("Run make *all* first."),
                  QStringLiteral("cmake -S . -B build # **not bold**"), QStringLiteral("Usage"),
                  QStringLiteral("diagram shows old flow.")}));
    QCOMPARE(document.blocks[0].heading, QStringLiteral("Aether Guide"));
    QCOMPARE(document.blocks[1].heading, QStringLiteral("Aether Guide"));
    // Blocks carry the whole heading path, not only the nearest heading.
    QCOMPARE(document.blocks[2].heading, QStringLiteral("Aether Guide > Install"));
    QCOMPARE(document.blocks[3].heading, QStringLiteral("Aether Guide > Install"));
    QCOMPARE(document.blocks[4].heading, QStringLiteral("Aether Guide > Install"));
    QCOMPARE(document.blocks[6].heading, QStringLiteral("Aether Guide > Usage"));
}

void TestExtractors::htmlDropsBoilerplateKeepsParagraphs()
{
    const QByteArray html = R"(<!DOCTYPE html><html><head><title> The  Page </title>
<style>p { color: red; }</style><script>var x = "<p>not text</p>";</script></head>
<body><header><a href="/">Site name</a></header><nav><ul><li>Home</li><li>About</li></ul></nav>
<article><h1>Main heading</h1><p>First
   paragraph   text.</p><p>Second<br>line two</p>
<div title=it's>Division <b>bold</b> <img alt="a > b" src=x/>text</div><aside>Related links</aside>
<form><input name=q><button>Search</button></form><noscript>Enable JS</noscript>
<h2>Details</h2><ul><li>one</li><li>two</li></ul></article>
<footer>Copyright footer</footer><!-- a <p>comment</p> --></body></html>)";
    const ExtractedDocument document = HtmlExtractor().extract(html, {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("html"));
    QCOMPARE(document.title, QStringLiteral("The Page"));
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("Main heading"), QStringLiteral("First paragraph text."),
                          QStringLiteral("Second\nline two"), QStringLiteral("Division bold text"),
                          QStringLiteral("Details"), QStringLiteral("one\ntwo")}));
    QCOMPARE(document.blocks[1].heading, QStringLiteral("Main heading"));
    // The heading path: the list sits under "Details", which sits under the h1.
    QCOMPARE(document.blocks[5].heading, QStringLiteral("Main heading > Details"));
}

void TestExtractors::htmlDecodesEntities()
{
    const QByteArray html = "<p>Tom &amp; Jerry &mdash; &lt;b&gt; &quot;q&quot; &#233;t&#xE9; "
                            "&hellip; &copy; it&rsquo;s&nbsp;ok &unknown; &#x1F600; &#150;</p>"
                            "<h1>Fish &amp; Chips</h1>";
    const ExtractedDocument document = HtmlExtractor().extract(html, {}, CancelToken::never());
    QCOMPARE(texts(document).first(),
             QStringLiteral("Tom & Jerry — <b> \"q\" été … © it’s ok &unknown; 😀 –"));
    QCOMPARE(document.title, QStringLiteral("Fish & Chips")); // no <title>: the first h1
}

void TestExtractors::htmlMetaCharset()
{
    const QByteArray latin1 = "<html><head><meta charset=\"iso-8859-1\"></head>"
                              "<body><p>Gr\xFC\xDF"
                              "e \x80</p></body></html>";
    QCOMPARE(allText(HtmlExtractor().extract(latin1, {}, CancelToken::never())),
             QStringLiteral("Grüße €"));

    // Even bytes that happen to be valid UTF-8 follow the declared charset.
    const QByteArray httpEquiv =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=windows-1252\"><title>T</title></head><body>\xC3\xA9</body></html>";
    QCOMPARE(allText(HtmlExtractor().extract(httpEquiv, {}, CancelToken::never())),
             QStringLiteral("Ã©"));

    const QByteArray undeclared = "<html><body>caf\xC3\xA9</body></html>";
    QCOMPARE(allText(HtmlExtractor().extract(undeclared, {}, CancelToken::never())),
             QStringLiteral("café"));
}

void TestExtractors::htmlContentTypeCharsetBeatsMeta()
{
    const QByteArray html = "<html><head><meta charset=utf-8></head><body>na\xEFve</body></html>";
    QCOMPARE(HtmlExtractor::decode(html, QStringLiteral("text/html; charset=ISO-8859-1"))
                 .contains(QStringLiteral("naïve")),
             true);
    const ExtractedDocument document = ExtractorRegistry::standard().extract(
        html, QStringLiteral("page"), QStringLiteral("text/html; charset=\"windows-1252\""));
    QCOMPARE(allText(document), QStringLiteral("naïve"));
}

void TestExtractors::pdfPagesTitleAndEmptyPages()
{
    const ExtractedDocument document =
        PdfExtractor().extract(samplePdf(), {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("pdf"));
    QCOMPARE(document.title, QStringLiteral("Quarterly Report"));
    QCOMPARE(document.pageCount, 3);
    QCOMPARE(document.pagesWithoutText, QList<int>({2}));
    QCOMPARE(document.blocks.size(), 2);
    QCOMPARE(document.blocks[0].page, 1);
    QCOMPARE(document.blocks[0].text.simplified(),
             QStringLiteral("Aether page one second line of page one"));
    QCOMPARE(document.blocks[1].page, 3);
    QCOMPARE(document.blocks[1].text, QStringLiteral("The third page (with parentheses)"));

    const ExtractedDocument blank =
        PdfExtractor().extract(buildPdf({{}, {}}, {}), {}, CancelToken::never());
    QVERIFY(blank.isEmpty()); // returned, not thrown: the caller decides
    QCOMPARE(blank.pagesWithoutText, QList<int>({1, 2}));
    QCOMPARE(blank.title, QString());
}

void TestExtractors::pdfCorruptOrTruncated_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray pdf = samplePdf();
    QTest::newRow("header only") << QByteArray("%PDF-1.4\n");
    QTest::newRow("truncated") << pdf.left(pdf.indexOf("2 0 obj"));
    QTest::newRow("garbage body") << QByteArray("%PDF-1.7\n") + QByteArray(4000, '\x01');
    QTest::newRow("empty") << QByteArray();
}

void TestExtractors::pdfCorruptOrTruncated()
{
    QFETCH(QByteArray, bytes);
    try {
        PdfExtractor().extract(bytes, QStringLiteral("broken.pdf"), CancelToken::never());
        QFAIL("a corrupt PDF was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(error.toString(),
                 QStringLiteral("PdfError: file is not a readable PDF (corrupt or truncated)"));
        QVERIFY(!error.isTransient());
    }
}

void TestExtractors::pdfEncrypted()
{
    const QString qpdf = QStandardPaths::findExecutable(QStringLiteral("qpdf"));
    if (qpdf.isEmpty())
        QSKIP("qpdf is not installed (apt-get install qpdf); cannot make an encrypted PDF");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile plain(dir.filePath(QStringLiteral("plain.pdf")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.write(samplePdf());
    plain.close();
    const QString encryptedPath = dir.filePath(QStringLiteral("encrypted.pdf"));
    QProcess process;
    process.start(qpdf,
                  {QStringLiteral("--encrypt"), QStringLiteral("user"), QStringLiteral("owner"),
                   QStringLiteral("256"), QStringLiteral("--"), plain.fileName(), encryptedPath});
    QVERIFY(process.waitForFinished(30000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QFile encrypted(encryptedPath);
    QVERIFY(encrypted.open(QIODevice::ReadOnly));

    try {
        ExtractorRegistry::standard().extract(encrypted.readAll(), QStringLiteral("secret.pdf"));
        QFAIL("an encrypted PDF was read");
    } catch (const IngestError &error) {
        QCOMPARE(error.toString(), QStringLiteral("PdfError: document is encrypted"));
    }
}

void TestExtractors::registryDetectsKind_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("kind"); // empty: refused

    const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    QTest::newRow("pdf magic beats name") << samplePdf() << "notes.txt"
                                          << "text/plain"
                                          << "pdf";
    QTest::newRow("pdf by magic, no name") << samplePdf() << ""
                                           << ""
                                           << "pdf";
    // A PNG is a picture of text, whatever its name says: read by OCR.
    QTest::newRow("png despite name") << png << "image.txt"
                                      << ""
                                      << "image";
    QTest::newRow("bmp refused") << QByteArray("BM\x36\0\0\0\0\0", 8) + QByteArray(64, '\0')
                                 << "photo.bmp"
                                 << ""
                                 << "";
    QTest::newRow("zip refused") << QByteArray("PK\x03\x04\x14\0\0\0", 8) << "a.zip"
                                 << ""
                                 << "";
    // A declared Office file that is a broken zip gets the Office reader's message.
    QTest::newRow("broken zip named docx") << QByteArray("PK\x03\x04\x14\0\0\0", 8) << "a.docx"
                                           << ""
                                           << "docx";
    QTest::newRow("nul bytes refused") << QByteArray("abc\0def", 7) << "data.bin"
                                       << ""
                                       << "";
    QTest::newRow("csv by name") << QByteArray("a,b\n1,2\n") << "t.csv"
                                 << ""
                                 << "csv";
    QTest::newRow("text by name") << QByteArray("a,b\n1,2\n") << "t.log"
                                  << ""
                                  << "text";
    QTest::newRow("markdown by name") << QByteArray("# T\n") << "README.md"
                                      << ""
                                      << "markdown";
    QTest::newRow("html by name") << QByteArray("<p>x</p>") << "index.HTM"
                                  << ""
                                  << "html";
    QTest::newRow("no extension is text") << QByteArray("plain words") << "README"
                                          << ""
                                          << "text";
    QTest::newRow("unknown extension refused") << QByteArray("{\\rtf1}") << "a.rtf"
                                               << ""
                                               << "";
    QTest::newRow("html by sniff") << QByteArray("\n  <!DOCTYPE html><p>x") << "page.txt"
                                   << ""
                                   << "html";
    QTest::newRow("html tag sniff") << QByteArray("<!-- c --><HTML><body>x") << ""
                                    << ""
                                    << "html";
    QTest::newRow("type html") << QByteArray("<p>x</p>") << "view.php"
                               << "text/html; charset=utf-8"
                               << "html";
    QTest::newRow("type markdown") << QByteArray("# T") << "doc"
                                   << "text/markdown"
                                   << "markdown";
    QTest::newRow("type json") << QByteArray("{}") << "api"
                               << "application/json"
                               << "json";
    QTest::newRow("utf16 with nul bytes") << utf16(QStringLiteral("hi"), true) << "a.txt"
                                          << ""
                                          << "text";
    QTest::newRow("utf16 html") << utf16(QStringLiteral("<html>x"), false) << ""
                                << ""
                                << "html";
    QTest::newRow("declared pdf, not pdf") << QByteArray(64, '\x02') << "report.pdf"
                                           << ""
                                           << "pdf";
    QTest::newRow("text with BM start") << QByteArray("BMW drivers") << "cars.txt"
                                        << ""
                                        << "text";
}

void TestExtractors::registryDetectsKind()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fileName);
    QFETCH(QString, contentType);
    QFETCH(QString, kind);
    const Extractor *extractor = ExtractorRegistry::standard().find(bytes, fileName, contentType);
    QCOMPARE(extractor ? extractor->kind() : QString(), kind);
}

void TestExtractors::registryRefusesBinaryWithReason()
{
    const QByteArray bmp = QByteArray("BM\x36\0\0\0\0\0", 8) + QByteArray(64, '\0');
    try {
        ExtractorRegistry::standard().extract(bmp, QStringLiteral("photo.txt"));
        QFAIL("a BMP was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(
            error.toString(),
            QStringLiteral("UnsupportedType: unsupported file type: binary content (image/bmp)"));
    }
    try {
        ExtractorRegistry::standard().extract("{\\rtf1}", QStringLiteral("letter.rtf"));
        QFAIL("an RTF file was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(error.message(), QStringLiteral("unsupported file type: '.rtf' file"));
    }
    // A declared PDF that is not one gets the PDF reader's message.
    try {
        ExtractorRegistry::standard().extract(QByteArray(64, '\x02'), QStringLiteral("r.pdf"));
        QFAIL("garbage named .pdf was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(error.kind(), QStringLiteral("PdfError"));
    }
}

void TestExtractors::registryStandardIsShared()
{
    QCOMPARE(&ExtractorRegistry::standard(), &ExtractorRegistry::standard());
    const ExtractedDocument document =
        ExtractorRegistry::standard().extract(samplePdf(), QStringLiteral("report"));
    QCOMPARE(document.kind, QStringLiteral("pdf"));
    QCOMPARE(document.pageCount, 3);
}

void TestExtractors::pdfInterruptedTokenStopsExtraction()
{
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Canceled);
    QCOMPARE(interruption(PdfExtractor(), samplePdf(), cancel), JobInterrupted::Reason::Canceled);
}

void TestExtractors::pdfExpiredDeadlineIsTimeout()
{
    const CancelToken cancel(CancelToken::Clock::now() - std::chrono::milliseconds(1));
    QCOMPARE(interruption(PdfExtractor(), samplePdf(), cancel), JobInterrupted::Reason::Timeout);
}

// A job canceled while its long PDF is being read stops there instead of reading
// every page: extraction throws rather than returning a document.
void TestExtractors::pdfInterruptedFromAnotherThreadStopsBeforeLastPage()
{
    const QByteArray pdf = longPdf(300);
    QElapsedTimer clock;
    clock.start();
    const ExtractedDocument whole = PdfExtractor().extract(pdf, {}, CancelToken::never());
    const qint64 fullMs = clock.elapsed();
    QCOMPARE(whole.pageCount, 300);
    QCOMPARE(whole.blocks.size(), 300);

    CancelToken cancel;
    std::unique_ptr<QThread> canceler(QThread::create([&cancel, fullMs] {
        QThread::msleep(std::max<qint64>(1, fullMs / 5));
        cancel.interrupt(JobInterrupted::Reason::Canceled);
    }));
    clock.restart();
    canceler->start();
    const std::optional<JobInterrupted::Reason> reason = interruption(PdfExtractor(), pdf, cancel);
    const qint64 stoppedMs = clock.elapsed();
    QVERIFY(canceler->wait(10000));
    QVERIFY2(reason.has_value(),
             qPrintable(QStringLiteral("read all 300 pages in %1 ms (a full read took %2 ms)")
                            .arg(stoppedMs)
                            .arg(fullMs)));
    QCOMPARE(*reason, JobInterrupted::Reason::Canceled);
}

void TestExtractors::textFormatsCheckTheToken_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("text") << QStringLiteral("text") << QByteArray("one\n\ntwo\n");
    QTest::newRow("markdown") << QStringLiteral("markdown") << QByteArray("# T\n\nbody\n");
    QTest::newRow("html") << QStringLiteral("html") << QByteArray("<p>one</p><p>two</p>");
}

void TestExtractors::textFormatsCheckTheToken()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, bytes);
    std::unique_ptr<Extractor> extractor;
    if (kind == u"text")
        extractor = std::make_unique<TextExtractor>();
    else if (kind == u"markdown")
        extractor = std::make_unique<MarkdownExtractor>();
    else
        extractor = std::make_unique<HtmlExtractor>();

    QCOMPARE(interruption(*extractor, bytes, CancelToken::never()), std::nullopt);
    CancelToken shutdown;
    shutdown.interrupt(JobInterrupted::Reason::Shutdown);
    QCOMPARE(interruption(*extractor, bytes, shutdown), JobInterrupted::Reason::Shutdown);
    const CancelToken expired(CancelToken::Clock::now());
    QCOMPARE(interruption(*extractor, bytes, expired), JobInterrupted::Reason::Timeout);
}

void TestExtractors::registryPassesTheToken()
{
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Canceled);
    QVERIFY_THROWS_EXCEPTION(JobInterrupted,
                             ExtractorRegistry::standard().extract(
                                 samplePdf(), QStringLiteral("report.pdf"), {}, cancel));
    QVERIFY_THROWS_EXCEPTION(JobInterrupted,
                             ExtractorRegistry::standard().extract(
                                 "plain words", QStringLiteral("notes.txt"), {}, cancel));
    // Without a token nothing changes.
    QCOMPARE(
        ExtractorRegistry::standard().extract(samplePdf(), QStringLiteral("report.pdf")).pageCount,
        3);
}

QTEST_GUILESS_MAIN(TestExtractors)
#include "tst_extractors.moc"
