#include "extract/htmlextractor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTest>

using namespace aether;

namespace {

// What a corpus page should give, read from its companion "<page>.expected":
//   [main]         lines that must each come out as a line (title included)
//   [optional]     lines that may come out and then count as main content
//                  (bylines, dates, captions, reference lists)
//   [boilerplate]  strings that must not appear anywhere in the text
// Blank lines and lines starting with '#' are ignored.
struct Expectation
{
    QStringList main;
    QSet<QString> optional;
    QStringList boilerplate;
};

QString normalised(const QString &line)
{
    QString text = line;
    text.replace(QChar(0x00A0), u' ');
    return text.simplified();
}

Expectation readExpectation(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    Expectation expectation;
    QString section;
    for (const QString &raw : QString::fromUtf8(file.readAll()).split(u'\n')) {
        const QString line = normalised(raw);
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line == u"[main]" || line == u"[optional]" || line == u"[boilerplate]")
            section = line;
        else if (section == u"[main]")
            expectation.main.append(line);
        else if (section == u"[optional]")
            expectation.optional.insert(line);
        else if (section == u"[boilerplate]")
            expectation.boilerplate.append(line);
    }
    return expectation;
}

QStringList corpusPages()
{
    const QDir dir(QStringLiteral(AETHER_HTML_CORPUS));
    return dir.entryList({QStringLiteral("*.html")}, QDir::Files, QDir::Name);
}

// The title and every line of every block, as a reader of the store sees them.
QStringList extractedLines(const QString &page)
{
    QFile file(QDir(QStringLiteral(AETHER_HTML_CORPUS)).filePath(page));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(page));
    const ExtractedDocument document =
        HtmlExtractor().extract(file.readAll(), page, CancelToken::never());
    QStringList lines;
    if (!normalised(document.title).isEmpty())
        lines.append(normalised(document.title));
    for (const TextBlock &block : document.blocks) {
        for (const QString &line : block.text.split(u'\n')) {
            if (!normalised(line).isEmpty())
                lines.append(normalised(line));
        }
    }
    return lines;
}

Expectation expectationFor(const QString &page)
{
    QString name = page;
    name.chop(int(qstrlen(".html")));
    return readExpectation(
        QDir(QStringLiteral(AETHER_HTML_CORPUS)).filePath(name + QStringLiteral(".expected")));
}

const TextBlock *blockWithText(const ExtractedDocument &document, const QString &text)
{
    for (const TextBlock &block : document.blocks) {
        if (block.text == text)
            return &block;
    }
    return nullptr;
}

} // namespace

class TestHtmlMainText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void corpusRecallAndPrecision();
    void noBoilerplate_data();
    void noBoilerplate();
    void headingPathsTablesAndCode();
    void linkOnlyPageFallsBackToVisibleText();
    void pathologicalMarkupStaysFast_data();
    void pathologicalMarkupStaysFast();
};

// The measure over the whole corpus: recall is the share of expected
// main lines that come out, precision the share of lines that come out that
// are main content.
void TestHtmlMainText::corpusRecallAndPrecision()
{
    const QStringList pages = corpusPages();
    int expected = 0;
    int found = 0;
    int extracted = 0;
    int main = 0;
    for (const QString &page : pages) {
        const Expectation expectation = expectationFor(page);
        QVERIFY2(!expectation.main.isEmpty(), qPrintable(page));
        const QStringList lines = extractedLines(page);
        const QSet<QString> lineSet(lines.begin(), lines.end());
        const QSet<QString> mainSet(expectation.main.begin(), expectation.main.end());
        for (const QString &line : expectation.main) {
            ++expected;
            if (lineSet.contains(line))
                ++found;
            else
                qInfo().noquote() << page << "missing:" << line;
        }
        for (const QString &line : lines) {
            ++extracted;
            if (mainSet.contains(line) || expectation.optional.contains(line))
                ++main;
            else
                qInfo().noquote() << page << "not main:" << line;
        }
    }
    const double recall = double(found) / expected;
    const double precision = double(main) / extracted;
    qInfo().noquote() << QStringLiteral("HTML main text over %1 pages: recall %2 (%3 of %4 lines), "
                                        "precision %5 (%6 of %7 lines)")
                             .arg(pages.size())
                             .arg(recall, 0, 'f', 3)
                             .arg(found)
                             .arg(expected)
                             .arg(precision, 0, 'f', 3)
                             .arg(main)
                             .arg(extracted);
    QVERIFY2(pages.size() >= 22, qPrintable(QStringLiteral("%1 pages").arg(pages.size())));
    QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
    QVERIFY2(precision >= 0.95, qPrintable(QString::number(precision)));
}

