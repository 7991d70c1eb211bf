#include "text/chunker.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QStringList>
#include <QTest>

#include <optional>

using namespace aether;

namespace {

// Deterministic prose: sentences of 6..14 words, 3..7 sentences per paragraph.
QString prose(int paragraphs, quint32 seed = 7)
{
    static const QStringList words = {
        QStringLiteral("aether"), QStringLiteral("ingest"),   QStringLiteral("vector"),
        QStringLiteral("store"),  QStringLiteral("document"), QStringLiteral("queue"),
        QStringLiteral("worker"), QStringLiteral("chunk"),    QStringLiteral("search"),
        QStringLiteral("page"),   QStringLiteral("heading"),  QStringLiteral("text")};
    QRandomGenerator random(seed);
    QStringList paragraphList;
    for (int p = 0; p < paragraphs; ++p) {
        QStringList sentences;
        const int sentenceCount = random.bounded(3, 8);
        for (int s = 0; s < sentenceCount; ++s) {
            QStringList sentence;
            const int wordCount = random.bounded(6, 15);
            for (int w = 0; w < wordCount; ++w)
                sentence << words[random.bounded(int(words.size()))];
            sentence.first()[0] = sentence.first()[0].toUpper();
            sentences << sentence.join(u' ') + u'.';
        }
        paragraphList << sentences.join(u' ');
    }
    return paragraphList.join(QStringLiteral("\n\n"));
}

QString joined(const ExtractedDocument &document)
{
    QStringList texts;
    for (const TextBlock &block : document.blocks)
        texts << block.text;
    return texts.join(QStringLiteral("\n\n"));
}

void verifyOffsets(const QList<Chunk> &chunks, const QString &text)
{
    for (const Chunk &chunk : chunks) {
        QVERIFY(!chunk.text.trimmed().isEmpty());
        QCOMPARE(chunk.text, text.mid(chunk.start, chunk.end - chunk.start));
    }
}

void verifySameChunks(const QList<Chunk> &actual, const QList<Chunk> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual[i].text, expected[i].text);
        QCOMPARE(actual[i].page, expected[i].page);
        QCOMPARE(actual[i].heading, expected[i].heading);
        QCOMPARE(actual[i].start, expected[i].start);
        QCOMPARE(actual[i].end, expected[i].end);
    }
}

// The reason splitting was interrupted with, or nothing if it ran to the end.
std::optional<JobInterrupted::Reason> interruption(const Chunker &chunker, const QString &text,
                                                   const CancelToken &cancel)
{
    try {
        chunker.split(text, cancel);
    } catch (const JobInterrupted &interrupted) {
        return interrupted.reason();
    }
    return std::nullopt;
}

} // namespace

class TestChunker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyTextGivesNoChunks();
    void shortTextIsOneChunk();
    void chunkSizesWithinBounds();
    void offsetsIndexTheJoinedText();
    void consecutiveChunksOverlapBySentences();
    void paragraphsAreNotCutWhenTheyFit();
    void sentenceBoundariesArePreferred();
    void longSentencesSplitAtSpaces();
    void longWordsAreHardSplit();
    void pageAndHeadingOfFirstBlock();
    void chunksFollowHeadings();
    void optionsAreClamped();
    void tenMegabytesChunkQuickly();
    void interruptedTokenStopsSplitting();
    void deadlineStopsALongSplitPartWay();
    void neverTokenGivesTheSameChunks();
};

void TestChunker::emptyTextGivesNoChunks()
{
    const Chunker chunker;
    QVERIFY(chunker.split(QString()).isEmpty());
    QVERIFY(chunker.split(QStringLiteral(" \n\n \t\n")).isEmpty());
    QVERIFY(chunker.split(ExtractedDocument{}).isEmpty());
}

void TestChunker::shortTextIsOneChunk()
{
    const QString text = QStringLiteral("  One short paragraph.\n\nAnd another one.  \n");
    const QList<Chunk> chunks = Chunker().split(text);
    QCOMPARE(chunks.size(), 1);
    QCOMPARE(chunks[0].text, QStringLiteral("One short paragraph.\n\nAnd another one."));
    QCOMPARE(chunks[0].start, 2);
}

void TestChunker::chunkSizesWithinBounds()
{
    const QString text = prose(200);
    for (const ChunkerOptions options :
         {ChunkerOptions{}, ChunkerOptions{200, 40}, ChunkerOptions{500, 0}}) {
        const QList<Chunk> chunks = Chunker(options).split(text);
        QVERIFY(chunks.size() > text.size() / options.size);
        for (qsizetype i = 0; i < chunks.size(); ++i) {
            QVERIFY2(chunks[i].text.size() <= options.size, qPrintable(chunks[i].text));
            if (i + 1 < chunks.size())
                QVERIFY2(chunks[i].text.size() >= options.size / 4, qPrintable(chunks[i].text));
        }
        verifyOffsets(chunks, text);
        QCOMPARE(chunks.last().end, text.size());
    }
}

