#include "base/ingesterror.h"
#include "extract/docxextractor.h"
#include "extract/extractorregistry.h"
#include "extract/odpextractor.h"
#include "extract/odsextractor.h"
#include "extract/odtextractor.h"
#include "extract/pptxextractor.h"
#include "extract/xlsxextractor.h"
#include "officefixtures.h"
#include "zipfixture.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextDocumentWriter>
#include <QTextList>
#include <QTextTable>

#include <memory>

using namespace aether;
using namespace aether::test;

namespace {

const QString kDocxType = QStringLiteral(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");

QStringList texts(const ExtractedDocument &document)
{
    QStringList result;
    for (const TextBlock &block : document.blocks)
        result << block.text;
    return result;
}

QStringList headings(const ExtractedDocument &document)
{
    QStringList result;
    for (const TextBlock &block : document.blocks)
        result << block.heading;
    return result;
}

QList<int> pages(const ExtractedDocument &document)
{
    QList<int> result;
    for (const TextBlock &block : document.blocks)
        result << block.page;
    return result;
}

std::unique_ptr<Extractor> extractorFor(const QString &kind)
{
    if (kind == u"docx")
        return std::make_unique<DocxExtractor>();
    if (kind == u"pptx")
        return std::make_unique<PptxExtractor>();
    if (kind == u"xlsx")
        return std::make_unique<XlsxExtractor>();
    if (kind == u"odt")
        return std::make_unique<OdtExtractor>();
    if (kind == u"odp")
        return std::make_unique<OdpExtractor>();
    return std::make_unique<OdsExtractor>();
}

// The peak memory of this process so far (VmHWM), in MB; -1 where /proc is missing.
qint64 peakMemoryMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    }
    return -1;
}

QByteArray handbookDocx()
{
    const QString body =
        wordParagraph(QStringLiteral("Aether Handbook"), QStringLiteral("Titel")) +
        wordParagraph(QStringLiteral("Install"), QStringLiteral("berschrift1")) +
        wordParagraph(QStringLiteral("Download the package first.")) +
        wordParagraph(QStringLiteral("On Debian"), QStringLiteral("berschrift2")) +
        wordParagraph(QStringLiteral("Run apt update"), {}, true) +
        wordParagraph(QStringLiteral("Install cmake & ninja"), QStringLiteral("Listenabsatz"),
                      true) +
        QStringLiteral("<w:p><w:r><w:t>Left</w:t><w:tab/><w:t>right</w:t><w:br/><w:t>next "
                       "line</w:t></w:r><w:r><mc:AlternateContent><mc:Choice "
                       "Requires='wps'><w:t> (box)</w:t></mc:Choice><mc:Fallback><w:t> "
                       "(box)</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>") +
        wordTable({{QStringLiteral("Name"), QStringLiteral("Version")},
                   {QStringLiteral("Qt"), QStringLiteral("6.4")},
                   {QStringLiteral("libzip"), QString()}}) +
        wordParagraph(QStringLiteral("Usage"), QStringLiteral("berschrift1")) +
        QStringLiteral("<w:p><w:pPr><w:pStyle w:val='Standard'/></w:pPr><w:r><w:t>Start "
                       "</w:t></w:r><w:hyperlink r:id='rId9'><w:r><w:t>the "
                       "server</w:t></w:r></w:hyperlink><w:r><w:delText>deleted</w:delText><w:t>."
                       "</w:t></w:r></w:p>");
    return docx(body, QStringLiteral("The Aether Handbook"));
}