void TestHtmlMainText::noBoilerplate_data()
{
    QTest::addColumn<QString>("page");
    for (const QString &page : corpusPages())
        QTest::newRow(qPrintable(page)) << page;
}

void TestHtmlMainText::noBoilerplate()
{
    QFETCH(QString, page);
    const Expectation expectation = expectationFor(page);
    QVERIFY2(!expectation.boilerplate.isEmpty(), "list what the page must not give");
    const QString text = extractedLines(page).join(u'\n');
    for (const QString &boilerplate : expectation.boilerplate)
        QVERIFY2(!text.contains(boilerplate), qPrintable(boilerplate));
}

void TestHtmlMainText::headingPathsTablesAndCode()
{
    const QByteArray html =
        "<html><head><title>Install | Aether Docs</title></head><body>"
        "<nav><a href='/'>Docs home</a></nav><main><h1>Install</h1>"
        "<p>Aether Ingest runs on Linux, and it needs Qt 6.4, Redis and SQLite to build.</p>"
        "<h2>On Debian</h2><p>Install the build dependencies first, then configure and build.</p>"
        "<pre><code>sudo apt-get install \\\n    qt6-base-dev\n\n  cmake -S . -B build</code></pre>"
        "<h3>Options</h3><table><tr><th>Option</th><th>Default</th></tr>"
        "<tr><td>AETHER_BUILD_TESTS</td><td>ON</td></tr></table>"
        "<h2>On Fedora</h2><ul><li>dnf install qt6-qtbase-devel</li><li>dnf install redis</li></ul>"
        "</main></body></html>";
    const ExtractedDocument document = HtmlExtractor().extract(html, {}, CancelToken::never());
    QCOMPARE(document.title, QStringLiteral("Install"));
    const TextBlock *code = blockWithText(
        document,
        QStringLiteral("sudo apt-get install \\\n    qt6-base-dev\n\n  cmake -S . -B build"));
    QVERIFY(code);
    QCOMPARE(code->heading, QStringLiteral("Install > On Debian"));
    const TextBlock *table =
        blockWithText(document, QStringLiteral("Option | Default\nAETHER_BUILD_TESTS | ON"));
    QVERIFY(table);
    QCOMPARE(table->heading, QStringLiteral("Install > On Debian > Options"));
    const TextBlock *list =
        blockWithText(document, QStringLiteral("dnf install qt6-qtbase-devel\ndnf install redis"));
    QVERIFY(list);
    QCOMPARE(list->heading, QStringLiteral("Install > On Fedora"));
    QVERIFY(!blockWithText(document, QStringLiteral("Docs home")));
}

void TestHtmlMainText::linkOnlyPageFallsBackToVisibleText()
{
    const QByteArray html = "<html><body><ul><li><a href='/a'>First link</a></li>"
                            "<li><a href='/b'>Second link</a></li></ul></body></html>";
    const ExtractedDocument document = HtmlExtractor().extract(html, {}, CancelToken::never());
    QCOMPARE(document.blocks.size(), 1);
    QCOMPARE(document.blocks[0].text, QStringLiteral("First link\nSecond link"));
}

void TestHtmlMainText::pathologicalMarkupStaysFast_data()
{
    QTest::addColumn<QByteArray>("html");
    QTest::addColumn<QString>("text");
    QTest::newRow("200,000 nested divs")
        << QByteArray("<p>deep</p>") + QByteArray("<div>").repeated(200000) + "bottom"
        << QStringLiteral("bottom");
    QTest::newRow("unclosed formatting in every paragraph") << [] {
        QByteArray html;
        for (int i = 0; i < 20000; ++i)
            html += "<p><b id=" + QByteArray::number(i) + ">x" + QByteArray::number(i) + "</p>";
        return html;
    }() << QStringLiteral("x19999");
    QTest::newRow("deep nesting of unclosed spans and tables")
        << QByteArray("<span><table><tr><td>").repeated(50000) + "cell" << QStringLiteral("cell");
}

void TestHtmlMainText::pathologicalMarkupStaysFast()
{
    QFETCH(QByteArray, html);
    QFETCH(QString, text);
    QElapsedTimer clock;
    clock.start();
    const ExtractedDocument document = HtmlExtractor().extract(html, {}, CancelToken::never());
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QString all;
    for (const TextBlock &block : document.blocks)
        all += block.text + u'\n';
    QVERIFY(all.contains(text));
}

QTEST_GUILESS_MAIN(TestHtmlMainText)
#include "tst_htmlmaintext.moc"
