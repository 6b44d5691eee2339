/**
 * The one-time values of the store (OneTimeStore, issue 19's single sign-on across processes): the
 * same contract for the in-memory values of a SQLite store and for Redis, then what only Redis
 * has to show: several processes (connections) racing to take one value, and nothing left behind.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryOneTimeStore } from '../../server/store/memoryOneTime.js';
import { type OneTimeStore, type Store, StoreError } from '../../server/store/port.js';
import { openRedisStore } from '../../server/store/redis/index.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';

const LONG = { ttlMs: 60_000, max: 100 };
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Harness {
  oneTime: OneTimeStore;
  /** Lets `ms` go by for the store's clock. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

function describeContract(name: string, open: () => Promise<Harness>): void {
  describe(`one-time values: ${name}`, () => {
    it('gives a value once; an unknown key, and a second take, get nothing', async () => {
      const h = await open();
      await h.oneTime.put('codes', 'k1', '{"userId":"u1"}', LONG);
      expect(await h.oneTime.take('codes', 'unknown')).toBeNull();
      expect(await h.oneTime.take('codes', 'k1')).toBe('{"userId":"u1"}');
      expect(await h.oneTime.take('codes', 'k1')).toBeNull();
      await h.close();
    });

    it('keeps kinds apart', async () => {
      const h = await open();
      await h.oneTime.put('pending', 'same', 'a login', LONG);
      await h.oneTime.put('codes', 'same', 'a code', LONG);
      expect(await h.oneTime.take('codes', 'same')).toBe('a code');
      expect(await h.oneTime.take('codes', 'same')).toBeNull();
      expect(await h.oneTime.take('pending', 'same')).toBe('a login');
      await h.close();
    });

    it('keeps at most `max` of a kind: the oldest give way, and a key put again counts once', async () => {
      const h = await open();
      const bound = { ttlMs: 60_000, max: 3 };
      for (const key of ['a', 'b', 'c', 'c', 'd', 'e']) await h.oneTime.put('flood', key, `v-${key}`, bound);
      await h.oneTime.put('other', 'a', 'untouched', bound);
      expect(await h.oneTime.take('flood', 'a')).toBeNull();
      expect(await h.oneTime.take('flood', 'b')).toBeNull();
      expect(await h.oneTime.take('flood', 'c')).toBe('v-c');
      expect(await h.oneTime.take('flood', 'd')).toBe('v-d');
      expect(await h.oneTime.take('flood', 'e')).toBe('v-e');
      expect(await h.oneTime.take('other', 'a')).toBe('untouched');
      await h.close();
    });

    it('forgets a value after its time', async () => {
      const h = await open();
      const short = { ttlMs: 40, max: 10 };
      await h.oneTime.put('short', 'gone', 'x', short);
      await h.oneTime.put('long', 'kept', 'y', LONG);
      await h.elapse(120);
      expect(await h.oneTime.take('short', 'gone')).toBeNull();
      expect(await h.oneTime.take('long', 'kept')).toBe('y');
      await h.close();
    });

    it('a closed store refuses with STORE_UNAVAILABLE rather than answering nothing', async () => {
      const h = await open();
      await h.close();
      await expect(h.oneTime.take('codes', 'k')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(h.oneTime.put('codes', 'k', 'v', LONG)).rejects.toBeInstanceOf(StoreError);
    });
  });
}

describeContract('memory (SQLite store)', async () => {
  let now = 1_000_000;
  const oneTime = new MemoryOneTimeStore(() => now);
  return {
    oneTime,
    elapse: async (ms) => {
      now += ms;
    },
    close: async () => oneTime.shutdown(),
  };
});

describe('the SQLite store', () => {
  it('has its one-time values, gone with the store', async () => {
    const store: Store = openSqliteStore({ file: ':memory:' });
    await store.oneTime.put('codes', 'k', 'v', LONG);
    expect(await store.oneTime.take('codes', 'k')).toBe('v');
    await store.close();
    await expect(store.oneTime.take('codes', 'k')).rejects.toBeInstanceOf(StoreError);
  });
});

describe.runIf(hasRedis())('one-time values on Redis', () => {
  let redis: Promise<TestRedis> | undefined;
  const server = () => (redis ??= startTestRedis({ appendOnly: false }));
  let prefixes = 0;
  const freshPrefix = () => `onetime${process.pid}-${++prefixes}:`;
  afterAll(async () => {
    if (redis) await (await redis).destroy();
  });

  async function keysOf(prefix: string): Promise<{ client: Redis; keys: string[] }> {
    const client = new Redis((await server()).url, { lazyConnect: true });
    await client.connect();
    return { client, keys: (await client.keys(`${prefix}*`)).sort() };
  }

  describeContract('Redis', async () => {
    const store = await openRedisStore({ url: (await server()).url, prefix: freshPrefix() });
    return { oneTime: store.oneTime, elapse: pause, close: () => store.close() };
  });

  it('of two processes taking the same values at once, exactly one gets each', async () => {
    const prefix = freshPrefix();
    const url = (await server()).url;
    const [a, b] = await Promise.all([openRedisStore({ url, prefix }), openRedisStore({ url, prefix })]);
    const keys = Array.from({ length: 50 }, (_, i) => `code-${i}`);
    // Put on either process: the other sees it.
    await Promise.all(keys.map((key, i) => (i % 2 ? a : b).oneTime.put('race', key, `v-${key}`, LONG)));
    const taken = await Promise.all(keys.flatMap((key) => [a.oneTime.take('race', key), b.oneTime.take('race', key), a.oneTime.take('race', key)]));
    for (let i = 0; i < keys.length; i++) {
      const winners = taken.slice(i * 3, i * 3 + 3).filter((value) => value !== null);
      expect(winners).toEqual([`v-${keys[i]}`]);
    }
    await Promise.all([a.close(), b.close()]);
  });

  it('a flood stays within the bound in Redis, and the keys expire with their newest value', async () => {
    const prefix = freshPrefix();
    const store = await openRedisStore({ url: (await server()).url, prefix });
    for (let i = 0; i < 25; i++) await store.oneTime.put('flood', `k${i}`, 'x'.repeat(200), { ttlMs: 300, max: 10 });
    const { client, keys } = await keysOf(prefix);
    expect(keys).toEqual([`${prefix}{one-time}:flood`, `${prefix}{one-time}:flood:expiries`]);
    expect(await client.hlen(keys[0]!)).toBe(10);
    expect(await client.zcard(keys[1]!)).toBe(10);
    // Nobody signs in any more: nothing stays behind.
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
    await pause(400);
    expect(await client.keys(`${prefix}*`)).toEqual([]);
    client.disconnect();
    await store.close();
  });

  it('a value that expired is removed when someone tries to take it', async () => {
    const prefix = freshPrefix();
    const store = await openRedisStore({ url: (await server()).url, prefix });
    await store.oneTime.put('late', 'kept-long', 'y', LONG);
    await store.oneTime.put('late', 'k', 'x', { ttlMs: 30, max: 10 });
    await pause(80);
    expect(await store.oneTime.take('late', 'k')).toBeNull();
    const { client, keys } = await keysOf(prefix);
    expect(await client.hkeys(keys[0]!)).toEqual(['kept-long']);
    client.disconnect();
    await store.close();
  });
});
