#include "ui/passagedelegate.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QRegularExpression>
#include <QTextDocument>

namespace aether {

namespace {

constexpr int kPassageLines = 3;

} // namespace

QString PassageDelegate::highlighted(const QString &passage, const QStringList &terms)
{
    QStringList escaped;
    for (const QString &term : terms) {
        if (term.size() >= 2)
            escaped.append(QRegularExpression::escape(term));
    }
    const QString flat = passage.simplified();
    if (escaped.isEmpty())
        return flat.toHtmlEscaped();
    const QRegularExpression pattern(
        QStringLiteral("\\b(") + escaped.join(QLatin1Char('|')) + QStringLiteral(")\\w*"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    QString html;
    qsizetype last = 0;
    for (auto it = pattern.globalMatch(flat); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        html += flat.mid(last, match.capturedStart() - last).toHtmlEscaped();
        html += QStringLiteral("<span style=\"background:#fff59d;font-weight:bold\">") +
                match.captured().toHtmlEscaped() + QStringLiteral("</span>");
        last = match.capturedEnd();
    }
    html += flat.mid(last).toHtmlEscaped();
    return html;
}

void PassageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    const QString passage = item.text;
    item.text.clear();
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &item, painter, option.widget);

    QTextDocument document;
    document.setDefaultFont(option.font);
    document.setHtml(highlighted(passage, m_terms));
    document.setTextWidth(option.rect.width() - 8);
    painter->save();
    painter->translate(option.rect.topLeft() + QPoint(4, 2));
    const QRect clip(0, 0, option.rect.width() - 8, option.rect.height() - 4);
    painter->setClipRect(clip);
    QAbstractTextDocumentLayout::PaintContext context;
    context.clip = clip;
    context.palette.setColor(QPalette::Text, option.state & QStyle::State_Selected
                                                 ? option.palette.color(QPalette::HighlightedText)
                                                 : option.palette.color(QPalette::Text));
    document.documentLayout()->draw(painter, context);
    painter->restore();
}

QSize PassageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return QSize(400, option.fontMetrics.height() * kPassageLines + 8);
}

} // namespace aether
