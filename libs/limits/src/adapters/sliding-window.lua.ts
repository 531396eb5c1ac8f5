/**
 * One round trip per request: checks every window and counts the request only when all have room.
 * Time is Redis's own (TIME), so every gateway instance agrees on it; only a test passes its own
 * (ARGV[11], ms; empty in production) to move time through the windows. Exact sliding windows:
 *
 *   KEYS[1] zset  request log: one member per admitted request (member = sequence, score = ms)
 *   KEYS[2] zset  token log: member = "<sequence>:<tokens>", score = ms
 *   KEYS[3] hash  seq (member sequence), toksum (sum of the token log)
 *   ARGV    rpm rph rpd tpm (-1 = unlimited), their window lengths in ms, tokens, mode (check|record),
 *           now in ms or '' (then TIME)
 *
 * Returns {allowed, then per dimension rpm rph rpd tpm: used, resetMs, waitMs}; used and resetMs are
 * after this request when it was allowed; waitMs > 0 marks a dimension that refused it.
 */
export const SLIDING_WINDOW_LUA = `
local now = tonumber(ARGV[11])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) }
local windows = { tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]) }
local tpm = tonumber(ARGV[4])
local wTok = tonumber(ARGV[8])
local cost = tonumber(ARGV[9])
local check = ARGV[10] == 'check'
local function weight(member) return tonumber(string.match(member, ':(-?%d+)$')) end

local keep = 0
for i = 1, 3 do
  if limits[i] >= 0 and windows[i] > keep then keep = windows[i] end
end
if keep > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - keep)
else
  redis.call('DEL', KEYS[1])
end
local sum = 0
if tpm >= 0 then
  local cut = now - wTok
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cut)
  if #old > 0 then
    local freed = 0
    for _, m in ipairs(old) do freed = freed + weight(m) end
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cut)
    -- HINCRBY refuses '-0': expired entries that cancel out (a request and its correction) move nothing.
    if freed ~= 0 then redis.call('HINCRBY', KEYS[3], 'toksum', -freed) end
  end
  sum = tonumber(redis.call('HGET', KEYS[3], 'toksum') or '0')
  if sum < 0 then sum = 0 end
else
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[3], 'toksum')
end

local out = { 1 }
local allowed = true
local n = redis.call('ZCARD', KEYS[1])
local counts = {}
for i = 1, 3 do
  local L = limits[i]
  local used, reset, wait = -1, -1, 0
  if L >= 0 and check then
    local w = windows[i]
    local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - w), '+inf')
    reset = 0
    if count > 0 then
      reset = tonumber(redis.call('ZRANGE', KEYS[1], n - count, n - count, 'WITHSCORES')[2]) + w - now
    end
    if count + 1 > L then
      allowed = false
      wait = w
      if L > 0 then
        wait = tonumber(redis.call('ZRANGE', KEYS[1], n - L, n - L, 'WITHSCORES')[2]) + w - now
      end
    end
    used = count
    counts[i] = count
  end
  out[#out + 1] = used
  out[#out + 1] = reset
  out[#out + 1] = wait
end
local tokUsed, tokReset, tokWait = -1, -1, 0
if tpm >= 0 then
  tokUsed = sum
  tokReset = 0
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if #oldest > 0 then tokReset = tonumber(oldest[2]) + wTok - now end
  if check and sum + cost > tpm then
    allowed = false
    tokWait = wTok
    if cost <= tpm then
      local need = sum + cost - tpm
      local entries = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
      local freed = 0
      for j = 1, #entries, 2 do
        freed = freed + weight(entries[j])
        if freed >= need then
          tokWait = tonumber(entries[j + 1]) + wTok - now
          break
        end
      end
    end
  end
end
out[#out + 1] = tokUsed
out[#out + 1] = tokReset
out[#out + 1] = tokWait

if not allowed then
  out[1] = 0
  return out
end
local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
if check and keep > 0 then
  redis.call('ZADD', KEYS[1], now, seq)
  redis.call('PEXPIRE', KEYS[1], keep)
  for i = 1, 3 do
    if counts[i] ~= nil then
      local base = 2 + (i - 1) * 3
      out[base] = counts[i] + 1
      if out[base + 1] == 0 then out[base + 1] = windows[i] end
    end
  end
end
if tpm >= 0 and cost ~= 0 then
  redis.call('ZADD', KEYS[2], now, seq .. ':' .. cost)
  redis.call('HINCRBY', KEYS[3], 'toksum', cost)
  redis.call('PEXPIRE', KEYS[2], wTok)
  if check then
    out[11] = sum + cost
    if out[12] == 0 then out[12] = wTok end
  end
end
local ttl = keep
if wTok > ttl then ttl = wTok end
redis.call('PEXPIRE', KEYS[3], ttl)
return out
`;

/**
 * The same script behind a guard: KEYS[4] a hash and ARGV[12] a field of it that must exist, else
 * nothing is checked or counted and the reply is {-1} (see RedisFieldGuard).
 */
export const GUARDED_SLIDING_WINDOW_LUA = `
if redis.call('HEXISTS', KEYS[4], ARGV[12]) == 0 then return { -1 } end
${SLIDING_WINDOW_LUA}`;