QByteArray xlsx()
{
    const auto sheet = [](const QString &rows) {
        return xmlPart(QStringLiteral("<worksheet %1><dimension ref='A1:D4'/><sheetData>%2</"
                                      "sheetData></worksheet>")
                           .arg(kSheetNs, rows));
    };
    const QList<ZipEntry> entries = {
        contentTypes(QStringLiteral("xl/workbook.xml"),
                     QStringLiteral("application/"
                                    "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+"
                                    "xml")),
        relationships(QStringLiteral("_rels/.rels"), QStringLiteral("officeDocument"),
                      {{QStringLiteral("rId1"), QStringLiteral("xl/workbook.xml")}}),
        {QStringLiteral("xl/workbook.xml"),
         xmlPart(QStringLiteral("<workbook %1><sheets><sheet name='Budget 2024' sheetId='1' "
                                "r:id='rId1'/><sheet name='Notes' sheetId='2' "
                                "r:id='rId2'/></sheets></workbook>")
                     .arg(kSheetNs))},
        relationships(QStringLiteral("xl/_rels/workbook.xml.rels"), QStringLiteral("worksheet"),
                      {{QStringLiteral("rId1"), QStringLiteral("worksheets/sheet1.xml")},
                       {QStringLiteral("rId2"), QStringLiteral("/xl/worksheets/sheet2.xml")}}),
        {QStringLiteral("xl/sharedStrings.xml"),
         xmlPart(
             QStringLiteral("<sst %1 count='4' uniqueCount='4'><si><t>Item</t></si><si><t>Cost</"
                            "t></si><si><r><t>Cof</t></r><r><rPr><b/></rPr><t>fee</t></r><rPh "
                            "sb='0' eb='1'><t>KOHI</t></rPh></si><si><t>Paid</t></si></sst>")
                 .arg(kSheetNs))},
        {QStringLiteral("xl/worksheets/sheet1.xml"),
         sheet(QStringLiteral(
             "<row r='1'><c r='A1' t='s'><v>0</v></c><c r='B1' t='s'><v>1</v></c><c r='C1' "
             "t='s'><v>3</v></c></row>"
             "<row r='2'><c r='A2' t='s'><v>2</v></c><c r='B2'><v>3.5</v></c><c r='C2' "
             "t='b'><v>1</v></c></row>"
             "<row r='3'><c r='A3' t='inlineStr'><is><t>Tea &amp; cake</t></is></c><c r='B3'><f>"
             "B2*2</f><v>7</v></c><c r='C3' t='b'><v>0</v></c></row>"
             "<row r='4'><c r='A4' s='1'/><c r='D4' t='str'><f>A1</f><v>Sparse</v></c></row>"
             "<row r='5'><c r='A5' s='1'/></row>"))},
        {QStringLiteral("xl/worksheets/sheet2.xml"),
         sheet(QStringLiteral("<row r='1'><c r='A1' t='inlineStr'><is><t>Remember the "
                              "receipts</t></is></c></row>"))},
        coreProperties(QStringLiteral("Household")),
    };
    return buildZip(entries);
}

QByteArray inventoryOds()
{
    return odf(QStringLiteral("application/vnd.oasis.opendocument.spreadsheet"),
               QStringLiteral(
                   "<office:spreadsheet><table:table table:name='Inventory'>"
                   "<table:table-column table:number-columns-repeated='16384'/>"
                   "<table:table-header-rows><table:table-row><table:table-cell "
                   "office:value-type='string'><text:p>Fruit</text:p></table:table-cell>"
                   "<table:table-cell><text:p>Count</text:p></table:table-cell></table:table-row>"
                   "</table:table-header-rows>"
                   "<table:table-row><table:table-cell><text:p>Apple</text:p></table:table-cell>"
                   "<table:table-cell office:value-type='float' office:value='3'><text:p>3</text:p>"
                   "</table:table-cell><table:table-cell table:number-columns-repeated='16382'/>"
                   "</table:table-row>"
                   "<table:table-row table:number-rows-repeated='2'><table:table-cell "
                   "table:number-columns-repeated='3'><text:p>x</text:p></table:table-cell>"
                   "</table:table-row>"
                   "<table:table-row table:number-rows-repeated='1048000'><table:table-cell "
                   "table:number-columns-repeated='16384'/></table:table-row>"
                   "<table:table-row><table:table-cell office:value-type='float' "
                   "office:value='42'/><table:table-cell><text:p>last "
                   "<text:s text:c='2'/>row</text:p><office:annotation><text:p>a "
                   "comment</text:p></office:annotation></table:table-cell></table:table-row>"
                   "</table:table><table:table table:name='Empty sheet'/>"
                   "<table:table table:name='Prices'><table:table-row><table:table-cell>"
                   "<text:p>Pear</text:p></table:table-cell><table:table-cell><text:p>1,20 "
                   "€</text:p></table:table-cell></table:table-row></table:table>"
                   "</office:spreadsheet>"),
               QStringLiteral("Stock"));
}

