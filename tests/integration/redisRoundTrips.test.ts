/**
 * What one command costs in Redis on the real command path (HallService over the Redis store), as
 * issue 16 asks: on a warm cache a committed command is one script call and nothing else, and a
 * refusal one cheap version check. Counted with MONITOR (commands as the server received them,
 * those run inside a script shown apart), so this is a count of commands, never a timing. And
 * what makes skipping the read before the update safe: the permission decided on this process's
 * copy is decided again on the state the update commits on.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HallService } from '../../server/app/hallService.js';
import { cryptoIds } from '../../server/app/ids.js';
import { RateLimits } from '../../server/app/rateLimits.js';
import type { Principal } from '../../server/auth/principal.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { HallState } from '../../server/protocol/model.js';
import type { Store } from '../../server/store/port.js';
import { openRedisStore } from '../../server/store/redis/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';

const ADMIN: Principal = { kind: 'staff', user: { id: 'u-admin', name: '管理员', role: 'admin' }, hallIds: ['*'], tokenVersion: 0 };
const PHONE: Principal = { kind: 'public', ip: '192.0.2.7' };
const LIMITS = { kioskIssueLimitPerMinute: 1000, phoneIssueLimitPerHour: 1000, phoneTicketsPerDevicePerDay: 1000, staffRequestLimitPerMinute: 100_000 };

describe.skipIf(!hasRedis())('Redis round trips of a command', () => {
  let redis: TestRedis;
  let monitor: Redis;
  let admin: Redis;
  const stores: Store[] = [];
  /** Commands received from clients other than the monitor and the admin connection, in order. */
  const seen: string[] = [];
  let ignored = new Set<string>();
  let prefixes = 0;

  beforeAll(async () => {
    redis = await startTestRedis({ appendOnly: false });
    admin = new Redis(redis.url, { connectionName: 'test-admin' });
    monitor = await new Redis(redis.url).monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua' || ignored.has(source)) return;
      seen.push(args.map((arg) => arg.slice(0, 40)).join(' '));
    });
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    monitor?.disconnect();
    admin?.disconnect();
    await redis?.destroy();
  });

  const open = async (prefix: string) => {
    const store = await openRedisStore({ url: redis.url, prefix });
    stores.push(store);
    return store;
  };
  const serviceOn = (store: Store) =>
    new HallService(store.halls, Date.now, cryptoIds, { publish: () => undefined }, new RateLimits(LIMITS), pino({ level: 'silent' }));

  /** What the store connections sent while `action` ran, up to a listHalls (SMEMBERS) sent after it. */
  const commandsOf = async (action: () => Promise<unknown>): Promise<string[]> => {
    const clients = (await admin.client('LIST')) as string;
    ignored = new Set(
      clients
        .split('\n')
        .filter((line) => !/ name=hallq-store /.test(line))
        .map((line) => /addr=(\S+)/.exec(line)?.[1] ?? ''),
    );
    seen.length = 0;
    await action();
    await stores[0]!.halls.listHalls();
    // MONITOR's output is asynchronous: the window closes when the SMEMBERS shows.
    const end = () => seen.findIndex((line) => line.startsWith('smembers'));
    const deadline = Date.now() + 5000;
    while (end() < 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return seen.slice(0, end());
  };

  const hallWithOpenWindow = async (store: Store, service: HallService, phoneTickets = false) => {
    await store.halls.createHall(newHallState({ ...demoHallConfig(), phoneTickets }, Date.now()));
    expect(await service.run(ADMIN, 'demo', { type: 'window.open', windowId: '1' } as never)).toMatchObject({ ok: true });
  };

  it('a committed issue on a warm cache is one script call, and a refusal one version check', async () => {
    const store = await open(`rt${++prefixes}:`);
    const service = serviceOn(store);
    await hallWithOpenWindow(store, service);
    const issue = () => service.run(ADMIN, 'demo', { type: 'ticket.issue', serviceId: 'zonghe-zixun', channel: 'desk', priority: false } as never);
    expect(await issue()).toMatchObject({ ok: true }); // the script is on this connection now (EVALSHA from here on)

    const committed = await commandsOf(async () => expect(await issue()).toMatchObject({ ok: true }));
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatch(/^evalsha /);

    // Window 2 is closed: refused by the engine on the cached hall, then checked against the stored version.
    const refused = await commandsOf(async () => expect(await service.run(ADMIN, 'demo', { type: 'window.call-next', windowId: '2' } as never)).toMatchObject({ ok: false }));
    expect(refused).toEqual([expect.stringMatching(/^hget \S+\{demo\} v$/)]);
  });

  it('a permission decided on a stale copy is decided again: on the committed state, or on the stored hall before a refusal', async () => {
    const prefix = `rt${++prefixes}:`;
    const [here, elsewhere] = [await open(prefix), await open(prefix)];
    const service = serviceOn(here);
    await hallWithOpenWindow(here, service, true);
    // Another process turns phone tickets off; this process's copy still has them on.
    const off = (state: HallState) => ({ ok: true as const, state: { ...state, config: { ...state.config, phoneTickets: false } }, events: [], result: null });
    expect(await elsewhere.halls.update('demo', off)).toMatchObject({ ok: true });
    expect(here.halls.cachedHall?.('demo')?.config.phoneTickets).toBe(true);

    const phoneIssue = { type: 'ticket.issue', serviceId: 'zonghe-zixun', channel: 'phone', priority: false } as never;
    expect(await service.run(PHONE, 'demo', phoneIssue)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await elsewhere.halls.loadHall('demo'))?.tickets).toEqual({});

    // And the other way: a copy that predates phone tickets being turned back on refuses nothing by itself.
    const on = (state: HallState) => ({ ok: true as const, state: { ...state, config: { ...state.config, phoneTickets: true } }, events: [], result: null });
    expect(await elsewhere.halls.update('demo', on)).toMatchObject({ ok: true });
    expect(here.halls.cachedHall?.('demo')?.config.phoneTickets).toBe(false);
    expect(await service.run(PHONE, 'demo', phoneIssue)).toMatchObject({ ok: true });
  });
});
