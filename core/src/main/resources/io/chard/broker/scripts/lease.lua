--[[
  lease: hands a worker up to `max` executions from its queues, in queue order, highest priority first.
  On the way it moves due delayed executions to ready and takes back leases whose deadline passed (their
  worker went silent), so no separate reaper is needed. Revoked and expired executions are never leased, nor is
  anything of a paused queue (its housekeeping still runs), nor what a rate limit or cap holds back (limits.lua
  parks it until the limit has room).

  KEYS     1-6 as in the prelude, 7 the partition's paused set, then per queue in ARGV order: ready, delayed,
           leased, wake; last the limits hash and lim:due (limits.lua)
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  worker id
  ARGV[3]  lease duration, ms
  ARGV[4]  max executions to lease
  ARGV[5]  result TTL, seconds (for executions that expire here)
  ARGV[6]  fit, ms: lease only executions whose hard time limit (field `limit`, set at enqueue), or else
           ARGV[7], is at most this (0 = no such check; a short-lived worker passes the time it has left)
  ARGV[7]  run budget, ms, assumed for an execution without a time limit when ARGV[6] is set
  ARGV[8..] queue names
  Returns  {wait_ms, leased, lapsed per queue (in ARGV order), id1, token1, deliveries1, retries1, env1, waited1,
           id2, ..., then the workflow members this call made ready or delayed, triples id, queue, delay ms
           (workflow.lua's WF_READY: an expired member's error callback)}; wait_ms is how long until the next delayed
           execution is due or (for a long-lived worker, no fit) a lease may lapse (-1: nothing scheduled);
           leased, how many executions follow (six values each); lapsed, how many leases of that queue lapsed and
           were taken back in this call (leasing.lua); waited, how long the execution waited to start, ms (-1:
           unknown)
  Events   started (worker, deliveries; alike ones as one entry: emit_alike), revoked (reason expired, or the
           revoke reason of an execution revoked while running whose lease then lapsed), lease_expired (worker);
           none, and nothing leased, while the stream holds half of chard.events.max-length (events_held: no
           recorder drains it)
]]
local out = {-1, 0}
for _ = 8, #ARGV do
  out[#out + 1] = 0
end
if events_held() then
  return out
end
limits_due() -- rate windows that opened, caps rechecked: their held executions back to ready (limits.lua)
local worker, lease_ms, max, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local fit, budget = tonumber(ARGV[6]), tonumber(ARGV[7])
-- A short-lived worker (a fit set) reads the ready set in place instead of popping it: what does not fit stays
-- where it is, unwritten, and the scan steps past it. (It popped them, put them back, and stopped at 100: fitting
-- work queued behind 100 that never fit was never reached by a drain; and putting back a few thousand in one ZADD
-- broke Lua's unpack after the pop.) A scan steps past this many from the head, then as many again from where the
-- last scan that went that far stopped (`q:<queue>:skip`, the id of the last one it stepped past), and leaves the
-- queue for the call: the head is always read first, and fitting work behind thousands that never fit is reached
-- a thousand further each call instead of never. A scan that reads to the end deletes the mark.
local MAX_SKIPPED = 1000
-- Executions popped and not leased (held back by a limit, or ended as expired or revoked) cost a few writes each;
-- past this many a queue is left until the next call (the answer says to come back at once), so a backlog of a
-- rate-limited task, or of expired work, is passed over in steps instead of blocking Redis in one call.
local MAX_PASSED = 1000
local taken = 0
local wait = -1

local function sooner(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    local in_ms = math.max(0, tonumber(first[2]) - NOW)
    if wait < 0 or in_ms < wait then wait = in_ms end
  end
end

for q = 8, #ARGV do
  local queue = ARGV[q]
  local skipped = 0
  local passed = 0
  local offset = 0 -- where a short-lived worker's scan reads next: what it stepped past stays in place
  local stretch = 0 -- stepped past since the scan started, or since it jumped to the mark
  local last_unfit, jumped, cut = nil, false, false
  local ready, delayed, leased = queue_key(queue, 'ready'), queue_key(queue, 'delayed'), queue_key(queue, 'leased')

  for _, id in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', NOW, 'LIMIT', 0, 1000)) do
    redis.call('ZREM', delayed, id)
    redis.call('ZADD', ready, ready_score(tonumber(redis.call('HGET', task_key(id), 'priority'))), id)
  end

  local lapsed = redis.call('ZRANGEBYSCORE', leased, '-inf', NOW, 'WITHSCORES', 'LIMIT', 0, 1000)
  for i = 1, #lapsed, 2 do
    take_back(lapsed[i], task_key(lapsed[i]), queue, tonumber(lapsed[i + 1]))
  end
  out[q - 5] = #lapsed / 2 -- out[3] for the first queue (ARGV[8])

  local open = not paused(queue)
  while open and taken < max do
    local popped
    if fit > 0 then
      popped = redis.call('ZRANGE', ready, offset, offset + max - taken - 1, 'WITHSCORES')
    else
      popped = redis.call('ZPOPMIN', ready, max - taken)
    end
    if #popped == 0 then
      if jumped then redis.call('DEL', queue_key(queue, 'skip')) end -- read to the end: from the head next time
      break
    end
    -- One counter step per popped batch: base+1..base+n number this call's fencing tokens. The counter alone
    -- can roll back with the lease (a lost write), so a token also names the worker and the server's clock
    -- in microseconds: a lease handed out again after a rollback never repeats a lost token.
    local base = redis.call('INCRBY', KEYS[4], #popped / 2) - #popped / 2
    local stamp = worker .. '@' .. clock[1] .. string.format('%06d', tonumber(clock[2]))
    for i = 1, #popped, 2 do
      local id = popped[i]
      local h = task_key(id)
      local f = redis.call('HMGET', h, 'state', 'expires', 'env', 'deliveries', 'retries', 'revoke', 'reason',
        'limit', 'ready', 'unique', 'unique_at')
      local limit = tonumber(f[8]) or 0
      if limit <= 0 then limit = budget end
      local waiting = f[1] == 'pending' or f[1] == 'retrying'
      local reason = waiting and refusal(f[6], f[7], f[2])
      -- What will never start is ended whether it fits or not: skipped, an expired execution stayed pending for
      -- as long as only drains served its queue.
      local unfit = fit > 0 and limit > fit and waiting and not reason
      if fit > 0 and not unfit then
        redis.call('ZREM', ready, id) -- read in place: taken out here, as the pop takes out the rest
      end
      if unfit then
        skipped, stretch, offset, last_unfit = skipped + 1, stretch + 1, offset + 1, id
      elseif waiting then
        if reason then
          -- Revoked while it ran (its worker then died) or expired while waiting: never started again.
          redis.call('HSET', h, 'state', 'revoked', 'reason', reason, 'finished', ms(NOW))
          redis.call('EXPIRE', h, ttl)
          emit(id, 'revoked', 'reason', reason, 'finished', ms(NOW))
          workflow_ended(id, ttl) -- canvas: an expired or revoked member still ends its join (workflow.lua)
          unique_release(id, 'end') -- a unique task's lock (unique.lua)
          passed = passed + 1
        elseif not limits_admit(id, h, queue) then -- held back by a rate limit or cap (limits.lua)
          passed = passed + 1
        else
          local token = ms(base + (i + 1) / 2) .. ':' .. stamp
          local deliveries = tonumber(f[4]) + 1
          redis.call('HSET', h, 'state', 'running', 'token', token, 'worker', worker, 'started', ms(NOW),
            'heartbeat', ms(NOW), 'deliveries', deliveries)
          redis.call('ZADD', leased, NOW + lease_ms, id)
          emit_alike(id, 'started', 'worker', worker, 'deliveries', deliveries, 'retries', f[5])
          unique_release(id, 'start', f[10], f[11])
          out[#out + 1] = id
          out[#out + 1] = token
          out[#out + 1] = deliveries
          out[#out + 1] = tonumber(f[5])
          out[#out + 1] = f[3]
          out[#out + 1] = waited(f[9])
          taken = taken + 1
        end
      end
    end
    if passed >= MAX_PASSED then cut = true break end
    if stretch >= MAX_SKIPPED then
      if jumped then
        -- Kept a day, so drains a few minutes apart still move on (a mark whose execution left is read past);
        -- the expiry only cleans up after a queue gone for good.
        redis.call('SET', queue_key(queue, 'skip'), last_unfit, 'PX', 86400000)
        cut = true
        break
      end
      local mark = redis.call('GET', queue_key(queue, 'skip'))
      local rank = mark and redis.call('ZRANK', ready, mark)
      if rank and rank >= offset then offset = rank + 1 end
      jumped, stretch = true, 0
    end
  end

  -- When this worker skipped executions that do not fit, it leaves the wake-up to their enqueue (another
  -- worker leases them within its poll interval): waking itself would spin it, round after round.
  -- A paused queue wakes nobody: its resume does.
  if open and skipped == 0 and redis.call('ZCARD', ready) > 0 then
    wake(queue)
    wait = 0
  end
  -- A scan cut at a bound (what it stepped past, or what it ended or held back), not at the queue's end, may have
  -- fitting work behind: this caller comes back at once (the mark, or the queue's shrinking, moves the next scan
  -- on), and wakes nobody else. Answered as no work, a drain counted itself dry and
  -- ended with its time unused, a thousand further each invocation.
  if cut then wait = 0 end
  sooner(delayed)
  -- Another worker's lease lapses only if that worker dies, and a renewed one never does: a short-lived worker
  -- waiting for it never counted itself dry (a timer drain ran to its deadline, every invocation, while any
  -- task of its queues ran elsewhere). The next drain or a long-lived worker takes back what does lapse.
  if fit == 0 then sooner(leased) end
end
if LIMITS_PENDING then sooner(LIMITS_DUE) end
emit_run()
out[1] = wait
out[2] = taken
return wf_with_ready(out)
