#pragma once

#include "queue/queuescripts.h"

#include <QByteArray>

// The reconciler's scripts (Reconciler, reconciler.h): jobs that something
// other than Aether's own scripts left where no Aether process looks. Like
// queuescripts.h, each change is one atomic script that re-checks what the
// scan saw, so a job that moved on meanwhile is left alone.
namespace aether::scripts {

// Up to ARGV[2] ids of the job index from rank ARGV[1] whose status is
// `queued`. Returns {next rank or "-1" (a string, like the ids), id, ...}.
// KEYS: index
inline const QByteArray kQueuedInIndex = R"LUA(
local from = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], from, from + count - 1)
local found = {tostring(#ids == count and from + count or -1)}
for _, id in ipairs(ids) do
  if redis.call('HGET', 'rq:job:' .. id, 'status') == 'queued' then table.insert(found, id) end
end
return found
)LUA";

// Puts back at the head of their queue the given jobs that are still queued
// and in no queue list (taken out by something else: a Python RQ worker that
// died after popping it, a hand-edited list). Counts them in KEYS[5].
// KEYS: queue:high, queue, queue:low, events, counter   ARGV: timestamp (RQ's), ids...
// Returns the ids put back.
inline const QByteArray kRequeueStranded = kPrelude + R"LUA(
local back = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local job = 'rq:job:' .. id
  local listed = false
  for k = 1, 3 do
    if redis.call('LPOS', KEYS[k], id) then listed = true end
  end
  if not listed and redis.call('HGET', job, 'status') == 'queued' then
    make_available(id, true)
    redis.call('INCR', KEYS[5])
    emit(KEYS[4], {job_id = id, status = 'queued', tenant = redis.call('HGET', job, 'tenant'),
                   at = seed_time(ARGV[1]), recovered = true})
    table.insert(back, id)
  end
end
return back
)LUA";

// Jobs a Python RQ worker ended: RQ marked them failed and put them in its
// failed registry (of the queue it listened to), where Aether's own index of
// failures does not see them. Each is recorded as Aether's settle script
// records a failure, with RQ's error (the caller reads it from RQ's result
// stream: zlib, which Lua cannot read). A job such a worker took and then died
// with (in RQ's started registry past its expiry, holding no Aether lease) is
// failed first, as RQ's own cleanup would, and adopted in the next pass.
// KEYS: aether:failed, failed list, events, rq:failed, leases,
//       rq:wip (ingest, ingest:high, ingest:low)
// ARGV: now_s, timestamp (RQ's), failure_ttl_s, then per job: id, its RQ registry, error
// Returns the ids adopted.
inline const QByteArray kAdoptForeignEnds = kPrelude + R"LUA(
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[3])
local at = seed_time(ARGV[2])
-- RQ's StartedJobRegistry.cleanup, for jobs no Aether worker holds.
for k = 6, 8 do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', now)) do
    local job = 'rq:job:' .. id
    if not redis.call('ZSCORE', KEYS[5], id) then
      redis.call('ZREM', KEYS[k], id)
      if redis.call('HGET', job, 'status') == 'started' then
        local worker = redis.call('HGET', job, 'worker_name') or '?'
        redis.call('HSET', job, 'status', 'failed', 'ended_at', ARGV[2], 'exc_info',
                   'AbandonedJobError: the RQ worker ' .. worker .. ' stopped without ending it')
        redis.call('ZADD', KEYS[4], now + ttl, id)
      end
    end
  end
end
local adopted = {}
for i = 4, #ARGV, 3 do
  local id, registry = ARGV[i], ARGV[i + 1]
  local job = 'rq:job:' .. id
  local fields = redis.call('HMGET', job, 'status', 'exc_info', 'tenant', 'attempts',
                            'started_at', 'ended_at', 'history')
  -- A job an Aether worker holds (RQ's cleanup may have marked it failed) is
  -- left to that worker, whose settle records how it really ended.
  if fields[1] == 'failed' and not redis.call('ZSCORE', KEYS[1], id) and
     not redis.call('ZSCORE', KEYS[5], id) then
    local error = ARGV[i + 2]
    if error == '' then
      for line in string.gmatch(fields[2] or '', '[^\n]+') do
        if string.find(line, '%S') then error = string.gsub(line, '^%s+', '') end
      end
    end
    if error == '' then error = 'RQWorkerError: a Python RQ worker failed the job' end
    local history = cjson.decode(fields[7] or '[]')
    table.insert(history, {attempt = tonumber(fields[4] or '0'), outcome = 'failed',
                           started_at = fields[5] and seed_time(fields[5]) or nil,
                           ended_at = seed_time(fields[6] or ARGV[2]), error = error})
    redis.call('HSET', job, 'error', error, 'history', cjson.encode(history))
    if not fields[2] then redis.call('HSET', job, 'exc_info', error) end
    if not fields[6] then redis.call('HSET', job, 'ended_at', ARGV[2]) end
    redis.call('EXPIRE', job, ttl)
    redis.call('EXPIRE', job .. ':blob', ttl)
    redis.call('ZADD', KEYS[1], now, id)
    -- One failed registry, RQ's of `ingest`, as for Aether's own failures.
    redis.call('ZREM', registry, id)
    redis.call('ZADD', KEYS[4], now + ttl, id)
    redis.call('LPUSH', KEYS[2], id)
    redis.call('LTRIM', KEYS[2], 0, 999)
    emit(KEYS[3], {job_id = id, status = 'failed', tenant = fields[3], at = at, error = error})
    job_ended(id, math.floor(now * 1000), at)
    table.insert(adopted, id)
  end
end
return adopted
)LUA";

} // namespace aether::scripts
