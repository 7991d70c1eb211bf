#include "ui/jobtabledelegate.h"

#include "ui/jobrecord.h"
#include "ui/jobtablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace aether {

void JobTableDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    if (index.column() != JobTableModel::StatusColumn &&
        index.column() != JobTableModel::ProgressColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The selection background first, then our own drawing on top.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);
    if (index.column() == JobTableModel::StatusColumn)
        paintBadge(painter, option, index.data(JobTableModel::StatusRole).toString());
    else
        paintProgress(painter, option, index);
}

void JobTableDelegate::paintBadge(QPainter *painter, const QStyleOptionViewItem &option,
                                  const QString &status) const
{
    if (status.isEmpty())
        return;
    const QString text = jobStateTitle(status);
    QFont font = option.font;
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetrics metrics(font);
    const int height = qMin(option.rect.height() - 4, metrics.height() + 4);
    const int width = metrics.horizontalAdvance(text) + 16;
    const QRect badge(option.rect.left() + 4, option.rect.center().y() - height / 2 + 1,
                      qMin(width, option.rect.width() - 8), height);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(badge, height / 2.0, height / 2.0);
    painter->fillPath(path, jobStateColor(status));
    painter->setPen(Qt::white);
    painter->setFont(font);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

void JobTableDelegate::paintProgress(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    const QString status = index.data(JobTableModel::StatusRole).toString();
    const int percent = qBound(0, index.data(JobTableModel::ProgressRole).toInt(), 100);
    // A stage only means something while running; otherwise the state says more.
    QString stage = status;
    if (status == QLatin1String("started")) {
        stage = index.data(JobTableModel::StageRole).toString();
        if (stage.isEmpty())
            stage = QStringLiteral("starting");
    } else if (status == QLatin1String("finished")) {
        stage = QStringLiteral("done");
    }
    const QRect bar = option.rect.adjusted(4, 4, -4, -4);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath track;
    track.addRoundedRect(bar, 3, 3);
    painter->fillPath(track, option.palette.color(QPalette::Base).darker(108));
    if (percent > 0) {
        QPainterPath done;
        done.addRoundedRect(QRect(bar.left(), bar.top(), bar.width() * percent / 100, bar.height()),
                            3, 3);
        QColor fill = jobStateColor(status);
        fill.setAlpha(150);
        painter->fillPath(done, fill);
    }
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(bar, Qt::AlignCenter, QStringLiteral("%1 %2%").arg(stage).arg(percent));
    painter->restore();
}

QSize JobTableDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.column() == JobTableModel::ProgressColumn)
        size.setWidth(qMax(size.width(), 150));
    if (index.column() == JobTableModel::StatusColumn)
        size.setWidth(qMax(size.width(), 90));
    return size;
}

} // namespace aether
