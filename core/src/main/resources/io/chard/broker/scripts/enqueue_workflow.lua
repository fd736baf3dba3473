--[[
  enqueue_workflow: stores every member of a canvas workflow in one step. Members with no predecessor go to
  their queue's ready (or delayed) set; the others wait as pending hashes with `waiting` = 1 in no queue set,
  until workflow.lua's join releases them (see workflow.lua for the member fields).

  KEYS     1-6 as in the prelude, then for each queue named: ready, delayed, leased, wake; then {tag}:wf:<id>
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  workflow id (every member's root)
  ARGV[3]  the workflow's tree (JSON, read back by the API)
  ARGV[4..] per member, 14 values: id, queue, priority, due_ms (0 = now), expires_ms (0 = never), queued_ms,
            task, envelope JSON, join ('' = ready now, 'one', 'list', 'none'), slots, delay_ms (for a waiting
            member: its countdown from release), successors (`<id>|<slot>|<mode>,...`), parent id ('' = none),
            group id ('' = none)
  Returns  the number of members stored; 0 when the workflow id exists already (nothing written)
  Events   enqueued (env, eta, root, parent, group)
]]
local wf = ARGV[2]
local wfkey = prefix .. 'wf:' .. wf
if redis.call('EXISTS', wfkey) == 1 then
  return 0
end
local n = 0
for i = 4, #ARGV, 14 do
  local id, queue, priority = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local due, expires, join = tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 8]
  local h = task_key(id)
  local score = ready_score(priority)
  redis.call('HSET', h, 'env', ARGV[i + 7], 'task', ARGV[i + 6], 'state', 'pending', 'queue', queue,
    'priority', priority, 'score', score, 'expires', expires, 'queued', ARGV[i + 5], 'deliveries', 0,
    'retries', 0, 'wf', wf, 'succ', ARGV[i + 11])
  redis.call('SADD', KEYS[5], queue)
  if join ~= '' then
    redis.call('HSET', h, 'waiting', 1, 'join', join, 'slots', ARGV[i + 9], 'need', ARGV[i + 9],
      'delay', ARGV[i + 10])
  else
    route(queue, id, h, due, score)
  end
  emit(id, 'enqueued', 'env', ARGV[i + 7], 'eta', (join == '' and due > NOW) and ms(due) or '', 'root', wf,
    'parent', ARGV[i + 12], 'group', ARGV[i + 13])
  n = n + 1
end
redis.call('HSET', wfkey, 'spec', ARGV[3], 'left', n, 'created', ms(NOW))
return n
