#include "text/hashembedder.h"

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

void addFeature(Vector &vector, std::uint64_t hash)
{
    // The index uses the low bits (through the modulo), the sign the top bit.
    const float sign = (hash >> 63) ? 1.0f : -1.0f;
    vector[static_cast<qsizetype>(hash % HashEmbedder::kDimension)] += sign;
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
    const QStringView view(text);
    bool hasPrevious = false;
    std::uint64_t previousHash = 0; // the previous token's hash starts its bigram
    qsizetype i = 0;
    while (i < view.size()) {
        const qsizetype start = i;
        if (!QChar::isLetterOrNumber(nextCodePoint(view, i)))
            continue;
        qsizetype end = i;
        while (i < view.size() && QChar::isLetterOrNumber(nextCodePoint(view, i)))
            end = i;
        i = end;
        const QStringView token = view.mid(start, end - start);
        const std::uint64_t hash = feedToken(kFnvOffset, token);
        addFeature(vector, hash);
        if (hasPrevious)
            addFeature(vector, feedToken(feedByte(previousHash, ' '), token));
        hasPrevious = true;
        previousHash = hash;
    }
    normalise(vector);
    return vector;
}

} // namespace aether
