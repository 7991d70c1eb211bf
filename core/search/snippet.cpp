#include "search/snippet.h"

#include <QRegularExpression>
#include <algorithm>

namespace aether {

namespace {

const QChar kEllipsis(0x2026);

// unicode61 removes diacritics from Latin letters: "café" is indexed as "cafe".
QString foldedLower(const QString &word)
{
    bool ascii = true;
    for (const QChar c : word)
        ascii = ascii && c.unicode() < 0x80;
    if (ascii) // most words: no decomposition to do
        return word.toLower();
    const QString decomposed = word.toLower().normalized(QString::NormalizationForm_D);
    QString folded;
    folded.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        if (c.category() != QChar::Mark_NonSpacing)
            folded.append(c);
    }
    return folded;
}

const QRegularExpression &wordPattern()
{
    static const QRegularExpression words(QStringLiteral("[\\p{L}\\p{N}]+"));
    return words;
}

bool isWordCharacter(QChar c)
{
    return c.isLetterOrNumber();
}

// Move a cut into the window to the nearest word boundary, so that no word is
// shown in part.
int startAtWord(const QString &text, int position)
{
    while (position > 0 && position < text.size() && isWordCharacter(text[position - 1]) &&
           isWordCharacter(text[position]))
        ++position;
    return position;
}

int endAtWord(const QString &text, int position)
{
    while (position > 0 && position < text.size() && isWordCharacter(text[position - 1]) &&
           isWordCharacter(text[position]))
        --position;
    return position;
}

} // namespace

SnippetMaker::SnippetMaker(const QStringList &terms)
{
    for (int i = 0; i < terms.size(); ++i) {
        const QString stem = stemOf(terms[i]);
        if (!m_stems.contains(stem))
            m_stems.insert(stem, i);
    }
}

// Remembered: a search reads up to a hundred passages, mostly of the same words.
QString SnippetMaker::stemOf(const QString &word) const
{
    const auto known = m_stemCache.constFind(word);
    if (known != m_stemCache.cend())
        return known.value();
    QString stem = m_stemmer.stem(foldedLower(word));
    if (m_stemCache.size() < kMaxCachedStems)
        m_stemCache.insert(word, stem);
    return stem;
}

QList<TextSpan> SnippetMaker::highlights(const QString &text) const
{
    QList<TextSpan> spans;
    if (m_stems.isEmpty())
        return spans;
    for (auto it = wordPattern().globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch word = it.next();
        if (m_stems.contains(stemOf(word.captured())))
            spans.append({int(word.capturedStart()), int(word.capturedEnd())});
    }
    return spans;
}

// The window of at most kMaxSnippetChars (less room for the ellipses) that
// holds the most distinct query words, then the most matches, then comes first.
TextSpan SnippetMaker::bestWindow(const QString &text, const QList<TextSpan> &highlights) const
{
    const int room = kMaxSnippetChars - 2; // an ellipsis at each end
    int bestFirst = 0;
    int bestLast = 0;
    qsizetype bestDistinct = 0;
    for (qsizetype first = 0; first < highlights.size(); ++first) {
        QSet<QString> distinct;
        qsizetype last = first;
        for (qsizetype next = first; next < highlights.size(); ++next) {
            if (highlights[next].end - highlights[first].start > room)
                break;
            const TextSpan &span = highlights[next];
            distinct.insert(stemOf(text.mid(span.start, span.end - span.start)));
            last = next;
        }
        if (distinct.size() > bestDistinct ||
            (distinct.size() == bestDistinct && last - first > bestLast - bestFirst)) {
            bestDistinct = distinct.size();
            bestFirst = int(first);
            bestLast = int(last);
        }
    }
    const int matchStart = highlights[bestFirst].start;
    const int matchEnd = highlights[bestLast].end;
    // A third of the spare room goes before the first word: a reader needs a
    // little lead-in, and more of what follows.
    const int spare = room - (matchEnd - matchStart);
    int start = qMax(0, matchStart - spare / 3);
    int end = qMin(int(text.size()), start + room);
    start = qMax(0, qMin(start, end - room));
    return {startAtWord(text, start), endAtWord(text, end)};
}

QSet<int> SnippetMaker::matchedTerms(const QString &text) const
{
    QSet<int> matched;
    for (auto it = wordPattern().globalMatch(text); it.hasNext();) {
        const auto term = m_stems.constFind(stemOf(it.next().captured()));
        if (term != m_stems.cend())
            matched.insert(term.value());
    }
    return matched;
}

Snippet SnippetMaker::snippet(const QString &text) const
{
    Snippet result;
    result.highlights = highlights(text);
    if (text.size() <= kMaxSnippetChars) {
        result.text = text;
        result.snippetHighlights = result.highlights;
        return result;
    }
    TextSpan window = result.highlights.isEmpty()
                          ? TextSpan{0, endAtWord(text, kMaxSnippetChars - 1)}
                          : bestWindow(text, result.highlights);
    if (window.end <= window.start) // one word longer than the room: cut it
        window = {window.start, qMin(int(text.size()), window.start + kMaxSnippetChars - 2)};
    int start = window.start; // without the spaces a cut leaves at either end
    int end = window.end;
    while (start < end && text[start].isSpace())
        ++start;
    while (end > start && text[end - 1].isSpace())
        --end;
    const bool cutBefore = start > 0;
    const bool cutAfter = end < text.size();
    result.text = text.mid(start, end - start);
    if (cutBefore)
        result.text.prepend(kEllipsis);
    if (cutAfter)
        result.text.append(kEllipsis);
    const int shift = (cutBefore ? 1 : 0) - start;
    for (const TextSpan &span : std::as_const(result.highlights)) {
        if (span.start >= start && span.end <= end)
            result.snippetHighlights.append({span.start + shift, span.end + shift});
    }
    return result;
}

} // namespace aether
