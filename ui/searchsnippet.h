#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace aether {

// The part of a search result's passage worth showing: a window of at most
// `maxChars` characters around the first place the query's terms match
// (a term matches a word it begins, so "glacier" finds "glaciers"), cut at
// word boundaries, "…" where the passage goes on, line breaks kept. Without a
// match, the passage's start.
struct Snippet
{
    QString text;
    struct Span
    {
        qsizetype start;
        qsizetype length;
    };
    QList<Span> matches; // where the terms match in `text`
};

Snippet makeSnippet(const QString &passage, const QStringList &terms, int maxChars = 300);
// The places terms match in `text` (word starts, case-insensitive).
QList<Snippet::Span> termMatches(const QString &text, const QStringList &terms);

} // namespace aether
