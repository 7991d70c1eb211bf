#pragma once

#include <QByteArray>

// The read side of the bulk operations (JobBulk): each call looks at one chunk
// (ARGV count, ~1000 ids), so Redis never runs one long script; the changes
// themselves are the per-job scripts of adminscripts.h, pipelined. Job keys
// are built from ids as in queuescripts.h.
namespace aether::scripts {

// One chunk of an ended-jobs index (score = end time s), oldest first, from
// after a cursor (the last id looked at and its score), keeping the ids whose
// job has the status and matches the filters ('' = any). When the cursor's id
// is gone (the job was deleted meanwhile) the walk goes on after where it
// was: members of one score are ordered by id.
// KEYS: index
// ARGV: cursor id or '', cursor score, lowest score or '-inf', score bound
//       (exclusive) or '+inf', count, status, tenant, type, source
// Returns {next cursor id ('' = done), its score, matching id, ...}.
inline const QByteArray kSelectEnded = R"LUA(
local count = tonumber(ARGV[5])
local after_id, after_score = ARGV[1], ARGV[2]
local start
if after_id == '' then
  start = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[3])
else
  local rank = redis.call('ZRANK', KEYS[1], after_id)
  if rank and redis.call('ZSCORE', KEYS[1], after_id) == after_score then
    start = rank + 1
  else
    -- Binary search among the members of that score for the first id after it.
    start = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. after_score)
    local past = redis.call('ZCOUNT', KEYS[1], '-inf', after_score)
    while start < past do
      local middle = math.floor((start + past) / 2)
      if redis.call('ZRANGE', KEYS[1], middle, middle)[1] <= after_id then
        start = middle + 1
      else
        past = middle
      end
    end
  end
end
local page = redis.call('ZRANGE', KEYS[1], start, start + count - 1, 'WITHSCORES')
local bound = ARGV[4] == '+inf' and math.huge or tonumber(ARGV[4])
local out = {'', ''}
for i = 1, #page, 2 do
  local id, score = page[i], page[i + 1]
  if tonumber(score) >= bound then return {'', '', unpack(out, 3)} end
  local f = redis.call('HMGET', 'rq:job:' .. id, 'status', 'tenant', 'type', 'source')
  if f[1] == ARGV[6] and (ARGV[7] == '' or f[2] == ARGV[7]) and
     (ARGV[8] == '' or f[3] == ARGV[8]) and (ARGV[9] == '' or f[4] == ARGV[9]) then
    table.insert(out, id)
  end
  out[1], out[2] = id, score
end
if #page < count * 2 then out[1], out[2] = '', '' end
return out
)LUA";

// Moves a priority's whole queue list to a holding list, so that the cancels
// that follow find their ids in no queue and no worker takes them meanwhile;
// jobs queued from now on go to a new list. The holding list is registered in
// aether:emptying (the reconciler counts its ids as listed) and expires unless
// kTakeHeld keeps it: if its emptier dies, its jobs are stranded for at most
// that long, then the reconciler puts them back.
// KEYS: queue, holding list, aether:emptying   ARGV: ttl_s
// Returns: how many ids the holding list has.
inline const QByteArray kDetachQueue = R"LUA(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('SADD', KEYS[3], KEYS[2])
end
return redis.call('LLEN', KEYS[2])
)LUA";

// Takes the next chunk off the head of a holding list: returns its queued
// jobs for the caller to cancel (every tenant's: only an unscoped empty
// detaches a queue) and drops ids whose job is no longer queued (the take
// script skips those too). When the list is done, it leaves aether:emptying.
// KEYS: holding list, aether:emptying   ARGV: count, ttl_s
inline const QByteArray kTakeHeld = R"LUA(
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local queued = {}
for _, id in ipairs(ids) do
  if redis.call('HGET', 'rq:job:' .. id, 'status') == 'queued' then table.insert(queued, id) end
end
redis.call('LTRIM', KEYS[1], #ids, -1)
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
else
  redis.call('SREM', KEYS[2], KEYS[1])
end
return queued
)LUA";

// A tenant-scoped empty leaves the queue list in place (other tenants' jobs
// keep their turn): it walks the list a chunk at a time from just after
// `anchor` (the last other-tenant id it passed; from the head when that id has
// gone, e.g. taken by a worker) and takes the tenant's queued ids out, to be
// canceled by the caller. The ids are marked and removed by one LREM per chunk,
// so the walk costs one pass over the list per chunk, not one per job.
// KEYS: queue   ARGV: tenant, anchor id or '', count
// Returns {next anchor ('-': go on from the head; '': the walk reached the end), id, ...}.
inline const QByteArray kTakeQueuedOfTenant = R"LUA(
local start = 0
if ARGV[2] ~= '' then
  local at = redis.call('LPOS', KEYS[1], ARGV[2], 'RANK', -1) -- the last, should it be twice
  if at then start = at + 1 end
end
local count = tonumber(ARGV[3])
local ids = redis.call('LRANGE', KEYS[1], start, start + count - 1)
local out, anchor = {''}, ARGV[2]
local marker = 'aether:removed'
for i, id in ipairs(ids) do
  local f = redis.call('HMGET', 'rq:job:' .. id, 'status', 'tenant')
  if f[1] == 'queued' and f[2] == ARGV[1] then
    redis.call('LSET', KEYS[1], start + i - 1, marker)
    table.insert(out, id)
  else
    anchor = id
  end
end
if #out > 1 then redis.call('LREM', KEYS[1], 0, marker) end
if #ids == count then out[1] = anchor ~= '' and anchor or '-' end
return out
)LUA";

} // namespace aether::scripts
