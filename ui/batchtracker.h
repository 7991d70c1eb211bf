#pragma once

#include <QHash>
#include <QObject>
#include <QSet>

namespace aether {

class JobTableModel;

// Follows the jobs of one user action (a drop, a URL list, a text) and says
// when all of them have ended, with how many finished and failed.
class BatchTracker : public QObject
{
    Q_OBJECT

public:
    explicit BatchTracker(JobTableModel *jobs, QObject *parent = nullptr);

    void startBatch(const QString &label, int jobCount);
    // An empty id: that item was not queued at all.
    void addJob(const QString &label, const QString &id);

Q_SIGNALS:
    void batchFinished(const QString &label, int finished, int failed);

private:
    struct Batch
    {
        int expected = 0;
        int submitted = 0;
        int finished = 0;
        int failed = 0; // failed, canceled or never queued
        QSet<QString> waiting;
    };
    void jobsEnded(const QStringList &ids);
    void checkDone(const QString &label);

    JobTableModel *m_jobs;
    QHash<QString, Batch> m_batches;
    QHash<QString, QString> m_batchOfJob;
};

} // namespace aether
