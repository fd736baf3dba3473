--[[
  forget_queues: removes from this partition the queues no work entered for a retention period and that hold
  nothing: the name from the queues set and from the last-use zset, and the queue's keys (its wake marker; its
  ready, delayed, leased and held sets are gone already, as Redis deletes an empty zset). Emptiness is checked here, in
  the same atomic step, so a dispatch racing the sweep either came first (the queue holds it, or was used since:
  kept) or comes after (its wake registers the queue anew). A queue registered before its use was tracked
  (no score yet) starts its clock now.

  KEYS     1-6 as in the prelude
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  retention, ms: a queue last used before now minus this is unused
  Returns  the names of the queues forgotten
  Events   none
]]
local before = NOW - tonumber(ARGV[2])
local forgotten = {}
for _, queue in ipairs(redis.call('SMEMBERS', KEYS[5])) do
  local used = redis.call('ZSCORE', KEYS[6], queue)
  if not used then
    redis.call('ZADD', KEYS[6], NOW, queue)
  elseif tonumber(used) < before and redis.call('EXISTS', queue_key(queue, 'ready'), queue_key(queue, 'delayed'),
      queue_key(queue, 'leased'), queue_key(queue, 'held')) == 0 then
    redis.call('SREM', KEYS[5], queue)
    redis.call('ZREM', KEYS[6], queue)
    redis.call('DEL', queue_key(queue, 'wake'))
    forgotten[#forgotten + 1] = queue
  end
end
return forgotten
