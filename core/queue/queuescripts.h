#pragma once

#include "queue/eventscripts.h"

#include <QByteArray>
#include <QList>
#include <QStringBuilder> // operator+ of QByteArray under QT_USE_QSTRINGBUILDER

// The queue's state changes, each one atomic Lua script (see QUEUE.md): the
// only places where a job's state changes. Each keeps Aether's indexes
// (aether:*) and RQ's registries (rq:wip, rq:finished, rq:failed, rq:canceled,
// rq:scheduled, scored as RQ scores them) together. Job keys are built inside
// the scripts from ids ('rq:job:' .. id): this queue runs on one Redis, not a
// cluster. Timestamps given to the scripts are RQ's format (rqTimestamp()).
namespace aether::scripts {

// Lua shared by the scripts below (each script is sent whole, so the helpers
// are put in front of each one).
inline const QByteArray kPrelude = kEventPrelude + R"LUA(
-- Puts a job back where workers take from: its priority's queue, at the head
-- (taken back from a worker) or the tail (a due retry), with a wake token.
local function make_available(id, at_head)
  local priority = redis.call('HGET', 'rq:job:' .. id, 'priority')
  local queue = 'rq:queue:ingest'
  if priority == 'high' or priority == 'low' then queue = queue .. ':' .. priority end
  if at_head then redis.call('LPUSH', queue, id) else redis.call('RPUSH', queue, id) end
  redis.call('LPUSH', 'rq:wake:ingest', '1')
  redis.call('LTRIM', 'rq:wake:ingest', 0, 63)
end
)LUA";

