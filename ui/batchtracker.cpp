#include "ui/batchtracker.h"

#include "ui/jobtablemodel.h"

namespace aether {

BatchTracker::BatchTracker(JobTableModel *jobs, QObject *parent) : QObject(parent), m_jobs(jobs)
{
    connect(jobs, &JobTableModel::jobsEnded, this, &BatchTracker::jobsEnded);
}

void BatchTracker::startBatch(const QString &label, int jobCount)
{
    m_batches.insert(label, Batch{jobCount, 0, 0, 0, {}});
}

void BatchTracker::addJob(const QString &label, const QString &id)
{
    auto batch = m_batches.find(label);
    if (batch == m_batches.end())
        return;
    ++batch->submitted;
    if (id.isEmpty()) {
        ++batch->failed;
    } else if (const JobRecord *job = m_jobs->find(id); job && job->isEnded()) {
        // It may have ended before its POST answered.
        ++(job->status == QLatin1String("finished") ? batch->finished : batch->failed);
    } else {
        batch->waiting.insert(id);
        m_batchOfJob.insert(id, label);
    }
    checkDone(label);
}

void BatchTracker::jobsEnded(const QStringList &ids)
{
    QSet<QString> touched;
    for (const QString &id : ids) {
        const QString label = m_batchOfJob.take(id);
        auto batch = m_batches.find(label);
        if (label.isEmpty() || batch == m_batches.end() || !batch->waiting.remove(id))
            continue;
        const JobRecord *job = m_jobs->find(id);
        ++(job && job->status == QLatin1String("finished") ? batch->finished : batch->failed);
        touched.insert(label);
    }
    for (const QString &label : std::as_const(touched))
        checkDone(label);
}

void BatchTracker::checkDone(const QString &label)
{
    const Batch batch = m_batches.value(label);
    if (batch.submitted < batch.expected || !batch.waiting.isEmpty())
        return;
    m_batches.remove(label);
    Q_EMIT batchFinished(label, batch.finished, batch.failed);
}

} // namespace aether
