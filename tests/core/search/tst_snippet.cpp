// Snippets and highlights of search hits (core/search/snippet.*): the words a
// reader looks for, found as keyword search found them (stemmed, case and
// accents folded), and the best short window of a long passage around them.
#include "search/hybridsearch.h"
#include "search/snippet.h"

#include <QTest>

using namespace aether;

namespace {

QStringList highlighted(const QString &text, const QList<TextSpan> &spans)
{
    QStringList words;
    for (const TextSpan &span : spans)
        words.append(text.mid(span.start, span.end - span.start));
    return words;
}

SnippetMaker makerFor(const QString &query)
{
    return SnippetMaker(HybridSearch::queryTerms(query));
}

QString filler(int words, const QString &word = QStringLiteral("lorem"))
{
    QStringList list;
    for (int i = 0; i < words; ++i)
        list.append(word);
    return list.join(u' ');
}

} // namespace

class SnippetTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stemmedFormsAreHighlighted()
    {
        const QString text = QStringLiteral("She runs daily. Running shoes help a runner run.");
        const QList<TextSpan> spans = makerFor(QStringLiteral("running")).highlights(text);
        // Porter (FTS5's stemmer) takes runs, Running and run to "run"; runner stays.
        QCOMPARE(highlighted(text, spans),
                 QStringList(
                     {QStringLiteral("runs"), QStringLiteral("Running"), QStringLiteral("run")}));
    }

    void caseAccentsAndStopWordsFoldAsKeywordSearch()
    {
        const QString text = QStringLiteral("Le CAFÉ du coin: the best café, the cafes of Paris.");
        const QList<TextSpan> spans = makerFor(QStringLiteral("the cafe")).highlights(text);
        QCOMPARE(
            highlighted(text, spans),
            QStringList({QStringLiteral("CAFÉ"), QStringLiteral("café"), QStringLiteral("cafes")}));
    }

    void shortTextIsItsOwnSnippet()
    {
        const QString text = QStringLiteral("Glacier moraines are ridges of debris.");
        const Snippet snippet = makerFor(QStringLiteral("moraine")).snippet(text);
        QCOMPARE(snippet.text, text);
        QCOMPARE(highlighted(snippet.text, snippet.snippetHighlights),
                 QStringList{QStringLiteral("moraines")});
    }

    void windowHoldsTheMostDistinctWordsAndIsCut()
    {
        // "glacier" alone early, then "glacier" and "moraine" together late.
        const QString text = QStringLiteral("A glacier is ice. ") + filler(80) +
                             QStringLiteral(" The glacier left a moraine of rock. ") +
                             filler(80, QStringLiteral("ipsum"));
        const Snippet snippet = makerFor(QStringLiteral("glacier moraine")).snippet(text);
        QVERIFY2(snippet.text.size() <= SnippetMaker::kMaxSnippetChars,
                 qPrintable(QString::number(snippet.text.size())));
        QVERIFY(snippet.text.startsWith(QChar(0x2026)));
        QVERIFY(snippet.text.endsWith(QChar(0x2026)));
        QVERIFY(snippet.text.contains(QStringLiteral("The glacier left a moraine of rock.")));
        QCOMPARE(highlighted(snippet.text, snippet.snippetHighlights),
                 QStringList({QStringLiteral("glacier"), QStringLiteral("moraine")}));
        // The highlights of the whole text name all three places.
        QCOMPARE(highlighted(text, snippet.highlights),
                 QStringList({QStringLiteral("glacier"), QStringLiteral("glacier"),
                              QStringLiteral("moraine")}));
        // No word is shown in part: the cuts fall between words.
        const QString inner = snippet.text.mid(1, snippet.text.size() - 2);
        QVERIFY(text.contains(inner));
        const int at = int(text.indexOf(inner));
        QVERIFY(at == 0 || !text[at - 1].isLetterOrNumber());
        const int after = at + int(inner.size());
        QVERIFY(after == text.size() || !text[after].isLetterOrNumber());
    }

    void termsAtTheVeryEnds()
    {
        const QString text =
            QStringLiteral("Telescope ") + filler(100) + QStringLiteral(" telescope");
        const Snippet snippet = makerFor(QStringLiteral("telescopes")).snippet(text);
        QVERIFY(snippet.text.startsWith(QStringLiteral("Telescope")));
        QVERIFY(snippet.text.endsWith(QChar(0x2026)));
        QCOMPARE(snippet.highlights.size(), 2);
        QCOMPARE(snippet.highlights.last().end, int(text.size()));
    }

    void vectorOnlyHitShowsTheStart()
    {
        const QString text = filler(100);
        const Snippet snippet = makerFor(QStringLiteral("nebula")).snippet(text);
        QVERIFY(snippet.highlights.isEmpty());
        QVERIFY(snippet.text.startsWith(QStringLiteral("lorem lorem")));
        QVERIFY(snippet.text.endsWith(QStringLiteral("lorem") + QChar(0x2026)));
        QVERIFY(snippet.text.size() <= SnippetMaker::kMaxSnippetChars);
    }

    void nonAsciiOffsetsCountUtf16Units()
    {
        // An emoji is two UTF-16 units: offsets after it shift by two, as
        // JavaScript's String indexes do.
        const QString text = QStringLiteral("🧊 Ледник и морена: glacier");
        const QList<TextSpan> spans = makerFor(QStringLiteral("морена glacier")).highlights(text);
        QCOMPARE(highlighted(text, spans),
                 QStringList({QStringLiteral("морена"), QStringLiteral("glacier")}));
        QCOMPARE(spans.first().start, 12);
    }
};

QTEST_GUILESS_MAIN(SnippetTest)
#include "tst_snippet.moc"
