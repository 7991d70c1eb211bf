#pragma once

#include "queue/jobadmin.h"
#include "server/router.h"

namespace aether {

// The /ops/jobs* routes (admin): a job's status, the job list, cancel, retry
// and delete. A key restricted to one tenant sees and changes only that
// tenant's jobs; another tenant's job is as unknown as an expired one (404).
class JobRoutes
{
public:
    JobRoutes(JobQueue &queue, JobAdmin &admin);
    void registerOn(Router &router);

    // The seed's status shape ({id, status, enqueued_at, started_at, ended_at}
    // + result when finished, error when failed) with the job's progress,
    // attempts and history. `detailed` false: the list's summary, without
    // result and history.
    static QByteArray jobName(const JobFields &fields);
    static QJsonObject jobJson(const QByteArray &id, const JobFields &fields, bool detailed = true);

private:
    ApiReply status(const RouteContext &context);
    ApiReply list(const RouteContext &context);
    ApiReply cancel(const RouteContext &context);
    ApiReply retry(const RouteContext &context);
    ApiReply remove(const RouteContext &context);

    JobQueue &m_queue;
    JobAdmin &m_admin;
};

} // namespace aether
