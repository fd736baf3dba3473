--[[
  enqueue_workflow: stores every member of a canvas workflow in one step. Members with no predecessor go to
  their queue's ready (or delayed) set; the others wait as pending hashes with `waiting` = 1 in no queue set,
  until workflow.lua's join releases them (see workflow.lua for the member fields). A redrive is a new workflow
  whose members are the failed step and what follows it; the values of the steps it reuses are given at enqueue,
  so a member waiting for nothing else is released here. The member keeps where each given value came from
  (`from`): the reused step's `succ` names the member this one replaces, so a redrive of this redrive reads it.

  KEYS     1-6 as in the prelude, then for each queue named: ready, delayed, leased, wake; then {tag}:wf:<id>
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  workflow id (every member's root)
  ARGV[3]  the workflow's tree (JSON, read back by the API; a redrive's names the original as `redrive_of`)
  ARGV[4]  the workflow this one redrives ('' = none; same partition): refused once it was redriven or expired
  ARGV[5..] per member, 17 values then its given triples: id, queue, priority, due_ms (0 = now), expires_ms
            (0 = never), queued_ms, task, envelope JSON, join ('' = ready now, 'one', 'list', 'none'), slots,
            delay_ms and expires_in_ms (for a waiting member: its countdown and its default expiry, 0 = none, both
            counted from its release), successors (`<id>|<slot>|<mode>,...`),
            parent id ('' = none), group id ('' = none), time limit ms (0 = none; as enqueue's, for the lease's
            fit), k = how many slots are given; then k triples slot, id of the reused step it came from, value
  Returns  {n}: the number of members stored, then the members made ready or delayed as triples id, queue, delay
           ms (for a queue trigger); {0} when the workflow id exists already, {-1} when the workflow to redrive is
           gone, {-2} when it was redriven already, {'full', stream length} while the event stream holds a third
           of chard.events.max-length, as enqueue's (nothing written)
  Events   enqueued (env, eta, root, parent, group; the first member's also tree); joined for a member released
           at once
]]
local full = events_full()
if full then
  return {'full', full}
end
local wf, redrive = ARGV[2], ARGV[4]
local wfkey = prefix .. 'wf:' .. wf
if redis.call('EXISTS', wfkey) == 1 then
  return {0}
end
if redrive ~= '' then
  local original = prefix .. 'wf:' .. redrive
  if redis.call('EXISTS', original) == 0 then return {-1} end
  if redis.call('HSETNX', original, 'redriven', wf) == 0 then return {-2} end
end
local n, i, released = 0, 5, {}
while i <= #ARGV do
  local id, queue, priority = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local due, expires, join = tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 8]
  local given = tonumber(ARGV[i + 16])
  local h = task_key(id)
  local score = ready_score(priority)
  redis.call('HSET', h, 'env', ARGV[i + 7], 'task', ARGV[i + 6], 'state', 'pending', 'queue', queue,
    'priority', priority, 'score', score, 'expires', expires, 'queued', ARGV[i + 5], 'deliveries', 0,
    'retries', 0, 'wf', wf, 'succ', ARGV[i + 12], 'parent', ARGV[i + 13], 'group', ARGV[i + 14],
    'limit', ARGV[i + 15], 'ready', ms(math.max(due, NOW)))
  redis.call('SADD', KEYS[5], queue)
  if join ~= '' then
    local need = tonumber(ARGV[i + 9]) - given
    redis.call('HSET', h, 'waiting', 1, 'join', join, 'slots', ARGV[i + 9], 'need', need, 'delay', ARGV[i + 10],
      'expires_in', ARGV[i + 11])
    local from = {}
    for g = i + 17, i + 14 + 3 * given, 3 do
      redis.call('HSET', prefix .. 'j:' .. id, ARGV[g], ARGV[g + 2])
      from[#from + 1] = ARGV[g] .. '|' .. ARGV[g + 1]
    end
    if given > 0 then redis.call('HSET', h, 'from', table.concat(from, ',')) end
    if need <= 0 then released[#released + 1] = id end
  else
    route(queue, id, h, due, score)
    wf_ready(id, queue, math.max(due - NOW, 0))
  end
  -- The first member's event carries the tree, so the history keeps the workflow after Redis let it go.
  emit(id, 'enqueued', 'env', ARGV[i + 7], 'eta', (join == '' and due > NOW) and ms(due) or '', 'root', wf,
    'parent', ARGV[i + 13], 'group', ARGV[i + 14], 'tree', n == 0 and ARGV[3] or '')
  n = n + 1
  i = i + 17 + 3 * given
end
-- After every `enqueued`, so the history sees each member enqueued before it is joined.
for _, id in ipairs(released) do wf_release(id, task_key(id)) end
redis.call('HSET', wfkey, 'spec', ARGV[3], 'left', n, 'created', ms(NOW))
return wf_with_ready({n})
