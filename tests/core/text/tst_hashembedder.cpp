#include "text/hashembedder.h"

#include <QCryptographicHash>
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

} // namespace

class TestHashEmbedder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesItself();
    void isDeterministic();
    void knownValues_data();
    void knownValues();
    void sentencesKeepTheirVectors_data();
    void sentencesKeepTheirVectors();
    void vectorsHaveUnitNorm();
    void textWithoutWordsIsZero();
    void ignoresCaseAndPunctuation();
    void similarTextsAreCloser();
    void stopWordsStemsAndTypos();
};

void TestHashEmbedder::describesItself()
{
    HashEmbedder embedder;
    QCOMPARE(embedder.provider(), QStringLiteral("hash"));
    QCOMPARE(embedder.model(), QStringLiteral("hash-v3"));
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
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("word");    // its stem, the word feature
    QTest::addColumn<QString>("bounded"); // its trigrams' source
    QTest::newRow("hello") << QStringLiteral("Hello!") << QStringLiteral("hello")
                           << QStringLiteral("^hello$");
    QTest::newRow("plural") << QStringLiteral("  GARDENS ") << QStringLiteral("garden")
                            << QStringLiteral("^gardens$");
    QTest::newRow("non-ascii") << QStringLiteral("CAFÉ") << QStringLiteral("café")
                               << QStringLiteral("^café$");
    // Porter2 (Snowball "english"), which the old light stemmer did not do.
    QTest::newRow("porter2") << QStringLiteral("Happiness") << QStringLiteral("happi")
                             << QStringLiteral("^happiness$");
    QTest::newRow("porter2-ational") << QStringLiteral("relational") << QStringLiteral("relat")
                                     << QStringLiteral("^relational$");
}

// The features of one word, computed here independently: FNV-1a 64 of the
// UTF-8 of "w:<stem>" and of each "t:<trigram>", index = hash % 384, sign =
// bit 63, trigrams weighing sqrt(2 / count) each. Stored vectors depend on
// these staying the same across versions and machines.
void TestHashEmbedder::knownValues()
{
    QFETCH(QString, text);
    QFETCH(QString, word);
    QFETCH(QString, bounded);
    const auto fnv = [](const QString &feature) {
        quint64 hash = 14695981039346656037ULL;
        for (const char byte : feature.toUtf8())
            hash = (hash ^ quint64(quint8(byte))) * 1099511628211ULL;
        return hash;
    };
    QVector<double> expected(384, 0.0);
    const auto add = [&](const QString &feature, double weight) {
        const quint64 hash = fnv(feature);
        expected[int(hash % 384)] += ((hash >> 63) ? 1.0 : -1.0) * weight;
    };
    add(QStringLiteral("w:") + word, 1.0);
    const int grams = int(bounded.size()) - 2;
    for (int i = 0; i < grams; ++i)
        add(QStringLiteral("t:") + bounded.mid(i, 3), std::sqrt(2.0 / grams));
    double squares = 0;
    for (const double value : expected)
        squares += value * value;
    const Vector actual = HashEmbedder::embedOne(text);
    for (int i = 0; i < 384; ++i)
        QVERIFY2(std::abs(actual[i] - expected[i] / std::sqrt(squares)) < 1e-6,
                 qPrintable(QString::number(i)));
}

// Whole texts (word pairs, stop words, digits, accents, other scripts, mixed
// words) against digests of their vectors as hash-v3 made them before the
// ASCII fast path: a store's vectors stay valid only while every text embeds
// to the same vector, so no speed-up may change one. Values are rounded to
// 1e-6 before hashing, so the digest does not depend on the last float bit.
void TestHashEmbedder::sentencesKeepTheirVectors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("digest");
    QTest::newRow("ascii") << QStringLiteral(
        "The quick brown fox jumps over the lazy dog; 42 glaciers retreated in 2019, "
        "and the moraine's boulders were mapped by the Survey.") << QByteArray("3f7ee7f987a8d58a");
    QTest::newRow("accents") << QStringLiteral("Crème brûlée at the café: Größe, naïve résumé, "
                                               "ÉCOLE and École are one word.")
                             << QByteArray("843d56cb32580629");
    QTest::newRow("scripts") << QStringLiteral("Москва is Moscow; 東京 is Tokyo; Ελλάδα, "
                                               "x² and ﬁne ligatures, İstanbul, straße.")
                             << QByteArray("ca25c1d49ffa4b8c");
    QTest::newRow("mixed-words") << QStringLiteral("naïveté vs naivete, CAFÉs and cafes, "
                                                   "ABC123def über-cool e-mail")
                                 << QByteArray("72072e56662dee80");
}

void TestHashEmbedder::sentencesKeepTheirVectors()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, digest);
    QByteArray rounded;
    for (const float value : HashEmbedder::embedOne(text))
        rounded += QByteArray::number(qRound64(double(value) * 1e6)) + ',';
    const QByteArray actual =
        QCryptographicHash::hash(rounded, QCryptographicHash::Sha256).toHex().left(16);
    QCOMPARE(actual, digest);
}

void TestHashEmbedder::vectorsHaveUnitNorm()
{
    for (const QString &text : {QStringLiteral("word"), QStringLiteral("x x x x y"),
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

// Question words say nothing about the topic; word forms and typos stay close.
void TestHashEmbedder::stopWordsStemsAndTypos()
{
    QCOMPARE(norm(HashEmbedder::embedOne(QStringLiteral("How do I do it if they were there?"))),
             0.0);
    QCOMPARE(HashEmbedder::embedOne(QStringLiteral("how to replace the chain")),
             HashEmbedder::embedOne(QStringLiteral("replace chain")));
    const Vector replacing = HashEmbedder::embedOne(QStringLiteral("replacing"));
    const Vector replaced = HashEmbedder::embedOne(QStringLiteral("replaced"));
    const Vector unrelated = HashEmbedder::embedOne(QStringLiteral("volcano"));
    QVERIFY(dot(replacing, replaced) > 0.5);
    const Vector bicycle = HashEmbedder::embedOne(QStringLiteral("bicycle"));
    const Vector typo = HashEmbedder::embedOne(QStringLiteral("bicyle"));
    QVERIFY2(dot(bicycle, typo) > dot(bicycle, unrelated) + 0.2,
             qPrintable(
                 QStringLiteral("%1 vs %2").arg(dot(bicycle, typo)).arg(dot(bicycle, unrelated))));
}

QTEST_GUILESS_MAIN(TestHashEmbedder)
#include "tst_hashembedder.moc"
