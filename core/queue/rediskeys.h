#pragma once

#include <QByteArray>

namespace aether::keys {

// DESIGN.md "Redis layout": RQ-style names, so redis-cli habits from the seed work.
inline const QByteArray kQueue = "rq:queue:ingest"; // default priority
inline const QByteArray kFailedList = "rq:queue:failed";
inline const QByteArray kFinished = "rq:finished:ingest";
inline const QByteArray kFailed = "rq:failed:ingest";
inline const QByteArray kWip = "rq:wip:ingest";
inline const QByteArray kEvents = "rq:events:ingest";
// Every event of kEvents also goes here (XADD, capped), so long-polling
// clients and a reconnecting stream miss nothing between reads.
inline const QByteArray kEventLog = "rq:events:log:ingest";
constexpr int kEventLogCap = 10000;
// Webhook deliveries: "job:<id>" or "batch:<id>", score = when due (ms).
inline const QByteArray kWebhooksDue = "rq:webhooks:due";
inline const QByteArray kWebhooksWake = "rq:webhooks:wake";
inline const QByteArray kCanceled = "rq:canceled:ingest";
inline const QByteArray kScheduled = "rq:scheduled:ingest";
inline const QByteArray kIndex = "rq:jobs:ingest";
inline const QByteArray kWake = "rq:wake:ingest";
inline const QByteArray kPaused = "rq:paused:ingest";
inline const QByteArray kReaperLock = "rq:reaper:lock";
inline const QByteArray kWorkers = "rq:workers:ingest";
constexpr int kWakeCap = 64;
constexpr int kFailedListCap = 1000;

// "high", "default" or "low" -> rq:queue:ingest:high, rq:queue:ingest, rq:queue:ingest:low
inline QByteArray queue(const QByteArray &priority)
{
    return priority == "high" || priority == "low" ? kQueue + ':' + priority : kQueue;
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
    return "rq:worker:" + workerName;
}

} // namespace aether::keys
