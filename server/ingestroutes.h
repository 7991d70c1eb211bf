#pragma once

#include "server/enqueuebatcher.h"
#include "server/joboptions.h"
#include "server/router.h"

namespace aether {

// POST /knowledge/ingest-{text,url,file}-async (editor): validate, queue, answer
// with the job id in the seed's exact shape as soon as the job is in Redis. An
// Idempotency-Key header returns the job id the key already names (24 hours).
class IngestRoutes
{
public:
    IngestRoutes(JobQueue &queue, EnqueueBatcher &batcher, IngestLimits limits);
    void registerOn(Router &router);

private:
    ApiReply ingestText(const RouteContext &context);
    ApiReply ingestUrl(const RouteContext &context);
    ApiReply ingestFile(const RouteContext &context);
    ApiReply enqueue(const RouteContext &context, JobRequest request, QJsonObject answer);

    JobQueue &m_queue; // for idempotency keys
    EnqueueBatcher &m_batcher;
    IngestLimits m_limits;
};

} // namespace aether
