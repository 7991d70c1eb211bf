#include "ui/jobactions.h"

#include "ui/bulkrequests.h"
#include "ui/jobtablemodel.h"

namespace aether {

// How a bulk action speaks: "Deleting 120 of 500…", then "Deleted 498 jobs;
// 2 could not be deleted: <the first reason>".
struct JobActions::Verbs
{
    QString progress;                 // %1 of %2
    std::function<QString(int)> done; // how many succeeded
    QString refused;                  // "could not be deleted"
};

JobActions::JobActions(ApiClient *api, JobTableModel *jobs, QObject *parent)
    : QObject(parent), m_api(api), m_jobs(jobs)
{}

void JobActions::retry(const QStringList &ids)
{
    act(ApiClient::JobAction::Retry, ids);
}

void JobActions::cancel(const QStringList &ids)
{
    act(ApiClient::JobAction::Cancel, ids);
}

// Exactly these jobs, one request each: the bulk route by state would also
// delete jobs the table does not list (beyond its 10,000, or ended since the
// last listing), which the question the user answered did not count.
void JobActions::remove(const QStringList &ids)
{
    Verbs verbs;
    verbs.progress = tr("Deleting %1 of %2…");
    verbs.done = [](int n) { return n == 1 ? tr("Deleted 1 job") : tr("Deleted %1 jobs").arg(n); };
    verbs.refused = tr("could not be deleted");
    run(ids, verbs, [this](const QString &id, QObject *context, ApiCallback done) {
        m_api->deleteJob(id, context, [this, id, done](const ApiAnswer &answer) {
            if (answer.ok())
                m_jobs->removeJob(id);
            done(answer);
        });
    });
}

// One request for every job of an ended state (DELETE /ops/jobs?status=),
// however many: the queue deletes them in one pass.
void JobActions::removeEveryJobOf(const QString &status, int shown)
{
    Q_EMIT message(shown == 1 ? tr("Deleting 1 %1 job…").arg(status)
                              : tr("Deleting %1 %2 jobs…").arg(shown).arg(status));
    m_api->deleteEndedJobs(status, this, [this, status](const ApiAnswer &answer) {
        if (!answer.ok()) {
            Q_EMIT message(tr("Could not delete the %1 jobs: %2").arg(status, answer.error));
            return;
        }
        const int deleted = answer.json.value(QStringLiteral("deleted")).toInt();
        for (int row = m_jobs->rowCount() - 1; row >= 0; --row) {
            if (m_jobs->record(row).status == status)
                m_jobs->removeJob(QString(m_jobs->record(row).id));
        }
        Q_EMIT message(deleted == 1 ? tr("Deleted 1 %1 job").arg(status)
                                    : tr("Deleted %1 %2 jobs").arg(deleted).arg(status));
    });
}

// Sends `send` for each id, four at a time; says how far it is, then once how it went.
void JobActions::run(const QStringList &ids, const Verbs &verbs,
                     std::function<void(const QString &, QObject *, ApiCallback)> send)
{
    auto *run = new BulkRequests(ids, std::move(send), this);
    connect(run, &BulkRequests::answered, this,
            [this, verbs](const QString &, bool, int answered, int total) {
                if (total > 1 && answered < total)
                    Q_EMIT message(verbs.progress.arg(answered).arg(total));
            });
    connect(run, &BulkRequests::finished, this,
            [this, run, verbs](int succeeded, int failed, const QString &firstError) {
                QString text = succeeded > 0 || failed == 0 ? verbs.done(succeeded) : QString();
                if (failed > 0 && succeeded > 0)
                    text += tr("; %1 %2: %3").arg(failed).arg(verbs.refused, firstError);
                else if (failed > 0)
                    text = (failed == 1
                                ? tr("1 job %1: %2").arg(verbs.refused, firstError)
                                : tr("%1 jobs %2: %3").arg(failed).arg(verbs.refused, firstError));
                Q_EMIT message(text);
                run->deleteLater();
            });
    if (ids.size() > 1)
        Q_EMIT message(verbs.progress.arg(0).arg(ids.size()));
    run->start();
}

// Retry or cancel; the table follows by events.
void JobActions::act(ApiClient::JobAction action, const QStringList &ids)
{
    const bool retry = action == ApiClient::JobAction::Retry;
    Verbs verbs;
    if (retry) {
        verbs.progress = tr("Retrying %1 of %2…");
        verbs.done = [](int n) {
            return n == 1 ? tr("Queued 1 job again") : tr("Queued %1 jobs again").arg(n);
        };
        verbs.refused = tr("could not be retried");
    } else {
        verbs.progress = tr("Canceling %1 of %2…");
        verbs.done = [](int n) {
            return n == 1 ? tr("Canceled 1 job") : tr("Canceled %1 jobs").arg(n);
        };
        verbs.refused = tr("could not be canceled");
    }
    run(ids, verbs, [this, action](const QString &id, QObject *context, ApiCallback done) {
        m_api->actOnJob(id, action, context, std::move(done));
    });
}

} // namespace aether
