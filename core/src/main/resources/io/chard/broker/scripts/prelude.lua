-- Shared by every script (prepended at load time).
-- Keys: every script declares the keys known before the call, in this order:
--   KEYS[1] the partition's prefix, its anchor ("{chard}:" for partition 0, "{chard:3}:" for partition 3)
--   KEYS[2] events stream, KEYS[3] seq counter, KEYS[4] fence counter, KEYS[5] queues set,
--   KEYS[6] each queue's last use (zset: queue -> ms), then the script's own (listed in its header).
-- Keys that depend on stored state or on ids (an execution's hash, the sets of the queue it sits in) are built
-- here from KEYS[1] and so carry its hash tag: every key a script touches is in KEYS[1]'s slot, and a Redis
-- Cluster client routes the call to that slot's master. ARGV[1] repeats the prefix (ARGV positions unchanged).
local prefix = KEYS[1]
local clock = redis.call('TIME')
local NOW = clock[1] * 1000 + math.floor(clock[2] / 1000)
-- 2^42: each priority band holds 4.4e12 sequence numbers, and 9 bands stay below 2^53 (exact doubles).
local BAND = 4398046511104

local function ms(n)
  return string.format('%.0f', n)
end

local function task_key(id)
  return prefix .. 't:' .. id
end

local function queue_key(queue, part)
  return prefix .. 'q:' .. queue .. ':' .. part
end

-- Events that differ only in their execution, emitted one after another (a lease's `started`, a settle's
-- `succeeded` of tasks that returned nothing, a heartbeat), wait here as a run and go out as one entry: `id` the
-- first execution, `ids` all of them comma-separated, which the stream reader hands on as one event each. An entry
-- costs Redis an XADD and the recorder a decode whatever it lists, and a lease of 64 started 64 entries. A run
-- lists at most RUN_MOST, which bounds what one read of the stream brings (RedisEventStream: Redis counts
-- entries). A script that fails after it began a run loses the run's events (its earlier writes stay, as
-- Redis keeps them): the history then lacks those starts or ends, as it would lack them had the XADD failed.
local RUN_MOST = 32
local run_kind, run_fields, run_ids = nil, nil, {}

