--[[
  settle: records how leased executions ended. The fencing token is checked here: a report from a worker
  whose lease was taken over (a zombie) changes nothing and is recorded as stale. A retry of an execution revoked
  while it ran ends it revoked, with the revoke's reason.

  KEYS     1-6 as in the prelude, 7-8 the limits hash and lim:due (limits.lua); hashes and queue sets are built
           from KEYS[1]
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  worker id (of the reporter)
  ARGV[3]  result TTL, seconds
  ARGV[4..] per execution, 7 values: id, token, outcome, a, b, c, d
            success: a = result JSON
            failure: a = exception type, b = message, c = traceback
            retry:   a = delay ms, b = exception type, c = message, d = traceback
            revoked: a = reason
  Returns  per execution: 1 settled (or settled already by this same report, sent again after its answer was lost:
           `settled` holds its lease's token), 0 stale (token or state no longer match); then, for the workflow
           members the joins made ready or delayed, triples id, queue, delay ms (workflow.lua's WF_READY)
  Events   succeeded (alike ones, as of tasks that return nothing, as one entry: emit_alike) | failed (with the
           task name, for subscribers) | retrying | revoked; stale (worker, outcome);
           a workflow member's successors: joined | cancelled (workflow.lua)
]]
local reporter, ttl = ARGV[2], tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV, 7 do
  local id, token, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local a, b, c, d = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local h = task_key(id)
  local f = redis.call('HMGET', h, 'state', 'token', 'queue', 'task', 'wf', 'unique', 'unique_at', 'settled', 'revoke')
  if f[1] ~= 'running' and f[8] == token then
    -- This very report, sent again: its first call was taken but its answer was lost (a reply cut off, or a batch
    -- whose call for another partition failed). Taken already: not a zombie's report.
    out[#out + 1] = 1
  elseif f[1] ~= 'running' or f[2] ~= token then
    local stale = redis.call('HINCRBY', h, 'stale', 1)
    if not f[1] then
      redis.call('EXPIRE', h, ttl) -- the hash had expired: the count alone must not stay for ever
    end
    emit(id, 'stale', 'worker', reporter, 'outcome', outcome, 'stale', stale)
    out[#out + 1] = 0
  else
    local queue = f[3]
    if outcome == 'retry' and f[9] == '1' then
      -- Revoked while it ran, and it failed before its worker heard of it: it ends revoked, not retried (it would
      -- show retrying for its whole backoff, to be revoked only by the lease that met it then).
      outcome = 'revoked'
    end
    redis.call('ZREM', queue_key(queue, 'leased'), id)
    limits_free(id, h) -- its cap slots, also when it retries later (limits.lua)
    local now = ms(NOW)
    -- Each outcome's HSET names the lease whose report it took (`settled`): a repeat of that report is no zombie's.
    if outcome == 'success' then
      redis.call('HSET', h, 'state', 'success', 'result', a, 'finished', now, 'progress', 100, 'settled', token)
      redis.call('EXPIRE', h, ttl)
      emit_alike(id, 'succeeded', 'result', a, 'finished', now)
    elseif outcome == 'failure' then
      redis.call('HSET', h, 'state', 'failed', 'exc', a, 'message', b, 'traceback', c, 'finished', now,
        'settled', token)
      redis.call('EXPIRE', h, ttl)
      emit(id, 'failed', 'task', f[4], 'exc', a, 'message', b, 'traceback', c, 'finished', now)
    elseif outcome == 'retry' then
      local due = NOW + tonumber(a)
      local retries = redis.call('HINCRBY', h, 'retries', 1)
      redis.call('HSET', h, 'state', 'retrying', 'token', '', 'eta', ms(due), 'ready', ms(due), 'exc', b,
        'message', c, 'traceback', d, 'settled', token)
      redis.call('ZADD', queue_key(queue, 'delayed'), due, id)
      wake(queue)
      emit(id, 'retrying', 'retries', retries, 'eta', ms(due), 'exc', b, 'message', c, 'traceback', d)
    else
      local reason = redis.call('HGET', h, 'reason') or a
      redis.call('HSET', h, 'state', 'revoked', 'reason', reason, 'finished', now, 'settled', token)
      redis.call('EXPIRE', h, ttl)
      emit(id, 'revoked', 'reason', reason, 'finished', now)
    end
    if outcome ~= 'retry' then
      workflow_ended(id, ttl, f[5]) -- canvas: the join, in this same script (workflow.lua)
      unique_release(id, 'end', f[6], f[7]) -- a unique task's lock (unique.lua)
    end
    out[#out + 1] = 1
  end
end
emit_run()
return wf_with_ready(out)
