-- unique.lua: the locks of unique tasks (@Task unique), an include of enqueue (which takes them) and of the scripts
-- where an execution starts or ends (lease, lease_ids: start and expiry; settle, revoke, purge: end). A lock is the
-- string {tag}:idem:u:<len>:<task>:<digest> naming the execution that holds it; it lives in that execution's
-- partition (the client mints the id in crc32(lock name) mod P). The hash keeps the lock's name in `unique` and its
-- release in `unique_at`: `start` (while pending) or `end` (while running); a lock for a period has neither and
-- lapses by its TTL alone.

-- The execution holding the lock `name` ('' = none asked), or false. A holder still waiting whose expiry passed
-- holds it no more: it will never start (the next lease call that meets it revokes it as expired), and it may wait
-- long before one does (held back by a rate limit or cap), so a dispatch answered by it would never run. The new
-- dispatch takes the lock over; the expired holder's release then leaves it alone (it names another execution).
local function unique_holder(name)
  if name == '' then return false end
  local holder = redis.call('GET', prefix .. 'idem:' .. name)
  if holder then
    local f = redis.call('HMGET', task_key(holder), 'state', 'expires')
    if (f[1] == 'pending' or f[1] == 'retrying') and refusal(nil, nil, f[2]) == 'expired' then
      return false
    end
  end
  return holder
end

local function unique_take(id, h, name, release_at, ttl_ms)
  if name == '' then return end
  local key = prefix .. 'idem:' .. name
  if ttl_ms > 0 then
    redis.call('SET', key, id, 'PX', ttl_ms)
  else
    redis.call('SET', key, id)
  end
  if release_at ~= '' then
    redis.call('HSET', h, 'unique', name, 'unique_at', release_at)
  end
end

-- The execution `id` has started (stage 'start') or ended ('end'). The lock goes only while it still names this
-- execution: one whose cap lapsed may since have been taken by another dispatch. The same rule, for test mode's
-- broker, is Unique#releasedBy. `name` and `at` are the hash's `unique` and `unique_at` when the caller read them
-- in its own HMGET (lease and settle do: one command fewer per execution on the hot path); nil reads them here.
local function unique_release(id, stage, name, at)
  if name == nil then
    local f = redis.call('HMGET', task_key(id), 'unique', 'unique_at')
    name, at = f[1], f[2]
  end
  if name and (stage == 'end' or at == 'start') then
    local key = prefix .. 'idem:' .. name
    if redis.call('GET', key) == id then
      redis.call('DEL', key)
    end
    redis.call('HDEL', task_key(id), 'unique', 'unique_at')
  end
end
