#pragma once

#include "ui/apiclient.h"

#include <QObject>
#include <QStringList>
#include <functional>

namespace aether {

class JobTableModel;

// What the job table's actions send: retry, cancel and delete of chosen jobs,
// four requests at a time (BulkRequests) with progress and one summary in
// message(), and every job of an ended state in one request. The panel
// chooses the jobs and asks the user first.
class JobActions : public QObject
{
    Q_OBJECT

public:
    JobActions(ApiClient *api, JobTableModel *jobs, QObject *parent = nullptr);

    void retry(const QStringList &ids);
    void cancel(const QStringList &ids);
    void remove(const QStringList &ids);
    // DELETE /ops/jobs?status=; `shown`: how many the table lists.
    void removeEveryJobOf(const QString &status, int shown);

Q_SIGNALS:
    void message(const QString &text);

private:
    struct Verbs; // how one bulk action speaks of its progress and outcome
    void act(ApiClient::JobAction action, const QStringList &ids);
    void run(const QStringList &ids, const Verbs &verbs,
             std::function<void(const QString &, QObject *, ApiCallback)> send);

    ApiClient *m_api;
    JobTableModel *m_jobs;
};

} // namespace aether
