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
// that follow find their ids in no queue (their LREMs then scan nothing) and
// no worker takes them meanwhile; jobs queued from now on go to a new list.
// KEYS: queue, holding list   Returns: how many ids the holding list has.
inline const QByteArray kDetachQueue = R"LUA(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) end
return redis.call('LLEN', KEYS[2])
)LUA";

// Takes the next chunk off the head of a holding list: returns the queued
// jobs of the tenant ('' = any) for the caller to cancel, puts other tenants'
// queued jobs back at the tail of their queue (with a wake token) and drops
// ids whose job is no longer queued (the take script skips those too).
// KEYS: holding list, queue, wake list   ARGV: count, tenant
inline const QByteArray kTakeHeld = R"LUA(
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local mine, returned = {}, 0
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', 'rq:job:' .. id, 'status', 'tenant')
  if f[1] == 'queued' then
    if ARGV[2] == '' or f[2] == ARGV[2] then
      table.insert(mine, id)
    else
      redis.call('RPUSH', KEYS[2], id)
      returned = returned + 1
    end
  end
end
if returned > 0 then
  redis.call('LPUSH', KEYS[3], '1')
  redis.call('LTRIM', KEYS[3], 0, 63)
end
redis.call('LTRIM', KEYS[1], #ids, -1)
return mine
)LUA";

} // namespace aether::scripts
