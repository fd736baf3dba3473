--[[
  progress: records a running execution's progress, if the reporter still holds its lease.

  KEYS     1-6 as in the prelude (the execution's hash is built from KEYS[1])
  ARGV[1]  the prefix (= KEYS[1])
  ARGV[2]  id
  ARGV[3]  token
  ARGV[4]  percent (0-100)
  ARGV[5]  step label
  Returns  1 recorded, 0 stale
  Events   progress; none while the stream is full (events_full): the hash holds the latest, the history the
           last one written before (a success records 100)
]]
local id, token = ARGV[2], ARGV[3]
local h = task_key(id)
local f = redis.call('HMGET', h, 'state', 'token')
if f[1] ~= 'running' or f[2] ~= token then
  return 0
end
redis.call('HSET', h, 'progress', ARGV[4], 'step', ARGV[5])
if not events_full() then
  emit(id, 'progress', 'progress', ARGV[4], 'step', ARGV[5])
end
return 1
