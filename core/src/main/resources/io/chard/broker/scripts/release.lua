--[[
  release: gives leases back unfinished (graceful shutdown), so another worker starts them at once instead
  of after the lease lapses. They keep their place in the queue.

  KEYS     1-6 as in the prelude, 7-8 the limits hash and lim:due (limits.lua); hashes and queue sets are built
           from KEYS[1]
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2..] pairs: id, token
  Returns  per pair: 1 released, 0 no longer this worker's
  Events   released
]]
local out = {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local h = task_key(id)
  local f = redis.call('HMGET', h, 'state', 'token', 'queue', 'score')
  if f[1] == 'running' and f[2] == token then
    redis.call('ZREM', queue_key(f[3], 'leased'), id)
    limits_free(id, h)
    redis.call('HSET', h, 'state', 'pending', 'token', '')
    make_ready(f[3], id, f[4])
    emit(id, 'released')
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
