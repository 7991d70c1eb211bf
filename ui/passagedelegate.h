#pragma once

#include <QJsonArray>
#include <QPalette>
#include <QStyledItemDelegate>

namespace aether {

// Draws a search result's snippet as rich text: line breaks kept, the query's
// words marked where the server found them (the hit's snippet_highlights, in
// kSpansRole), in the palette's highlight colours (readable in light and
// dark palettes alike).
class PassageDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    static constexpr int kSpansRole = Qt::UserRole + 10; // QJsonArray of [start, end)

    // `text` as HTML (escaped: a passage is never markup), each span marked.
    // spans: [[start, end], ...] in UTF-16 code units, as the search API gives them.
    static QString highlighted(const QString &text, const QJsonArray &spans,
                               const QPalette &palette);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace aether
