// Redis Lua scripts: one EVALSHA per admission check (atomic check-and-reserve across every limit of
// the request) and one per batch of settles/releases (settle-batch.ts). Semantics match MemoryStore
// exactly (see windows.ts).
// Sliding keys are hashes: field "s" = sum, "t" = oldest live bucket, "<n>" = bucket n.

/** KEYS: one per op. ARGV: now, then per op 6 values: type, limit, cost, p1, p2, id. */
export const RESERVE_LUA = `
local now = tonumber(ARGV[1])
local n = #KEYS
local remaining = {}
-- Sliding keys known to have their "t" field (read once here, not again when reserving).
local has_t = {}
local function used_of(i)
  local b = 2 + (i - 1) * 6
  local typ = ARGV[b]
  local k = KEYS[i]
  local p1 = tonumber(ARGV[b + 3])
  local p2 = tonumber(ARGV[b + 4])
  if typ == 's' then
    local lo = math.floor(now / p1) - p2 + 1
    local ts = redis.call('HMGET', k, 't', 's')
    local t = tonumber(ts[1] or lo)
    local sum = tonumber(ts[2] or 0)
    if ts[1] then has_t[k] = true end
    if t < lo then
      if lo - t > p2 then
        local all = redis.call('HGETALL', k)
        sum = 0
        for j = 1, #all, 2 do
          local f = all[j]
          if f ~= 's' and f ~= 't' then
            local bi = tonumber(f)
            if bi < lo then redis.call('HDEL', k, f) else sum = sum + tonumber(all[j + 1]) end
          end
        end
      else
        for j = t, lo - 1 do
          local v = redis.call('HGET', k, tostring(j))
          if v then
            sum = sum - tonumber(v)
            redis.call('HDEL', k, tostring(j))
          end
        end
      end
      redis.call('HSET', k, 't', lo, 's', sum)
      has_t[k] = true
    end
    return sum
  elseif typ == 'c' then
    return tonumber(redis.call('GET', k) or 0)
  else
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
    return redis.call('ZCARD', k)
  end
end
for i = 1, n do
  local b = 2 + (i - 1) * 6
  local limit = tonumber(ARGV[b + 1])
  local cost = tonumber(ARGV[b + 2])
  local used = used_of(i)
  remaining[i] = limit - used
  if used + cost > limit then
    local typ = ARGV[b]
    local p1 = tonumber(ARGV[b + 3])
    local p2 = tonumber(ARGV[b + 4])
    local retry = 1000
    if typ == 'c' then
      retry = math.max(1, p1 - now)
    elseif typ == 's' then
      local k = KEYS[i]
      local need = used + cost - limit
      local lo = math.floor(now / p1) - p2 + 1
      local acc = 0
      retry = p1 * p2
      for j = lo, lo + p2 - 1 do
        local v = redis.call('HGET', k, tostring(j))
        if v then
          acc = acc + tonumber(v)
          if acc >= need then
            retry = math.max(1, (j + p2) * p1 - now)
            break
          end
        end
      end
    end
    return {0, i - 1, retry, remaining}
  end
end
for i = 1, n do
  local b = 2 + (i - 1) * 6
  local typ = ARGV[b]
  local k = KEYS[i]
  local cost = tonumber(ARGV[b + 2])
  local p1 = tonumber(ARGV[b + 3])
  local p2 = tonumber(ARGV[b + 4])
  remaining[i] = remaining[i] - cost
  if typ == 's' then
    local bk = math.floor(now / p1)
    -- The TTL is renewed by the first reservation of each bucket (the bucket then holds exactly
    -- this cost): the key outlives its newest bucket by twice the window.
    if redis.call('HINCRBY', k, tostring(bk), cost) == cost then
      redis.call('PEXPIRE', k, p1 * p2 * 2)
    end
    redis.call('HINCRBY', k, 's', cost)
    if not has_t[k] then
      redis.call('HSET', k, 't', bk - p2 + 1)
      has_t[k] = true
    end
  elseif typ == 'c' then
    -- A period counter expires an hour after its period ends: set once, when it is created.
    if redis.call('INCRBY', k, cost) == cost then
      redis.call('PEXPIRE', k, math.max(1, p1 - now) + 3600000)
    end
  else
    redis.call('ZADD', k, now + p1, ARGV[b + 5])
    redis.call('PEXPIRE', k, p1 * 2)
  end
end
return {1, -1, 0, remaining}
`;

/** KEYS: one per held line. ARGV per line 4 values: type, bucket, delta, id. */
export const ADJUST_LUA = `
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 4
  local typ = ARGV[b]
  local k = KEYS[i]
  local d = tonumber(ARGV[b + 2])
  if typ == 's' then
    local t = tonumber(redis.call('HGET', k, 't') or '-1')
    local bk = tonumber(ARGV[b + 1])
    if d ~= 0 and t ~= -1 and bk >= t then
      redis.call('HINCRBY', k, ARGV[b + 1], d)
      redis.call('HINCRBY', k, 's', d)
    end
  elseif typ == 'c' then
    if d ~= 0 and redis.call('EXISTS', k) == 1 then redis.call('INCRBY', k, d) end
  elseif d < 0 then
    redis.call('ZREM', k, ARGV[b + 3])
  end
end
return 1
`;
