// The Lua scripts that make a cluster's counters atomic: each runs whole inside Redis, so no two nodes see the
// same room. They keep the in-process semantics (src/ratelimit/limiter.ts, src/metering/budgets.ts) exactly:
// fixed one-minute windows that open at a scope's first use, concurrency slots, budget reserve and settle. Time is
// Redis's own (TIME), one clock for every node.
import type { Redis } from 'ioredis';

/** Window helpers shared by the rate-limit scripts: add opens a window at first use, remove never goes below 0. */
const WINDOWS = `
local windowMs = tonumber(ARGV[1])
local function add(key, points)
  local used = redis.call('INCRBY', key, points)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, windowMs) end
  return used
end
local function remove(key, points)
  local v = redis.call('GET', key)
  if v then
    local left = tonumber(v) - points
    if left < 0 then left = 0 end
    redis.call('SET', key, left, 'KEEPTTL')
  end
end
`;

/**
 * KEYS: per limit, its requests window, tokens window and concurrency set. ARGV: window ms, hold ms (how long a
 * concurrency slot outlives a node that died holding it), request id, then per limit: requests per minute, tokens
 * per minute, concurrent (-1 for none) and the tokens it counts. Returns [index of the limit hit (0: admitted),
 * what it hit, then per limit: requests used, ms left, tokens used, ms left].
 */
const ADMIT = `${WINDOWS}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holdMs = tonumber(ARGV[2])
local id = ARGV[3]
local n = #KEYS / 3
local function arg(i, k) return tonumber(ARGV[3 + (i - 1) * 4 + k]) end
local function key(i, k) return KEYS[(i - 1) * 3 + k] end
local function leave(i) if arg(i, 3) >= 0 then redis.call('ZREM', key(i, 3), id) end end
local function take(i)
  local rpm, tpm, conc, counted = arg(i, 1), arg(i, 2), arg(i, 3), arg(i, 4)
  if conc >= 0 then
    redis.call('ZREMRANGEBYSCORE', key(i, 3), '-inf', now)
    if redis.call('ZCARD', key(i, 3)) >= conc then return 'concurrent' end
    redis.call('ZADD', key(i, 3), now + holdMs, id)
    redis.call('PEXPIRE', key(i, 3), holdMs)
  end
  if rpm >= 0 and add(key(i, 1), 1) > rpm then
    remove(key(i, 1), 1)
    leave(i)
    return 'requests'
  end
  if tpm >= 0 and add(key(i, 2), counted) > tpm then
    remove(key(i, 2), counted)
    if rpm >= 0 then remove(key(i, 1), 1) end
    leave(i)
    return 'tokens'
  end
  return false
end
local function giveBack(i)
  if arg(i, 1) >= 0 then remove(key(i, 1), 1) end
  if arg(i, 2) >= 0 then remove(key(i, 2), arg(i, 4)) end
  leave(i)
end
local at, hit = 0, ''
for i = 1, n do
  local h = take(i)
  if h then
    at, hit = i, h
    for j = 1, i - 1 do giveBack(j) end
    break
  end
end
local out = { at, hit }
for i = 1, n do
  for k = 1, 2 do
    out[#out + 1] = tonumber(redis.call('GET', key(i, k)) or '0')
    local ttl = redis.call('PTTL', key(i, k))
    if ttl < 0 then ttl = 0 end
    out[#out + 1] = ttl
  end
end
return out
`;

/**
 * KEYS as for ADMIT. ARGV: window ms, request id, then per limit: whether it holds a concurrency slot (1/0) and the
 * tokens to add (positive) or take back (negative) now that the request's use is known ('' for no token limit).
 */
const RELEASE = `${WINDOWS}
local id = ARGV[2]
for i = 1, #KEYS / 3 do
  if ARGV[2 + (i - 1) * 2 + 1] == '1' then redis.call('ZREM', KEYS[(i - 1) * 3 + 3], id) end
  local d = ARGV[2 + (i - 1) * 2 + 2]
  if d ~= '' then
    d = tonumber(d)
    if d > 0 then add(KEYS[(i - 1) * 3 + 2], d) elseif d < 0 then remove(KEYS[(i - 1) * 3 + 2], -d) end
  end
end
return 1
`;

/**
 * Holds: each reservation is also a hold in KEYS[2] (a sorted set: hold id by the time it lapses) with its amount in
 * the month's hash (field "h:<id>"). A node killed while holding reservations never settles them: once lapsed, the
 * next reserve gives their room back, so a dead node cannot keep a budget spent for the rest of the month.
 */
