-- workflow.lua: the join of canvas workflows (chain, group, chord), an include prepended after the prelude to
-- the scripts that end executions (settle, revoke, lease). `workflow_ended(id, ttl[, wf])` is called once, in the same
-- script, right after an execution reached success, failed or revoked, so no separate step can be lost by a crash.
-- enqueue_workflow includes it too, for `wf_release` (a redrive's member that waits for no re-run step).
--
-- A member hash of a workflow carries `wf` (the workflow id) and `succ`: its successors, comma-separated
-- `<id>|<slot>|<mode>`, mode `next` (a chain's next step or a `link` callback: runs on success), `fail` or `call`
-- (a chord's callback, by its on_member_failure) or `error` (a `link_error` callback: runs when the member failed
-- or was revoked, its value the two arguments `"<id>",{error}`; cancelled when it succeeded). A successor waits as a `pending` hash with `waiting` = 1 in no queue set, `need` = the
-- predecessors still running, `join` = how it takes their values (`one`: the single value as first argument,
-- `list`: the values in slot order as a list, `none`: immutable) and `slots`. Values wait in {tag}:j:<id>.
-- The workflow hash {tag}:wf:<wf> counts its members not ended (`left`) and expires with the last of them.
local WF_INPUT = '"$chard:input$"'
-- An error callback's placeholder takes the places of both its values (its template holds it twice; one written by
-- an earlier version holds it once, and is spliced at that one).
local WF_INPUT_PAIR = WF_INPUT .. ',' .. WF_INPUT
local WF_CHUNK = 1000
-- The members this call made ready or delayed, as triples id, queue, delay ms: every script that includes this file
-- returns them after its own answer, so the caller tells a queue trigger (SQS) of them, as a dispatch does.
local WF_READY = {}

local function wf_ready(id, queue, delay)
  WF_READY[#WF_READY + 1] = id
  WF_READY[#WF_READY + 1] = queue
  WF_READY[#WF_READY + 1] = delay
end

-- `answer` with WF_READY's triples after it.
local function wf_with_ready(answer)
  for _, v in ipairs(WF_READY) do answer[#answer + 1] = v end
  return answer
end

-- A per-key limit's key (the envelope's `limit-key` header) taken from the value a join hands on: the dispatcher
-- computed it from the placeholder, so every step of every workflow shared one key. As FlowLimits.key makes it: a
-- string as it is, "" for null, else the value's own JSON text. (Never re-encoded: cjson keeps 14 digits of a
-- number, reorders objects, and refuses a number past a double's range, which failed the settle after its writes.)
local WF_INPUT_KEY = '"limit-key":' .. WF_INPUT

-- A whole number's text as FlowLimits.numberText writes it (1.0, 1e0, 1.0E7, -0.0: 1, 1, 10000000, 0); else its own.
local function wf_whole(text)
  local sign, int, frac, exp = string.match(text, '^(%-?)(%d+)%.?(%d*)[eE]?([+-]?%d*)$')
  if not sign then return text end
  local shift = (tonumber(exp) or 0) - #frac
  local digits = (string.gsub(int .. frac, '^0+', ''))
  while string.sub(digits, -1) == '0' do digits, shift = string.sub(digits, 1, -2), shift + 1 end
  if digits == '' then return '0' end
  if shift < 0 or #digits + shift > 40 then return text end
  return (sign == '-' and '-' or '') .. digits .. string.rep('0', shift)
end

local function wf_limit_key(env, input)
  local s, e = string.find(env, WF_INPUT_KEY, 1, true)
  if not s then return env end
  -- The first argument: the value itself, or (an error callback's two) the failed execution's id.
  local ok, args = pcall(cjson.decode, '[' .. input .. ']')
  local v, key = ok and args[1], input
  if v == cjson.null then key = ''
  elseif type(v) == 'string' then key = v
  elseif type(v) == 'number' then key = wf_whole(input) end
  return string.sub(env, 1, s - 1) .. '"limit-key":' .. cjson.encode(key) .. string.sub(env, e + 1)
end

local function wf_release(id, h)
  local f = redis.call('HMGET', h, 'join', 'slots', 'env', 'queue', 'priority', 'delay', 'expires_in')
  local env, jkey = f[3], prefix .. 'j:' .. id
  if f[1] == 'one' or f[1] == 'list' then
    local n, parts = tonumber(f[2]), {}
    -- HMGET in chunks: Lua's unpack stops at about 8,000 values (a chord may have 10,000 members).
    for first = 0, n - 1, WF_CHUNK do
      local fields = {}
      for slot = first, math.min(n, first + WF_CHUNK) - 1 do fields[#fields + 1] = tostring(slot) end
      for _, v in ipairs(redis.call('HMGET', jkey, unpack(fields))) do parts[#parts + 1] = v or 'null' end
    end
    local input = f[1] == 'one' and parts[1] or ('[' .. table.concat(parts, ',') .. ']')
    local s, e = string.find(env, WF_INPUT_PAIR, 1, true)
    if not s then s, e = string.find(env, WF_INPUT, 1, true) end
    if s then env = wf_limit_key(string.sub(env, 1, s - 1) .. input .. string.sub(env, e + 1), input) end
  end
  redis.call('DEL', jkey)
  local priority = tonumber(f[5])
  local score = ready_score(priority)
  redis.call('HSET', h, 'env', env, 'score', score)
  -- The envelope before the splice stays as `tmpl`: a redrive re-runs this member with other values.
  if env ~= f[3] then redis.call('HSET', h, 'tmpl', f[3]) end
  redis.call('HDEL', h, 'waiting', 'need')
  local delay = tonumber(f[6]) or 0
  -- Its task's default expiry counts from now, as a dispatch's from the dispatch (the envelope names none).
  local expires_in, expires = tonumber(f[7]) or 0, ''
  if expires_in > 0 then
    expires = ms(NOW + expires_in)
    redis.call('HSET', h, 'expires', expires)
  end
  emit(id, 'joined', 'env', env, 'expires', expires, 'eta', delay > 0 and ms(NOW + delay) or '')
  if delay > 0 then
    redis.call('ZADD', queue_key(f[4], 'delayed'), NOW + delay, id)
    redis.call('HSET', h, 'eta', ms(NOW + delay), 'ready', ms(NOW + delay))
    wake(f[4])
  else
    make_ready(f[4], id, score)
  end
  wf_ready(id, f[4], delay)
end

-- A waiting member ended before its release (cancelled, or revoked while it waited): the values handed to it so
-- far go, since nothing else would ever delete them, and it no longer waits.
local function wf_unwait(id, h)
  redis.call('HDEL', h, 'waiting', 'need')
  redis.call('DEL', prefix .. 'j:' .. id)
end

local function wf_left(wf, ttl)
  local key = prefix .. 'wf:' .. wf
  if redis.call('HINCRBY', key, 'left', -1) <= 0 then
    redis.call('EXPIRE', key, ttl)
  end
end

-- `wf`: the hash's `wf` when the caller read it in its own HMGET (settle does), nil to read it here.
local function workflow_ended(id, ttl, wf)
  if wf == nil then
    wf = redis.call('HGET', task_key(id), 'wf')
  end
  if not wf then return end
  -- Work list: each ended member hands its value (or its failure) to its successors; a cancelled successor
  -- is itself ended and hands the cancellation on, so a failure reaches every step after it, however nested.
  local todo = {{id = id, cause = nil}}
  while #todo > 0 do
    local item = table.remove(todo)
    local mh = task_key(item.id)
    local f = redis.call('HMGET', mh, 'wf', 'succ', 'state', 'result', 'exc', 'message', 'reason', 'task')
    wf_left(f[1], ttl)
    local state, cause = f[3], item.cause
    if state ~= 'success' and not cause then
      local detail = f[5] and (f[5] .. ': ' .. (f[6] or '')) or (f[7] or state)
      cause = item.id .. ' (' .. (f[8] or '?') .. ') ' .. state .. ': ' .. detail
    end
    local value, errback = f[4] or 'null', nil
    if state ~= 'success' then
      local err = {id = item.id, task = f[8], status = state, exc = f[5] or '', message = f[6] or f[7] or '',
        cause = cause}
      value = cjson.encode({error = err})
      -- Only the member's own failure calls its error callbacks; a cancelled member never ran.
      if state == 'failed' or state == 'revoked' then errback = cjson.encode(item.id) .. ',' .. cjson.encode(err) end
    end
    for entry in string.gmatch(f[2] or '', '[^,]+') do
      local sid, slot, mode = string.match(entry, '^([^|]+)|(%d+)|(%a+)$')
      local sh = task_key(sid)
      local s = redis.call('HMGET', sh, 'state', 'waiting')
      if s[1] == 'pending' and s[2] == '1' then
        local hand
        if mode == 'error' then hand = errback
        elseif state == 'success' or mode == 'call' then hand = value end
        if hand then
          redis.call('HSET', prefix .. 'j:' .. sid, slot, hand)
          if redis.call('HINCRBY', sh, 'need', -1) <= 0 then
            wf_release(sid, sh)
          end
        else
          local reason
          if mode == 'error' then
            reason = 'error callback not run: ' .. item.id .. ' (' .. (f[8] or '?') .. ') ended ' .. state
          else
            reason = (mode == 'next' and 'previous step ' or 'chord member ') .. cause
          end
          redis.call('HSET', sh, 'state', 'cancelled', 'reason', reason, 'finished', ms(NOW))
          wf_unwait(sid, sh)
          redis.call('EXPIRE', sh, ttl)
          emit(sid, 'cancelled', 'reason', reason, 'finished', ms(NOW))
          todo[#todo + 1] = {id = sid, cause = cause}
        end
      end
    end
  end
end
