#include "text/excerpt.h"

#include <QRegularExpression>

namespace aether {

QString firstWords(const QString &text, int words)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    // Only the start is looked at: a name never needs more.
    const QStringList parts = text.left(400).split(space, Qt::SkipEmptyParts);
    QString shown = parts.mid(0, words).join(QLatin1Char(' '));
    const bool more = parts.size() > words || text.size() > 400;
    if (shown.size() > kMaxExcerptChars)
        return shown.left(kMaxExcerptChars - 2) + QStringLiteral(" …");
    return more ? shown + QStringLiteral(" …") : shown;
}

} // namespace aether
