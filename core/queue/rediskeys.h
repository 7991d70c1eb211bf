#pragma once

#include <QByteArray>

namespace aether::keys {

// core/queue/QUEUE.md "Keys": RQ's names where RQ 1.13 reads them, with RQ's
// formats, so RQ's own tools (rq info, Job.fetch, the registries) read
// Aether's queue; Aether-only structures live under `aether:` names, which
// RQ's housekeeping never touches (core/queue/QUEUE.md).
inline const QByteArray kQueue = "rq:queue:ingest"; // default priority
inline const QByteArray kQueueName = "ingest";      // RQ's name of kQueue
inline const QByteArray kFailedList = "rq:queue:failed";
inline const QByteArray kEvents = "rq:events:ingest";
// Every event of kEvents also goes here (XADD, capped), so long-polling
// clients and a reconnecting stream miss nothing between reads.
inline const QByteArray kEventLog = "rq:events:log:ingest";
constexpr int kEventLogCap = 10000;
// Webhook deliveries: "job:<id>" or "batch:<id>", score = when due (ms).
inline const QByteArray kWebhooksDue = "rq:webhooks:due";
inline const QByteArray kWebhooksWake = "rq:webhooks:wake";
inline const QByteArray kWake = "rq:wake:ingest";
inline const QByteArray kPaused = "rq:paused:ingest";
inline const QByteArray kReaperLock = "rq:reaper:lock";
constexpr int kWakeCap = 64;
constexpr int kFailedListCap = 1000;

// Aether's own indexes: its listing, counts, retention and reaper read these.
inline const QByteArray kIndex = "aether:jobs:ingest";    // every id, score = creation ms
inline const QByteArray kLeases = "aether:leases:ingest"; // started ids, score = lease expiry ms
inline const QByteArray kEndedFinished = "aether:finished:ingest"; // score = end time (s)
inline const QByteArray kEndedFailed = "aether:failed:ingest";
inline const QByteArray kEndedCanceled = "aether:canceled:ingest";
// Takes the old layout's upgrade (migration.cpp) one process at a time.
inline const QByteArray kMigrationLock = "aether:migration:lock";
// The holding lists of bulk empties under way (their ids count as listed for the reconciler).
inline const QByteArray kEmptying = "aether:emptying";
// + model: the re-index after an upgrade of the built-in embedder was enqueued
// (app/common/ingestservice.cpp), by one process.
inline const QByteArray kEmbedderUpgradePrefix = "aether:embedder-upgrade:";
// Scheduled refreshes of URLs (queue/refreshschedules.h): a hash per schedule,
// ids by next run (ms), and tenant + "\n" + URL -> id.
inline const QByteArray kRefreshDue = "aether:refresh:due";
inline const QByteArray kRefreshByUrl = "aether:refresh:by-url";
inline QByteArray refresh(const QByteArray &id)
{
    return "aether:refresh:" + id;
}
// + id: a site crawl's hash, and + id + ":seen" its seen URLs (crawl/crawlfrontier.h).
inline const QByteArray kCrawlPrefix = "aether:crawl:";
// Counters of the Reconciler's repairs, for /metrics (every process's count).
inline const QByteArray kStrandedRequeued = "aether:stats:stranded_requeued";
inline const QByteArray kForeignAdopted = "aether:stats:foreign_adopted";

// RQ's registries of queue `ingest` (every priority's jobs), scored as RQ scores them.
inline const QByteArray kRqStarted = "rq:wip:ingest";       // now_s + timeout + 60
inline const QByteArray kRqFinished = "rq:finished:ingest"; // end_s + RESULT_TTL
inline const QByteArray kRqFailed = "rq:failed:ingest";     // end_s + FAILURE_TTL
inline const QByteArray kRqCanceled = "rq:canceled:ingest"; // cancel time (s)
// The retry schedule (Aether's promoter and RQ's ScheduledJobRegistry): retry time (s).
inline const QByteArray kRqScheduled = "rq:scheduled:ingest";
inline const QByteArray kRqQueues = "rq:queues";
inline const QByteArray kRqWorkers = "rq:workers";
inline const QByteArray kRqWorkerPrefix = "rq:worker:";

// "high", "default" or "low" -> rq:queue:ingest:high, rq:queue:ingest, rq:queue:ingest:low
inline QByteArray queue(const QByteArray &priority)
{
    return priority == "high" || priority == "low" ? kQueue + ':' + priority : kQueue;
}
// RQ's name of a priority's queue (a job's `origin`): ingest:high, ingest, ingest:low.
inline QByteArray queueName(const QByteArray &priority)
{
    return priority == "high" || priority == "low" ? kQueueName + ':' + priority : kQueueName;
}
// RQ's set of the workers listening on a queue (RQ name), holding worker keys.
inline QByteArray workersOf(const QByteArray &queueName)
{
    return "rq:workers:" + queueName;
}
inline QByteArray idempotency(const QByteArray &tenant, const QByteArray &keyDigest)
{
    return "rq:idem:" + tenant + ':' + keyDigest;
}
inline QByteArray job(const QByteArray &id)
{
    return "rq:job:" + id;
}
inline QByteArray blob(const QByteArray &id)
{
    return "rq:job:" + id + ":blob";
}
// Each worker's own processing list: a job moved here by BLMOVE is never in two places.
inline QByteArray processing(const QByteArray &workerName)
{
    return "rq:processing:ingest:" + workerName;
}
inline QByteArray batch(const QByteArray &id)
{
    return "rq:batch:" + id;
}
inline QByteArray batchJobs(const QByteArray &id)
{
    return "rq:batch:" + id + ":jobs";
}
inline QByteArray worker(const QByteArray &workerName)
{
    return kRqWorkerPrefix + workerName;
}

} // namespace aether::keys
