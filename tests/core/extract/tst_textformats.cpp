#include "base/ingesterror.h"
#include "extract/csvextractor.h"
#include "extract/emlextractor.h"
#include "extract/extractorregistry.h"
#include "extract/jsonextractor.h"
#include "extract/markdownextractor.h"
#include "extract/textdecoder.h"
#include "extract/textextractor.h"

#include <QRegularExpression>
#include <QStringEncoder>
#include <QTest>

#include <memory>

using namespace aether;

namespace {

QStringList texts(const ExtractedDocument &document)
{
    QStringList result;
    for (const TextBlock &block : document.blocks)
        result << block.text;
    return result;
}

QStringList lines(const ExtractedDocument &document)
{
    return texts(document).join(u'\n').split(u'\n');
}

QString allText(const ExtractedDocument &document)
{
    return texts(document).join(u'\n');
}

QStringList headings(const ExtractedDocument &document)
{
    QStringList result;
    for (const TextBlock &block : document.blocks)
        result << block.heading;
    return result;
}

QByteArray encoded(const QString &text, const char *encoding)
{
    QStringEncoder encoder(encoding);
    return encoder.isValid() ? QByteArray(encoder.encode(text)) : QByteArray();
}

QByteArray utf16WithoutBom(const QString &text, bool littleEndian)
{
    QByteArray bytes;
    for (const QChar ch : text) {
        const char low = char(ch.unicode() & 0xFF);
        const char high = char(ch.unicode() >> 8);
        bytes.append(littleEndian ? low : high).append(littleEndian ? high : low);
    }
    return bytes;
}

QString jsonError(const QByteArray &bytes, const QString &fileName)
{
    try {
        JsonExtractor().extract(bytes, fileName, CancelToken::never());
    } catch (const IngestError &error) {
        return error.toString();
    }
    return {};
}

const QString kRussian = QStringLiteral(
    "Привет, мир! Это проверка кодировки: съешь же ещё этих мягких французских булок, да "
    "выпей же чаю. Широкая электрификация южных губерний даст мощный толчок подъёму сельского "
    "хозяйства.");

QByteArray newsletterEmail()
{
    QByteArray mail = "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.com>\r\n"
                      "To: team@example.com,\r\n\tboss@example.com\r\n"
                      "Date: Tue, 4 Jun 2024 10:00:00 +0200\r\n"
                      "Subject: =?UTF-8?B?";
    mail.append(QStringLiteral("Quartalsbericht Übersicht").toUtf8().toBase64());
    mail.append("?=\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/mixed; boundary=\"outer=_1\"\r\n"
                "\r\n"
                "This is a multi-part message in MIME format.\r\n"
                "--outer=_1\r\n"
                "Content-Type: multipart/alternative; boundary=inner\r\n"
                "\r\n"
                "--inner\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n"
                "\r\n"
                "Hallo Team,\r\n"
                "die Zahlen f=C3=BCr das Quartal sind da. Ums=\r\n"
                "atz stieg um 5 %.\r\n"
                "\r\n"
                "Gr=C3=BC=C3=9Fe\r\n"
                "--inner\r\n"
                "Content-Type: text/html; charset=utf-8\r\n"
                "\r\n"
                "<html><body><p>HTML version</p></body></html>\r\n"
                "--inner--\r\n"
                "--outer=_1\r\n"
                "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
                "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
                "Content-Transfer-Encoding: base64\r\n"
                "\r\n");
    mail.append(QByteArray("%PDF-1.4 secret attachment").toBase64());
    mail.append("\r\n--outer=_1--\r\n");
    return mail;
}

} // namespace

class TestTextFormats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvQuotingAndHeader();
    void csvDelimiters_data();
    void csvDelimiters();
    void csvChunksLargeFiles();
    void jsonNestedObjectsAndArrays();
    void jsonTopLevelArrayAndScalar();
    void jsonInvalidReportsOffset();
    void jsonLines();
    void legacyEncodings_data();
    void legacyEncodings();
    void emlMultipartAlternative();
    void emlHtmlOnlyInLegacyCharset();
    void markdownHeadingPaths();
    void markdownCommentsTablesAndCode();
    void registryDetectsTextFormats_data();
    void registryDetectsTextFormats();
    void textFormatsCheckTheToken_data();
    void textFormatsCheckTheToken();
};

