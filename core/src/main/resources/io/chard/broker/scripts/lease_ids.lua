--[[
  lease_ids: leases the named executions (a queue trigger such as SQS handed their ids to a short-lived
  worker), each only if it is waiting and due. The rules are lease's: revoked or expired executions are ended
  instead, and an execution whose lease lapsed (its worker died) is taken back first.

  KEYS     1-6 as in the prelude (every id is of this partition; its hash and queue keys share the tag),
           7 the partition's paused set, 8-9 the limits hash and lim:due (limits.lua)
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  worker id
  ARGV[3]  lease duration, ms
  ARGV[4]  result TTL, seconds (for executions that expire here)
  ARGV[5]  fit, ms: as lease's ARGV[6] (0 = no check)
  ARGV[6]  run budget, ms, for an execution without a time limit (as lease's ARGV[7])
  ARGV[7..] execution ids
  Returns  per id, 8 values: id, code, token, deliveries, retries, envelope JSON, waited (ms the execution waited to
           start, -1 unknown), lapsed (its queue when its lease had lapsed and was taken back first, else ''); code is
           one of
           leased   (the rest describe the lease)
           running  another worker holds a live lease on it
           ended    finished, failed or revoked (revoked now if it was revoked or expired while waiting)
           waiting  a workflow step whose predecessors have not ended: the join releases it, and that release
                    tells the trigger again (a message naming it now is stale or duplicated)
           unknown  no such execution (never existed, or its result TTL passed)
           not_due  delayed: token holds the due time, ms since the epoch
           no_fit   its time limit (or the budget) exceeds the fit
           held     nothing starts while the stream holds half of chard.events.max-length (events_held)
           paused   its queue is paused (it keeps its place; the timer drain leases it after the resume)
           limited  a rate limit or cap holds it back: parked until the limit has room (limits.lua)
           After the ids' answers, the workflow members this call made ready or delayed: triples id, queue, delay
           ms (workflow.lua's WF_READY: the error callback of a member that expired or was revoked while waiting).
  Events   started (alike ones as one entry: emit_alike), revoked (expired or revoked while waiting),
           lease_expired
]]
local worker, lease_ms, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fit, budget = tonumber(ARGV[5]), tonumber(ARGV[6])
local out = {}

local lapsed_from = ''

local function answer(id, code, token, deliveries, retries, env, waited_ms)
  out[#out + 1] = id
  out[#out + 1] = code
  out[#out + 1] = token or ''
  out[#out + 1] = deliveries or 0
  out[#out + 1] = retries or 0
  out[#out + 1] = env or ''
  out[#out + 1] = waited_ms or -1
  out[#out + 1] = lapsed_from
end

local held = events_held()
for i = 7, #ARGV do
  local id = ARGV[i]
  local h = task_key(id)
  local f = redis.call('HMGET', h, 'state', 'queue', 'expires', 'env', 'deliveries', 'retries', 'revoke', 'reason',
    'limit', 'ready', 'waiting')
  local state, queue = f[1], f[2]
  lapsed_from = ''
  if not state then
    answer(id, 'unknown')
  elseif held then
    answer(id, 'held')
  else
    local ready, delayed, leased = queue_key(queue, 'ready'), queue_key(queue, 'delayed'), queue_key(queue, 'leased')
    if state == 'running' then
      local until_ms = tonumber(redis.call('ZSCORE', leased, id))
      if until_ms and until_ms < NOW then
        -- Its worker went silent past the lease (a function killed at its timeout): take it back, as lease does.
        take_back(id, h, queue, until_ms)
        f[10] = ms(until_ms)
        lapsed_from = queue
        state = 'pending'
      end
    end
    local due = tonumber(redis.call('ZSCORE', delayed, id))
    local limit = tonumber(f[9]) or 0
    if limit <= 0 then limit = budget end
    if state == 'running' then
      answer(id, 'running')
    elseif state ~= 'pending' and state ~= 'retrying' then
      answer(id, 'ended')
    elseif f[11] == '1' then
      -- In no queue set until its join releases it; leased now, it would run before its predecessors (with their
      -- results unfilled) and again once released.
      answer(id, 'waiting')
    elseif due and due > NOW then
      answer(id, 'not_due', ms(due))
    else
      local reason = refusal(f[7], f[8], f[3])
      if reason then
        unqueue(queue, id)
        redis.call('HSET', h, 'state', 'revoked', 'reason', reason, 'finished', ms(NOW))
        redis.call('EXPIRE', h, ttl)
        emit(id, 'revoked', 'reason', reason, 'finished', ms(NOW))
        workflow_ended(id, ttl)
        unique_release(id, 'end')
        answer(id, 'ended')
      elseif paused(queue) then
        answer(id, 'paused')
      elseif fit > 0 and limit > fit then
        answer(id, 'no_fit')
      elseif not limits_admit(id, h, queue) then -- admitted: its start is counted and the branch below runs
        redis.call('ZREM', ready, id)
        redis.call('ZREM', delayed, id)
        answer(id, 'limited')
      else
        unqueue(queue, id) -- held back before, it may be in `held` still (limits.lua)
        -- As lease's tokens: the counter, the worker and the server clock, unique across a lost write.
        local token = ms(redis.call('INCR', KEYS[4])) .. ':' .. worker .. '@' .. clock[1]
          .. string.format('%06d', tonumber(clock[2]))
        local deliveries = tonumber(f[5]) + 1
        redis.call('HSET', h, 'state', 'running', 'token', token, 'worker', worker, 'started', ms(NOW),
          'heartbeat', ms(NOW), 'deliveries', deliveries)
        redis.call('ZADD', leased, NOW + lease_ms, id)
        emit_alike(id, 'started', 'worker', worker, 'deliveries', deliveries, 'retries', f[6])
        unique_release(id, 'start')
        answer(id, 'leased', token, deliveries, tonumber(f[6]), f[4], waited(f[10]))
      end
    end
  end
end
emit_run()
return wf_with_ready(out)