QByteArray structuredOdt()
{
    return odf(
        QStringLiteral("application/vnd.oasis.opendocument.text"),
        QStringLiteral(
            "<office:text><text:sequence-decls><text:sequence-decl text:name='Figure'/>"
            "</text:sequence-decls>"
            "<text:table-of-content><text:index-body><text:p>Install 1</text:p>"
            "</text:index-body></text:table-of-content>"
            "<text:h text:outline-level='1'>Install</text:h>"
            "<text:p>Get   the<text:s/> <text:span>package</text:span>.<text:note><text:note-"
            "citation>1</text:note-citation><text:note-body><text:p>A "
            "footnote</text:p></text:note-body></text:note></text:p>"
            "<text:h text:outline-level='2'>On Debian</text:h>"
            "<text:list><text:list-item><text:p>apt update</text:p></text:list-item>"
            "<text:list-item><text:p>apt install</text:p><text:list><text:list-item><text:p>cmake"
            "</text:p></text:list-item></text:list></text:list-item></text:list>"
            "<table:table table:name='Versions'><table:table-column/><table:table-row>"
            "<table:table-cell><text:p>Qt</text:p></table:table-cell><table:table-cell>"
            "<text:p>6.4</text:p></table:table-cell></table:table-row></table:table>"
            "<text:h text:outline-level='3'>Tip</text:h><text:p>Tab<text:tab/>and<text:line-"
            "break/>break</text:p>"
            "<text:h text:outline-level='1'>Usage</text:h><text:section><text:p>Start it."
            "</text:p></text:section></office:text>"),
        QStringLiteral("Aether Guide"));
}

// An .odt as Qt writes it: QTextDocumentWriter with the "ODF" format.
QByteArray qtWrittenOdt()
{
    QTextDocument document;
    QTextCursor cursor(&document);
    QTextBlockFormat heading;
    heading.setHeadingLevel(1);
    cursor.setBlockFormat(heading);
    cursor.insertText(QStringLiteral("Release notes"));
    cursor.insertBlock(QTextBlockFormat());
    cursor.insertText(QStringLiteral("This release adds Office documents."));
    cursor.insertBlock();
    cursor.insertList(QTextListFormat::ListDisc);
    cursor.insertText(QStringLiteral("Word files"));
    cursor.insertBlock();
    cursor.insertText(QStringLiteral("Spreadsheets"));
    cursor.insertBlock(QTextBlockFormat()); // leaves the list
    cursor.insertText(QStringLiteral("Supported versions:"));
    QTextTable *table = cursor.insertTable(2, 2);
    const QStringList cells = {QStringLiteral("Format"), QStringLiteral("Since"),
                               QStringLiteral("docx"), QStringLiteral("1.1")};
    for (int i = 0; i < cells.size(); ++i)
        table->cellAt(i / 2, i % 2).firstCursorPosition().insertText(cells[i]);
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(QStringLiteral("Thanks for reading."));

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QTextDocumentWriter writer(&buffer, "ODF");
    if (!writer.write(&document))
        return {};
    return buffer.data();
}

} // namespace

class TestOfficeExtractors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void docxParagraphsHeadingsListsAndTables();
    void docxTitleFallsBackToFirstHeading();
    void pptxSlidesInPresentationOrder();
    void pptxSlidesByNumberWithoutList();
    void xlsxSheetsAndRows();
    void odsSheetsRowsAndRepeats();
    void odtHeadingPathsListsAndTables();
    void odtWrittenByQt();
    void odpSlides();
    void brokenFilesFailClearly_data();
    void brokenFilesFailClearly();
    void registryDetectsOfficeByContent_data();
    void registryDetectsOfficeByContent();
    void registryRefusesOtherZips();
    void officeExtractorsCheckTheToken_data();
    void officeExtractorsCheckTheToken();
};

void TestOfficeExtractors::docxParagraphsHeadingsListsAndTables()
{
    const ExtractedDocument document =
        DocxExtractor().extract(handbookDocx(), QStringLiteral("h.docx"), CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("docx"));
    QCOMPARE(document.title, QStringLiteral("The Aether Handbook"));
    QCOMPARE(
        texts(document),
        QStringList({QStringLiteral("Aether Handbook"), QStringLiteral("Install"),
                     QStringLiteral("Download the package first."), QStringLiteral("On Debian"),
                     QStringLiteral("Run apt update\nInstall cmake & ninja"),
                     QStringLiteral("Left\tright\nnext line (box)"),
                     QStringLiteral("Name | Version\nQt | 6.4\nlibzip"), QStringLiteral("Usage"),
                     QStringLiteral("Start the server.")}));
    const QString install = QStringLiteral("Aether Handbook > Install");
    const QString debian = QStringLiteral("Aether Handbook > Install > On Debian");
    QCOMPARE(headings(document),
             QStringList({QStringLiteral("Aether Handbook"), install, install, debian, debian,
                          debian, debian, QStringLiteral("Aether Handbook > Usage"),
                          QStringLiteral("Aether Handbook > Usage")}));
}