const HOLDS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Gives a hold's room back, once: only the call that removes the hold from the set does.
local function release(id)
  if redis.call('ZREM', KEYS[2], id) == 0 then return end
  local amount = redis.call('HGET', KEYS[1], 'h:' .. id)
  redis.call('HDEL', KEYS[1], 'h:' .. id)
  if amount and amount ~= '0' then redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. amount) end
end
`;

/**
 * KEYS[1]: the scope's month (hash: spent, reserved, h:<hold id>); KEYS[2]: its holds. ARGV: amount, limit, hard
 * (1/0), hold id, hold ms. Returns [-1] when the month is not loaded yet (its spent comes from the ledger),
 * [0, spent, reserved] when a hard budget has no room, else [1]. Amounts stay strings where Redis adds them
 * (HINCRBY: exact 64-bit); the comparison is exact below 2^53 micro-units.
 */
const RESERVE = `${HOLDS}
local spent = redis.call('HGET', KEYS[1], 'spent')
if not spent then return { -1 } end
local now = now_ms()
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do release(id) end
local reserved = redis.call('HGET', KEYS[1], 'reserved') or '0'
if ARGV[3] == '1' and tonumber(spent) + tonumber(reserved) + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  return { 0, spent, reserved }
end
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[1])
redis.call('HSET', KEYS[1], 'h:' .. ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return { 1 }
`;

/** KEYS[1] as for RESERVE. ARGV: what the ledger holds for the month, ttl s. The first node to load it wins. */
const LOAD = `
redis.call('HSETNX', KEYS[1], 'spent', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return redis.call('HGET', KEYS[1], 'spent')
`;

/**
 * KEYS as for RESERVE. ARGV: the hold id, the true price. The hold's room comes back unless it lapsed (and came back)
 * already; the price is spent either way. A month no longer held is left alone.
 */
const SETTLE = `${HOLDS}
if redis.call('HEXISTS', KEYS[1], 'spent') == 0 then return 0 end
release(ARGV[1])
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
return 1
`;

type Reply = Array<string | number>;
/** A budget month's hash and its holds. */
export type BudgetKeys = readonly [month: string, holds: string];
/** A reservation's hold: its id, and how long it outlives a node that dies holding it. */
export interface Hold {
  id: string;
  ms: number;
}
type Args = Array<string | number>;

/** The scripts as commands of a connection (ioredis runs them by SHA, loading them when Redis does not know them). */
export interface CounterScripts {
  conduitAdmit(keys: string[], args: Args): Promise<Reply>;
  conduitRelease(keys: string[], args: Args): Promise<number>;
  conduitReserve(keys: BudgetKeys, amount: string, limit: string, hard: string, hold: Hold): Promise<Reply>;
  conduitLoadBudget(key: string, spent: string, ttlSeconds: number): Promise<string>;
  conduitSettle(keys: BudgetKeys, holdId: string, actual: string): Promise<number>;
}

type Raw = (...args: Array<string | number>) => Promise<unknown>;

export function counterScripts(redis: Redis): CounterScripts {
  redis.defineCommand('conduitAdmit', { lua: ADMIT });
  redis.defineCommand('conduitRelease', { lua: RELEASE });
  redis.defineCommand('conduitReserve', { numberOfKeys: 2, lua: RESERVE });
  redis.defineCommand('conduitLoadBudget', { numberOfKeys: 1, lua: LOAD });
  redis.defineCommand('conduitSettle', { numberOfKeys: 2, lua: SETTLE });
  const command = (name: string) => (redis as unknown as Record<string, Raw>)[name]!.bind(redis);
  const [admit, release, reserve, load, settle] = [
    command('conduitAdmit'),
    command('conduitRelease'),
    command('conduitReserve'),
    command('conduitLoadBudget'),
    command('conduitSettle'),
  ];
  return {
    // A script with a variable number of keys takes the count first.
    conduitAdmit: (keys, args) => admit(keys.length, ...keys, ...args) as Promise<Reply>,
    conduitRelease: (keys, args) => release(keys.length, ...keys, ...args) as Promise<number>,
    conduitReserve: (keys, amount, limit, hard, hold) =>
      reserve(...keys, amount, limit, hard, hold.id, hold.ms) as Promise<Reply>,
    conduitLoadBudget: (key, spent, ttl) => load(key, spent, ttl) as Promise<string>,
    conduitSettle: (keys, holdId, actual) => settle(...keys, holdId, actual) as Promise<number>,
  };
}
