#pragma once

#include <QSortFilterProxyModel>

namespace aether {

class JobTableModel;

// The job table as the user narrows it: one state, one type, and a text that
// must appear in the id, name, source or error.
class JobFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit JobFilterProxy(JobTableModel *jobs, QObject *parent = nullptr);

    void setStateFilter(const QString &state); // empty: every state
    void setTypeFilter(const QString &type);   // empty: every type
    void setTextFilter(const QString &text);
    QString stateFilter() const { return m_state; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    JobTableModel *m_jobs;
    QString m_state;
    QString m_type;
    QString m_text;
};

} // namespace aether
