#include "ui/jobfilterproxy.h"

#include "ui/jobtablemodel.h"

namespace aether {

JobFilterProxy::JobFilterProxy(JobTableModel *jobs, QObject *parent)
    : QSortFilterProxyModel(parent), m_jobs(jobs)
{
    setSourceModel(jobs);
    setSortRole(JobTableModel::SortRole);
    setDynamicSortFilter(true);
}

void JobFilterProxy::setStateFilter(const QString &state)
{
    m_state = state;
    invalidateFilter();
}

void JobFilterProxy::setTypeFilter(const QString &type)
{
    m_type = type;
    invalidateFilter();
}

void JobFilterProxy::setTextFilter(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

// Reads the records directly: much cheaper than data() per column at 10,000 rows.
bool JobFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const JobRecord &job = m_jobs->record(sourceRow);
    if (!m_state.isEmpty() && job.shownStatus() != m_state)
        return false;
    if (!m_type.isEmpty() && job.type != m_type)
        return false;
    if (m_text.isEmpty())
        return true;
    return job.id.contains(m_text, Qt::CaseInsensitive) ||
           job.name.contains(m_text, Qt::CaseInsensitive) ||
           job.source.contains(m_text, Qt::CaseInsensitive) ||
           job.error.contains(m_text, Qt::CaseInsensitive);
}

} // namespace aether
