#include "text/hashembedder.h"

#include "text/snowballstemmer.h"
#include "text/stopwords.h"

#include <cmath>
#include <cstdint>

namespace aether {

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t feedByte(std::uint64_t hash, unsigned char byte)
{
    return (hash ^ byte) * kFnvPrime;
}

// FNV-1a over the UTF-8 encoding of one code point.
std::uint64_t feedCodePoint(std::uint64_t hash, char32_t cp)
{
    if (cp < 0x80)
        return feedByte(hash, static_cast<unsigned char>(cp));
    if (cp < 0x800) {
        hash = feedByte(hash, static_cast<unsigned char>(0xC0 | (cp >> 6)));
    } else if (cp < 0x10000) {
        hash = feedByte(hash, static_cast<unsigned char>(0xE0 | (cp >> 12)));
        hash = feedByte(hash, static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)));
    } else {
        hash = feedByte(hash, static_cast<unsigned char>(0xF0 | (cp >> 18)));
        hash = feedByte(hash, static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F)));
        hash = feedByte(hash, static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)));
    }
    return feedByte(hash, static_cast<unsigned char>(0x80 | (cp & 0x3F)));
}

// Reads the code point at text[i] and advances i past it; a lone surrogate
// reads as itself, which is never a letter.
char32_t nextCodePoint(QStringView text, qsizetype &i)
{
    const QChar first = text[i++];
    if (first.isHighSurrogate() && i < text.size() && text[i].isLowSurrogate())
        return QChar::surrogateToUcs4(first, text[i++]);
    return first.unicode();
}

// Hashes a token as its lower-cased UTF-8 bytes, continuing from `hash`. Case
// is folded per code point (QChar::toLower), which matches QString::toLower
// except for the rare letters whose lower case is longer (U+0130), and needs
// no allocation.
std::uint64_t feedToken(std::uint64_t hash, QStringView token)
{
    for (qsizetype i = 0; i < token.size();)
        hash = feedCodePoint(hash, QChar::toLower(nextCodePoint(token, i)));
    return hash;
}

void addFeature(Vector &vector, std::uint64_t hash, float weight)
{
    // The index uses the low bits (through the modulo), the sign the top bit.
    const float sign = (hash >> 63) ? 1.0f : -1.0f;
    vector[static_cast<qsizetype>(hash % HashEmbedder::kDimension)] += sign * weight;
}

// Neighbouring words as a pair: a little word order, weighed low because
// pairs collide with everything else in 384 dimensions.
constexpr float kPairWeight = 0.25f;

// Porter2 ("english" in Snowball) for the word feature: "stored", "storing"
// and "store" share it. libstemmer keeps state in each stemmer, and embedOne
// runs on several worker threads at once, so each thread has its own
// (core/text/snowballstemmer.h).
const SnowballStemmer &englishStemmer()
{
    thread_local const SnowballStemmer stemmer("english");
    return stemmer;
}

std::uint64_t hashOf(QStringView prefix, QStringView text)
{
    return feedToken(feedToken(kFnvOffset, prefix), text);
}

// The feature of two neighbouring stems: "b:<previous> <stem>", hashed in
// place rather than joined into a new string.
std::uint64_t pairHash(QStringView previous, QStringView stem)
{
    return feedToken(feedToken(hashOf(u"b:", previous), u" "), stem);
}

// `bounded` is "^word$", a buffer the caller reuses from word to word.
void addWord(Vector &vector, QStringView bounded, QStringView stemmed)
{
    addFeature(vector, hashOf(u"w:", stemmed), 1.0f);
    // Trigrams of the word with its boundaries ("^pa", "par", ..., "ng$"),
    // together weighing twice the word itself: misspellings and other word
    // forms still share most of them (tuned on tests/core/search/retrieval).
    const qsizetype grams = bounded.size() - 2;
    if (grams <= 1)
        return;
    const float weight = float(std::sqrt(2.0 / double(grams)));
    for (qsizetype i = 0; i < grams; ++i)
        addFeature(vector, hashOf(u"t:", bounded.mid(i, 3)), weight);
}

void normalise(Vector &vector)
{
    double squares = 0;
    for (const float value : vector)
        squares += double(value) * value;
    if (squares == 0)
        return;
    const auto scale = static_cast<float>(1.0 / std::sqrt(squares));
    for (float &value : vector)
        value *= scale;
}

} // namespace

QList<Vector> HashEmbedder::embed(const QStringList &texts)
{
    QList<Vector> vectors;
    vectors.reserve(texts.size());
    for (const QString &text : texts)
        vectors.append(embedOne(text));
    return vectors;
}

Vector HashEmbedder::embedOne(const QString &text)
{
    Vector vector(kDimension, 0.0f);
    const SnowballStemmer &stemmer = englishStemmer();
    const QStringView view(text);
    QString bounded; // "^word$", reused: one allocation per text, not per word
    QString previousStem;
    qsizetype i = 0;
    while (i < view.size()) {
        const qsizetype start = i;
        if (!QChar::isLetterOrNumber(nextCodePoint(view, i)))
            continue;
        qsizetype end = i;
        while (i < view.size() && QChar::isLetterOrNumber(nextCodePoint(view, i)))
            end = i;
        i = end;
        bounded.resize(0);
        bounded.append(u'^');
        bounded.append(view.mid(start, end - start));
        bounded.append(u'$');
        bounded = std::move(bounded).toLower(); // in place: the buffer is not shared
        const QStringView word = QStringView(bounded).mid(1, bounded.size() - 2);
        if (isStopWord(word.toString()))
            continue;
        const QString stemmed = stemmer.stem(word);
        addWord(vector, bounded, stemmed);
        if (!previousStem.isEmpty())
            addFeature(vector, pairHash(previousStem, stemmed), kPairWeight);
        previousStem = stemmed;
    }
    normalise(vector);
    return vector;
}

} // namespace aether
