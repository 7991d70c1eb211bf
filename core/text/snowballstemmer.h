#pragma once

#include <QString>
#include <QStringView>
#include <memory>
#include <string_view>

struct sb_stemmer;

namespace aether {

// One Snowball stemmer (libstemmer, Debian's libstemmer-dev) for lower-cased
// words. "porter" is the original Porter algorithm, the one SQLite's FTS5
// `porter` tokenizer applies, so a word stemmed here matches what keyword
// search indexed; "english" is Porter2, the better stemmer for meaning.
// Not thread-safe (libstemmer keeps state per stemmer): one per thread.
class SnowballStemmer
{
public:
    explicit SnowballStemmer(const char *algorithm = "english");
    ~SnowballStemmer();
    SnowballStemmer(const SnowballStemmer &) = delete;
    SnowballStemmer &operator=(const SnowballStemmer &) = delete;

    // The stem of one lower-case word; the word itself when it has none.
    QString stem(QStringView word) const;
    // The same for a word already in UTF-8, without conversions: the stem's
    // bytes stay valid until the next call on this stemmer.
    std::string_view stemUtf8(std::string_view word) const;

private:
    struct Deleter
    {
        void operator()(sb_stemmer *stemmer) const;
    };
    std::unique_ptr<sb_stemmer, Deleter> m_stemmer;
};

} // namespace aether
