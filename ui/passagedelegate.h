#pragma once

#include <QPalette>
#include <QStyledItemDelegate>

namespace aether {

// Draws a search result's snippet as rich text: line breaks kept, the query's
// terms marked in the palette's highlight colours (readable in light and dark
// palettes alike).
class PassageDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setTerms(const QStringList &terms) { m_terms = terms; }
    // `text` as HTML, every place a term matches marked.
    static QString highlighted(const QString &text, const QStringList &terms,
                               const QPalette &palette);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    QStringList m_terms;
};

} // namespace aether
