--[[
  enqueue: stores executions and routes each to its queue's ready set, or to delayed when due later.

  KEYS     1-6 as in the prelude, then for each queue named: ready, delayed, leased, wake; then each
           idempotency key ({tag}:idem:<key>) and unique lock ({tag}:idem:u:<...>, see unique.lua)
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  idempotency window, seconds
  ARGV[3..] per execution, 13 values:
            id, queue, priority (0-9), due_ms (0 = now), expires_ms (0 = never), idempotency key ('' = none),
            queued_ms, task name, envelope JSON, hard time limit ms (0 = none; read by lease's fit check),
            unique lock name ('' = none), its release ('start', 'end' or '' = TTL only), its TTL ms (0 = none)
  Returns   per execution: the id that stands for it (an earlier one for a duplicate idempotency key, or the
            holder of its unique lock; the idempotency key then names that holder too),
            then 1 if created, 0 if a duplicate; or {'full', stream length}, storing nothing, while the event
            stream holds a third of chard.events.max-length (no recorder drains it: see events_full)
  Events    enqueued (env)
]]
local full = events_full()
if full then
  return {'full', full}
end
local window = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 13 do
  local id, queue, priority = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local due, expires, key = tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5]
  local idem = key ~= '' and prefix .. 'idem:' .. key
  local existing = idem and redis.call('GET', idem) or unique_holder(ARGV[i + 10])
  if idem then
    redis.call('SET', idem, existing or id, 'EX', window, 'NX')
  end
  if existing then
    out[#out + 1] = existing
    out[#out + 1] = 0
  else
    local h = task_key(id)
    local score = ready_score(priority)
    redis.call('HSET', h, 'env', ARGV[i + 8], 'task', ARGV[i + 7], 'state', 'pending', 'queue', queue,
      'priority', priority, 'score', score, 'expires', expires, 'queued', ARGV[i + 6], 'deliveries', 0, 'retries', 0,
      'limit', ARGV[i + 9], 'ready', ms(math.max(due, NOW)))
    route(queue, id, h, due, score)
    unique_take(id, h, ARGV[i + 10], ARGV[i + 11], tonumber(ARGV[i + 12]))
    emit(id, 'enqueued', 'env', ARGV[i + 8], 'eta', due > NOW and ms(due) or '')
    out[#out + 1] = id
    out[#out + 1] = 1
  end
end
return out