void TestOfficeExtractors::docxTitleFallsBackToFirstHeading()
{
    // No styles.xml and no core properties: the English style ids still name headings.
    const QByteArray bytes =
        docx(wordParagraph(QStringLiteral("Intro text.")) +
                 wordParagraph(QStringLiteral("Overview"), QStringLiteral("Heading1")) +
                 QStringLiteral("<w:p><w:pPr><w:outlineLvl w:val='1'/></w:pPr><w:r><w:t>Direct "
                                "outline</w:t></w:r></w:p>") +
                 wordParagraph(QStringLiteral("Body.")),
             {}, false);
    const ExtractedDocument document = DocxExtractor().extract(bytes, {}, CancelToken::never());
    QCOMPARE(document.title, QStringLiteral("Overview"));
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("Intro text."), QStringLiteral("Overview"),
                          QStringLiteral("Direct outline"), QStringLiteral("Body.")}));
    QCOMPARE(headings(document), QStringList({QString(), QStringLiteral("Overview"),
                                              QStringLiteral("Overview > Direct outline"),
                                              QStringLiteral("Overview > Direct outline")}));
}

void TestOfficeExtractors::pptxSlidesInPresentationOrder()
{
    // The presentation lists slide3.xml second: its order wins over file names.
    const QByteArray bytes = pptx({
        {QStringLiteral("slide1.xml"),
         slide(QStringLiteral("Welcome"),
               {QStringLiteral("Aether Ingest"), QStringLiteral("Quarterly review")})},
        {QStringLiteral("slide3.xml"),
         slide(QStringLiteral("Numbers"), {QStringLiteral("Revenue grew")},
               {{QStringLiteral("Quarter"), QStringLiteral("Revenue")},
                {QStringLiteral("Q1"), QStringLiteral("1.2 M")}})},
        {QStringLiteral("slide2.xml"), slide({}, {QStringLiteral("Questions?")})},
    });
    const ExtractedDocument document = PptxExtractor().extract(bytes, {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("pptx"));
    QCOMPARE(document.title, QStringLiteral("Welcome"));
    QCOMPARE(document.pageCount, 3);
    QCOMPARE(
        texts(document),
        QStringList({QStringLiteral("Welcome"), QStringLiteral("Aether Ingest\nQuarterly review"),
                     QStringLiteral("Numbers"),
                     QStringLiteral("Revenue grew\nQuarter | Revenue\nQ1 | 1.2 M"),
                     QStringLiteral("Questions?")}));
    QCOMPARE(pages(document), QList<int>({1, 1, 2, 2, 3}));
    QCOMPARE(headings(document),
             QStringList({QStringLiteral("Welcome"), QStringLiteral("Welcome"),
                          QStringLiteral("Numbers"), QStringLiteral("Numbers"), QString()}));
}

void TestOfficeExtractors::pptxSlidesByNumberWithoutList()
{
    const QByteArray bytes =
        pptx({{QStringLiteral("slide10.xml"), slide(QStringLiteral("Ten"), {})},
              {QStringLiteral("slide2.xml"), slide(QStringLiteral("Two"), {})},
              {QStringLiteral("slide1.xml"), slide(QStringLiteral("One"), {})}},
             false);
    const ExtractedDocument document = PptxExtractor().extract(bytes, {}, CancelToken::never());
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("One"), QStringLiteral("Two"), QStringLiteral("Ten")}));
    QCOMPARE(pages(document), QList<int>({1, 2, 3}));
}

void TestOfficeExtractors::xlsxSheetsAndRows()
{
    const ExtractedDocument document = XlsxExtractor().extract(xlsx(), {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("xlsx"));
    QCOMPARE(document.title, QStringLiteral("Household"));
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("Budget 2024"),
                          QStringLiteral("Item | Cost | Paid\nCoffee | 3.5 | TRUE\n"
                                         "Tea & cake | 7 | FALSE\n|  |  | Sparse"),
                          QStringLiteral("Notes"), QStringLiteral("Remember the receipts")}));
    QCOMPARE(headings(document),
             QStringList({QStringLiteral("Budget 2024"), QStringLiteral("Budget 2024"),
                          QStringLiteral("Notes"), QStringLiteral("Notes")}));
}