-- Writes the run waiting, if any. Every emit writes it first, so entries keep the order of the events; a script
-- that emits alike events calls it before it returns.
local function emit_run()
  if #run_ids == 0 then
    return
  end
  local entry = {'XADD', KEYS[2], '*', 'type', run_kind, 'id', run_ids[1]}
  for _, value in ipairs(run_fields) do
    entry[#entry + 1] = value
  end
  if #run_ids > 1 then
    entry[#entry + 1] = 'ids'
    entry[#entry + 1] = table.concat(run_ids, ',')
  end
  redis.call(unpack(entry))
  run_ids = {}
end

-- Appends one event to the stream the recorder drains. The entry's id (time-sequence, increasing) orders the
-- events of an execution and dates them, so no per-event counter is kept. HISTORY and EVENTS_MAX are set by
-- the loader (LuaScripts) from chard.history.enabled and chard.events.max-length: with the history off no event
-- is written at all.
local function emit(id, kind, ...)
  if HISTORY then
    emit_run()
    redis.call('XADD', KEYS[2], '*', 'type', kind, 'id', id, ...)
  end
end

-- As emit, but the event joins the run waiting when it is alike (same kind, same fields), and else starts one.
local function emit_alike(id, kind, ...)
  if not HISTORY then
    return
  end
  local fields = {...}
  local alike = #run_ids > 0 and #run_ids < RUN_MOST and run_kind == kind and #run_fields == #fields
  local i = 1
  while alike and i <= #fields do
    alike = run_fields[i] == fields[i]
    i = i + 1
  end
  if not alike then
    emit_run()
    run_kind, run_fields = kind, fields
  end
  run_ids[#run_ids + 1] = id
end

-- The stream's budget while no recorder drains it: EVENTS_MAX entries, shared out by what an event does. Each
-- check answers the stream's length when the share is used up, false while there is room.
--   events_full (a third): new work (enqueue) and live-only updates (heartbeat, progress; the hash keeps them).
--   events_held (a half): starting an execution (lease, lease_ids: `started`, and the `lease_expired` or
--     `revoked` their housekeeping writes), so a retry or a redelivery waits for room like a new dispatch.
--   Everything else is owed by an execution already running (its one outcome: succeeded, failed, retrying,
--   revoked, released; a join's joined or cancelled) or comes from an operator (revoke, stale reports) and is
--   always written. So the stream passes half of EVENTS_MAX only by the executions running at that moment (one
--   outcome each, plus their workflow fan-out): the cap holds while those stay below the other half.
local function events_over(share)
  if not HISTORY then
    return false
  end
  local length = redis.call('XLEN', KEYS[2])
  if length >= EVENTS_MAX * share then
    return length
  end
  return false
end

local function events_full()
  return events_over(1 / 3)
end

local function events_held()
  return events_over(1 / 2)
end

-- One marker is enough: a woken worker leases a batch and re-wakes the next if work remains. Work entering a
-- queue (dispatch, retry, join, release, what a lease left) is its use: the queue is registered (the monitor
-- lists it) and the time kept, so forget_queues removes only queues no work entered for the retention.
local woken = {}
local function wake(queue)
  -- Once per queue and call: a second wake changes nothing (one marker, the same NOW), and a batch of 1,000
  -- enqueues into one queue would otherwise pay these four commands 1,000 times (half the enqueue's commands).
  if woken[queue] then
    return
  end
  woken[queue] = true
  redis.call('SADD', KEYS[5], queue)
  redis.call('ZADD', KEYS[6], NOW, queue)
  local key = queue_key(queue, 'wake')
  redis.call('LPUSH', key, '1')
  redis.call('LTRIM', key, 0, 0)
end

local function ready_score(priority)
  return (9 - priority) * BAND + redis.call('INCR', KEYS[3])
end

-- Into its queue's ready set at `score` (the place it had, or the end of its band), without touching the hash.
local function to_ready(queue, id, score)
  redis.call('ZADD', queue_key(queue, 'ready'), score, id)
  wake(queue)
end

-- Back into its queue at the place it had (its stored score), or at the end of its band. The hash's `ready` (ms)
-- says since when the execution waits to start: the lease scripts answer how long that was (the wait-time metric).
-- Whoever gives an execution a due time writes `ready` = that time in the same HSET (enqueue, a retry, a delayed
-- join), so the delayed -> ready move in lease writes nothing.
local function make_ready(queue, id, score)
  redis.call('HSET', task_key(id), 'ready', ms(NOW))
  to_ready(queue, id, score)
end

-- Out of every set of its queue that holds a waiting execution: ready, delayed, and `held` (an index of the
-- executions a rate limit or cap holds back, kept beside the limits' own wait sets: see limits.lua).
local function unqueue(queue, id)
  redis.call('ZREM', queue_key(queue, 'ready'), id)
  redis.call('ZREM', queue_key(queue, 'delayed'), id)
  redis.call('ZREM', queue_key(queue, 'held'), id)
end

-- A paused queue keeps accepting dispatches and its housekeeping (due delayed -> ready, lapsed leases back) runs,
-- but nothing of it is leased until it is resumed. The name sits in every partition's `paused` set (a script
-- reads only its own slot, so the pause writes each partition); lease and lease_ids declare the set.
local function paused(queue)
  return redis.call('SISMEMBER', prefix .. 'paused', queue) == 1
end

-- Why a waiting execution must never start: its revoke reason (revoked while no worker ran it, or while it ran
-- and its worker then died), 'expired' once its `expires` passed, or false. Lease and lease by id both ask.
local function refusal(revoked, reason, expires)
  if revoked == '1' then
    return reason or 'revoked'
  end
  expires = tonumber(expires) or 0
  if expires > 0 and NOW > expires then
    return 'expired'
  end
  return false
end

-- A new execution into its queue: the delayed set when due later (its eta kept on the hash), else ready. The
-- caller's HSET of the new hash wrote `ready` = max(due, NOW) (see make_ready), one command fewer per dispatch.
local function route(queue, id, h, due, score)
  if due > NOW then
    redis.call('ZADD', queue_key(queue, 'delayed'), due, id)
    redis.call('HSET', h, 'eta', ms(due))
    wake(queue)
  else
    to_ready(queue, id, score)
  end
end