// Takes the next jobs for a worker, highest priority first, skipping ids
// whose job expired, was deleted or canceled while queued. Beyond the first
// job it takes only text jobs (quick, worth storing together), up to ARGV[5]
// from one priority but no more than a quarter of what waits there, so that
// other idle workers get their share of a short queue.
// KEYS: queue:high, queue, queue:low, processing list, leases, paused flag, worker hash, events,
//       rq:wip (RQ's StartedJobRegistry)
// ARGV: now_ms, lease_ms, worker name, timestamp, most jobs
// Returns false, or the ids taken (now in the processing list, started).
inline const QByteArray kTake = kPrelude + R"LUA(
if redis.call('EXISTS', KEYS[6]) == 1 then return false end
local now_s = tonumber(ARGV[1]) / 1000
local taken = {}
for i = 1, 3 do
  local want = math.min(tonumber(ARGV[5]), math.max(1, math.floor(redis.call('LLEN', KEYS[i]) / 4)))
  while #taken < want do
    if #taken > 0 then
      local head = redis.call('LINDEX', KEYS[i], 0)
      if not head or redis.call('HGET', 'rq:job:' .. head, 'type') ~= 'text' then break end
    end
    local id = redis.call('LMOVE', KEYS[i], KEYS[4], 'LEFT', 'RIGHT')
    if not id then break end
    local job = 'rq:job:' .. id
    -- Only what the take decides on is read here: the worker reads the whole
    -- hash itself (a hash read into Lua costs several times the read).
    local h = redis.call('HMGET', job, 'status', 'timeout', 'attempts', 'fence', 'retry_at',
                         'tenant', 'batch_id')
    if h[1] == 'queued' then
      redis.call('ZADD', KEYS[5], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
      -- RQ's score: its worker's heartbeat ttl past the timeout, later than Aether's reaper acts.
      redis.call('ZADD', KEYS[9], now_s + tonumber(h[2] or '600') + 60, id)
      -- The fencing token: unlike attempts it never goes down, so every take
      -- of a job (a retry, a recovery, a hand-back's next run) has a higher one.
      redis.call('HSET', job, 'status', 'started', 'started_at', ARGV[4], 'last_heartbeat', ARGV[4],
                 'worker_name', ARGV[3], 'stage', 'starting', 'progress', '0',
                 'attempts', tonumber(h[3] or '0') + 1, 'fence', tonumber(h[4] or '0') + 1)
      if h[5] then redis.call('HDEL', job, 'retry_at') end
      table.insert(taken, id)
      emit(KEYS[8], {job_id = id, status = 'started', tenant = h[6], worker = ARGV[3],
                     at = seed_time(ARGV[4]), batch_id = h[7]}, true)
    else
      redis.call('LREM', KEYS[4], 1, id)
    end
  end
  if #taken > 0 then
    redis.call('HSET', KEYS[7], 'current_job', taken[1], 'state', 'busy')
    redis.call('EXPIRE', KEYS[7], 10)
    return taken
  end
end
return false
)LUA";

// Ends attempts of jobs one worker still holds, each as if alone, in one
// round trip: returns per attempt 0 (and nothing changed for it) when the job
// is no longer in the processing list, 1 when recorded, or an error text.
// KEYS: processing list, leases, aether:finished, aether:failed, aether:canceled, failed list,
//       rq:scheduled, worker hash, events, rq:wip, rq:finished, rq:failed, rq:canceled
// ARGV: kSettleArguments per attempt: id, outcome (finished|failed|scheduled|canceled|requeued),
//       now_s, timestamp, payload (result JSON or error text), ttl_s, retry_s (scheduled), retry
//       timestamp (Aether's format), history entry JSON, result pickle (finished)
inline constexpr int kSettleArguments = 10; // the 10 in the loop at the script's end
inline const QByteArray kSettle = kPrelude + R"LUA(
local function settle(A)
  local id = A[1]
  local job = 'rq:job:' .. id
  if not redis.call('LPOS', KEYS[1], id) then return 0 end
  -- Reads first: a read that fails (a job key that is not a hash) changes nothing.
  local read = redis.call('HMGET', job, 'history', 'tenant', 'batch_id', 'webhook_url', 'url_userinfo',
                          'type', 'error', 'exc_info', 'cancel_requested', 'status')
  redis.call('LREM', KEYS[1], 1, id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[10], id)
  -- A worker settles the jobs of a batch one by one: it is idle after the last.
  if redis.call('LLEN', KEYS[1]) == 0 then
    redis.call('HSET', KEYS[8], 'current_job', '', 'state', 'idle')
  end
  local outcome = A[2]
  local now = tonumber(A[3])
  local ttl = tonumber(A[6])
  -- RQ's cleanup (rq info, a Python worker) may have failed the job while it
  -- ran here: this attempt's outcome stands, RQ's failed registry lets it go.
  if read[10] ~= 'started' then redis.call('ZREM', KEYS[12], id) end
  local known = {batch_id = read[3], webhook_url = read[4], url_userinfo = read[5]}
  -- The attempt's entry joins the history in the same write as the outcome.
  local readable, history = pcall(cjson.decode, read[1] or '[]')
  if not readable or type(history) ~= 'table' then history = {} end -- a corrupt history restarts
  table.insert(history, cjson.decode(A[9]))
  local encoded, text = pcall(cjson.encode, history)
  history = encoded and text or cjson.encode({history[#history]})
  if read[9] then redis.call('HDEL', job, 'cancel_requested') end
  local at = seed_time(A[4])
  local event = {job_id = id, status = outcome, tenant = read[2], at = at, batch_id = read[3]}
  if outcome == 'finished' then
    redis.call('HSET', job, 'status', 'finished', 'ended_at', A[4], 'result_json', A[5],
               'result', A[10], 'progress', '100', 'stage', 'done', 'history', history)
    if read[7] or read[8] then redis.call('HDEL', job, 'error', 'exc_info') end
    redis.call('EXPIRE', job, ttl)
    if read[6] == 'file' then redis.call('DEL', job .. ':blob') end
    redis.call('ZADD', KEYS[3], now, id)
    redis.call('ZADD', KEYS[11], now + ttl, id)
    -- RQ's registry expires the same ids (end + ttl < now) as Aether's trim.
    if redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl) > 0 then
      redis.call('ZREMRANGEBYSCORE', KEYS[11], '-inf', now)
    end
  elseif outcome == 'failed' or outcome == 'canceled' then
    redis.call('HSET', job, 'status', outcome, 'ended_at', A[4], 'error', A[5],
               'history', history)
    redis.call('EXPIRE', job, ttl)
    redis.call('EXPIRE', job .. ':blob', ttl)
    if outcome == 'failed' then
      redis.call('HSET', job, 'exc_info', A[5])
      redis.call('ZADD', KEYS[4], now, id)
      redis.call('ZADD', KEYS[12], now + ttl, id)
      if redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - ttl) > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[12], '-inf', now)
      end
      redis.call('LPUSH', KEYS[6], id)
      redis.call('LTRIM', KEYS[6], 0, 999)
    else
      redis.call('ZADD', KEYS[5], now, id)
      redis.call('ZADD', KEYS[13], now, id)
      if redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - ttl) > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[13], '-inf', now - ttl)
      end
    end
    event.error = A[5]
  elseif outcome == 'scheduled' then
    redis.call('HSET', job, 'status', 'scheduled', 'error', A[5], 'retry_at', A[8], 'stage', '',
               'history', history)
    redis.call('ZADD', KEYS[7], A[7], id)
    event.error = A[5]
    event.retry_at = A[8]
  else
    redis.call('HSET', job, 'status', 'queued', 'stage', '', 'progress', '0')
    redis.call('HINCRBY', job, 'attempts', -1)
    make_available(id, true)
    event.status = 'queued'
  end
  emit(KEYS[9], event, true)
  if outcome == 'finished' or outcome == 'failed' or outcome == 'canceled' then
    job_ended(id, math.floor(now * 1000), at, known)
  end
  return 1