void TestOfficeExtractors::odsSheetsRowsAndRepeats()
{
    QElapsedTimer clock;
    clock.start();
    const ExtractedDocument document =
        OdsExtractor().extract(inventoryOds(), {}, CancelToken::never());
    QVERIFY2(clock.elapsed() < 2000, "a million repeated empty rows were expanded");
    QCOMPARE(document.kind, QStringLiteral("ods"));
    QCOMPARE(document.title, QStringLiteral("Stock"));
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("Inventory"),
                          QStringLiteral("Fruit | Count\nApple | 3\nx | x | x\nx | x | x\n"
                                         "42 | last row"),
                          QStringLiteral("Empty sheet"), QStringLiteral("Prices"),
                          QStringLiteral("Pear | 1,20 €")}));
    QCOMPARE(document.blocks[1].heading, QStringLiteral("Inventory"));
    QCOMPARE(document.blocks[4].heading, QStringLiteral("Prices"));
}

void TestOfficeExtractors::odtHeadingPathsListsAndTables()
{
    const ExtractedDocument document =
        OdtExtractor().extract(structuredOdt(), {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("odt"));
    QCOMPARE(document.title, QStringLiteral("Aether Guide"));
    QCOMPARE(
        texts(document),
        QStringList({QStringLiteral("Install"), QStringLiteral("Get the  package."),
                     QStringLiteral("On Debian"), QStringLiteral("apt update\napt install\ncmake"),
                     QStringLiteral("Qt | 6.4"), QStringLiteral("Tip"),
                     QStringLiteral("Tab\tand\nbreak"), QStringLiteral("Usage"),
                     QStringLiteral("Start it.")}));
    const QString debian = QStringLiteral("Install > On Debian");
    QCOMPARE(headings(document),
             QStringList({QStringLiteral("Install"), QStringLiteral("Install"), debian, debian,
                          debian, QStringLiteral("Install > On Debian > Tip"),
                          QStringLiteral("Install > On Debian > Tip"), QStringLiteral("Usage"),
                          QStringLiteral("Usage")}));
}

void TestOfficeExtractors::odtWrittenByQt()
{
    const QByteArray bytes = qtWrittenOdt();
    QVERIFY(!bytes.isEmpty());
    const ExtractedDocument document =
        ExtractorRegistry::standard().extract(bytes, QStringLiteral("notes.odt"));
    QCOMPARE(document.kind, QStringLiteral("odt"));
    const QString all = texts(document).join(u'\n');
    // Qt 6.4 writes headings as plain paragraphs (no text:h), so only the text is checked.
    for (const char *expected :
         {"Release notes", "This release adds Office documents.", "Word files\nSpreadsheets",
          "Supported versions:", "Format | Since\ndocx | 1.1", "Thanks for reading."}) {
        QVERIFY2(all.contains(QString::fromUtf8(expected)),
                 qPrintable(QStringLiteral("missing '%1' in:\n%2").arg(expected, all)));
    }
}

void TestOfficeExtractors::odpSlides()
{
    const QByteArray bytes = odf(
        QStringLiteral("application/vnd.oasis.opendocument.presentation"),
        QStringLiteral("<office:presentation><draw:page draw:name='page1'><draw:frame "
                       "presentation:class='title'><draw:text-box><text:p>Kick-off</text:p>"
                       "</draw:text-box></draw:frame><draw:frame presentation:class='outline'>"
                       "<draw:text-box><text:list><text:list-item><text:p>Goals</text:p>"
                       "</text:list-item><text:list-item><text:p>Team</text:p></text:list-item>"
                       "</text:list></draw:text-box></draw:frame><presentation:notes><draw:frame>"
                       "<draw:text-box><text:p>speaker notes</text:p></draw:text-box></draw:frame>"
                       "</presentation:notes></draw:page><draw:page draw:name='page2'><draw:frame "
                       "presentation:class='title'><draw:text-box><text:p>Plan</text:p>"
                       "</draw:text-box></draw:frame></draw:page></office:presentation>"));
    const ExtractedDocument document = OdpExtractor().extract(bytes, {}, CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("odp"));
    QCOMPARE(document.title, QStringLiteral("Kick-off"));
    QCOMPARE(document.pageCount, 2);
    QCOMPARE(texts(document), QStringList({QStringLiteral("Kick-off"),
                                           QStringLiteral("Goals\nTeam"), QStringLiteral("Plan")}));
    QCOMPARE(pages(document), QList<int>({1, 1, 2}));
}

void TestOfficeExtractors::brokenFilesFailClearly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message"); // the start of the OfficeError message

    const QByteArray real = handbookDocx();
    QByteArray corrupt("PK\x03\x04", 4);
    for (int i = 0; i < 4000; ++i)
        corrupt.append(char(QRandomGenerator::global()->bounded(256)));
    const QList<ZipEntry> docxParts = {
        contentTypes(QStringLiteral("word/document.xml"), kDocxType),
        {QStringLiteral("word/document.xml"), QByteArray("<w:document/>")}};

    QTest::newRow("corrupt") << "docx" << corrupt << "file is not a zip archive";
    QTest::newRow("truncated") << "docx" << real.left(real.size() / 2)
                               << "file is not a zip archive";
    QTest::newRow("empty file") << "xlsx" << QByteArray() << "file is empty";
    QTest::newRow("empty zip") << "pptx" << QByteArray("PK\x05\x06", 4) + QByteArray(18, '\0')
                               << "archive is empty (not a PowerPoint presentation)";
    QTest::newRow("zip encryption")
        << "docx" << buildZip(docxParts, "secret") << "document is encrypted";
    QByteArray ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    ole.append(QByteArray(504, '\0'))
        .append(QByteArray("E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28));
    QTest::newRow("password-protected Office") << "xlsx" << ole << "document is encrypted";
    QTest::newRow("legacy .doc") << "docx" << ole.left(512) << "file is an old binary Office";
    QTest::newRow("encrypted ODF")
        << "odt"
        << odf(QStringLiteral("application/vnd.oasis.opendocument.text"), QStringLiteral("garbage"),
               {},
               QStringLiteral("<manifest:encryption-data manifest:checksum-type='SHA1/1K' "
                              "manifest:checksum='x'/>"))
        << "document is encrypted";
    QTest::newRow("300 MB of zeros") << "docx"
                                     << zeroBombZip(QStringLiteral("word/document.xml"),
                                                    300ll * 1024 * 1024, docxParts.mid(0, 1))
                                     << "archive expands beyond 256 MB (zip bomb?)";
    const QByteArray bomb = zeroBombZip(
        QStringLiteral("content.xml"), 100ll * 1024 * 1024,
        {{QStringLiteral("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"}});
    QTest::newRow("lying sizes") << "ods"
                                 << withDeclaredSize(bomb, QStringLiteral("content.xml"), 900)
                                 << "'content.xml' expands more than 200 times";
    QTest::newRow("20000 entries")
        << "xlsx" << manyEntriesZip(20000) << "archive has more than 10000 entries (zip bomb?)";
    QTest::newRow("docx is no pptx")
        << "pptx" << real << "not a PowerPoint presentation ('ppt/presentation.xml'";
    QTest::newRow("broken XML")
        << "ods"
        << odf(QStringLiteral("application/vnd.oasis.opendocument.spreadsheet"),
               QStringLiteral("<office:spreadsheet><table:table table:name='a'><table:table-row>"
                              "</table:table></office:spreadsheet>"))
        << "'content.xml' is not well-formed XML";
}

void TestOfficeExtractors::brokenFilesFailClearly()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const qint64 memoryBefore = peakMemoryMb();
    QElapsedTimer clock;
    clock.start();
    try {
        extractorFor(kind)->extract(bytes, QStringLiteral("file.") + kind, CancelToken::never());
        QFAIL("a broken file was read");
    } catch (const IngestError &error) {
        QCOMPARE(error.kind(), QStringLiteral("OfficeError"));
        QVERIFY2(error.message().startsWith(message), qPrintable(error.message()));
        QVERIFY(!error.isTransient());
    }
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
    if (memoryBefore >= 0) {
        const qint64 growth = peakMemoryMb() - memoryBefore;
        QVERIFY2(growth < 64, qPrintable(QStringLiteral("peak memory grew by %1 MB").arg(growth)));
    }
}

void TestOfficeExtractors::registryDetectsOfficeByContent_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("kind");

    const QByteArray docxBytes = handbookDocx();
    QTest::newRow("docx by name") << docxBytes << "h.docx"
                                  << ""
                                  << "docx";
    QTest::newRow("docx without name") << docxBytes << ""
                                       << ""
                                       << "docx";
    QTest::newRow("docx named .txt") << docxBytes << "notes.txt"
                                     << "text/plain"
                                     << "docx";
    QTest::newRow("docx named .xlsx") << docxBytes << "sheet.xlsx"
                                      << ""
                                      << "docx";
    QTest::newRow("pptx as octet-stream")
        << pptx({{QStringLiteral("slide1.xml"), slide(QStringLiteral("A"), {})}}) << "upload"
        << "application/octet-stream"
        << "pptx";
    QTest::newRow("xlsx named .zip") << xlsx() << "export.zip"
                                     << ""
                                     << "xlsx";
    QTest::newRow("ods without name") << inventoryOds() << ""
                                      << ""
                                      << "ods";
    QTest::newRow("odt named .docx") << structuredOdt() << "guide.docx"
                                     << ""
                                     << "odt";
    QTest::newRow("odt written by Qt") << qtWrittenOdt() << ""
                                       << ""
                                       << "odt";
    QTest::newRow("broken zip declared xlsx")
        << QByteArray("PK\x03\x04garbage", 11) << "x.bin"
        << "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        << "xlsx";
    QTest::newRow("encrypted Office file named .docx")
        << QByteArray("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + QByteArray(100, '\0')
        << "secret.docx"
        << ""
        << "docx";
    QTest::newRow("old .doc refused without Office name")
        << QByteArray("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + QByteArray(100, '\0') << "a.doc"
        << ""
        << "";
    QTest::newRow("other zip") << buildZip({{QStringLiteral("a.txt"), "hello"}}) << "a.docx"
                               << ""
                               << "docx";
    QTest::newRow("other zip, no name") << buildZip({{QStringLiteral("a.txt"), "hello"}}) << ""
                                        << ""
                                        << "";
}

void TestOfficeExtractors::registryDetectsOfficeByContent()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fileName);
    QFETCH(QString, contentType);
    QFETCH(QString, kind);
    const Extractor *extractor = ExtractorRegistry::standard().find(bytes, fileName, contentType);
    QCOMPARE(extractor ? extractor->kind() : QString(), kind);
}

void TestOfficeExtractors::registryRefusesOtherZips()
{
    const QByteArray zip = buildZip({{QStringLiteral("photo.jpg"), QByteArray(100, 'j')}});
    try {
        ExtractorRegistry::standard().extract(zip, QStringLiteral("photos.zip"));
        QFAIL("a zip of photos was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(error.toString(), QStringLiteral("UnsupportedType: unsupported file type: zip "
                                                  "archive (not an Office or OpenDocument file)"));
    }
    // Declared as Word, the same zip is refused by the Word reader, which says why.
    try {
        ExtractorRegistry::standard().extract(zip, QStringLiteral("report.docx"));
        QFAIL("a zip of photos was read as Word");
    } catch (const IngestError &error) {
        QCOMPARE(
            error.toString(),
            QStringLiteral("OfficeError: not a Word document ('word/document.xml' is missing)"));
    }
    try {
        ExtractorRegistry::standard().extract(QByteArray("PK\x03\x04", 4) + QByteArray(64, 'z'),
                                              {});
        QFAIL("a broken zip was accepted");
    } catch (const IngestError &error) {
        QCOMPARE(error.kind(), QStringLiteral("ZipError"));
    }
}

void TestOfficeExtractors::officeExtractorsCheckTheToken_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("docx") << "docx" << handbookDocx();
    QTest::newRow("pptx") << "pptx"
                          << pptx({{QStringLiteral("slide1.xml"), slide(QStringLiteral("A"), {})}});
    QTest::newRow("xlsx") << "xlsx" << xlsx();
    QTest::newRow("odt") << "odt" << structuredOdt();
    QTest::newRow("ods") << "ods" << inventoryOds();
}

void TestOfficeExtractors::officeExtractorsCheckTheToken()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, bytes);
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Canceled);
    QVERIFY_THROWS_EXCEPTION(JobInterrupted, extractorFor(kind)->extract(bytes, {}, cancel));
    QVERIFY(!extractorFor(kind)->extract(bytes, {}, CancelToken::never()).isEmpty());
}

QTEST_MAIN(TestOfficeExtractors)
#include "tst_officeextractors.moc"
