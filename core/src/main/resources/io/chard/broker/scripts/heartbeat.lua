--[[
  heartbeat: renews a worker's leases and its entry in the worker registry.

  KEYS     1-6 as in the prelude; in partition 0 also the workers zset and w:<worker>
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  worker id
  ARGV[3]  lease duration, ms
  ARGV[4]  registry entry TTL, seconds
  ARGV[5]  registry entry (JSON written by the worker; '' in partitions other than 0: no registry write)
  ARGV[6..] pairs: id, token
  Returns  {cancel ids, lost ids}: cancel = revoked while running (stop them); lost = the lease is no longer
           this worker's (it lapsed and was handed on): drop the work without reporting
  Events   heartbeat: one entry per call for every renewed execution (emit_alike); none while the stream is
           full (events_full): the hashes still hold the time, and the history catches up at the next heartbeat
           after the recorder drains
  Also     drops from the workers zset the workers silent for 10 registry TTLs (their entries long expired)
]]
local worker, lease_ms, entry_ttl, entry = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local cancel, lost, renewed = {}, {}, {}
for i = 6, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local h = task_key(id)
  local f = redis.call('HMGET', h, 'state', 'token', 'queue', 'revoke')
  if f[1] == 'running' and f[2] == token then
    redis.call('ZADD', queue_key(f[3], 'leased'), NOW + lease_ms, id)
    redis.call('HSET', h, 'heartbeat', ms(NOW))
    renewed[#renewed + 1] = id
    if f[4] == '1' then cancel[#cancel + 1] = id end
  else
    lost[#lost + 1] = id
  end
end
if #renewed > 0 and not events_full() then
  local beat = ms(NOW)
  for _, id in ipairs(renewed) do
    emit_alike(id, 'heartbeat', 'heartbeat', beat)
  end
  emit_run()
end
-- The registry lives in partition 0; calls for other partitions' leases pass no entry.
if entry ~= '' then
  redis.call('ZREMRANGEBYSCORE', prefix .. 'workers', '-inf', NOW - entry_ttl * 10000)
  redis.call('ZADD', prefix .. 'workers', NOW, worker)
  redis.call('SET', prefix .. 'w:' .. worker, entry, 'EX', entry_ttl)
end
return {cancel, lost}
