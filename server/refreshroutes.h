#pragma once

#include "queue/refreshschedules.h"
#include "server/router.h"

namespace aether {

class JobQueue;

// Scheduled refreshes of URLs (admin, like the other /ops routes; a key of
// one tenant sees and changes only its tenant's): GET /ops/refresh (paged:
// limit, offset), DELETE /ops/refresh/{id} (cancels it) and
// POST /ops/refresh/{id}/run (one run now; the next stays a period later).
// A schedule is made by a URL ingest's `refresh` (server/ingestroutes.cpp).
class RefreshRoutes
{
public:
    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 500;

    explicit RefreshRoutes(JobQueue &queue) : m_queue(queue) {}
    void registerOn(Router &router);

    static QJsonObject scheduleJson(const RefreshSchedule &schedule);
    // A URL ingest's `refresh` ("hourly", "daily", "<N>h"; 422 otherwise, or
    // with credentials in the URL): the schedule to record once the request
    // is accepted, whose last job is this request's (given an id here), or
    // nullopt without one.
    static std::optional<RefreshSchedule> requestedSchedule(const QJsonValue &refresh,
                                                            JobRequest &request);

private:
    ApiReply list(const RouteContext &context);
    ApiReply remove(const RouteContext &context);
    ApiReply runNow(const RouteContext &context);
    std::optional<RefreshSchedule> visible(const RouteContext &context);

    JobQueue &m_queue;
};

} // namespace aether
