#pragma once

#include <QByteArray>

// Lua put in front of every queue script (queuescripts.h, adminscripts.h):
// how a state change is announced, and what a job's end sets off.
namespace aether::scripts {

inline const QByteArray kEventPrelude = R"LUA(
-- The job hash keeps RQ's timestamps ("2026-12-04T10:55:01.123000Z"); events,
-- batches and webhooks keep Aether's ("2026-12-04 10:55:01.123").
local function seed_time(rq_time)
  return string.sub(rq_time, 1, 10) .. ' ' .. string.sub(rq_time, 12, 23)
end

-- Announces an event on the pub/sub channel and appends it to the capped
-- event log (the same JSON), so pollers and reconnecting streams miss nothing.
-- A job's event names its batch, so clients can follow a batch; a caller that
-- has read the job's batch_id already says so (batch_known) and saves the read.
local function emit(channel, event, batch_known)
  if event.job_id and not event.batch_id and not batch_known then
    local batch = redis.call('HGET', 'rq:job:' .. event.job_id, 'batch_id')
    if batch then event.batch_id = batch end
  end
  local json = cjson.encode(event)
  redis.call('PUBLISH', channel, json)
  redis.call('XADD', 'rq:events:log:ingest', 'MAXLEN', '~', 10000, '*', 'data', json)
end

-- Makes a webhook delivery ("job:<id>" or "batch:<id>") due now and wakes a deliverer.
local function schedule_webhook(target, now_ms)
  redis.call('ZADD', 'rq:webhooks:due', now_ms, target)
  redis.call('LPUSH', 'rq:webhooks:wake', '1')
  redis.call('LTRIM', 'rq:webhooks:wake', 0, 63)
end

-- A job reached an end state (finished, failed, canceled): its webhook is
-- due, and its batch counts it; the batch's last member finishes the batch.
-- `at`: Aether's timestamp format (seed_time). `known`: the job's batch_id,
-- webhook_url and url_userinfo when the caller has read them, else nil.
local function job_ended(id, now_ms, at, known)
  if not known then
    local read = redis.call('HMGET', 'rq:job:' .. id, 'batch_id', 'webhook_url', 'url_userinfo')
    known = {batch_id = read[1], webhook_url = read[2], url_userinfo = read[3]}
  end
  -- URL credentials are kept for retries and dropped once no attempt can follow.
  if known.url_userinfo then redis.call('HDEL', 'rq:job:' .. id, 'url_userinfo') end
  local fields = {known.batch_id, known.webhook_url}
  if fields[2] then schedule_webhook('job:' .. id, now_ms) end
  if not fields[1] then return end
  local batch = 'rq:batch:' .. fields[1]
  if redis.call('EXISTS', batch) == 0 then return end
  local ended = redis.call('HINCRBY', batch, 'ended', 1)
  local b = redis.call('HMGET', batch, 'total', 'tenant', 'webhook_url', 'ttl', 'finished_at')
  if ended < tonumber(b[1]) or b[5] then return end
  redis.call('HSET', batch, 'finished_at', at)
  redis.call('EXPIRE', batch, tonumber(b[4]))
  redis.call('EXPIRE', batch .. ':jobs', tonumber(b[4]))
  emit('rq:events:ingest', {batch_id = fields[1], status = 'batch_finished', tenant = b[2],
       at = at, total = tonumber(b[1])})
  if b[3] then schedule_webhook('batch:' .. fields[1], now_ms) end
end

-- A retried job no longer counts as ended: its batch is open again.
local function job_reopened(id)
  local batch_id = redis.call('HGET', 'rq:job:' .. id, 'batch_id')
  if not batch_id then return end
  local batch = 'rq:batch:' .. batch_id
  if redis.call('EXISTS', batch) == 0 then return end
  redis.call('HINCRBY', batch, 'ended', -1)
  redis.call('HDEL', batch, 'finished_at')
  redis.call('PERSIST', batch)
  redis.call('PERSIST', batch .. ':jobs')
end
)LUA";

} // namespace aether::scripts
