/**
 * The budget store's Redis scripts. Keys (one hash slot per user): KEYS[1] a hash of counters
 * (`settled`, `reserved`, `m:<YYYY-MM>`), KEYS[2] a sorted set of reservation ids by expiry (ms, Redis
 * time), KEYS[3] a hash of reservation id → amount. Amounts are integer micro-dollars (exact in Lua's
 * doubles below 2^53, i.e. $9 billion) and travel as decimal strings. Every script first sweeps
 * expired reservations and ends by pushing the keys' expiry out (ARGV[1]).
 */
const PRELUDE = `
-- HINCRBY refuses '-0' (and a zero does nothing): every counter moves through add().
local function add(key, field, delta)
  delta = tonumber(delta)
  if delta ~= 0 then redis.call('HINCRBY', key, field, string.format('%.0f', delta)) end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, rid in ipairs(expired) do
  local amt = redis.call('HGET', KEYS[3], rid)
  if amt then
    add(KEYS[1], 'reserved', -tonumber(amt))
    redis.call('HDEL', KEYS[3], rid)
  end
  redis.call('ZREM', KEYS[2], rid)
end
local function num(v) if v then return tonumber(v) else return 0 end end
local function str(n) return string.format('%.0f', n) end
local function keep()
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
local function drop(rid)
  local amt = redis.call('HGET', KEYS[3], rid)
  if amt then
    add(KEYS[1], 'reserved', -tonumber(amt))
    redis.call('HDEL', KEYS[3], rid)
    redis.call('ZREM', KEYS[2], rid)
    return true
  end
  return false
end
`;

/**
 * ARGV: keepMs, id, amount, ttlMs, month, balance, monthSpend, settledSeen, monthSettledSeen, cap ('' = none).
 * Returns {status (1 ok, 0 balance, 2 cap), available, monthCommitted} (see decideReservation).
 */
export const RESERVE_LUA = `${PRELUDE}
local mf = 'm:' .. ARGV[5]
-- Counters that do not exist yet start from what the caller has seen (see budget.ts).
redis.call('HSETNX', KEYS[1], 'settled', ARGV[8])
redis.call('HSETNX', KEYS[1], mf, ARGV[9])
local settled = tonumber(redis.call('HGET', KEYS[1], 'settled'))
local monthSettled = tonumber(redis.call('HGET', KEYS[1], mf))
local seenS = tonumber(ARGV[8])
local seenM = tonumber(ARGV[9])
local reserved = num(redis.call('HGET', KEYS[1], 'reserved'))
local amount = tonumber(ARGV[3])
local available = tonumber(ARGV[6]) - math.max(0, settled - seenS) - reserved
local committed = tonumber(ARGV[7]) + math.max(0, monthSettled - seenM) + reserved
local status = 1
if available < amount then
  status = 0
elseif ARGV[10] ~= '' and committed + amount > tonumber(ARGV[10]) then
  status = 2
else
  if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
    redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[2])
    add(KEYS[1], 'reserved', ARGV[3])
  end
  available = available - amount
  committed = committed + amount
end
keep()
return {status, str(available), str(committed)}
`;

/**
 * ARGV: keepMs, id, charged, month. Releases the reservation and counts the charge, once: a settle of
 * a reservation no longer held (settled before, or swept) counts nothing, so a retry is safe (the
 * charge is in the log, which the callers' memory folds).
 */
export const SETTLE_LUA = `${PRELUDE}
if drop(ARGV[2]) then
  add(KEYS[1], 'settled', ARGV[3])
  add(KEYS[1], 'm:' .. ARGV[4], ARGV[3])
end
keep()
return 1
`;

/** ARGV: keepMs, id, charged, month. Takes a settled charge back from started counters. */
export const UNSETTLE_LUA = `${PRELUDE}
if redis.call('HEXISTS', KEYS[1], 'settled') == 1 then
  add(KEYS[1], 'settled', -tonumber(ARGV[3]))
end
if redis.call('HEXISTS', KEYS[1], 'm:' .. ARGV[4]) == 1 then
  add(KEYS[1], 'm:' .. ARGV[4], -tonumber(ARGV[3]))
end
return 1
`;

/** ARGV: keepMs, id. */
export const RELEASE_LUA = `${PRELUDE}
drop(ARGV[2])
return 1
`;

/** ARGV: keepMs, month. Returns {settled, monthSettled, reserved}; '' for a counter not started. */
export const SNAPSHOT_LUA = `${PRELUDE}
return {
  redis.call('HGET', KEYS[1], 'settled') or '',
  redis.call('HGET', KEYS[1], 'm:' .. ARGV[2]) or '',
  str(num(redis.call('HGET', KEYS[1], 'reserved')))
}
`;
