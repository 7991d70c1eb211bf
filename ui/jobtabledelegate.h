#pragma once

#include <QStyledItemDelegate>

namespace aether {

// Paints the status column as a coloured badge and the progress column as a
// progress bar labelled with the stage ("embedding 60%").
class JobTableDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    void paintBadge(QPainter *painter, const QStyleOptionViewItem &option,
                    const QString &status) const;
    void paintProgress(QPainter *painter, const QStyleOptionViewItem &option,
                       const QModelIndex &index) const;
};

} // namespace aether
