--[[
  purge: revokes up to ARGV[4] waiting executions (ready, delayed, or held back by a rate limit or cap) of one queue
  in this partition, with reason `purged`, as revoke does one waiting execution: the history keeps them. Running
  executions are left to finish. The caller repeats the call until it answers fewer than ARGV[4], so one call never
  blocks Redis for long. A held execution stays in its limit's wait set until that set is next drained, which drops
  it (limits.lua: it is no longer pending).

  KEYS     1-6 as in the prelude, 7 the queue's ready set, 8 its delayed set, 9 its held set (limits.lua)
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  queue
  ARGV[3]  result TTL, seconds
  ARGV[4]  most executions to revoke in this call
  Returns  {how many were revoked, 1 when the stream's room cut the call below ARGV[4] (else 0), then the error
           callbacks their workflows released: triples id, queue, delay ms (workflow.lua's WF_READY)}; or
           {'full', stream length}, revoking nothing, while the event stream holds half of chard.events.max-length
           (no recorder drains it) and something of the queue still waits
  Events   revoked (reason purged)
]]
local ttl, most = tonumber(ARGV[3]), tonumber(ARGV[4])
local cut = 0
-- Each purged execution writes its `revoked`: while no recorder drains the stream, a purge stops at half its cap,
-- as starting executions does (events_held), and takes no more than the room left. A purge of a deep queue during
-- a PostgreSQL outage, a backlog the recorder had kept short, took the stream to millions of entries past its cap.
if HISTORY then
  local length = redis.call('XLEN', KEYS[2])
  local room = math.floor(EVENTS_MAX / 2) - length
  if room <= 0 then
    -- Refused only while something waits: a purge whose last execution filled the stream to the bound is done.
    if redis.call('ZCARD', KEYS[7]) + redis.call('ZCARD', KEYS[8]) + redis.call('ZCARD', KEYS[9]) == 0 then
      return {0, 0}
    end
    return {'full', length}
  end
  if room < most then
    most, cut = room, 1
  end
end
local purged = 0
for _, key in ipairs({KEYS[7], KEYS[8], KEYS[9]}) do
  for _, id in ipairs(redis.call('ZRANGE', key, 0, most - purged - 1)) do
    redis.call('ZREM', key, id)
    local h = task_key(id)
    redis.call('HSET', h, 'state', 'revoked', 'reason', 'purged', 'finished', ms(NOW))
    redis.call('EXPIRE', h, ttl)
    emit(id, 'revoked', 'reason', 'purged', 'finished', ms(NOW))
    workflow_ended(id, ttl) -- canvas: the successors of a purged member are cancelled (workflow.lua)
    unique_release(id, 'end') -- a unique task's lock (unique.lua)
    purged = purged + 1
  end
  if purged >= most then break end
end
-- Cut short only when the room, not the queue, ran out: an empty queue with little room is done.
if purged < most then
  cut = 0
end
return wf_with_ready({purged, cut})
