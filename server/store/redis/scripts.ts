/**
 * The named Lua scripts of the Redis store. Each is atomic in Redis, so a
 * hall's state, its events and its ticket records change together or not at
 * all. A script checks everything it can refuse on BEFORE its first write:
 * Redis does not roll back the writes of a script that fails half-way.
 *
 * Each script's header documents its KEYS and ARGV; the TypeScript side that
 * builds them is in halls.ts and accounts.ts, the key names in keys.ts.
 */
import type { ChainableCommander, Redis } from 'ioredis';

export const SCRIPTS = {
  /*
   * hallqCommitHall — compare-and-set of one hall: write a batch of updates
   * only if the hall's version is still the one they were computed from. The
   * whole of a committed command in one call (one round trip, issue 16).
   * KEYS[1] meta hash   KEYS[2] live tickets hash   KEYS[3] requests hash
   * KEYS[4] events stream   KEYS[5] ticket records hash
   * KEYS[6] the global ticket → hall index   KEYS[7..] per-day issued counters
   * ARGV[1] expected version        ARGV[2] new seq
   * ARGV[3] rest JSON               ARGV[4] config JSON ('' = unchanged)
   * ARGV[5] summary JSON ('' = unchanged)
   * ARGV[6] last request ord after this commit
   * ARGV[7..14] counts: ticket upserts U, ticket deletes D, request inserts I,
   *             request deletes R, events E, records T, issued counters C, index entries X
   * then U × (ticket id, ticket JSON), D × ticket id, I × (ord, JSON), R × ord,
   *      E × (seq, event JSON), T × (ticket id, ticket JSON), C × (KEYS index, service id),
   *      X × (ticket id, hall id)
   * Returns the new version; -1 if the version moved on (nothing written); -2 if the hall does not exist.
   * A changed live ticket keeps its ord (its place in the hall's ticket order); a new one gets the next.
   * KEYS[6] has no hall hash tag: this script is why HallQ needs one Redis (primary and replicas), not
   * Redis Cluster, where it would be refused as CROSSSLOT (keys.ts).
   */
  hallqCommitHall: {
    numberOfKeys: -1,
    lua: `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -2 end
if v ~= ARGV[1] then return -1 end
local n = {}
for k = 1, 8 do n[k] = tonumber(ARGV[6 + k]) end
local a = 15
for _ = 1, n[1] do
  local id, json = ARGV[a], ARGV[a + 1]
  local old = redis.call('HGET', KEYS[2], id)
  local ord = old and string.match(old, '^(%d+)|') or redis.call('HINCRBY', KEYS[1], 'tOrd', 1)
  redis.call('HSET', KEYS[2], id, ord .. '|' .. json)
  a = a + 2
end
for _ = 1, n[2] do redis.call('HDEL', KEYS[2], ARGV[a]); a = a + 1 end
for _ = 1, n[3] do redis.call('HSET', KEYS[3], ARGV[a], ARGV[a + 1]); a = a + 2 end
for _ = 1, n[4] do redis.call('HDEL', KEYS[3], ARGV[a]); a = a + 1 end
for _ = 1, n[5] do redis.call('XADD', KEYS[4], ARGV[a] .. '-0', 'e', ARGV[a + 1]); a = a + 2 end
for _ = 1, n[6] do redis.call('HSET', KEYS[5], ARGV[a], ARGV[a + 1]); a = a + 2 end
for _ = 1, n[7] do redis.call('HINCRBY', KEYS[tonumber(ARGV[a])], ARGV[a + 1], 1); a = a + 2 end
for _ = 1, n[8] do redis.call('HSET', KEYS[6], ARGV[a], ARGV[a + 1]); a = a + 2 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'rest', ARGV[3], 'reqOrd', ARGV[6])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'config', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'summary', ARGV[5]) end
return redis.call('HINCRBY', KEYS[1], 'v', 1)
`,
  },

  /*
   * hallqCreateHall — a new hall, unless one with that id exists, with the events of its creation.
   * KEYS[1] meta hash   KEYS[2] live tickets hash   KEYS[3] requests hash   KEYS[4] events stream
   * ARGV[1] seq   ARGV[2] rest JSON   ARGV[3] config JSON   ARGV[4] summary JSON
   * ARGV[5] ticket count N, ARGV[6] request count M, ARGV[7] event count E
   * then N × (ticket id, ticket JSON), M × request JSON (ords 1..M, in order), E × (seq, event JSON)
   * Returns 1, or 0 if the hall exists (nothing written).
   */
  hallqCreateHall: {
    numberOfKeys: 4,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local nt, nr, ne = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local a = 8
for ord = 1, nt do redis.call('HSET', KEYS[2], ARGV[a], ord .. '|' .. ARGV[a + 1]); a = a + 2 end
for ord = 1, nr do redis.call('HSET', KEYS[3], ord, ARGV[a]); a = a + 1 end
for _ = 1, ne do redis.call('XADD', KEYS[4], ARGV[a] .. '-0', 'e', ARGV[a + 1]); a = a + 2 end
redis.call('HSET', KEYS[1], 'v', 1, 'seq', ARGV[1], 'rest', ARGV[2], 'config', ARGV[3], 'summary', ARGV[4], 'tOrd', nt, 'reqOrd', nr)
return 1
`,
  },

  hallqInsertUnique: {
    numberOfKeys: -1,
    lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
for k = 3, #KEYS do
  if ARGV[k + 1] ~= '' then redis.call('HSET', KEYS[k], ARGV[1], ARGV[k + 1]) end
end
return 1
`,
  },

  /*
   * hallqStampDevice — records a time against an existing device (revocation or last seen).
   * KEYS[1] devices hash   KEYS[2] the stamp's hash (device-revoked or device-seen)
   * ARGV[1] device id   ARGV[2] time   ARGV[3] '1' = keep the first stamp, '0' = replace it
   * Returns 1 if written; 0 for an unknown device or a kept stamp.
   */
  hallqStampDevice: {
    numberOfKeys: 2,
    lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[3] == '1' then return redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...keysThenArgs: Array<string | number>) => Promise<number>;

/** A connection (or pipeline) with the scripts above as commands (ioredis runs them by EVALSHA, loading on NOSCRIPT). */
export type ScriptedRedis = Redis & Record<ScriptName, ScriptCall>;
export type ScriptedPipeline = ChainableCommander & Record<ScriptName, (...keysThenArgs: Array<string | number>) => ScriptedPipeline>;

export function defineScripts(redis: Redis): ScriptedRedis {
  for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) {
    // -1: the key count is passed as the first argument (it varies from call to call).
    redis.defineCommand(name, numberOfKeys < 0 ? { lua } : { numberOfKeys, lua });
  }
  return redis as ScriptedRedis;
}
