#include "ui/passagedelegate.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace aether {

namespace {

constexpr int kPassageLines = 4;

} // namespace

QString PassageDelegate::highlighted(const QString &text, const QJsonArray &spans,
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
    for (const QJsonValue &value : spans) {
        const QJsonArray span = value.toArray();
        const qsizetype start = span.at(0).toInteger(-1);
        const qsizetype end = span.at(1).toInteger(-1);
        if (start < last || end <= start || end > text.size())
            continue; // out of order or out of the text: a server of another version
        html += escaped(text.mid(last, start - last));
        html += mark + escaped(text.mid(start, end - start)) + QStringLiteral("</span>");
        last = end;
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
    document.setHtml(highlighted(passage, index.data(kSpansRole).toJsonArray(), option.palette));
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
