#pragma once

#include "server/enqueuebatcher.h"
#include "server/joboptions.h"
#include "server/jobwaiter.h"
#include "server/router.h"

namespace aether {

// POST /knowledge/ingest-{text,url,file}-async (editor): validate, queue, answer
// with the job id in the seed's exact shape as soon as the job is in Redis. An
// Idempotency-Key header returns the job id the key already names (24 hours).
// POST /knowledge/ingest-{text,url,file} (editor) run the same job and answer
// with its result: 200 finished, 4xx failed (the job's error), 202 still running.
class IngestRoutes
{
public:
    IngestRoutes(JobQueue &queue, EnqueueBatcher &batcher, IngestLimits limits,
                 const WebhookDirectory &webhooks);
    void registerOn(Router &router);

    // A synchronous request waits at most this long (or its job's timeout) for the result.
    static constexpr int kMaxSyncWaitSec = 300;
    static constexpr int kSyncWaitSlackMs = 5000;

private:
    enum class Answer
    {
        JobId, // the -async routes
        Result
    };

    JobRequest newRequest(const RouteContext &context, JobType type, Answer answer);
    JobRequest textRequest(const RouteContext &context, Answer answer);
    JobRequest urlRequest(const RouteContext &context, Answer answer);
    void scheduleRefresh(const RouteContext &context, JobRequest &request, ReplyJson &answer);
    JobRequest fileRequest(const RouteContext &context, Answer answer);
    ApiReply submit(const RouteContext &context, JobRequest request, ReplyJson answer, Answer mode);
    ApiReply enqueue(const RouteContext &context, JobRequest request, ReplyJson answer);
    ApiReply runAndWait(const RouteContext &context, JobRequest request);
    static ApiReply replyForEnd(const QByteArray &id, const JobEnd &end);

    JobQueue &m_queue; // for idempotency keys
    EnqueueBatcher &m_batcher;
    JobWaiter m_waiter;
    IngestLimits m_limits;
    const WebhookDirectory &m_webhooks;
};

} // namespace aether
