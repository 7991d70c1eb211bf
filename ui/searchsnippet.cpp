#include "ui/searchsnippet.h"

#include <QRegularExpression>

namespace aether {

namespace {

constexpr int kLeadChars = 80; // how much comes before the first match

// Moves `position` back (or forward) to the nearest word boundary within `slack`.
qsizetype atWordBoundary(const QString &text, qsizetype position, int slack, bool forward)
{
    for (int step = 0; step < slack; ++step) {
        const qsizetype at = forward ? position + step : position - step;
        if (at <= 0 || at >= text.size())
            return qBound<qsizetype>(0, at, text.size());
        if (text.at(at - 1).isSpace() || text.at(at).isSpace())
            return at;
    }
    return position;
}

} // namespace

QList<Snippet::Span> termMatches(const QString &text, const QStringList &terms)
{
    QStringList escaped;
    for (const QString &term : terms) {
        if (term.size() >= 2)
            escaped.append(QRegularExpression::escape(term));
    }
    QList<Snippet::Span> spans;
    if (escaped.isEmpty())
        return spans;
    const QRegularExpression pattern(
        QStringLiteral("\\b(") + escaped.join(QLatin1Char('|')) + QStringLiteral(")\\w*"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        spans.append({match.capturedStart(), match.capturedLength()});
    }
    return spans;
}

Snippet makeSnippet(const QString &passage, const QStringList &terms, int maxChars)
{
    const QString text = passage.trimmed();
    const QList<Snippet::Span> all = termMatches(text, terms);
    qsizetype start = 0;
    if (!all.isEmpty() && all.first().start > kLeadChars)
        start = atWordBoundary(text, all.first().start - kLeadChars, 20, true);
    const int budget = qMax(20, maxChars - 4); // room for the two "…"
    qsizetype end = qMin(text.size(), start + budget);
    if (end < text.size())
        end = atWordBoundary(text, end, 30, false);
    if (end <= start)
        end = qMin(text.size(), start + budget);
    Snippet snippet;
    const QString lead = start > 0 ? QStringLiteral("… ") : QString();
    snippet.text = lead + text.mid(start, end - start).trimmed();
    if (end < text.size())
        snippet.text += QStringLiteral(" …");
    snippet.matches = termMatches(snippet.text, terms);
    return snippet;
}

} // namespace aether
