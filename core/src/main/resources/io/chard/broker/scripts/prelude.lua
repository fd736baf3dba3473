-- Shared by every script (prepended at load time). All keys live under one hash tag, ARGV[1]
-- (for example "{chard}:"), so each script touches a single Redis Cluster slot.
local prefix = ARGV[1]
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

-- Appends one event to the stream the recorder drains. The entry's id (time-sequence, increasing) orders the
-- events of an execution and dates them, so no per-event counter is kept.
local function emit(id, kind, ...)
  redis.call('XADD', prefix .. 'events', '*', 'type', kind, 'id', id, ...)
end

-- One marker is enough: a woken worker leases a batch and re-wakes the next if work remains.
local function wake(queue)
  local key = queue_key(queue, 'wake')
  redis.call('LPUSH', key, '1')
  redis.call('LTRIM', key, 0, 0)
end

local function ready_score(priority)
  return (9 - priority) * BAND + redis.call('INCR', prefix .. 'seq')
end

-- Back into its queue at the place it had (its stored score), or at the end of its band.
local function make_ready(queue, id, score)
  redis.call('ZADD', queue_key(queue, 'ready'), score, id)
  wake(queue)
end
