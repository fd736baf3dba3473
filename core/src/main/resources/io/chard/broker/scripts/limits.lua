--[[
  limits.lua: cluster-wide rate limits and concurrency caps (an include of lease, lease_ids, settle, release).
  A limited task or queue is pinned to one partition (TaskClient mints its ids there), so this partition's
  scripts see every start and every end it has: the counts below are exact, not per worker.

  Keys (all in KEYS[1]'s slot; `limits` and `lim:due` are declared last by each including script, a limit's own
  keys depend on the execution's task, queue or key and are built here from KEYS[1]):
    limits              hash: 't:<task>' or 'q:<queue>' -> '<starts> <window ms> <cap> <per key>' (0 = none; per
                        key 1: the task's limits hold for each value of its key argument apart, under the name
                        't:<task>\n<key>', the key taken from the envelope's `limit-key` header), written by every
                        worker at start-up (LimitDeclarations)
    lim:<name>:starts   zset: the starts of the last window, member '<id>@<ms>', score the start time (ms)
    lim:<name>:running  set: the executions holding one of the cap's slots
    lim:<name>:wait     zset: executions held back by this limit, scored by their ready score (their place)
    lim:due             zset: limit name -> when its held executions are looked at again (ms)
    q:<queue>:held      zset: every execution of the queue held back by any limit, scored as in the wait set: the
                        queue's depth counts them and its purge reaches them (a wait set names a limit, not a queue)
  An execution holding slots names them on its hash (`caps`, a JSON list), so its end frees exactly those.
  Events: none; a held execution stays `pending` (it was never started) and is in no ready or delayed set meanwhile.
  A held execution revoked, purged or leased by id leaves `held` at once (unqueue) and its wait set lazily
  (limit_release, which puts back only what is still in `held`).
]]
local LIMITS = prefix .. 'limits'
local LIMITS_DUE = prefix .. 'lim:due'
-- One EXISTS per call (a lease two: limits_due): a namespace without limits pays nothing else.
local LIMITED = redis.call('EXISTS', LIMITS) == 1
-- A held-back cap is looked at again after this long even if no end freed a slot (a slot freed by an expired
-- hash, say): its waiters cannot be forgotten.
local CAP_RECHECK = 5000

local function limit_key(name, part)
  return prefix .. 'lim:' .. name .. ':' .. part
end

local function limit_spec(name, spec)
  if not spec then
    return nil
  end
  local starts, window, cap, keyed = string.match(spec, '^(%d+) (%d+) (%d+) ?(%d?)$')
  return { name = name, starts = tonumber(starts), window = tonumber(window), cap = tonumber(cap),
    keyed = keyed == '1' }
end

-- A per-key limit's name is its task's and the key, after a newline (task names hold none): the spec is the task's.
local function limit_of(name)
  return limit_spec(name, redis.call('HGET', LIMITS, string.match(name, '^[^\n]*')))
end

-- Returns the execution of a lapsed lease (its worker went silent) to its place in its queue, ready since the
-- lease's deadline; the caller frees its cap slots. leasing.lua's take_back, and a full cap's recheck below.
local function return_lapsed(id, h, queue, deadline)
  redis.call('ZREM', queue_key(queue, 'leased'), id)
  local f = redis.call('HMGET', h, 'worker', 'score')
  redis.call('HSET', h, 'state', 'pending', 'token', '', 'ready', ms(deadline))
  redis.call('ZADD', queue_key(queue, 'ready'), f[2], id)
  emit(id, 'lease_expired', 'worker', f[1] or '')
end

-- A cap's member whose lease lapsed is taken back here, as its own queue's next lease would: a cap counts the
-- task's every queue, and a dead worker's slots on a queue no worker serves any more held the task back everywhere
-- for good. Taken back, not merely uncounted: the lease stayed with a late worker, whose next heartbeat renewed it,
-- and three ran under a cap of two. Its other caps' slots go too; their held executions wait for those caps'
-- recheck (limit_release comes later in this file).
local function take_back_lapsed(id, queue, deadline)
  local h = task_key(id)
  local caps = redis.call('HGET', h, 'caps')
  if caps then
    redis.call('HDEL', h, 'caps')
    for _, name in ipairs(cjson.decode(caps)) do
      redis.call('SREM', limit_key(name, 'running'), id)
    end
  end
  return_lapsed(id, h, queue, deadline)
end

-- The caps whose members this call has looked through already: a lease that holds back a thousand executions of a
-- full cap looked through its whole running set for each (a cap of 1,000 blocked Redis for 3.6 s). Once per call
-- is enough: what ends or lapses meanwhile is found by the next call.
local CAPS_SCANNED = {}

-- Room left under one limit right now (a large number when it sets no bound), and when it next grows when none.
local function limit_room(l)
  local room, again = math.huge, nil
  if l.cap > 0 then
    local running = limit_key(l.name, 'running')
    room = l.cap - redis.call('SCARD', running)
    if room <= 0 and not CAPS_SCANNED[l.name] then
      CAPS_SCANNED[l.name] = true
      -- A member whose execution no longer runs (its hash expired with it) gives its slot back here, and one whose
      -- lease lapsed is taken back (take_back_lapsed).
      for _, other in ipairs(redis.call('SMEMBERS', running)) do
        local f = redis.call('HMGET', task_key(other), 'state', 'queue')
        local deadline = f[1] == 'running' and f[2] and tonumber(redis.call('ZSCORE', queue_key(f[2], 'leased'), other))
        if f[1] ~= 'running' then
          redis.call('SREM', running, other)
          room = room + 1
        elseif deadline and deadline < NOW then
          take_back_lapsed(other, f[2], deadline)
          room = room + 1
        end
      end
    end
    if room <= 0 then again = NOW + CAP_RECHECK end
  end
  if l.starts > 0 then
    local starts = limit_key(l.name, 'starts')
    redis.call('ZREMRANGEBYSCORE', starts, '-inf', NOW - l.window)
    local left = l.starts - redis.call('ZCARD', starts)
    if left <= 0 then
      -- The window opens again when its oldest start leaves it.
      again = tonumber(redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')[2]) + l.window
    end
    room = math.min(room, left)
  end
  return room, again
end

-- Puts back into their queues up to `count` executions held by limit `name`, at their places.
local function limit_release(name, count)
  local wait = limit_key(name, 'wait')
  while count > 0 do
    local popped = redis.call('ZPOPMIN', wait)
    if #popped == 0 then
      return
    end
    local f = redis.call('HMGET', task_key(popped[1]), 'state', 'queue', 'revoke', 'reason', 'expires')
    -- Only an execution still held goes back. One revoked or expired meanwhile is dropped here (its hash says how
    -- it ended), and so is one leased by id since (lease_ids admits it without knowing this set): it may be
    -- waiting for a retry now, in its delayed set, and must not be made ready beside it.
    if f[2] and redis.call('ZREM', queue_key(f[2], 'held'), popped[1]) == 1
        and (f[1] == 'pending' or f[1] == 'retrying') then
      make_ready(f[2], popped[1], popped[2])
      -- One that expired (or was flagged revoked) while held goes back too, so the lease that meets it ends it, but
      -- it uses none of the room: it will not start, and the room is for one that will.
      if not refusal(f[3], f[4], f[5]) then
        count = count - 1
      end
    end
  end
end

local function limit_recheck(name, again)
  if redis.call('EXISTS', limit_key(name, 'wait')) == 1 then
    redis.call('ZADD', LIMITS_DUE, again or NOW, name)
  else
    redis.call('ZREM', LIMITS_DUE, name)
  end
end

-- Whether a held execution may be waiting for limits_due: a limit is declared, or a lifted one still holds some.
-- A deploy that lifts the namespace's last limit deletes the hash, and its waiters must still go back.
local LIMITS_PENDING = LIMITED

-- Lease: first, every limit whose window opened (or whose recheck is due) hands back as many held executions
-- as it has room for, so the round that follows can start them.
local function limits_due()
  LIMITS_PENDING = LIMITED or redis.call('EXISTS', LIMITS_DUE) == 1
  if not LIMITS_PENDING then
    return
  end
  for _, name in ipairs(redis.call('ZRANGEBYSCORE', LIMITS_DUE, '-inf', NOW, 'LIMIT', 0, 100)) do
    local l = limit_of(name)
    if l then
      local room, again = limit_room(l)
      limit_release(name, math.min(room, 1000))
      limit_recheck(name, again)
    else
      limit_release(name, 1000) -- the limit was lifted: its held executions go back at once
      limit_recheck(name, nil)
    end
  end
end

-- The specs of each queue and task pair met in this call: a batch of one task reads the limits hash once.
local limit_specs = {}

-- Whether a waiting execution may start now. If so, its start is counted and its slots taken (named on its
-- hash); if not, it leaves its queue for the wait set of the first limit that holds it back, and is not looked
-- at again until that limit has room (no head-of-line blocking, and not counted as late: it is not ready).
local function limits_admit(id, h, queue)
  if not LIMITED then
    return true
  end
  local f = redis.call('HMGET', h, 'task', 'score')
  local names = { 'q:' .. queue, 't:' .. (f[1] or '') }
  local pair = names[1] .. '\n' .. names[2]
  local specs = limit_specs[pair]
  if not specs then
    specs = redis.call('HMGET', LIMITS, names[1], names[2])
    limit_specs[pair] = specs
  end
  local limits = {}
  for i = 1, 2 do
    local l = limit_spec(names[i], specs[i])
    if l and l.keyed then
      -- Decoded only for a per-key limit: the key was computed once, by the dispatcher that pinned it here.
      local ok, env = pcall(cjson.decode, redis.call('HGET', h, 'env'))
      local headers = ok and type(env.headers) == 'table' and env.headers or {}
      l.name = l.name .. '\n' .. tostring(headers['limit-key'] or '')
    end
    limits[#limits + 1] = l
  end
  for _, l in ipairs(limits) do
    local room, again = limit_room(l)
    if room <= 0 then
      redis.call('ZADD', limit_key(l.name, 'wait'), f[2], id)
      redis.call('ZADD', queue_key(queue, 'held'), f[2], id)
      limit_recheck(l.name, again)
      return false
    end
  end
  local caps = {}
  for _, l in ipairs(limits) do
    if l.starts > 0 then
      local starts = limit_key(l.name, 'starts')
      redis.call('ZADD', starts, NOW, id .. '@' .. ms(NOW))
      redis.call('PEXPIRE', starts, l.window)
    end
    if l.cap > 0 then
      redis.call('SADD', limit_key(l.name, 'running'), id)
      caps[#caps + 1] = l.name
    end
  end
  if #caps > 0 then
    redis.call('HSET', h, 'caps', cjson.encode(caps)) -- a JSON list: a key's name may hold any character
  end
  return true
end

-- An execution stopped running (ended, retrying, released, or its lease lapsed): its slots are freed and one
-- execution held by each cap goes back to its queue.
local function limits_free(id, h)
  if not LIMITED then
    return
  end
  local caps = redis.call('HGET', h, 'caps')
  if caps then
    redis.call('HDEL', h, 'caps')
    for _, name in ipairs(cjson.decode(caps)) do
      redis.call('SREM', limit_key(name, 'running'), id)
      limit_release(name, 1)
    end
  end
end
