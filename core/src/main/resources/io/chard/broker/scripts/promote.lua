--[[
  promote: an execution waiting for its due time (countdown, eta or retry backoff) joins its queue's ready set now,
  at the end of its priority band, as the lease script moves it once the time has come: an operator's "run now"
  or "retry now". The ZREM from the delayed set decides, so a lease that moved it first, a revoke, or a second
  click promote nothing twice.

  KEYS     1-6 as in the prelude (the hash and its queue's sets are built from KEYS[1])
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  id
  ARGV[3]  the retries the operator saw, or '' for any: fences the promotion to that wait, so a click that lands
           after this retry ran, failed and began the next backoff does not cut the next wait short
  Returns  {code, state, queue}: 1 promoted, 0 not waiting for a due time, -2 a later attempt waits now, -1 unknown
           id (state and queue empty)
  Events   promoted (eta: now, was: the due time it had)
]]
local id, seen = ARGV[2], ARGV[3]
local h = task_key(id)
local f = redis.call('HMGET', h, 'state', 'queue', 'priority', 'retries')
local state, queue = f[1], f[2]
if not state then
  return {-1, '', ''}
end
if state ~= 'pending' and state ~= 'retrying' then
  return {0, state, queue}
end
if seen ~= '' and (tonumber(f[4]) or 0) ~= tonumber(seen) then
  return {-2, state, queue}
end
local delayed = queue_key(queue, 'delayed')
local due = redis.call('ZSCORE', delayed, id)
if not due or redis.call('ZREM', delayed, id) == 0 then
  return {0, state, queue}
end
make_ready(queue, id, ready_score(tonumber(f[3]) or 5))
redis.call('HSET', h, 'eta', ms(NOW))
emit(id, 'promoted', 'eta', ms(NOW), 'was', due)
return {1, state, queue}
