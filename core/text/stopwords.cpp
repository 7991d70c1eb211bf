#include "text/stopwords.h"

#include <QSet>
#include <iterator>
#include <unordered_set>

namespace aether {

namespace {

// Every stop word is ASCII.
constexpr const char *kStopWords[] = {
    "a",    "an",    "and",   "are",   "as",     "at",   "be",   "been", "but",   "by",
    "can",  "could", "did",   "do",    "does",   "for",  "from", "had",  "has",   "have",
    "how",  "i",     "if",    "in",    "into",   "is",   "it",   "its",  "me",    "my",
    "of",   "on",    "or",    "our",   "should", "so",   "than", "that", "the",   "their",
    "them", "then",  "there", "these", "they",   "this", "to",   "was",  "we",    "were",
    "what", "when",  "where", "which", "while",  "who",  "why",  "will", "with",  "would",
    "you",  "your",  "about", "after", "before", "get",  "got",  "just", "not",   "no",
    "up",   "out",   "over",  "very",  "also",   "some", "any",  "all",  "more",  "most",
    "one",  "us",    "he",    "she",   "his",    "her",  "him",  "am",   "being", "each"};

} // namespace

bool isStopWord(const QString &lowerCaseWord)
{
    static const QSet<QString> words = [] {
        QSet<QString> set;
        for (const char *w : kStopWords)
            set.insert(QString::fromLatin1(w));
        return set;
    }();
    return words.contains(lowerCaseWord);
}

bool isStopWord(std::string_view lowerCaseAsciiWord)
{
    static const std::unordered_set<std::string_view> words(std::begin(kStopWords),
                                                            std::end(kStopWords));
    return words.count(lowerCaseAsciiWord) > 0;
}

} // namespace aether