end
-- Each attempt on its own: one that errors (a corrupt field) answers its error
-- and the others are still recorded.
local settled = {}
for base = 0, #ARGV - 1, 10 do
  local ok, result = pcall(settle, {unpack(ARGV, base + 1, base + 10)})
  table.insert(settled, ok and result or ('ERR ' .. tostring(result)))
end
return settled
)LUA";

// Moves scheduled jobs whose retry time has come back to the tail of their queue.
// KEYS: rq:scheduled   events   ARGV: now_s, timestamp
inline const QByteArray kPromote = kPrelude + R"LUA(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local job = 'rq:job:' .. id
  if redis.call('HGET', job, 'status') == 'scheduled' then
    redis.call('HSET', job, 'status', 'queued', 'enqueued_at', ARGV[2])
    make_available(id, false)
    emit(KEYS[2], {job_id = id, status = 'queued',
               tenant = redis.call('HGET', job, 'tenant'), at = seed_time(ARGV[2])})
  end
end
return #due
)LUA";

// Takes back started jobs whose lease expired or whose worker is gone (plus
// the ids named in ARGV[5..], whose process is known dead) and queues them at
// the head. A job that had begun its work counts a recovery, and past
// max_recoveries fails with AbandonedJobError; a job that only waited in its
// worker's batch (stage still 'starting') goes back as if never taken.
// KEYS: leases, aether:failed, failed list, events, rq:wip, rq:failed
// ARGV: lease cutoff ms (leases below it expired; 0: none), max_recoveries, failure_ttl_s,
//       timestamp, now_ms, forced ids...
// Returns the ids taken back.
inline const QByteArray kReap = kPrelude + R"LUA(
local cutoff = tonumber(ARGV[1])
local now = tonumber(ARGV[5])
local at = seed_time(ARGV[4])
local forced = {}
for i = 6, #ARGV do forced[ARGV[i]] = true end
local taken = {}
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #entries, 2 do
  local id = entries[i]
  local job = 'rq:job:' .. id
  local worker = redis.call('HGET', job, 'worker_name') or ''
  local dead = forced[id] or tonumber(entries[i + 1]) < cutoff
               or redis.call('EXISTS', 'rq:worker:' .. worker) == 0
  if dead then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[5], id)
    redis.call('LREM', 'rq:processing:ingest:' .. worker, 1, id)
    table.insert(taken, id)
    if redis.call('EXISTS', job) == 1 then
      local ran = redis.call('HGET', job, 'stage') ~= 'starting'
      local recoveries = tonumber(redis.call('HGET', job, 'recoveries') or '0')
      if ran then
        recoveries = redis.call('HINCRBY', job, 'recoveries', 1)
      else
        redis.call('HINCRBY', job, 'attempts', -1)
      end
      local event = {job_id = id, tenant = redis.call('HGET', job, 'tenant'), at = at}
      if recoveries > tonumber(ARGV[2]) then
        local error = 'AbandonedJobError: job was abandoned by its worker ' .. recoveries ..
                      ' times (last: ' .. worker .. ')'
        redis.call('HSET', job, 'status', 'failed', 'ended_at', ARGV[4], 'error', error,
                   'exc_info', error)
        redis.call('EXPIRE', job, tonumber(ARGV[3]))
        redis.call('EXPIRE', job .. ':blob', tonumber(ARGV[3]))
        redis.call('ZADD', KEYS[2], now / 1000, id)
        redis.call('ZADD', KEYS[6], now / 1000 + tonumber(ARGV[3]), id)
        redis.call('LPUSH', KEYS[3], id)
        redis.call('LTRIM', KEYS[3], 0, 999)
        event.status = 'failed'
        event.error = error
      else
        redis.call('HSET', job, 'status', 'queued', 'stage', '', 'progress', '0')
        make_available(id, true)
        event.status = 'queued'
        event.recovered = true
      end
      emit(KEYS[4], event)
      if event.status == 'failed' then job_ended(id, now, at) end
    end
  end
end
return taken
)LUA";

} // namespace aether::scripts
