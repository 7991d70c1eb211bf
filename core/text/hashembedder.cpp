#include "text/hashembedder.h"

#include "text/snowballstemmer.h"
#include "text/stopwords.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace aether {

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t feedByte(std::uint64_t hash, unsigned char byte)
{
    return (hash ^ byte) * kFnvPrime;
}

// The UTF-8 bytes of one code point, each handed to `emit` (hashed by the
// general path, appended by the pair feature's buffer).
template<typename Emit> void encodeUtf8(char32_t cp, Emit &&emit)
{
    if (cp < 0x80) {
        emit(static_cast<unsigned char>(cp));
        return;
    }
    if (cp < 0x800) {
        emit(static_cast<unsigned char>(0xC0 | (cp >> 6)));
    } else if (cp < 0x10000) {
        emit(static_cast<unsigned char>(0xE0 | (cp >> 12)));
        emit(static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)));
    } else {
        emit(static_cast<unsigned char>(0xF0 | (cp >> 18)));
        emit(static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F)));
        emit(static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)));
    }
    emit(static_cast<unsigned char>(0x80 | (cp & 0x3F)));
}

// FNV-1a over the UTF-8 encoding of one code point.
std::uint64_t feedCodePoint(std::uint64_t hash, char32_t cp)
{
    encodeUtf8(cp, [&hash](unsigned char byte) { hash = feedByte(hash, byte); });
    return hash;
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

// The ASCII fast path: most words of most texts are ASCII, and for them the
// bytes are the characters, so the features are hashed straight from a
// lower-cased byte buffer, stemmed by libstemmer in place, with no QString
// made per word. It computes exactly what the general path computes (FNV-1a
// over the lower-cased UTF-8), so stored vectors stay valid
// (tests/core/text/tst_hashembedder.cpp, sentencesKeepTheirVectors).
std::uint64_t feedBytes(std::uint64_t hash, std::string_view bytes)
{
    for (const char byte : bytes)
        hash = feedByte(hash, static_cast<unsigned char>(byte));
    return hash;
}

void addAsciiWord(Vector &vector, std::string_view bounded, std::string_view stemmed)
{
    addFeature(vector, feedBytes(feedBytes(kFnvOffset, "w:"), stemmed), 1.0f);
    const size_t grams = bounded.size() - 2;
    if (grams <= 1)
        return;
    const float weight = float(std::sqrt(2.0 / double(grams)));
    const std::uint64_t prefix = feedBytes(kFnvOffset, "t:");
    for (size_t i = 0; i < grams; ++i)
        addFeature(vector, feedBytes(prefix, bounded.substr(i, 3)), weight);
}

// The feature of two neighbouring stems, "b:<previous> <stem>", both given as
// their lower-cased UTF-8.
std::uint64_t pairHash(std::string_view previous, std::string_view stem)
{
    return feedBytes(feedBytes(feedBytes(feedBytes(kFnvOffset, "b:"), previous), " "), stem);
}

// `text` lower-cased per code point (as feedToken hashes it) into UTF-8.
void assignLowerUtf8(std::string &out, QStringView text)
{
    out.clear();
    for (qsizetype i = 0; i < text.size();)
        encodeUtf8(QChar::toLower(nextCodePoint(text, i)),
                   [&out](unsigned char byte) { out += char(byte); });
}

// Stemming is the costliest step of a word, and texts repeat their words:
// each thread keeps the stems of the ASCII words it met, forgetting them all
// when it holds too many (a bound on memory, not a tuned cache).
std::string_view cachedAsciiStem(const SnowballStemmer &stemmer, std::string_view word)
{
    constexpr size_t kMaxWords = 50000;
    thread_local std::unordered_map<std::string, std::string> stems;
    const auto found = stems.find(std::string(word));
    if (found != stems.end())
        return found->second;
    if (stems.size() >= kMaxWords)
        stems.clear();
    return stems.emplace(std::string(word), std::string(stemmer.stemUtf8(word))).first->second;
}

bool isAsciiLetterOrDigit(char16_t c)
{
    const char16_t lower = c | 0x20;
    return (lower >= u'a' && lower <= u'z') || (c >= u'0' && c <= u'9');
}

// Whether the character at text[i] belongs to a word; advances i past it and
// clears `ascii` when it is not ASCII.
bool nextIsWordCharacter(QStringView text, qsizetype &i, bool &ascii)
{
    const char16_t unit = text[i].unicode();
    if (unit < 0x80) {
        ++i;
        return isAsciiLetterOrDigit(unit);
    }
    ascii = false;
    return QChar::isLetterOrNumber(nextCodePoint(text, i));
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
    // Buffers reused from word to word: no allocation per word.
    std::string asciiBounded; // "^word$", lower-cased, for ASCII words
    QString bounded;          // the same for other words
    std::string previousStem; // lower-cased UTF-8, for the pair feature
    std::string stemUtf8;
    qsizetype i = 0;
    while (i < view.size()) {
        const qsizetype start = i;
        bool ascii = true;
        if (!nextIsWordCharacter(view, i, ascii))
            continue;
        qsizetype end = i;
        while (i < view.size() && nextIsWordCharacter(view, i, ascii))
            end = i;
        i = end;
        std::string_view stem;
        if (ascii) {
            asciiBounded.assign(1, '^');
            for (qsizetype k = start; k < end; ++k) {
                const char16_t unit = view[k].unicode();
                asciiBounded += char(unit >= u'A' && unit <= u'Z' ? unit + 32 : unit);
            }
            asciiBounded += '$';
            const std::string_view word(asciiBounded.data() + 1, asciiBounded.size() - 2);
            if (isStopWord(word))
                continue;
            stem = cachedAsciiStem(stemmer, word);
            addAsciiWord(vector, asciiBounded, stem);
        } else {
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
            assignLowerUtf8(stemUtf8, stemmed);
            stem = stemUtf8;
        }
        if (!previousStem.empty())
            addFeature(vector, pairHash(previousStem, stem), kPairWeight);
        previousStem.assign(stem);
    }
    normalise(vector);
    return vector;
}

} // namespace aether
