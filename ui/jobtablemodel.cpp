#include "ui/jobtablemodel.h"

#include <QApplication>
#include <QDateTime>
#include <QIcon>
#include <QSet>
#include <QStyle>
#include <QTimer>
#include <algorithm>

namespace aether {

namespace {

QString shortId(const QString &id)
{
    return id.left(8);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Seconds the job ran (or has been running).
qint64 durationMs(const JobRecord &job)
{
    if (job.isEnded() && job.ranMs >= 0)
        return job.ranMs; // to the millisecond, from the job itself
    if (!job.startedAt.isValid())
        return -1;
    const QDateTime end = job.endedAt.isValid() ? job.endedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, job.startedAt.msecsTo(end));
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60);
}

// "2 min 5 s", "12 s": how long until a scheduled job's next attempt.
QString countdownText(qint64 ms)
{
    const qint64 seconds = (ms + 999) / 1000;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

// The error column: a scheduled job's countdown before the error that
// scheduled it (the delegate elides what does not fit; the tooltip has it all).
QString errorText(const JobRecord &job)
{
    // One line: a traceback's further lines are in the tooltip and Details.
    const qsizetype lineEnd = job.error.indexOf(QLatin1Char('\n'));
    const QString error =
        lineEnd < 0 ? job.error : job.error.left(lineEnd).trimmed() + QStringLiteral(" …");
    if (job.status != QLatin1String("scheduled") || !job.retryAt.isValid())
        return error;
    const qint64 untilMs = job.retryAt.toMSecsSinceEpoch() - nowMs();
    const QString countdown = untilMs > 0
                                  ? JobTableModel::tr("retry in %1").arg(countdownText(untilMs))
                                  : JobTableModel::tr("retrying…");
    return error.isEmpty() ? countdown : countdown + QStringLiteral(" · ") + error;
}

QString errorTip(const JobRecord &job)
{
    if (job.status != QLatin1String("scheduled") || !job.retryAt.isValid())
        return job.error;
    return JobTableModel::tr("Next attempt at %1\n%2")
        .arg(job.retryAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")), job.error);
}

QIcon typeIcon(const QString &type)
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    if (!app)
        return {};
    QStyle *style = QApplication::style();
    if (type == QLatin1String("url"))
        return style->standardIcon(QStyle::SP_DriveNetIcon);
    if (type == QLatin1String("file"))
        return style->standardIcon(QStyle::SP_FileIcon);
    if (type == QLatin1String("text"))
        return style->standardIcon(QStyle::SP_FileDialogContentsView);
    if (type == QLatin1String("reindex"))
        return style->standardIcon(QStyle::SP_BrowserReload);
    return {};
}

} // namespace

struct JobTableModel::Batch
{
    QList<int> changed;
    int firstNew = -1;
    QStringList ended;
    int endedWhileWatched = 0;
};

JobTableModel::JobTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    // Running jobs' durations grow without events.
    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, this, &JobTableModel::refreshDurations);
    ticker->start(1000);
}

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[ColumnCount] = {"Id",       "Type",     "Name",   "Source",
                                                    "Status",   "Progress", "Chunks", "Enqueued",
                                                    "Duration", "Error"};
    return tr(titles[section]);
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const JobRecord &job = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return job.id;
    case StatusRole:
        return job.shownStatus();
    case StageRole:
        return job.stage;
    case ProgressRole:
        return job.progress;
    case TypeRole:
        return job.type;
    case Qt::DecorationRole:
        return index.column() == TypeColumn ? QVariant(typeIcon(job.type)) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == ErrorColumn)
            return errorTip(job);
        if (index.column() == NameColumn)
            return job.name;
        if (index.column() == StatusColumn && job.waiting && !job.worker.isEmpty())
            return tr("Taken by %1, waiting for the job it runs now").arg(job.worker);
        if (index.column() == TypeColumn || index.column() == IdColumn)
            return index.column() == TypeColumn ? job.type : job.id;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ChunksColumn || index.column() == DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case ProgressColumn:
            return job.progress;
        case ChunksColumn:
            return job.chunks;
        case EnqueuedColumn:
            return job.enqueuedAt;
        case DurationColumn:
            return durationMs(job);
        case StatusColumn:
            return jobStates().indexOf(job.shownStatus());
        case TypeColumn:
            return job.type;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return shortId(job.id);
        case NameColumn:
            return job.name;
        case SourceColumn:
            return job.source;
        case StatusColumn:
            return job.shownStatus();
        case ProgressColumn:
            return job.progress;
        case ChunksColumn:
            return job.chunks >= 0 ? QVariant(job.chunks) : QVariant();
        case EnqueuedColumn:
            return job.enqueuedAt.isValid()
                       ? job.enqueuedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"))
                       : QString();
        case DurationColumn:
            return durationText(durationMs(job));
        case ErrorColumn:
            return errorText(job);
        default:
            return {};
        }
    default:
        return {};
    }
}

