#include "text/stopwords.h"

#include <QSet>

namespace aether {

bool isStopWord(const QString &lowerCaseWord)
{
    static const QSet<QString> words = [] {
        QSet<QString> set;
        for (const char *w :
             {"a",    "an",    "and",   "are",   "as",     "at",   "be",   "been", "but",   "by",
              "can",  "could", "did",   "do",    "does",   "for",  "from", "had",  "has",   "have",
              "how",  "i",     "if",    "in",    "into",   "is",   "it",   "its",  "me",    "my",
              "of",   "on",    "or",    "our",   "should", "so",   "than", "that", "the",   "their",
              "them", "then",  "there", "these", "they",   "this", "to",   "was",  "we",    "were",
              "what", "when",  "where", "which", "while",  "who",  "why",  "will", "with",  "would",
              "you",  "your",  "about", "after", "before", "get",  "got",  "just", "not",   "no",
              "up",   "out",   "over",  "very",  "also",   "some", "any",  "all",  "more",  "most",
              "one",  "us",    "he",    "she",   "his",    "her",  "him",  "am",   "being", "each"})
            set.insert(QString::fromLatin1(w));
        return set;
    }();
    return words.contains(lowerCaseWord);
}

} // namespace aether
