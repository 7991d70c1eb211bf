#pragma once

#include "queue/redisconnection.h"

namespace aether {

// Upgrades a queue written by Aether before the RQ-compatible layout (issue 15)
// in place, once, under a lock, so that no job, count or listing is lost:
// the job index and the lease set move to aether:jobs|leases:ingest, the old
// end-time zsets rq:finished|failed|canceled:ingest become Aether's
// aether:*:ingest and RQ's registries are rebuilt with RQ's scores, the retry
// schedule's ms scores become seconds, and job hashes get RQ's fields (data,
// origin, description, TTLs, RQ timestamps, a pickled result) in batches.
// Resumable: a crash midway leaves `aether:migration`, and the next start
// goes on from there. Run the upgraded binary only after stopping every
// process of the old one.
class LayoutUpgrade
{
public:
    LayoutUpgrade(RedisConnection &redis, int resultTtlSec, int failureTtlSec);

    // True when old-layout data is present (cheap: a few commands).
    bool needed();
    // Migrates when needed and no other process is doing it; returns the
    // number of job hashes it gave RQ's fields. Throws RedisUnavailable.
    qint64 runIfNeeded();

private:
    void moveIndexes();
    void rebuildEndedRegistries();
    void convertLeasesAndSchedule();
    qint64 upgradeJobHashes();
    bool holdLock();

    RedisConnection &m_redis;
    int m_resultTtlSec;
    int m_failureTtlSec;
    QByteArray m_owner;
};

} // namespace aether