void TestTextFormats::csvQuotingAndHeader()
{
    const QByteArray csv = "Name,\"Comment\",City\r\n"
                           "\"Smith, John\",\"He said \"\"hi\"\"\",Berlin\r\n"
                           "Ann,\"Line one\nLine two\",\r\n"
                           ",,\r\n"
                           "Bob,,Paris,extra\r\n";
    const ExtractedDocument document =
        CsvExtractor().extract(csv, QStringLiteral("people.csv"), CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("csv"));
    QCOMPARE(
        lines(document),
        QStringList({QStringLiteral("Name: Smith, John; Comment: He said \"hi\"; City: Berlin"),
                     QStringLiteral("Name: Ann; Comment: Line one Line two"),
                     QStringLiteral("Name: Bob; City: Paris; Column 4: extra")}));
}

void TestTextFormats::csvDelimiters_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("firstRow");

    QTest::newRow("semicolon, decimal commas")
        << QByteArray("Produkt;Preis;Menge\n\xC3\x84pfel;1,50;3\nBirnen;2,00;5\n") << "preise.csv"
        << QStringLiteral("Produkt: Äpfel; Preis: 1,50; Menge: 3");
    QTest::newRow("tab, .tsv") << QByteArray("id\tname\tnote\n1\tAda\tfirst, of all\n") << "a.tsv"
                               << QStringLiteral("id: 1; name: Ada; note: first, of all");
    QTest::newRow("tab, no name") << QByteArray("id\tname\n1\tAda\n2\tBob\n") << ""
                                  << QStringLiteral("id: 1; name: Ada");
    QTest::newRow("pipe") << QByteArray("id|name\n7|Cy\n8|Di\n") << "x.csv"
                          << QStringLiteral("id: 7; name: Cy");
    QTest::newRow("utf-8 BOM") << QByteArray("\xEF\xBB\xBFName,Age\nZo\xC3\xAB,30\n") << "b.csv"
                               << QStringLiteral("Name: Zoë; Age: 30");
    QTest::newRow("windows-1252") << QByteArray("Name;Ort\nJos\xE9;K\xF6ln\n") << "c.csv"
                                  << QStringLiteral("Name: José; Ort: Köln");
}

void TestTextFormats::csvDelimiters()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fileName);
    QFETCH(QString, firstRow);
    const ExtractedDocument document =
        CsvExtractor().extract(bytes, fileName, CancelToken::never());
    QVERIFY(!document.blocks.isEmpty());
    QCOMPARE(lines(document).first(), firstRow);
}

void TestTextFormats::csvChunksLargeFiles()
{
    QByteArray csv = "row,value\n";
    for (int i = 1; i <= 120; ++i)
        csv.append(QByteArray::number(i)).append(",v").append(QByteArray::number(i)).append('\n');
    const ExtractedDocument document = CsvExtractor().extract(csv, {}, CancelToken::never());
    QCOMPARE(document.blocks.size(), 3);
    QCOMPARE(document.blocks[0].text.count(u'\n'), 49);
    QCOMPARE(document.blocks[2].text.count(u'\n'), 19);
    const QStringList all = lines(document);
    QCOMPARE(all.size(), 120);
    QCOMPARE(all.first(), QStringLiteral("row: 1; value: v1"));
    QCOMPARE(all.last(), QStringLiteral("row: 120; value: v120"));
}

void TestTextFormats::jsonNestedObjectsAndArrays()
{
    const QByteArray json = "{\"title\": \"Guide\", \"version\": 2, \"draft\": false, "
                            "\"ratio\": 0.25, \"nothing\": null, \"empty\": \"\",\n"
                            " \"author\": {\"name\": \"Ada\", \"tags\": [\"math\", \"engines\"]},\n"
                            " \"chapters\": [{\"name\": \"Intro\", \"pages\": 12}, "
                            "{\"name\": \"Engines\", \"notes\": [[\"deep\"]]}]}";
    const ExtractedDocument document =
        JsonExtractor().extract(json, QStringLiteral("guide.json"), CancelToken::never());
    QCOMPARE(document.kind, QStringLiteral("json"));
    // QJsonObject keeps keys sorted, so lines come in key order.
    QCOMPARE(lines(document),
             QStringList({QStringLiteral("author.name: Ada"), QStringLiteral("author.tags[]: math"),
                          QStringLiteral("author.tags[]: engines"),
                          QStringLiteral("chapters[].name: Intro"),
                          QStringLiteral("chapters[].pages: 12"),
                          QStringLiteral("chapters[].name: Engines"),
                          QStringLiteral("chapters[].notes[][]: deep"),
                          QStringLiteral("draft: false"), QStringLiteral("ratio: 0.25"),
                          QStringLiteral("title: Guide"), QStringLiteral("version: 2")}));
}

