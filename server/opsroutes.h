#pragma once

#include "queue/jobqueue.h"
#include "server/router.h"

namespace aether {

// GET /ops/jobs/{id} (admin) and GET /healthz: what operators poll.
class OpsRoutes
{
public:
    explicit OpsRoutes(JobQueue &queue);
    void registerOn(Router &router);

    // The seed's job status shape: {id, status, enqueued_at, started_at,
    // ended_at} + result when finished, error when failed.
    static QJsonObject jobStatusJson(const QByteArray &id, const JobFields &fields);

private:
    ApiReply jobStatus(const RouteContext &context);
    ApiReply health(const RouteContext &context);

    JobQueue &m_queue;
};

} // namespace aether
