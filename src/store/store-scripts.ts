import { createHash } from 'node:crypto';

/**
 * The Lua scripts of the Redis store: each request's reads in one script and
 * its writes in another, so a Responses call is at most two round trips
 * however long its conversation. Keys under the prefix P, for tenant T:
 *
 *   P r:T:id        hash  v (the turn, JSON), p (previous id), i (item ids, space-separated)
 *   P i:T:item      string the id of the turn holding this output item
 *   P t:T:call      string signed thinking (JSON) of that tool call
 *   P lru:r|t       zset  member T:id, score = last use (µs): the LRU order
 *   P size:r|t      hash  member → bytes; P bytes:r|t  the sum
 *
 * A turn and its item keys expire together, `ttl` after the turn's last use
 * (PEXPIRE on every read); thinking expires `ttl` after it was written. The
 * bounds are kept on each write: members idle past the TTL are swept (at most
 * 100 a write), then the least recently used go until entries and bytes fit.
 * The scripts compute the keys they touch, so Redis Cluster is not supported
 * (one primary, with replicas or Sentinel, is).
 */

const PRELUDE = `
local P, T = ARGV[1], ARGV[2]
-- Microseconds: two calls never share a score, so the LRU order is the order of use.
local clock = redis.call('TIME')
local now = clock[1] * 1000000 + clock[2]

local function touch(id, ttl)
  local member = T .. ':' .. id
  local key = P .. 'r:' .. member
  local f = redis.call('HMGET', key, 'v', 'p', 'i')
  if not f[1] then return nil end
  redis.call('PEXPIRE', key, ttl)
  redis.call('ZADD', P .. 'lru:r', 'XX', now, member)
  for item in string.gmatch(f[3], '%S+') do redis.call('PEXPIRE', P .. 'i:' .. T .. ':' .. item, ttl) end
  return f
end

local function drop(kind, member)
  local size = redis.call('HGET', P .. 'size:' .. kind, member)
  redis.call('ZREM', P .. 'lru:' .. kind, member)
  redis.call('HDEL', P .. 'size:' .. kind, member)
  if size then redis.call('DECRBY', P .. 'bytes:' .. kind, size) end
  local key = P .. kind .. ':' .. member
  if kind == 'r' then
    local items = redis.call('HGET', key, 'i')
    if items then
      local at = string.find(member, ':', 1, true)
      local tenant, id = string.sub(member, 1, at - 1), string.sub(member, at + 1)
      for item in string.gmatch(items, '%S+') do
        local itemKey = P .. 'i:' .. tenant .. ':' .. item
        if redis.call('GET', itemKey) == id then redis.call('DEL', itemKey) end
      end
    end
  end
  return redis.call('DEL', key)
end
`;

/** ARGV: P, T, turnTtl, chainFrom ('' for none), itemCount, itemIds..., callIds... → {missing, chain (newest first), items, thinking}. */
const READ = `${PRELUDE}
local ttl = tonumber(ARGV[3])
local chain, seen, missing = {}, {}, 0
local id = ARGV[4]
while id ~= '' do
  local f = (not seen[id]) and touch(id, ttl)
  if not f then missing = 1 break end
  seen[id] = true
  chain[#chain + 1] = f[1]
  id = f[2]
end
local n = tonumber(ARGV[5])
local items = {}
for k = 6, 5 + n do
  local owner = redis.call('GET', P .. 'i:' .. T .. ':' .. ARGV[k])
  local f = owner and touch(owner, ttl)
  items[#items + 1] = f and f[1] or ''
end
local thinking = {}
for k = 6 + n, #ARGV do
  local member = T .. ':' .. ARGV[k]
  local v = redis.call('GET', P .. 't:' .. member)
  if v then redis.call('ZADD', P .. 'lru:t', 'XX', now, member) end
  thinking[#thinking + 1] = v or ''
end
return {missing, chain, items, thinking}
`;