void TestTextFormats::jsonTopLevelArrayAndScalar()
{
    const ExtractedDocument records = JsonExtractor().extract(
        "[{\"city\": \"Oslo\"}, {\"city\": \"Lima\"}, \"loose\"]", {}, CancelToken::never());
    QCOMPARE(lines(records), QStringList({QStringLiteral("city: Oslo"),
                                          QStringLiteral("city: Lima"), QStringLiteral("loose")}));
    const ExtractedDocument scalar =
        JsonExtractor().extract(" \"just text\" ", QStringLiteral("s.json"), CancelToken::never());
    QCOMPARE(allText(scalar), QStringLiteral("just text"));
}

void TestTextFormats::jsonInvalidReportsOffset()
{
    QCOMPARE(jsonError("{\"a\": 1,, \"b\": 2}", QStringLiteral("bad.json")),
             QStringLiteral("JsonError: unterminated object at offset 9"));
    const QRegularExpression format(QStringLiteral("^JsonError: .+ at offset \\d+$"));
    QVERIFY(format.match(jsonError("{\"a\": [1, 2}", {})).hasMatch());
    QVERIFY(format.match(jsonError("{\"unterminated", {})).hasMatch());
    // An empty file is no error, just no text, as for any other text format.
    QCOMPARE(jsonError("", QStringLiteral("empty.json")), QString());
    QVERIFY(JsonExtractor().extract(" \n", {}, CancelToken::never()).isEmpty());
}

void TestTextFormats::jsonLines()
{
    const QByteArray jsonl = "{\"user\": \"ada\", \"msg\": \"hello\"}\n"
                             "{\"user\": \"bob\", \"msg\": \"hi there\"}\n"
                             "\n"
                             "{\"user\": \"cy\", \"tags\": [\"x\"]}\n";
    for (const QString &name : {QStringLiteral("chat.jsonl"), QString()}) {
        const ExtractedDocument document =
            ExtractorRegistry::standard().extract(jsonl, name, QString());
        QCOMPARE(document.kind, QStringLiteral("json"));
        QCOMPARE(texts(document), QStringList({QStringLiteral("msg: hello\nuser: ada"),
                                               QStringLiteral("msg: hi there\nuser: bob"),
                                               QStringLiteral("tags[]: x\nuser: cy")}));
    }
    QCOMPARE(jsonError("{\"a\": 1}\n{\"b\": }\n", QStringLiteral("x.ndjson")),
             QStringLiteral("JsonError: object is missing after a comma at offset 16 (line 2)"));
}

void TestTextFormats::legacyEncodings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    const QString german = QStringLiteral("Grüße aus Köln: schöne Straßen, süße Äpfel und Öl.");
    const QString french =
        QStringLiteral("Le garçon a mangé une crème brûlée à la française, déjà célèbre.");
    QTest::newRow("latin-1 German") << encoded(german, "ISO-8859-1") << german;
    QTest::newRow("latin-1 French") << encoded(french, "ISO-8859-1") << french;
    const QString quotes = QStringLiteral("Der Preis: 5 € – „günstig“, sagt er… ™");
    QTest::newRow("windows-1252 punctuation") << encoded(quotes, "windows-1252") << quotes;
    // Short words give uchardet little evidence: other Latin code pages must not win.
    QTest::newRow("latin-1, last byte accented") << QByteArray("caf\xE9") << QStringLiteral("café");
    QTest::newRow("latin-1 short word") << QByteArray("ma\xF1"
                                                      "ana")
                                        << QStringLiteral("mañana");
    const QString polish =
        QStringLiteral("Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig.");
    QTest::newRow("windows-1250 Polish") << encoded(polish, "windows-1250") << polish;
    const QString japanese = QStringLiteral("日本語のテキストです。文字コードの判定を確認します。");
    QTest::newRow("shift_jis Japanese") << encoded(japanese, "Shift_JIS") << japanese;
    QTest::newRow("windows-1251 Russian") << encoded(kRussian, "windows-1251") << kRussian;
    QTest::newRow("koi8-r Russian") << encoded(kRussian, "KOI8-R") << kRussian;
    const QString mixed = QStringLiteral("UTF-16 text: Grüße, naïve café – and more words here.");
    QTest::newRow("utf-16 LE BOM")
        << QByteArray("\xFF\xFE").append(utf16WithoutBom(mixed, true)) << mixed;
    QTest::newRow("utf-16 BE BOM")
        << QByteArray("\xFE\xFF").append(utf16WithoutBom(mixed, false)) << mixed;
    QTest::newRow("utf-16 LE, no BOM") << utf16WithoutBom(mixed, true) << mixed;
    QTest::newRow("utf-16 BE, no BOM") << utf16WithoutBom(mixed, false) << mixed;
    QTest::newRow("utf-16 LE Cyrillic, no BOM") << utf16WithoutBom(kRussian, true) << kRussian;
}

