#pragma once

#include <QStyledItemDelegate>

namespace aether {

// Draws a search result's passage as rich text, the query's terms highlighted.
class PassageDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setTerms(const QStringList &terms) { m_terms = terms; }
    // The passage as HTML with <b> around every term (case-insensitive).
    static QString highlighted(const QString &passage, const QStringList &terms);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    QStringList m_terms;
};

} // namespace aether
