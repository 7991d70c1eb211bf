#pragma once

#include "queue/queuescripts.h"
#include "queue/rediskeys.h"

#include <QByteArray>

// The operators' state changes (JobAdmin), each one atomic Lua script like
// queuescripts.h, so a job is never left in two places or none. Every script
// takes the caller's tenant ('' = any) and treats another tenant's job as
// unknown. Job and queue keys are built from ids as in queuescripts.h. These
// per-job scripts are also what bulk operations run, many to a pipeline, so
// their KEYS and ARGV below are their interface.
namespace aether::scripts {

// Cancels a job: queued or scheduled ones end at once; a started one gets
// cancel_requested=1, which its process's supervisor passes to the running job.
// KEYS: queue:high, queue, queue:low, rq:scheduled, aether:canceled, events, rq:canceled
// ARGV: id, tenant, now_s, timestamp (RQ's format), ttl_s (FAILURE_TTL), error, and '1' when
//       the caller took the id out of its queue already (a bulk empty: no list to scan)
// Returns {outcome, status}: missing | canceled | requested (status started) | ended (status).
inline const QByteArray kCancel = kPrelude + R"LUA(
local id = ARGV[1]
local job = 'rq:job:' .. id
local fields = redis.call('HMGET', job, 'status', 'tenant')
local status, tenant = fields[1], fields[2]
if not status or (ARGV[2] ~= '' and tenant ~= ARGV[2]) then return {'missing', ''} end
if status == 'queued' or status == 'scheduled' then
  if ARGV[7] ~= '1' then
    for i = 1, 3 do redis.call('LREM', KEYS[i], 0, id) end
  end
  redis.call('ZREM', KEYS[4], id)
  local now = tonumber(ARGV[3])
  local ttl = tonumber(ARGV[5])
  redis.call('HSET', job, 'status', 'canceled', 'ended_at', ARGV[4], 'error', ARGV[6], 'stage', '')
  redis.call('HDEL', job, 'retry_at', 'cancel_requested')
  redis.call('EXPIRE', job, ttl)
  redis.call('EXPIRE', job .. ':blob', ttl)
  redis.call('ZADD', KEYS[5], now, id)
  redis.call('ZADD', KEYS[7], now, id)
  if redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - ttl) > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now - ttl)
  end
  emit(KEYS[6], {job_id = id, status = 'canceled', tenant = tenant,
             at = seed_time(ARGV[4]), error = ARGV[6]})
  job_ended(id, math.floor(now * 1000), seed_time(ARGV[4]))
  return {'canceled', 'canceled'}
end
if status == 'started' then
  redis.call('HSET', job, 'cancel_requested', '1')
  emit(KEYS[6], {job_id = id, status = 'started', tenant = tenant,
             at = seed_time(ARGV[4]), cancel_requested = true})
  return {'requested', 'started'}
end
return {'ended', status}
)LUA";

// Queues a failed or canceled job again at the tail of its priority queue with
// fresh attempts; its history stays. The hash and blob no longer expire. A
// stranded job (queued but in no queue list, see reconciler.h) is put back too.
// KEYS: aether:failed, aether:canceled, failed list, index, events, rq:failed, rq:canceled
// ARGV: id, tenant, timestamp (RQ's format), now_ms
// Returns {outcome, status}: missing | conflict (status) | blob_gone | credentials_gone | queued.
inline const QByteArray kRetry = kPrelude + R"LUA(
local id = ARGV[1]
local job = 'rq:job:' .. id
local fields = redis.call('HMGET', job, 'status', 'tenant', 'type', 'priority')
local status, tenant = fields[1], fields[2]
if not status or (ARGV[2] ~= '' and tenant ~= ARGV[2]) then return {'missing', ''} end
if status == 'queued' then
  -- Stranded (queued, yet in no queue list: taken out by something other than
  -- Aether): put it back rather than refuse. Listed, it only waits its turn.
  for _, queue in ipairs({'rq:queue:ingest:high', 'rq:queue:ingest', 'rq:queue:ingest:low'}) do
    if redis.call('LPOS', queue, id) then return {'conflict', status} end
  end
  make_available(id, false)
  emit(KEYS[5], {job_id = id, status = 'queued', tenant = tenant,
                 at = seed_time(ARGV[3]), retried = true})
  return {'queued', 'queued'}
end
if status ~= 'failed' and status ~= 'canceled' then return {'conflict', status} end
local blob = job .. ':blob'
if fields[3] == 'file' and redis.call('EXISTS', blob) == 0 then return {'blob_gone', status} end
-- The URL's credentials were dropped when the job ended: fetching without them
-- would only fail again (or fetch something else), so the caller resubmits.
if redis.call('HGET', job, 'url_credentials') == '1' then return {'credentials_gone', status} end
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
redis.call('ZREM', KEYS[6], id)
redis.call('ZREM', KEYS[7], id)
redis.call('LREM', KEYS[3], 0, id)
redis.call('HSET', job, 'status', 'queued', 'enqueued_at', ARGV[3], 'attempts', '0',
           'recoveries', '0', 'stage', '', 'progress', '0')
redis.call('HDEL', job, 'error', 'ended_at', 'started_at', 'worker_name', 'cancel_requested',
           'retry_at', 'result', 'result_json', 'exc_info', 'last_heartbeat')