void TestTextFormats::legacyEncodings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QVERIFY2(!bytes.isEmpty(), "Qt cannot encode this charset here");
    QCOMPARE(TextDecoder::decode(bytes), expected);
    // Through the registry too: no-BOM UTF-16 is text, not refused as binary.
    const ExtractedDocument document =
        ExtractorRegistry::standard().extract(bytes, QStringLiteral("notes.txt"));
    QCOMPARE(allText(document), expected);
}

void TestTextFormats::emlMultipartAlternative()
{
    const ExtractedDocument document = ExtractorRegistry::standard().extract(newsletterEmail(), {});
    QCOMPARE(document.kind, QStringLiteral("eml"));
    QCOMPARE(document.title, QStringLiteral("Quartalsbericht Übersicht"));
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("From: Jürgen Müller <jm@example.com>\n"
                                         "To: team@example.com, boss@example.com\n"
                                         "Date: Tue, 4 Jun 2024 10:00:00 +0200\n"
                                         "Subject: Quartalsbericht Übersicht"),
                          QStringLiteral("Hallo Team,\ndie Zahlen für das Quartal sind da. "
                                         "Umsatz stieg um 5 %."),
                          QStringLiteral("Grüße")}));
    QCOMPARE(document.blocks.last().heading, QStringLiteral("Quartalsbericht Übersicht"));
}

void TestTextFormats::emlHtmlOnlyInLegacyCharset()
{
    QByteArray mail = "From: news@example.com\n"
                      "Subject: Newsletter\n"
                      "Content-Type: text/html; charset=iso-8859-1\n"
                      "Content-Transfer-Encoding: base64\n\n";
    mail.append(QByteArray("<html><body><h1>News</h1><p>Das Caf\xE9 \xF6"
                           "ffnet morgen wieder seine T\xFCren f\xFCr alle G\xE4ste.</p>"
                           "</body></html>")
                    .toBase64(QByteArray::Base64Encoding));
    const ExtractedDocument document =
        EmlExtractor().extract(mail, QStringLiteral("news.eml"), CancelToken::never());
    QCOMPARE(document.title, QStringLiteral("Newsletter"));
    QVERIFY2(allText(document).contains(
                 QStringLiteral("Das Café öffnet morgen wieder seine Türen für alle Gäste.")),
             qPrintable(allText(document)));
}

void TestTextFormats::markdownHeadingPaths()
{
    const QByteArray markdown = "# A\n\ntext a\n\n## B\n\ntext b\n\n### C\n\ntext c\n\n"
                                "## D\n\ntext d\n\n#### Deep\n\n# E\n\ntext e\n";
    const ExtractedDocument document =
        MarkdownExtractor().extract(markdown, {}, CancelToken::never());
    QCOMPARE(texts(document),
             QStringList({QStringLiteral("A"), QStringLiteral("text a"), QStringLiteral("B"),
                          QStringLiteral("text b"), QStringLiteral("C"), QStringLiteral("text c"),
                          QStringLiteral("D"), QStringLiteral("text d"), QStringLiteral("Deep"),
                          QStringLiteral("E"), QStringLiteral("text e")}));
    QCOMPARE(
        headings(document),
        QStringList({QStringLiteral("A"), QStringLiteral("A"), QStringLiteral("A > B"),
                     QStringLiteral("A > B"), QStringLiteral("A > B > C"),
                     QStringLiteral("A > B > C"), QStringLiteral("A > D"), QStringLiteral("A > D"),
                     QStringLiteral("A > D > Deep"), QStringLiteral("E"), QStringLiteral("E")}));
}

// Parsed by md4c: an HTML comment or raw HTML block is no text, a table is one
// row a line, a fenced code block stays verbatim (its markup characters too),
// a link is its text, entities are decoded.
void TestTextFormats::markdownCommentsTablesAndCode()
{
    const QByteArray markdown =
        "# Tools\n\n<!-- draft: remove the secret note -->\n\n"
        "<div class=\"banner\">\nBanner text\n</div>\n\n"
        "| Tool | Use |\n|------|-----|\n| *chisel* | carving |\n| saw | cutting |\n\n"
        "```cpp\nint main() { return a < b && **c; }\n```\n\n"
        "See [the guide](https://example.org/guide) &amp; more.\n";
    const ExtractedDocument document =
        MarkdownExtractor().extract(markdown, {}, CancelToken::never());
    const QString all = texts(document).join(u'\n');
    QVERIFY2(!all.contains(QStringLiteral("secret note")), qPrintable(all));
    QVERIFY2(!all.contains(QStringLiteral("Banner text")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("Tool | Use\nchisel | carving\nsaw | cutting")),
             qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("int main() { return a < b && **c; }")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("See the guide & more.")), qPrintable(all));
    QVERIFY2(!all.contains(QStringLiteral("example.org")), qPrintable(all));
    QCOMPARE(document.title, QStringLiteral("Tools"));
}

