-- leasing.lua: what lease and lease_ids share (an include after limits.lua).

-- A lease whose deadline passed (its worker went silent) is taken back: the execution returns to its place in
-- its queue, ready since that deadline, and its cap slots are freed. The caller answers the lapse to the worker,
-- which counts it (chard_lease_expiries_total).
local function take_back(id, h, queue, deadline)
  limits_free(id, h)
  return_lapsed(id, h, queue, deadline)
end

-- How long an execution being leased has waited to start, ms, from its `ready` (see make_ready), on Redis' clock
-- alone: the worker adds the time from the lease to the start on its own clock, so no clock skew enters the
-- figure. -1 when the hash has no `ready` (stored before the field existed).
local function waited(ready)
  local since = tonumber(ready)
  if not since then
    return -1
  end
  return math.max(0, NOW - since)
end