/**
 * ARGV: P, T, then the turn: id ('' for none), previous id, item ids (space-separated), bytes, value, ttl, maxEntries, maxBytes;
 * then thinking: ttl, maxEntries, maxBytes, bytes, value, callIds... (none for no thinking).
 */
const WRITE = `${PRELUDE}
local function bound(kind, ttl, maxEntries, maxBytes)
  local lru = P .. 'lru:' .. kind
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', lru, '-inf', now - ttl * 1000, 'LIMIT', 0, 100)) do drop(kind, member) end
  while redis.call('ZCARD', lru) > maxEntries or tonumber(redis.call('GET', P .. 'bytes:' .. kind) or '0') > maxBytes do
    local oldest = redis.call('ZRANGE', lru, 0, 0)[1]
    if not oldest then break end
    drop(kind, oldest)
  end
end

local function keep(kind, member, bytes)
  redis.call('ZADD', P .. 'lru:' .. kind, now, member)
  redis.call('HSET', P .. 'size:' .. kind, member, bytes)
  redis.call('INCRBY', P .. 'bytes:' .. kind, bytes)
end

if ARGV[3] ~= '' then
  local id, bytes, ttl, maxBytes = ARGV[3], tonumber(ARGV[6]), tonumber(ARGV[8]), tonumber(ARGV[10])
  local member = T .. ':' .. id
  drop('r', member)
  if bytes <= maxBytes then
    local key = P .. 'r:' .. member
    redis.call('HSET', key, 'v', ARGV[7], 'p', ARGV[4], 'i', ARGV[5])
    redis.call('PEXPIRE', key, ttl)
    for item in string.gmatch(ARGV[5], '%S+') do redis.call('SET', P .. 'i:' .. T .. ':' .. item, id, 'PX', ttl) end
    keep('r', member, bytes)
  end
  bound('r', ttl, tonumber(ARGV[9]), maxBytes)
end
if #ARGV >= 16 then
  local ttl, bytes = tonumber(ARGV[11]), tonumber(ARGV[14])
  for k = 16, #ARGV do
    local member = T .. ':' .. ARGV[k]
    drop('t', member)
    redis.call('SET', P .. 't:' .. member, ARGV[15], 'PX', ttl)
    keep('t', member, bytes)
  end
  bound('t', ttl, tonumber(ARGV[12]), tonumber(ARGV[13]))
end
return 1
`;

/** ARGV: P, T, id, ttl → the turn's value, or nil. */
const GET = `${PRELUDE}
local f = touch(ARGV[3], tonumber(ARGV[4]))
return f and f[1]
`;

/** ARGV: P, T, id → 1 when it was there. */
const DELETE = `${PRELUDE}
local member = T .. ':' .. ARGV[3]
if redis.call('EXISTS', P .. 'r:' .. member) == 0 then return 0 end
drop('r', member)
return 1
`;

/** ARGV (no prefix or tenant): key, token → 1 when the lock was this holder's and is released. */
const UNLOCK = `
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`;

/**
 * ARGV (no prefix or tenant): key, ttl, then name, at, json for each record
 * sent → the whole table (HGETALL). A record is kept where it is newer than
 * the one stored (`at|json`); the table expires `ttl` after its last sync.
 */
const MERGE = `
local key = ARGV[1]
for i = 3, #ARGV, 3 do
  local stored = redis.call('HGET', key, ARGV[i])
  local at = tonumber(ARGV[i + 1])
  if not stored or (tonumber(string.match(stored, '^(%d+)|')) or 0) < at then
    redis.call('HSET', key, ARGV[i], ARGV[i + 1] .. '|' .. ARGV[i + 2])
  end
end
redis.call('PEXPIRE', key, ARGV[2])
return redis.call('HGETALL', key)
`;

export interface Script {
  text: string;
  sha: string;
}

const script = (text: string): Script => ({ text, sha: createHash('sha1').update(text).digest('hex') });

export const SCRIPTS = {
  read: script(READ),
  write: script(WRITE),
  get: script(GET),
  delete: script(DELETE),
  unlock: script(UNLOCK),
  merge: script(MERGE),
} as const;
