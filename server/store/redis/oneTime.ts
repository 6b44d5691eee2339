import type { Redis } from 'ioredis';
import type { OneTimeStore } from '../port.js';
import { closedError, toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';

/**
 * One-time values in Redis (keys.ts `oneTime`), shared by every process of the installation. Per
 * kind a hash holds the values and a sorted set their expiries; both scripts read Redis's own
 * clock (TIME), so processes whose clocks differ agree on what has expired. Taking is one script:
 * of two processes taking the same key at once, one gets the value and the other nothing.
 */
const SCRIPTS = {
  /*
   * hallqOneTimePut — keep a value, sweeping the expired and making room within the bound.
   * KEYS[1] values hash   KEYS[2] expiries sorted set
   * ARGV[1] key   ARGV[2] value   ARGV[3] ttl ms   ARGV[4] max entries of the kind
   * Returns 1. Both keys expire with the entry that lives longest, so an installation where nobody
   * signs in keeps nothing. Full, the entries nearest their expiry give way (with one ttl per kind,
   * as HallQ uses it: the oldest).
   */
  hallqOneTimePut: {
    numberOfKeys: 2,
    lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired do redis.call('HDEL', KEYS[1], expired[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREM', KEYS[2], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4]) + 1
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('HDEL', KEYS[1], oldest[i]) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
for k = 1, 2 do
  if redis.call('PTTL', KEYS[k]) < ttl then redis.call('PEXPIRE', KEYS[k], ttl) end
end
return 1
`,
  },
  /*
   * hallqOneTimeTake — the value, removed.
   * KEYS[1] values hash   KEYS[2] expiries sorted set   ARGV[1] key
   * Returns the value, or nil when there is none or it has expired (removed either way).
   */
  hallqOneTimeTake: {
    numberOfKeys: 2,
    lua: `
local expiry = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not expiry then return false end
local value = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local t = redis.call('TIME')
if tonumber(expiry) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return false end
return value
`,
  },
} as const;

type OneTimeRedis = Redis & {
  hallqOneTimePut(values: string, expiries: string, key: string, value: string, ttlMs: number, max: number): Promise<number>;
  hallqOneTimeTake(values: string, expiries: string, key: string): Promise<string | null>;
};

export class RedisOneTimeStore implements OneTimeStore {
  private closed = false;
  private readonly redis: OneTimeRedis;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
    this.redis = redis as OneTimeRedis;
  }

  async put(kind: string, key: string, value: string, options: { ttlMs: number; max: number }): Promise<void> {
    const k = this.keys.oneTime(kind);
    await this.run('put', () => this.redis.hallqOneTimePut(k.values, k.expiries, key, value, Math.max(1, Math.ceil(options.ttlMs)), Math.max(1, options.max)));
  }

  async take(kind: string, key: string): Promise<string | null> {
    const k = this.keys.oneTime(kind);
    return this.run('take', () => this.redis.hallqOneTimeTake(k.values, k.expiries, key));
  }

  shutdown(): void {
    this.closed = true;
  }

  private async run<R>(what: string, body: () => Promise<R>): Promise<R> {
    if (this.closed) throw closedError();
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, `one-time ${what}`);
    }
  }
}