void TestChunker::offsetsIndexTheJoinedText()
{
    ExtractedDocument document;
    document.blocks = {{prose(3, 1), 1, {}},
                       {QString(), 2, {}},
                       {prose(4, 2), 3, {}},
                       {QStringLiteral("tail"), 4, {}}};
    const QList<Chunk> chunks = Chunker({300, 60}).split(document);
    QVERIFY(chunks.size() > 3);
    verifyOffsets(chunks, joined(document));
}

void TestChunker::consecutiveChunksOverlapBySentences()
{
    const QString text = prose(40);
    // Sentences are at most 14 words (under 130 characters), so one always fits the overlap.
    const ChunkerOptions options{500, 150};
    const QList<Chunk> chunks = Chunker(options).split(text);
    QVERIFY(chunks.size() > 5);
    for (qsizetype i = 1; i < chunks.size(); ++i) {
        const qsizetype overlap = chunks[i - 1].end - chunks[i].start;
        QVERIFY2(overlap > 0 && overlap <= options.overlap, qPrintable(QString::number(overlap)));
        // The overlap is whole sentences: it starts right after a sentence end.
        QCOMPARE(text.mid(chunks[i].start - 2, 1), QStringLiteral("."));
        QVERIFY(chunks[i].start > chunks[i - 1].start);
    }
}

void TestChunker::paragraphsAreNotCutWhenTheyFit()
{
    QStringList paragraphs;
    for (int i = 0; i < 30; ++i)
        paragraphs << QStringLiteral("Paragraph %1 has some words. It ends here.").arg(i);
    const QString text = paragraphs.join(QStringLiteral("\n\n"));
    const QList<Chunk> chunks = Chunker({200, 0}).split(text);
    QVERIFY(chunks.size() > 5);
    QStringList rejoined;
    for (const Chunk &chunk : chunks) {
        QVERIFY(chunk.end == text.size() || text.mid(chunk.end, 2) == QStringLiteral("\n\n"));
        QVERIFY(chunk.start == 0 || text.mid(chunk.start - 2, 2) == QStringLiteral("\n\n"));
        rejoined << chunk.text;
    }
    QCOMPARE(rejoined.join(QStringLiteral("\n\n")), text);
}

void TestChunker::sentenceBoundariesArePreferred()
{
    QStringList copies;
    for (int i = 0; i < 20; ++i)
        copies << prose(1, quint32(i));
    const QString text = copies.join(u' ');
    QVERIFY(!text.contains(u'\n'));
    const QList<Chunk> chunks = Chunker({300, 50}).split(text);
    QVERIFY(chunks.size() > 5);
    for (const Chunk &chunk : chunks)
        QVERIFY2(chunk.text.endsWith(u'.'), qPrintable(chunk.text));
}

void TestChunker::longSentencesSplitAtSpaces()
{
    const QString text = QStringLiteral("word ").repeated(1000) + QStringLiteral("end");
    const QList<Chunk> chunks = Chunker({100, 20}).split(text);
    QVERIFY(chunks.size() >= 50);
    for (const Chunk &chunk : chunks) {
        QVERIFY(chunk.text.size() <= 100);
        QVERIFY(chunk.text.startsWith(QStringLiteral("word")) || chunk.text == u"end");
        QVERIFY(chunk.text.endsWith(QStringLiteral("word")) || chunk.text.endsWith(u"end"));
    }
    verifyOffsets(chunks, text);
    QCOMPARE(chunks.last().end, text.size());
}

void TestChunker::longWordsAreHardSplit()
{
    QString text = QStringLiteral("x").repeated(5000);
    text[2999] = QChar(0xD83D); // a surrogate pair across a chunk edge stays whole
    text[3000] = QChar(0xDE00);
    const QList<Chunk> chunks = Chunker({100, 20}).split(text);
    QString covered;
    for (const Chunk &chunk : chunks) {
        QVERIFY(chunk.text.size() <= 100);
        QVERIFY(!chunk.text.front().isLowSurrogate() && !chunk.text.back().isHighSurrogate());
        QCOMPARE(chunk.start, covered.size()); // no overlap without spaces to align it
        covered += chunk.text;
    }
    QCOMPARE(covered, text);
}

void TestChunker::pageAndHeadingOfFirstBlock()
{
    ExtractedDocument document;
    document.blocks = {{prose(2, 4), 1, QStringLiteral("Intro")},
                       {prose(2, 5), 2, QStringLiteral("Intro")},
                       {prose(2, 6), 3, QStringLiteral("Method")}};
    const QString text = joined(document);
    const qsizetype secondStart = document.blocks[0].text.size() + 2;
    const qsizetype thirdStart = secondStart + document.blocks[1].text.size() + 2;
    const QList<Chunk> chunks = Chunker({150, 30}).split(document);
    QVERIFY(chunks.size() > 6);
    for (const Chunk &chunk : chunks) {
        const int expectedPage = chunk.start >= thirdStart ? 3 : chunk.start >= secondStart ? 2 : 1;
        QCOMPARE(chunk.page, expectedPage);
        QCOMPARE(chunk.heading,
                 expectedPage == 3 ? QStringLiteral("Method") : QStringLiteral("Intro"));
    }
    verifyOffsets(chunks, text);
}

