#pragma once

#include "queue/jobadmin.h"
#include "queue/jobbatches.h"
#include "server/joboptions.h"
#include "server/router.h"

namespace aether {

// Batches: POST /knowledge/ingest-batch-async (editor) queues many texts, URLs
// or files as ordinary jobs in one Redis transaction and answers at once with
// the batch id and one job id per input. GET /ops/batches/{id} and POST
// /ops/batches/{id}/cancel|retry take an editor (or the admin key): a key of
// one tenant reaches only its tenant's batches (another's is a 404), so the
// script that queued a batch can follow it without an admin key.
class BatchRoutes
{
public:
    BatchRoutes(JobQueue &queue, JobAdmin &admin, IngestLimits limits,
                const WebhookDirectory &webhooks, int batchTtlSec);
    void registerOn(Router &router);

    static constexpr int kMaxItems = 5000;

    // The body of GET /ops/batches/{id} (without "ok").
    static QJsonObject batchJson(const BatchState &state);

private:
    ApiReply create(const RouteContext &context);
    ApiReply status(const RouteContext &context);
    ApiReply cancel(const RouteContext &context);
    ApiReply retry(const RouteContext &context);
    QList<JobRequest> jsonItems(const RouteContext &context, BatchRecord &batch);
    static QByteArray itemMetadata(const QByteArray &batchWide, const QJsonObject &item, int index);
    QList<JobRequest> fileItems(const RouteContext &context, BatchRecord &batch);
    std::optional<BatchState> scopedBatch(const RouteContext &context);

    JobQueue &m_queue;
    JobAdmin &m_admin;
    IngestLimits m_limits;
    const WebhookDirectory &m_webhooks;
    int m_batchTtlSec;
};

} // namespace aether
