--[[
  revoke: a waiting execution is taken out of its queue and marked revoked at once, so it never runs even
  if no worker is up; a running one is flagged and its worker told at its next heartbeat.

  KEYS     1-6 as in the prelude (the hash and its queue's sets are built from KEYS[1])
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  id
  ARGV[3]  reason
  ARGV[4]  result TTL, seconds
  Returns  {code, state}: code 1 revoked, 2 stop requested (running), 0 already terminal, -1 unknown id; after a
           revoke, the workflow members it released (a link_error callback, a chord calling on failure) as triples
           id, queue, delay ms (workflow.lua's WF_READY)
  Events   revoked | revoke_requested
]]
local id, reason, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local h = task_key(id)
local f = redis.call('HMGET', h, 'state', 'queue')
local state, queue = f[1], f[2]
if not state then
  return {-1, ''}
end
if state == 'pending' or state == 'retrying' then
  unqueue(queue, id) -- also out of `held`, if a limit held it back (limits.lua)
  wf_unwait(id, h) -- a workflow member waiting for its predecessors (workflow.lua)
  redis.call('HSET', h, 'state', 'revoked', 'reason', reason, 'finished', ms(NOW))
  redis.call('EXPIRE', h, ttl)
  emit(id, 'revoked', 'reason', reason, 'finished', ms(NOW))
  workflow_ended(id, ttl) -- canvas: a waiting member's successors (workflow.lua)
  unique_release(id, 'end') -- a unique task's lock (unique.lua)
  return wf_with_ready({1, 'revoked'})
end
if state == 'running' then
  redis.call('HSET', h, 'revoke', '1', 'reason', reason)
  emit(id, 'revoke_requested', 'reason', reason)
  return {2, state}
end
return {0, state}
