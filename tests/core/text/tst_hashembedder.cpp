#include "text/hashembedder.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>

using namespace aether;

namespace {

double dot(const Vector &a, const Vector &b)
{
    double sum = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        sum += double(a[i]) * b[i];
    return sum;
}

double norm(const Vector &v)
{
    return std::sqrt(dot(v, v));
}

// Non-zero entries as index -> value, for exact comparisons.
QMap<int, float> nonZero(const Vector &v)
{
    QMap<int, float> entries;
    for (int i = 0; i < v.size(); ++i) {
        if (v[i] != 0.0f)
            entries.insert(i, v[i]);
    }
    return entries;
}

} // namespace

class TestHashEmbedder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesItself();
    void isDeterministic();
    void knownValues_data();
    void knownValues();
    void vectorsHaveUnitNorm();
    void textWithoutWordsIsZero();
    void ignoresCaseAndPunctuation();
    void similarTextsAreCloser();
    void isFast();
};

void TestHashEmbedder::describesItself()
{
    HashEmbedder embedder;
    QCOMPARE(embedder.provider(), QStringLiteral("hash"));
    QCOMPARE(embedder.model(), QStringLiteral("hash-uni-bigram-v1"));
    QCOMPARE(embedder.dimension(), 384);
    QCOMPARE(HashEmbedder::embedOne(QStringLiteral("x")).size(), 384);
}

void TestHashEmbedder::isDeterministic()
{
    HashEmbedder embedder;
    const QStringList texts = {QStringLiteral("The quick brown fox"), QString(),
                               QStringLiteral("jumps over the lazy dog")};
    const QList<Vector> first = embedder.embed(texts);
    QCOMPARE(first.size(), 3);
    QCOMPARE(embedder.embed(texts), first);
    QCOMPARE(HashEmbedder::embedOne(texts[2]), first[2]);
}

void TestHashEmbedder::knownValues_data()
{
    // Indices and signs computed independently: FNV-1a 64 of the UTF-8 feature,
    // index = hash % 384, sign = bit 63. "hello" hashes to 0xa430d84680aabd0b.
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("positive");
    QTest::addColumn<QList<int>>("negative");
    QTest::newRow("hello world") << QStringLiteral("Hello, World!") << QList<int>{267}
                                 << QList<int>{371, 103};
    QTest::newRow("non-ascii") << QStringLiteral("CAFÉ naïve") << QList<int>{}
                               << QList<int>{137, 43, 65};
}

void TestHashEmbedder::knownValues()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, positive);
    QFETCH(QList<int>, negative);
    const float value = float(1.0 / std::sqrt(3.0)); // three features, no collisions
    QMap<int, float> expected;
    for (const int index : positive)
        expected.insert(index, value);
    for (const int index : negative)
        expected.insert(index, -value);
    QCOMPARE(nonZero(HashEmbedder::embedOne(text)), expected);
}

void TestHashEmbedder::vectorsHaveUnitNorm()
{
    for (const QString &text : {QStringLiteral("one"), QStringLiteral("a a a a b"),
                                QStringLiteral("Ein längerer Satz über Vektoren 42 mal."),
                                QStringLiteral("数据 处理 😀 𝒜lpha")}) {
        QVERIFY2(std::abs(norm(HashEmbedder::embedOne(text)) - 1.0) < 1e-5, qPrintable(text));
    }
}

void TestHashEmbedder::textWithoutWordsIsZero()
{
    for (const QString &text : {QString(), QStringLiteral("  \n\t"), QStringLiteral("!?-- ...")}) {
        const Vector vector = HashEmbedder::embedOne(text);
        QCOMPARE(vector.size(), 384);
        QCOMPARE(norm(vector), 0.0);
    }
}

void TestHashEmbedder::ignoresCaseAndPunctuation()
{
    const Vector lower = HashEmbedder::embedOne(QStringLiteral("hello world again"));
    QCOMPARE(HashEmbedder::embedOne(QStringLiteral("HELLO World, again!")), lower);
    QCOMPARE(HashEmbedder::embedOne(QStringLiteral("  Hello\n\nWORLD -- Again.")), lower);
    QCOMPARE(HashEmbedder::embedOne(QStringLiteral("ÜBER Straße")),
             HashEmbedder::embedOne(QStringLiteral("über straße")));
    QVERIFY(HashEmbedder::embedOne(QStringLiteral("world hello again")) != lower); // bigrams
}

void TestHashEmbedder::similarTextsAreCloser()
{
    const Vector query =
        HashEmbedder::embedOne(QStringLiteral("How do I reset my router password?"));
    const Vector similar = HashEmbedder::embedOne(
        QStringLiteral("To reset the router password, hold the reset button for ten seconds."));
    const Vector unrelated = HashEmbedder::embedOne(
        QStringLiteral("Bake the bread at two hundred degrees until golden brown."));
    QVERIFY2(
        dot(query, similar) > dot(query, unrelated) + 0.2,
        qPrintable(QStringLiteral("%1 vs %2").arg(dot(query, similar)).arg(dot(query, unrelated))));
}

void TestHashEmbedder::isFast()
{
    const QString text = QStringLiteral("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ")
                             .repeated(20); // about one 1000-character chunk
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 2000; ++i)
        HashEmbedder::embedOne(text);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
}

QTEST_GUILESS_MAIN(TestHashEmbedder)
#include "tst_hashembedder.moc"