const JobRecord *JobTableModel::find(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows.at(row);
}

int JobTableModel::ensureRow(const QString &id, Batch &batch)
{
    int row = m_rowById.value(id, -1);
    if (row >= 0) {
        batch.changed.append(row);
        return row;
    }
    // New rows are appended now and announced in one beginInsertRows at commit.
    row = int(m_rows.size());
    if (batch.firstNew < 0)
        batch.firstNew = row;
    JobRecord job;
    job.id = id;
    m_rows.append(job);
    m_rowById.insert(id, row);
    return row;
}

void JobTableModel::commit(Batch &batch)
{
    if (batch.firstNew >= 0) {
        // The rows already exist; views learn of them here, in one go.
        const int last = int(m_rows.size()) - 1;
        QList<JobRecord> added = m_rows.mid(batch.firstNew);
        m_rows.resize(batch.firstNew);
        beginInsertRows({}, batch.firstNew, last);
        m_rows.append(added);
        endInsertRows();
    }
    std::sort(batch.changed.begin(), batch.changed.end());
    batch.changed.erase(std::unique(batch.changed.begin(), batch.changed.end()),
                        batch.changed.end());
    for (qsizetype i = 0; i < batch.changed.size();) {
        qsizetype j = i;
        while (j + 1 < batch.changed.size() && batch.changed[j + 1] == batch.changed[j] + 1)
            ++j;
        Q_EMIT dataChanged(index(batch.changed[i], 0), index(batch.changed[j], ColumnCount - 1));
        i = j + 1;
    }
    // Before the counts: a drain rate shown with the new counts includes these ends.
    if (batch.endedWhileWatched > 0)
        Q_EMIT jobsEndedWhileWatched(batch.endedWhileWatched);
    Q_EMIT countsChanged();
    if (!batch.ended.isEmpty())
        Q_EMIT jobsEnded(batch.ended);
}

void JobTableModel::countStatus(const QString &status, int delta)
{
    if (status.isEmpty())
        return;
    int &count = m_counts[status];
    count += delta;
}

void JobTableModel::noteSubmitted(const QString &id, const QString &type, const QString &name,
                                  const QString &source)
{
    Batch batch;
    const int row = ensureRow(id, batch);
    JobRecord &job = m_rows[row];
    job.type = type;
    job.name = name;
    job.source = source;
    job.touchedMs = nowMs();
    if (job.status.isEmpty()) {
        job.status = QStringLiteral("queued");
        job.enqueuedAt = QDateTime::currentDateTimeUtc();
        countStatus(job.status, 1);
    }
    commit(batch);
}

void JobTableModel::applyEvents(const QJsonArray &events)
{
    Batch batch;
    QStringList deleted;
    const qint64 now = nowMs();
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString id = event.value(QStringLiteral("job_id")).toString();
        if (id.isEmpty())
            continue;
        if (event.value(QStringLiteral("status")).toString() == QLatin1String("deleted")) {
            deleted.append(id);
            continue;
        }
        update(id, now, batch, Source::Event, [&event](JobRecord &job) { job.applyEvent(event); });
    }
    commit(batch);
    for (const QString &id : std::as_const(deleted))
        removeJob(id);
}

// One job's row changed by `change`; the counts per state follow what it shows.
void JobTableModel::update(const QString &id, qint64 now, Batch &batch, Source source,
                           const std::function<void(JobRecord &)> &change)
{
    const int row = ensureRow(id, batch);
    JobRecord &job = m_rows[row];
    const QString before = job.status;
    const QString shownBefore = job.shownStatus();
    change(job);
    job.touchedMs = now;
    if (source == Source::Event)
        job.eventMs = now;
    // followWorker may change this row's shown state and one other row's.
    countStatus(shownBefore, -1);
    followWorker(row, source, batch);
    countStatus(m_rows.at(row).shownStatus(), 1);
    if (before == m_rows.at(row).status || !m_rows.at(row).isEnded())
        return;
    batch.ended.append(id);
    if (!before.isEmpty())
        ++batch.endedWhileWatched;
}

