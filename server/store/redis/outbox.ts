import type { Redis } from 'ioredis';
import type { OutboxEndpointRecord, OutboxProgress, OutboxStore } from '../port.js';
import { closedError, parseStored, toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';

/**
 * Outbox endpoints, cursors and delivery leases in Redis (keys.ts `outbox`, `outboxIndex`). The
 * endpoint and its progress share one hash (hash tag of the hall), the lease is a string with an
 * expiry beside it, so the fenced writes below are single-slot scripts. Several processes share the
 * store: the lease makes one of them the deliverer, and a process whose lease ran out (a long pause)
 * can no longer move the cursor, so a stale process at worst sends one record again, which the
 * receiver recognises by its idempotency key.
 */
const SCRIPTS = {
  /*
   * hallqOutboxLease — take or renew a lease.
   * KEYS[1] lease key   ARGV[1] holder   ARGV[2] ttl ms
   * Returns 1 if `holder` now holds it, 0 if another holder does.
   */
  hallqOutboxLease: {
    numberOfKeys: 1,
    lua: `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`,
  },
  /*
   * hallqOutboxRelease — KEYS[1] lease key   ARGV[1] holder. Deletes the lease only if it is holder's.
   */
  hallqOutboxRelease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`,
  },
  /*
   * hallqOutboxAdvance — move the cursor forward under the lease.
   * KEYS[1] endpoint hash   KEYS[2] lease key
   * ARGV[1] holder   ARGV[2] seq   ARGV[3] delivered-at ('' = a skip)   ARGV[4] expected cursor ('' = any)
   * Returns 1 if written; 0 without the lease, without the endpoint, or with the cursor moved meanwhile.
   */
  hallqOutboxAdvance: {
    numberOfKeys: 2,
    lua: `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'endpoint') == 0 then return 0 end
if ARGV[4] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') ~= tonumber(ARGV[4]) then return 0 end
local seq = tonumber(ARGV[2])
if seq > tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') then redis.call('HSET', KEYS[1], 'seq', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'lastDeliveredAt', ARGV[3]) end
redis.call('HDEL', KEYS[1], 'lastError', 'failingSince')
redis.call('HSET', KEYS[1], 'failures', '0')
return 1
`,
  },
  /*
   * hallqOutboxFailure — record a failed attempt under the lease.
   * KEYS[1] endpoint hash   KEYS[2] lease key   ARGV[1] holder   ARGV[2] error   ARGV[3] at
   * Returns 1 if written; 0 without the lease or without the endpoint.
   */
  hallqOutboxFailure: {
    numberOfKeys: 2,
    lua: `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'endpoint') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastError', ARGV[2], 'lastAttemptAt', ARGV[3])
redis.call('HSETNX', KEYS[1], 'failingSince', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'failures', 1)
return 1
`,
  },
  /*
   * hallqOutboxRewind — set the cursor (back or forward) and clear the failures.
   * KEYS[1] endpoint hash   ARGV[1] seq. Returns 0 without the endpoint.
   */
  hallqOutboxRewind: {
    numberOfKeys: 1,
    lua: `
