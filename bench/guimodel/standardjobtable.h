#pragma once

#include <QHash>
#include <QJsonArray>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>

#include <memory>

namespace aether {

// The baseline of aether-bench-guimodel: the job table written the
// straightforward way, as a QStandardItemModel with one item per cell, the row
// of a job found through a QHash of ids and each event applied by setData on
// the columns it changes. Same columns and the same event parsing as
// JobTableModel, so only the model's design differs.
class StandardJobTable
{
public:
    // `sorted`: a QSortFilterProxyModel sorted by progress (descending) on top,
    // as the window sorts its table.
    explicit StandardJobTable(bool sorted);

    void applyEvents(const QJsonArray &events);

    int rowCount() const { return m_model.rowCount(); }
    // The progress shown in the first row the user sees (the proxy's, if any).
    int firstShownProgress() const;

private:
    void insertJob(const QString &id, const QJsonObject &event);
    void updateJob(int row, const QJsonObject &event);

    QStandardItemModel m_model;
    std::unique_ptr<QSortFilterProxyModel> m_proxy;
    QHash<QString, int> m_rowById;
};

} // namespace aether