void TestTextFormats::registryDetectsTextFormats_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("kind");

    const QByteArray json = "{\"a\": [1, 2]}";
    QTest::newRow("json named .txt") << json << "data.txt"
                                     << "text/plain"
                                     << "json";
    QTest::newRow("json without name") << json << ""
                                       << ""
                                       << "json";
    QTest::newRow("json lines without name") << QByteArray("{\"a\":1}\n{\"a\":2}\n") << ""
                                             << ""
                                             << "json";
    QTest::newRow("json by type") << QByteArray("\"scalar\"") << ""
                                  << "application/json"
                                  << "json";
    QTest::newRow("ndjson by type") << QByteArray("{}") << ""
                                    << "application/x-ndjson"
                                    << "json";
    QTest::newRow("broken json by name") << QByteArray("{not json") << "a.json"
                                         << ""
                                         << "json";
    QTest::newRow("markdown link is not json") << QByteArray("[link](x) text") << "r.md"
                                               << ""
                                               << "markdown";
    QTest::newRow("log lines are not json")
        << QByteArray("[2024-01-01] started\n[2024-01-01] done\n") << "app.log"
        << ""
        << "text";
    QTest::newRow("eml without name") << newsletterEmail() << ""
                                      << ""
                                      << "eml";
    QTest::newRow("eml named .txt") << newsletterEmail() << "mail.txt"
                                    << ""
                                    << "eml";
    QTest::newRow("eml by type") << QByteArray("hello") << ""
                                 << "message/rfc822"
                                 << "eml";
    QTest::newRow("eml by name") << QByteArray("hello") << "m.eml"
                                 << ""
                                 << "eml";
    QTest::newRow("header-like text is not eml")
        << QByteArray("Note: buy milk\nTodo: call\n") << "todo.txt"
        << ""
        << "text";
    QTest::newRow("csv by type") << QByteArray("a;b\n1;2\n") << ""
                                 << "text/csv"
                                 << "csv";
    QTest::newRow("tsv by type") << QByteArray("a\tb\n") << ""
                                 << "text/tab-separated-values"
                                 << "csv";
    QTest::newRow("tsv by name") << QByteArray("a\tb\n") << "t.TSV"
                                 << ""
                                 << "csv";
    QTest::newRow("utf-16 without BOM, no name")
        << utf16WithoutBom(QStringLiteral("Plain words in UTF-16 without a mark."), true) << ""
        << ""
        << "text";
    QTest::newRow("utf-16 without BOM, unknown name")
        << utf16WithoutBom(QStringLiteral("Plain words in UTF-16 without a mark."), false)
        << "x.weird"
        << ""
        << "text";
}

void TestTextFormats::registryDetectsTextFormats()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fileName);
    QFETCH(QString, contentType);
    QFETCH(QString, kind);
    const Extractor *extractor = ExtractorRegistry::standard().find(bytes, fileName, contentType);
    QCOMPARE(extractor ? extractor->kind() : QString(), kind);
}

void TestTextFormats::textFormatsCheckTheToken_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("csv") << "csv" << QByteArray("a,b\n1,2\n");
    QTest::newRow("json") << "json" << QByteArray("{\"a\": \"b\"}");
    QTest::newRow("eml") << "eml" << newsletterEmail();
}

void TestTextFormats::textFormatsCheckTheToken()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, bytes);
    std::unique_ptr<Extractor> extractor;
    if (kind == u"csv")
        extractor = std::make_unique<CsvExtractor>();
    else if (kind == u"json")
        extractor = std::make_unique<JsonExtractor>();
    else
        extractor = std::make_unique<EmlExtractor>();
    QVERIFY(!extractor->extract(bytes, {}, CancelToken::never()).isEmpty());
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Canceled);
    QVERIFY_THROWS_EXCEPTION(JobInterrupted, extractor->extract(bytes, {}, cancel));
}

QTEST_GUILESS_MAIN(TestTextFormats)
#include "tst_textformats.moc"
