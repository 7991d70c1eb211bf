#include "standardjobtable.h"

#include "ui/jobrecord.h"
#include "ui/jobtablemodel.h"

#include <QJsonObject>

namespace aether {

namespace {

QString text(const QJsonObject &event, const char *key)
{
    return event.value(QLatin1String(key)).toString();
}

} // namespace

StandardJobTable::StandardJobTable(bool sorted) : m_model(0, JobTableModel::ColumnCount)
{
    if (!sorted)
        return;
    m_proxy = std::make_unique<QSortFilterProxyModel>();
    m_proxy->setSourceModel(&m_model);
    m_proxy->setDynamicSortFilter(true);
    m_proxy->sort(JobTableModel::ProgressColumn, Qt::DescendingOrder);
}

void StandardJobTable::applyEvents(const QJsonArray &events)
{
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString id = text(event, "job_id");
        const int row = m_rowById.value(id, -1);
        if (row < 0)
            insertJob(id, event);
        else
            updateJob(row, event);
    }
}

int StandardJobTable::firstShownProgress() const
{
    const QAbstractItemModel *shown =
        m_proxy ? m_proxy.get() : static_cast<const QAbstractItemModel *>(&m_model);
    return shown->index(0, JobTableModel::ProgressColumn).data().toInt();
}

// One item per column, as a QStandardItemModel wants them.
void StandardJobTable::insertJob(const QString &id, const QJsonObject &event)
{
    QList<QStandardItem *> items;
    for (int column = 0; column < JobTableModel::ColumnCount; ++column)
        items.append(new QStandardItem);
    items[JobTableModel::IdColumn]->setText(id.left(8));
    items[JobTableModel::IdColumn]->setData(id, JobTableModel::IdRole);
    items[JobTableModel::StatusColumn]->setText(text(event, "status"));
    items[JobTableModel::ProgressColumn]->setData(0, Qt::DisplayRole);
    items[JobTableModel::EnqueuedColumn]->setData(parseJobTime(text(event, "at")), Qt::UserRole);
    m_rowById.insert(id, m_model.rowCount());
    m_model.appendRow(items);
}

// setData per column the event changes: status, progress (with its stage) and
// the start time the duration column counts from.
void StandardJobTable::updateJob(int row, const QJsonObject &event)
{
    const auto cell = [this, row](int column) { return m_model.index(row, column); };
    m_model.setData(cell(JobTableModel::StatusColumn), text(event, "status"));
    m_model.setData(cell(JobTableModel::ProgressColumn),
                    event.value(QLatin1String("progress")).toInt());
    m_model.setData(cell(JobTableModel::ProgressColumn), text(event, "stage"),
                    JobTableModel::StageRole);
    m_model.setData(cell(JobTableModel::DurationColumn), parseJobTime(text(event, "at")),
                    Qt::UserRole);
}

} // namespace aether
