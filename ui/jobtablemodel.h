#pragma once

#include "ui/jobrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <functional>

namespace aether {

// The live job table. Fed by batches of job events (EventStream) and
// reconciled with GET /ops/jobs; every batch becomes one insert, contiguous
// dataChanged ranges and grouped removals, so 10,000 updates stay cheap.
class JobTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        TypeColumn,
        NameColumn,
        SourceColumn,
        StatusColumn,
        ProgressColumn,
        ChunksColumn,
        EnqueuedColumn,
        DurationColumn,
        ErrorColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        IdRole,
        StatusRole,
        StageRole,
        ProgressRole,
        TypeRole
    };

    explicit JobTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const JobRecord &record(int row) const { return m_rows.at(row); }
    int rowOf(const QString &id) const { return m_rowById.value(id, -1); }
    const JobRecord *find(const QString &id) const;
    QHash<QString, int> countsByState() const { return m_counts; }

    // What the window submitted: the name and type it knows before any listing.
    void noteSubmitted(const QString &id, const QString &type, const QString &name,
                       const QString &source);
    void applyEvents(const QJsonArray &events);
    // Job objects of GET /ops/jobs or GET /ops/jobs/{id}, asked for at
    // `askedAtMs`: a job an event changed since then keeps the event's state
    // (the answer is older), and takes only the answer's name and description.
    void applyJobs(const QJsonArray &jobs, qint64 askedAtMs = -1);
    // A full listing: jobs it lacks and no one mentioned since `listedSinceMs`
    // are gone (expired or deleted elsewhere).
    void removeMissing(const QSet<QString> &listed, qint64 listedSinceMs);
    void removeJob(const QString &id);

Q_SIGNALS:
    void countsChanged();
    // Jobs that reached finished, failed or canceled in the last batch.
    void jobsEnded(const QStringList &ids);
    // How many of those the window saw queued or running before (not the
    // ended jobs a first listing brings): what the drain rate counts.
    void jobsEndedWhileWatched(int count);

private:
    struct Batch; // rows touched by one batch
    int ensureRow(const QString &id, Batch &batch);
    void commit(Batch &batch);
    void removeRows(QList<int> rows);
    void countStatus(const QString &status, int delta);
    enum class Source
    {
        Event,
        Listing
    };
    void update(const QString &id, qint64 now, Batch &batch, Source source,
                const std::function<void(JobRecord &)> &change);
    void followWorker(int row, Source source, Batch &batch);
    void setWaiting(int row, bool waiting, Batch &batch);
    void refreshDurations();

    QList<JobRecord> m_rows;
    QHash<QString, int> m_rowById;
    QHash<QString, int> m_counts;   // by JobRecord::shownStatus
    QHash<QString, QString> m_runs; // worker -> the job it runs now
};

} // namespace aether