// A chunk never spans two sections; a short subsection joins its parent.
void TestChunker::chunksFollowHeadings()
{
    ExtractedDocument document;
    document.blocks = {
        {QStringLiteral("Install it with the package manager."), 0, QStringLiteral("Install")},
        {QStringLiteral("On Debian run apt install aether."), 0,
         QStringLiteral("Install > Debian")},
        {QStringLiteral("Configure the port in the settings file."), 0,
         QStringLiteral("Configure")}};
    const QList<Chunk> chunks = Chunker({200, 30}).split(document);
    QCOMPARE(chunks.size(), 2);
    QCOMPARE(chunks[0].heading, QStringLiteral("Install"));
    QVERIFY(chunks[0].text.contains(QStringLiteral("apt install")));
    QCOMPARE(chunks[1].heading, QStringLiteral("Configure"));
    QCOMPARE(chunks[1].text, QStringLiteral("Configure the port in the settings file."));
    verifyOffsets(chunks, joined(document));

    // A subsection too long to share its parent's chunk gets chunks of its own.
    document.blocks[1].text = prose(3, 7);
    for (const Chunk &chunk : Chunker({200, 30}).split(document)) {
        if (chunk.heading == QLatin1String("Install"))
            QVERIFY(!chunk.text.contains(document.blocks[1].text.left(20)));
    }
}

void TestChunker::optionsAreClamped()
{
    QCOMPARE(Chunker({10, 100}).options().size, 50);
    QCOMPARE(Chunker({10, 100}).options().overlap, 24);
    QCOMPARE(Chunker({1000, -5}).options().overlap, 0);
    QCOMPARE(Chunker({1000, 500}).options().overlap, 499);
    QCOMPARE(Chunker().options().size, 1000);
    QCOMPARE(Chunker().options().overlap, 150);
}

void TestChunker::tenMegabytesChunkQuickly()
{
    QString text = prose(400);
    while (text.size() < 10 * 1024 * 1024)
        text += QStringLiteral("\n\n") + text;
    text.truncate(10 * 1024 * 1024);
    QElapsedTimer timer;
    timer.start();
    const QList<Chunk> chunks = Chunker().split(text);
    const qint64 elapsed = timer.elapsed();
    qInfo("%lld chars -> %lld chunks in %lld ms", qlonglong(text.size()), qlonglong(chunks.size()),
          elapsed);
    QVERIFY(chunks.size() > text.size() / 1000); // speed is printed, not asserted
}

void TestChunker::interruptedTokenStopsSplitting()
{
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Canceled);
    QCOMPARE(interruption(Chunker(), prose(20), cancel), JobInterrupted::Reason::Canceled);
    ExtractedDocument document;
    document.blocks = {{prose(20, 3), 1, QStringLiteral("Intro")}};
    QVERIFY_THROWS_EXCEPTION(JobInterrupted, Chunker().split(document, cancel));
    const CancelToken expired(CancelToken::Clock::now());
    QCOMPARE(interruption(Chunker(), prose(20), expired), JobInterrupted::Reason::Timeout);
}

// The token is looked at while chunks are produced, not only on the way in.
void TestChunker::deadlineStopsALongSplitPartWay()
{
    QString text = prose(400);
    while (text.size() < 10 * 1024 * 1024)
        text += QStringLiteral("\n\n") + text;
    // Splitting this text takes tens of milliseconds; the deadline passes after the first check.
    const CancelToken cancel(CancelToken::Clock::now() + std::chrono::milliseconds(5));
    QCOMPARE(interruption(Chunker(), text, cancel), JobInterrupted::Reason::Timeout);
}

void TestChunker::neverTokenGivesTheSameChunks()
{
    ExtractedDocument document;
    document.blocks = {{prose(60, 4), 1, QStringLiteral("Intro")},
                       {prose(60, 5), 2, QStringLiteral("Method")}};
    const Chunker chunker({200, 40});
    const QList<Chunk> expected = chunker.split(document);
    QVERIFY(expected.size() > 64); // past the first point where the token is checked
    verifySameChunks(chunker.split(document, CancelToken::never()), expected);
    const CancelToken distant(CancelToken::Clock::now() + std::chrono::hours(1));
    verifySameChunks(chunker.split(document, distant), expected);
    verifySameChunks(chunker.split(joined(document), CancelToken::never()),
                     chunker.split(joined(document)));
}

QTEST_GUILESS_MAIN(TestChunker)
#include "tst_chunker.moc"
