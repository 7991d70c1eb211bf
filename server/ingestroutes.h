#pragma once

#include "server/enqueuebatcher.h"
#include "server/router.h"

namespace aether {

struct IngestLimits
{
    qint64 maxUploadBytes = 100LL * 1024 * 1024;
    int jobTimeoutSec = 600;
    bool allowPrivateUrls = false;
};

// POST /knowledge/ingest-{text,url,file}-async (editor): validate, queue, answer
// with the job id in the seed's exact shape as soon as the job is in Redis.
class IngestRoutes
{
public:
    IngestRoutes(EnqueueBatcher &batcher, IngestLimits limits);
    void registerOn(Router &router);

private:
    ApiReply ingestText(const RouteContext &context);
    ApiReply ingestUrl(const RouteContext &context);
    ApiReply ingestFile(const RouteContext &context);
    ApiReply enqueue(const RouteContext &context, JobRequest request, QJsonObject answer);

    EnqueueBatcher &m_batcher;
    IngestLimits m_limits;
};

} // namespace aether
