#pragma once

#include <QByteArray>
#include <QString>

namespace aether {

enum class JobType
{
    Text,
    Url,
    File,
    Reindex // re-embeds every chunk of the store with the configured embedder
};

inline QByteArray jobTypeName(JobType type)
{
    switch (type) {
    case JobType::Text:
        return "text";
    case JobType::Url:
        return "url";
    case JobType::File:
        return "file";
    case JobType::Reindex:
        return "reindex";
    }
    return {};
}

// What a client asked to ingest, validated by the server before it is queued.
struct JobRequest
{
    JobType type = JobType::Text;
    QString tenant;
    QString source;
    QString text;           // text jobs
    QString title;          // text jobs: the title given with the text, if any
    QByteArray metadata;    // the document's metadata as compact JSON, if any
    QString url;            // URL jobs, without userinfo
    QString urlUserInfo;    // URL jobs' "user:password" (URL_ALLOW_CREDENTIALS=1): never returned
    QString fileName;       // file jobs
    QByteArray contentType; // file jobs, as declared by the client
    QByteArray fileBytes;   // file jobs: stored under rq:job:<id>:blob
    int timeoutSec = 600;
    int maxAttempts = 3;
    QByteArray priority = "default"; // "high", "default" or "low"
    QByteArray id;             // set when already chosen (idempotency keys); else made at enqueue
    QByteArray idempotencyKey; // the Redis key of its Idempotency-Key, if any
    QByteArray batchId;        // member of this batch (rq:batch:<id>), if any
    QString webhookUrl;        // POSTed the final status when the job ends, if set
    QByteArray webhookKey;     // names the API key whose webhook secret signs it
    QByteArray refreshId;      // URL jobs: run by this refresh schedule (conditional fetch)
    QByteArray crawlId;        // URL jobs: a page of this site crawl (core/crawl/crawlfrontier.h)
    int crawlDepth = 0;        // links followed from the crawl's start page
    qint64 notBeforeMs = 0;    // queued no earlier (scheduled until then): a crawl's politeness
};

// A batch (POST /knowledge/ingest-batch-async): its members are ordinary jobs
// carrying batch_id; rq:batch:<id> counts them and rq:batch:<id>:jobs lists them.
struct BatchRecord
{
    QByteArray id;
    QString tenant;
    QString source;
    QString webhookUrl; // POSTed the batch's status when its last member ends, if set
    QByteArray webhookKey;
    int ttlSec = 7 * 24 * 3600; // kept this long after it finished
};

} // namespace aether