// A worker runs one job at a time, though it takes up to 64 text jobs at once
// (all "started" in the queue, core/queue/queuescripts.h kTake): its running
// job is the one that last reported a step past "starting"; its other started
// jobs wait (before their turn, or done and waiting to be stored with the rest).
void JobTableModel::followWorker(int row, Source source, Batch &batch)
{
    JobRecord &job = m_rows[row];
    const auto running = m_runs.constFind(job.worker);
    const bool runsThis = running != m_runs.cend() && *running == job.id;
    if (job.status != QLatin1String("started")) {
        if (runsThis)
            m_runs.remove(job.worker);
        job.waiting = false;
        return;
    }
    if (job.worker.isEmpty()) { // which worker is not known: only the step tells
        job.waiting = !job.hasBegun();
        return;
    }
    if (runsThis || !job.hasBegun()) {
        job.waiting = !runsThis;
        return;
    }
    // A step past "starting": an event says it runs now; a listing only when
    // the worker runs nothing else the window knows of.
    const int otherRow = running == m_runs.cend() ? -1 : rowOf(*running);
    const bool otherRuns = otherRow >= 0 &&
                           m_rows.at(otherRow).status == QLatin1String("started") &&
                           m_rows.at(otherRow).worker == job.worker;
    if (source == Source::Listing && otherRuns) {
        job.waiting = true;
        return;
    }
    const QString worker = job.worker;
    const QString id = job.id;
    job.waiting = false;
    m_runs.insert(worker, id);
    if (otherRuns)
        setWaiting(otherRow, true, batch);
}

// Another row's waiting flag, with its count and its cells following.
void JobTableModel::setWaiting(int row, bool waiting, Batch &batch)
{
    JobRecord &job = m_rows[row];
    if (job.waiting == waiting)
        return;
    countStatus(job.shownStatus(), -1);
    job.waiting = waiting;
    countStatus(job.shownStatus(), 1);
    batch.changed.append(row);
}

void JobTableModel::applyJobs(const QJsonArray &jobs, qint64 askedAtMs)
{
    Batch batch;
    const qint64 now = nowMs();
    for (const QJsonValue &value : jobs) {
        const QJsonObject object = value.toObject();
        const QString id = object.value(QStringLiteral("id")).toString();
        if (id.isEmpty())
            continue;
        // Otherwise a listing asked for before a job's last events would take
        // it back (finished to started), and it would stay so until the next.
        const JobRecord *known = find(id);
        const JobRecord::Part part = askedAtMs >= 0 && known && known->eventMs > askedAtMs
                                         ? JobRecord::Part::Description
                                         : JobRecord::Part::All;
        update(id, now, batch, Source::Listing,
               [&object, part](JobRecord &job) { job.applyJson(object, part); });
    }
    commit(batch);
}

void JobTableModel::removeMissing(const QSet<QString> &listed, qint64 listedSinceMs)
{
    QList<int> rows;
    for (int row = 0; row < m_rows.size(); ++row) {
        const JobRecord &job = m_rows.at(row);
        if (!listed.contains(job.id) && job.touchedMs < listedSinceMs)
            rows.append(row);
    }
    removeRows(rows);
}

void JobTableModel::removeJob(const QString &id)
{
    const int row = rowOf(id);
    if (row >= 0)
        removeRows({row});
}

// Removes rows in contiguous runs from the bottom, so indexes above stay valid.
void JobTableModel::removeRows(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    for (qsizetype j = rows.size() - 1; j >= 0;) {
        qsizetype i = j;
        while (i > 0 && rows[i - 1] == rows[i] - 1)
            --i;
        beginRemoveRows({}, rows[i], rows[j]);
        for (int row = rows[i]; row <= rows[j]; ++row) {
            const JobRecord &job = m_rows.at(row);
            countStatus(job.shownStatus(), -1);
            if (m_runs.value(job.worker) == job.id)
                m_runs.remove(job.worker);
        }
        m_rows.remove(rows[i], rows[j] - rows[i] + 1);
        endRemoveRows();
        j = i - 1;
    }
    m_rowById.clear();
    m_rowById.reserve(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowById.insert(m_rows.at(row).id, row);
    Q_EMIT countsChanged();
}

void JobTableModel::refreshDurations()
{
    const int started = m_counts.value(QStringLiteral("started"));
    if (started == 0)
        return;
    Batch batch;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).status == QLatin1String("started"))
            batch.changed.append(row);
    }
    for (qsizetype i = 0; i < batch.changed.size(); ++i) {
        const int row = batch.changed[i];
        Q_EMIT dataChanged(index(row, DurationColumn), index(row, DurationColumn));
    }
}

} // namespace aether
