import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cryptoIds } from '../../server/app/ids.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { execute } from '../../server/domain/engine.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { Actor, HallState } from '../../server/protocol/model.js';
import { StoreError, type Store, type UpdateOutcome } from '../../server/store/port.js';
import { RedisKeys, openRedisStore } from '../../server/store/redis/index.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { describeHallStoreContract, type StoreHarness } from './contract.js';
import { issueNext, makeHallState } from './fixtures.js';

/**
 * The store contract on a real redis-server started here (AOF on, so reopen
 * and restart keep the data), each harness under a fresh key prefix; then what
 * only the Redis adapter has: several stores (processes) on one hall, and a
 * Redis that goes away and comes back.
 */
let redis: Promise<TestRedis> | undefined;
const sharedRedis = () => (redis ??= startTestRedis());
let prefixes = 0;
const freshPrefix = () => `t${process.pid}-${++prefixes}:`;

afterAll(async () => {
  if (redis) await (await redis).destroy();
});

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
}

async function harness(): Promise<StoreHarness> {
  const server = await sharedRedis();
  const prefix = freshPrefix();
  const opened: Store[] = [];
  const open = async () => {
    const store = await openRedisStore({ url: server.url, prefix });
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    second: open,
    cleanup: async () => {
      for (const store of opened) await store.close();
      await deleteKeys(server.url, prefix);
    },
  };
}

if (hasRedis()) {
  describeHallStoreContract('redis', harness);
  describe('redis adapter specifics', adapterSpecifics);
}

/** Issue fn that refuses once the hall has `cap` tickets: its answer depends on how fresh the state is. */
const issueUpTo =
  (cap: number) =>
  (state: HallState): UpdateOutcome<{ number: string }> =>
    (state.counters['svc-a'] ?? 0) >= cap ? { ok: false, error: { code: 'CAP_REACHED' } } : issueNext(state);