redis.call('PERSIST', job)
redis.call('PERSIST', blob)
job_reopened(id)
redis.call('ZADD', KEYS[4], 'NX', ARGV[4], id)
make_available(id, false)
emit(KEYS[5], {job_id = id, status = 'queued', tenant = tenant,
           at = seed_time(ARGV[3]), retried = true})
return {'queued', 'queued'}
)LUA";

// Deletes a job that is not running: its hash, its blob, and its id from every
// queue, registry, the failed list and the index.
// KEYS: queue:high, queue, queue:low, rq:scheduled, leases, aether:finished, aether:failed,
//       aether:canceled, failed list, index, events, rq:wip, rq:finished, rq:failed, rq:canceled
// ARGV: id, tenant, timestamp (RQ's format), and for a bulk delete the filter it
//       selected the job by, checked again here (the job may have moved on since):
//       status, lowest end time (s) or '-inf', end time bound (exclusive) or '+inf'
// Returns {outcome, status}: missing | conflict (started, or no longer matching) | deleted.
inline const QByteArray kDelete = kPrelude + R"LUA(
local id = ARGV[1]
local job = 'rq:job:' .. id
local fields = redis.call('HMGET', job, 'status', 'tenant', 'idempotency_key')
local status, tenant = fields[1], fields[2]
if not status or (ARGV[2] ~= '' and tenant ~= ARGV[2]) then return {'missing', ''} end
if status == 'started' then return {'conflict', status} end
if ARGV[4] and ARGV[4] ~= '' then
  if status ~= ARGV[4] then return {'conflict', status} end
  local ended = ({finished = KEYS[6], failed = KEYS[7], canceled = KEYS[8]})[status]
  local score = ended and tonumber(redis.call('ZSCORE', ended, id))
  local bound = ARGV[6] == '+inf' and math.huge or tonumber(ARGV[6])
  local lowest = ARGV[5] == '-inf' and -math.huge or tonumber(ARGV[5])
  if not score or score < lowest or score >= bound then return {'conflict', status} end
end
redis.call('DEL', job, job .. ':blob')
-- An Idempotency-Key must not keep naming a job that no longer exists.
if fields[3] and redis.call('GET', fields[3]) == id then redis.call('DEL', fields[3]) end
-- Only a queued job is in a queue list (an id left there by accident is
-- skipped by the take script once its hash is gone): LREM scans the whole
-- list, which costs seconds when many jobs are deleted beside a long queue.
if status == 'queued' then
  for i = 1, 3 do redis.call('LREM', KEYS[i], 0, id) end
end
for i = 4, 8 do redis.call('ZREM', KEYS[i], id) end
for i = 12, 15 do redis.call('ZREM', KEYS[i], id) end
redis.call('LREM', KEYS[9], 0, id)
redis.call('ZREM', KEYS[10], id)
emit(KEYS[11], {job_id = id, status = 'deleted', tenant = tenant,
           at = seed_time(ARGV[3])})
return {'deleted', 'deleted'}
)LUA";

// Up to `count` index entries after a position in newest-first order (score
// desc, then id desc), flat {id, score, ...}. Without a position: the newest.
// With a score only: the entries older than it. With score and id: the entries
// after that entry; when it is gone, all entries of that score come first and
// the caller drops those not after the id.
// KEYS: index   ARGV: count, score or '', id or ''
inline const QByteArray kIndexPage = R"LUA(
local count = tonumber(ARGV[1])
if ARGV[2] == '' then return redis.call('ZREVRANGE', KEYS[1], 0, count - 1, 'WITHSCORES') end
local older = function()
  return redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '-inf', 'WITHSCORES', 'LIMIT', 0,
                    count)
end
if ARGV[3] == '' then return older() end
local score = redis.call('ZSCORE', KEYS[1], ARGV[3])
if score and tonumber(score) == tonumber(ARGV[2]) then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[3])
  return redis.call('ZREVRANGE', KEYS[1], rank + 1, rank + count, 'WITHSCORES')
end
local page = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[2], 'WITHSCORES')
for _, value in ipairs(older()) do table.insert(page, value) end
return page
)LUA";

// The KEYS of kCancel, kRetry and kDelete, in their order.
inline QList<QByteArray> cancelKeys()
{
    return {keys::queue("high"),  keys::queue("default"), keys::queue("low"), keys::kRqScheduled,
            keys::kEndedCanceled, keys::kEvents,          keys::kRqCanceled};
}
inline QList<QByteArray> retryKeys()
{
    return {keys::kEndedFailed, keys::kEndedCanceled, keys::kFailedList, keys::kIndex,
            keys::kEvents,      keys::kRqFailed,      keys::kRqCanceled};
}
inline QList<QByteArray> deleteKeys()
{
    return {keys::queue("high"), keys::queue("default"), keys::queue("low"), keys::kRqScheduled,
            keys::kLeases,       keys::kEndedFinished,   keys::kEndedFailed, keys::kEndedCanceled,
            keys::kFailedList,   keys::kIndex,           keys::kEvents,      keys::kRqStarted,
            keys::kRqFinished,   keys::kRqFailed,        keys::kRqCanceled};
}

} // namespace aether::scripts