if redis.call('HEXISTS', KEYS[1], 'endpoint') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'failures', '0')
redis.call('HDEL', KEYS[1], 'lastError', 'failingSince')
return 1
`,
  },
} as const;

type Call = (...keysThenArgs: Array<string | number>) => Promise<number>;
type OutboxRedis = Redis & Record<keyof typeof SCRIPTS, Call>;

export class RedisOutboxStore implements OutboxStore {
  private closed = false;
  private readonly redis: OutboxRedis;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
    this.redis = redis as OutboxRedis;
  }

  async listEndpoints(): Promise<OutboxEndpointRecord[]> {
    return this.run('listEndpoints', async () => {
      const members = (await this.redis.smembers(this.keys.outboxIndex)).sort();
      const found: OutboxEndpointRecord[] = [];
      for (const member of members) {
        const [hallId, name] = JSON.parse(member) as [string, string];
        const record = await this.endpoint(hallId, name);
        if (record) found.push(record);
      }
      return found;
    });
  }

  async getEndpoint(hallId: string, name: string): Promise<OutboxEndpointRecord | null> {
    return this.run('getEndpoint', () => this.endpoint(hallId, name));
  }

  async putEndpoint(record: OutboxEndpointRecord): Promise<void> {
    await this.run('putEndpoint', async () => {
      // The index first: an entry without an endpoint is skipped by listEndpoints, an endpoint without one would be lost.
      await this.redis.sadd(this.keys.outboxIndex, JSON.stringify([record.hallId, record.name]));
      await this.redis.hset(this.keys.outbox(record.hallId, record.name).endpoint, 'endpoint', JSON.stringify(record));
    });
  }

  async getProgress(hallId: string, name: string): Promise<OutboxProgress> {
    return this.run('getProgress', async () => {
      const [seq, lastDeliveredAt, lastAttemptAt, lastError, failures, failingSince] = await this.redis.hmget(
        this.keys.outbox(hallId, name).endpoint,
        'seq',
        'lastDeliveredAt',
        'lastAttemptAt',
        'lastError',
        'failures',
        'failingSince',
      );
      return {
        deliveredSeq: Number(seq ?? 0),
        failures: Number(failures ?? 0),
        ...(lastDeliveredAt ? { lastDeliveredAt: Number(lastDeliveredAt) } : {}),
        ...(lastAttemptAt ? { lastAttemptAt: Number(lastAttemptAt) } : {}),
        ...(lastError !== null && lastError !== undefined ? { lastError } : {}),
        ...(failingSince ? { failingSince: Number(failingSince) } : {}),
      };
    });
  }

  async acquireLease(hallId: string, name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.run('acquireLease', async () => (await this.redis.hallqOutboxLease(this.keys.outbox(hallId, name).lease, holder, Math.max(1, Math.round(ttlMs)))) === 1);
  }

  async releaseLease(hallId: string, name: string, holder: string): Promise<void> {
    await this.run('releaseLease', () => this.redis.hallqOutboxRelease(this.keys.outbox(hallId, name).lease, holder));
  }

  async advance(hallId: string, name: string, holder: string, seq: number, deliveredAt?: number, expectedSeq?: number): Promise<boolean> {
    const k = this.keys.outbox(hallId, name);
    return this.run('advance', async () => (await this.redis.hallqOutboxAdvance(k.endpoint, k.lease, holder, seq, deliveredAt ?? '', expectedSeq ?? '')) === 1);
  }

  async recordFailure(hallId: string, name: string, holder: string, error: string, at: number): Promise<boolean> {
    const k = this.keys.outbox(hallId, name);
    return this.run('recordFailure', async () => (await this.redis.hallqOutboxFailure(k.endpoint, k.lease, holder, error, at)) === 1);
  }

  async deleteEndpoint(hallId: string, name: string): Promise<void> {
    const k = this.keys.outbox(hallId, name);
    await this.run('deleteEndpoint', async () => {
      // The endpoint before the index entry: an entry without an endpoint is skipped by listEndpoints.
      await this.redis.del(k.endpoint, k.lease);
      await this.redis.srem(this.keys.outboxIndex, JSON.stringify([hallId, name]));
    });
  }

  async rewind(hallId: string, name: string, seq: number): Promise<void> {
    await this.run('rewind', () => this.redis.hallqOutboxRewind(this.keys.outbox(hallId, name).endpoint, seq));
  }

  shutdown(): void {
    this.closed = true;
  }

  private async endpoint(hallId: string, name: string): Promise<OutboxEndpointRecord | null> {
    const json = await this.redis.hget(this.keys.outbox(hallId, name).endpoint, 'endpoint');
    return json === null ? null : parseStored<OutboxEndpointRecord>(json, `outbox endpoint ${hallId}/${name}`);
  }

  private async run<R>(what: string, body: () => Promise<R>): Promise<R> {
    if (this.closed) throw closedError();
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, `outbox ${what}`);
    }
  }
}
