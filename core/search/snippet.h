#pragma once

#include "text/snowballstemmer.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace aether {

// [start, end) in UTF-16 code units of a QString, which is how JavaScript
// counts a string's characters too, so web clients can slice with them.
struct TextSpan
{
    int start = 0;
    int end = 0;
    bool operator==(const TextSpan &other) const
    {
        return start == other.start && end == other.end;
    }
};

// What a reader sees of a search hit: the best short window of its text, and
// where the query's words are.
struct Snippet
{
    QString text;                      // <= kMaxSnippetChars, "…" where cut
    QList<TextSpan> highlights;        // into the hit's whole text
    QList<TextSpan> snippetHighlights; // the same words, into `text` above
};

// Finds a query's words in passages the way keyword search matched them:
// SQLite FTS5's `porter unicode61` tokenizer folds case and Latin diacritics,
// then applies the Porter stemmer, so "running" in a query finds "runs".
// Holds a stemmer: one per thread (see SnowballStemmer).
class SnippetMaker
{
public:
    static constexpr int kMaxSnippetChars = 300;

    // terms: the query's words as keyword search uses them
    // (HybridSearch::queryTerms).
    explicit SnippetMaker(const QStringList &terms);

    QList<TextSpan> highlights(const QString &text) const;
    // Which of the terms (their indexes in the constructor's list) the text holds.
    QSet<int> matchedTerms(const QString &text) const;
    Snippet snippet(const QString &text) const;

private:
    QString stemOf(const QString &word) const;
    TextSpan bestWindow(const QString &text, const QList<TextSpan> &highlights) const;

    SnowballStemmer m_stemmer{"porter"};
    QHash<QString, int> m_stems; // stem -> the first term with it
    static constexpr qsizetype kMaxCachedStems = 50000;
    mutable QHash<QString, QString> m_stemCache; // word as written -> its stem
};

} // namespace aether