function adapterSpecifics(): void {
  let server: TestRedis;
  const stores: Store[] = [];
  let prefix: string;
  const open = async () => {
    const store = await openRedisStore({ url: server.url, prefix, commandTimeoutMs: 1000 });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await sharedRedis();
  });

  afterEach(async () => {
    await server.start().catch(() => undefined); // a test that stopped Redis may have failed before restarting it
    for (const store of stores.splice(0)) await store.close();
  });

  it('three stores (processes) updating one hall at once lose nothing and number it gap-free', async () => {
    prefix = freshPrefix();
    const [a, b, c] = [await open(), await open(), await open()];
    await a.halls.createHall(makeHallState('h1'));
    const outcomes = await Promise.all(
      Array.from({ length: 150 }, (_, i) => [a, b, c][i % 3]!.halls.update('h1', issueNext)),
    );
    const numbers = outcomes.map((o) => (o?.ok ? o.result.number : 'refused')).sort();
    expect(numbers).toEqual(Array.from({ length: 150 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));
    const events = await c.halls.eventsSince('h1', 0, 1000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(await a.halls.loadHall('h1')).toEqual(await b.halls.loadHall('h1'));
    const stats = (a.halls as unknown as { stats: { conflicts: number } }).stats.conflicts;
    const statsB = (b.halls as unknown as { stats: { conflicts: number } }).stats.conflicts;
    expect(stats + statsB).toBeGreaterThan(0); // the compare-and-set was really contested
  });

  it('a refusal computed on a state another process has since changed is computed again', async () => {
    prefix = freshPrefix();
    const [a, b] = [await open(), await open()];
    await a.halls.createHall(makeHallState('h1'));
    expect((await a.halls.loadHall('h1'))?.seq).toBe(0); // a now caches the empty hall
    await b.halls.update('h1', issueNext);
    await b.halls.update('h1', issueNext);
    // On a's cached copy (no ticket) this would issue A001; on the stored hall (two tickets) it refuses.
    expect(await a.halls.update('h1', issueUpTo(2))).toEqual({ ok: false, error: { code: 'CAP_REACHED' } });
    expect(await a.halls.update('h1', issueUpTo(3))).toMatchObject({ ok: true, result: { number: 'A003' } });
    expect((await b.halls.loadHall('h1'))?.seq).toBe(3);
  });

  it('every process ticking a hall across midnight: one roll-over, no duplicate events', async () => {
    prefix = freshPrefix();
    const processes = [await open(), await open(), await open()];
    const system: Actor = { kind: 'staff', user: { id: 'system', name: '系统', role: 'admin' } };
    const evening = Date.UTC(2025, 2, 3, 12, 0, 0); // 20:00 in Shanghai
    const nextMorning = evening + 12 * 3600_000;
    await processes[0]!.halls.createHall(newHallState(demoHallConfig(), evening));
    const issue = (state: HallState) =>
      execute(state, { type: 'ticket.issue', serviceId: 'zonghe-zixun', channel: 'desk', priority: false }, system, { now: evening, ids: cryptoIds });
    expect(await processes[1]!.halls.update('demo', issue)).toMatchObject({ ok: true });
    for (const store of processes) await store.halls.loadHall('demo'); // each caches yesterday's hall
    const tick = (state: HallState) => execute(state, { type: 'hall.tick' }, system, { now: nextMorning, ids: cryptoIds });
    await Promise.all(processes.flatMap((store) => [store.halls.update('demo', tick), store.halls.update('demo', tick)]));
    const events = await processes[2]!.halls.eventsSince('demo', 0, 100);
    expect(events.filter((event) => event.type === 'hall:day-started')).toHaveLength(1);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await processes[0]!.halls.loadHall('demo'))?.day).toBe('2025-03-04');
  });

  it('keeps every key of a hall under its hash tag and the per-day issue counters', async () => {
    prefix = freshPrefix();
    const store = await open();
    await store.halls.createHall(makeHallState('h1'));
    for (let i = 0; i < 3; i++) await store.halls.update('h1', issueNext);
    const raw = new Redis(server.url);
    const keys = (await raw.keys(`${prefix}*`)).sort();
    const k = new RedisKeys(prefix);
    const { requests: _none, ...hall } = k.hall('h1'); // no remembered answers, no requests hash
    expect(keys).toEqual([k.hallIds, k.ticketHalls, ...Object.values(hall), k.issuedOn('h1', '2025-03-03')].sort());
    expect(keys.filter((key) => key.includes('h1')).every((key) => key.startsWith(`${prefix}hall:{h1}`))).toBe(true);
    expect(await raw.hgetall(k.issuedOn('h1', '2025-03-03'))).toEqual({ 'svc-a': '3' });
    raw.disconnect();
  });

  it('while Redis is down every call fails fast with UNAVAILABLE; afterwards it reconnects by itself, data intact', async () => {
    prefix = freshPrefix();
    const store = await open();
    await store.halls.createHall(makeHallState('h1'));
    const first = await store.halls.update('h1', issueNext);
    expect(first).toMatchObject({ ok: true, result: { number: 'A001' } });

    await server.stop();
    const calls: Array<() => Promise<unknown>> = [
      () => store.halls.update('h1', issueNext),
      () => store.halls.loadHall('h1'),
      () => store.halls.eventsSince('h1', 0, 10),
      () => store.halls.getTicket('h1-t1'),
      () => store.halls.listHalls(),
      () => store.accounts.getUser('u1'),
    ];
    for (const [i, call] of calls.entries()) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `call #${i}`).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('UNAVAILABLE');
    }

    await server.start();
    let after: Awaited<ReturnType<typeof store.halls.update>> | undefined;
    for (let tries = 0; tries < 100 && !after; tries++) {
      after = await store.halls.update('h1', issueNext).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      });
    }
    // The refused update wrote nothing: numbering continues at A002.
    expect(after).toMatchObject({ ok: true, result: { number: 'A002' }, state: { seq: 2 } });
    expect((await store.halls.eventsSince('h1', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
  });
}
