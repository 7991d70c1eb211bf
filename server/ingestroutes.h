#pragma once

#include "queue/jobqueue.h"
#include "server/router.h"

namespace aether {

struct IngestLimits
{
    qint64 maxUploadBytes = 100LL * 1024 * 1024;
    int jobTimeoutSec = 600;
    bool allowPrivateUrls = false;
};

// POST /knowledge/ingest-{text,url,file}-async (editor): validate, queue, answer
// at once with the job id in the seed's exact shape.
class IngestRoutes
{
public:
    IngestRoutes(JobQueue &queue, IngestLimits limits);
    void registerOn(Router &router);

private:
    ApiReply ingestText(const RouteContext &context);
    ApiReply ingestUrl(const RouteContext &context);
    ApiReply ingestFile(const RouteContext &context);
    ApiReply enqueue(JobRequest request, QJsonObject extra);

    JobQueue &m_queue;
    IngestLimits m_limits;
};

} // namespace aether
