#pragma once

#include <QObject>
#include <QSet>
#include <QStringList>

namespace aether {

class ApiClient;
class JobTableModel;

// Fills in what events and listings lack (a finished job's chunk count, a
// script's job's file name or URL) with GET /ops/jobs/{id}, a few requests at
// a time, so a burst of 10,000 finished jobs does not flood the server.
class JobDetailFetcher : public QObject
{
    Q_OBJECT

public:
    JobDetailFetcher(ApiClient *api, JobTableModel *jobs, QObject *parent = nullptr);

    void request(const QStringList &ids);

private:
    void pump();

    ApiClient *m_api;
    JobTableModel *m_jobs;
    QStringList m_waiting;
    QSet<QString> m_known; // queued or in flight
    int m_inFlight = 0;
};

} // namespace aether
