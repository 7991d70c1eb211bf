#include "ui/passagedelegate.h"

#include "ui/searchsnippet.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace aether {

namespace {

constexpr int kPassageLines = 4;

} // namespace

QString PassageDelegate::highlighted(const QString &text, const QStringList &terms,
                                     const QPalette &palette)
{
    const auto escaped = [](const QString &plain) {
        return plain.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    };
    const QString mark = QStringLiteral("<span style=\"background:%1;color:%2;font-weight:bold\">")
                             .arg(palette.color(QPalette::Highlight).name(),
                                  palette.color(QPalette::HighlightedText).name());
    QString html;
    qsizetype last = 0;
    for (const Snippet::Span &match : termMatches(text, terms)) {
        html += escaped(text.mid(last, match.start - last));
        html += mark + escaped(text.mid(match.start, match.length)) + QStringLiteral("</span>");
        last = match.start + match.length;
    }
    html += escaped(text.mid(last));
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
    document.setHtml(highlighted(passage, m_terms, option.palette));
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
