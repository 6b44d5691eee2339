/**
 * Issue 19, 无声叫号 on a scale-out deployment: two server processes on one Redis both run the
 * notifier; the shared records and the per-hall lease make "2 ahead" and the call go to the fake SMS
 * gateway exactly once per ticket, whichever process committed the event; a process killed with a
 * message still to send (the gateway was down) leaves it to the other, which sends it once and
 * resends nothing already sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisNotifyStore } from '../../server/notify/redisStore.js';
import type { NotifyKind } from '../../server/notify/store.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { DEFAULT_PREFIX } from '../../server/store/redis/index.js';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';
import { ADMIN_PASSWORD, request } from '../helpers/cluster.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { type FakeGateway, startFakeGateway } from './notifyGateway.js';

/** Served at window 1 and, first of all, at window 2. */
const SERVICE = 'minzheng-dibao';
const HALL = '/api/halls/demo';

async function ok(url: string, method: string, path: string, token: string | undefined, body?: unknown, status = 200): Promise<any> {
  const answer = await request(url, method, path, token, body);
  expect(answer?.status, JSON.stringify(answer)).toBe(status);
  return answer!.json;
}

let logs = () => '';

/** Waits (without a time assertion: the test's own timeout bounds it) until `check` holds. */
async function until(check: () => Promise<boolean> | boolean, what: string, limitMs = 60_000, state?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what} ${state ? await state() : ''}\n${logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(hasRedis())('无声叫号 with two processes on Redis', () => {
  let redis: TestRedis;
  let gateway: FakeGateway;
  let records: RedisNotifyStore;
  let dataDir: string;
  const servers: ChildServer[] = [];
  let a: string;
  let b: string;
  let clerkA: string;
  let clerkB: string;

  const issue = async (url: string, token: string, notifyPhone?: string) =>
    (await ok(url, 'POST', `${HALL}/tickets`, token, { serviceId: SERVICE, ...(notifyPhone ? { notifyPhone } : {}) }, 201)) as { id: string; ahead: number };
  const status = async (ticketId: string, kind: NotifyKind) => (await records.get('demo', ticketId, kind))?.status;
  const settled = async (ticketId: string, kind: NotifyKind) => (await status(ticketId, kind)) === 'sent';
  const diagnose = (ticketId: string) => async () =>
    JSON.stringify({ cursor: await records.cursor('demo'), pending: await records.pending('demo'), ahead: await records.get('demo', ticketId, 'ahead'), called: await records.get('demo', ticketId, 'called') });
  /** Calls at the window until `ticketId` is called, finishing the others; the ticket is left called. */
  const callUntil = async (url: string, token: string, windowId: string, ticketId: string) => {
    for (;;) {
      const called = await ok(url, 'POST', `${HALL}/windows/${windowId}/call-next`, token, {});
      if (called.id === ticketId) return;
      await ok(url, 'POST', `${HALL}/windows/${windowId}/finish`, token, { outcome: 'completed' });
    }
  };
  const finish = (url: string, token: string, windowId: string) => ok(url, 'POST', `${HALL}/windows/${windowId}/finish`, token, { outcome: 'completed' });

  beforeAll(async () => {
    redis = await startTestRedis();
    gateway = await startFakeGateway();
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-notify-cluster-'));
    const env = { HALLQ_REDIS_URL: redis.url, HALLQ_NOTIFY_GATEWAY: 'http', HALLQ_NOTIFY_URL: `${gateway.url}/sms/{kind}` };
    // One after the other: the first creates the admin and the demo hall.
    for (let i = 0; i < 2; i++) servers.push(await startChildServer({ port: await freePort(), dataDir, env }));
    logs = () => servers.map((server, i) => `--- process ${i}:\n${server.output()}`).join('\n');
    [a, b] = servers.map((server) => server.url) as [string, string];
    records = new RedisNotifyStore(redis.url, DEFAULT_PREFIX);
    const admin = (await ok(a, 'POST', '/api/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD })).token as string;
    const { config } = (await ok(a, 'GET', `${HALL}/config`, admin)) as { config: HallConfig };
    await ok(b, 'PUT', `${HALL}/config`, admin, { config: { ...config, notify: { enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 } } });
    clerkA = (await ok(a, 'POST', '/api/auth/login', undefined, { username: 'clerk1', password: 'demo1234' })).token as string;
    clerkB = (await ok(b, 'POST', '/api/auth/login', undefined, { username: 'clerk2', password: 'demo1234' })).token as string;
    await ok(a, 'POST', `${HALL}/windows/1/open`, clerkA, {});
    await ok(b, 'POST', `${HALL}/windows/2/open`, clerkB, {});
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => killHard(server)));
    await records?.close();
    await gateway?.close();
    await redis?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends "2 ahead" and the call once each, whichever process committed the event', { timeout: 90_000 }, async () => {
    for (let i = 0; i < 3; i++) await issue(i % 2 === 0 ? a : b, i % 2 === 0 ? clerkA : clerkB);
    const first = await issue(b, clerkB, '13800000011');
    const second = await issue(a, clerkA, '13800000012');
    expect(second.ahead).toBeGreaterThan(first.ahead);
    expect(first.ahead).toBeGreaterThan(2);
    // A call on process A brings the first ticket to 2 ahead, then one on process B the second.
    await ok(a, 'POST', `${HALL}/windows/1/call-next`, clerkA, {});
    await until(() => settled(first.id, 'ahead'), 'the first ticket\'s "ahead" sent');
    await finish(a, clerkA, '1');
    await ok(b, 'POST', `${HALL}/windows/2/call-next`, clerkB, {});
    await until(() => settled(second.id, 'ahead'), 'the second ticket\'s "ahead" sent');
    await finish(b, clerkB, '2');
    await callUntil(a, clerkA, '1', first.id);
    await until(() => settled(first.id, 'called'), 'the first ticket\'s call sent', 60_000, diagnose(first.id));
    await callUntil(b, clerkB, '2', second.id);
    await until(() => settled(second.id, 'called'), 'the second ticket\'s call sent', 60_000, diagnose(second.id));
    await finish(a, clerkA, '1');
    await finish(b, clerkB, '2');
    for (const ticket of [first, second]) await until(async () => (await status(ticket.id, 'ahead')) === 'sent', 'ahead settled');
    expect(await records.pending('demo')).toEqual([]);
    for (const phone of ['13800000011', '13800000012']) {
      expect(gateway.to(phone).map((message) => message.path).sort()).toEqual(['/sms/ahead', '/sms/called']);
      expect(gateway.to(phone).find((message) => message.path === '/sms/ahead')!.body.ahead).toBe('2');
    }
    const ids = gateway.received.map((message) => message.body.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a process killed with a message still to send leaves it to the other, which resends nothing already sent', { timeout: 120_000 }, async () => {
    const before = gateway.received.length;
    for (let i = 0; i < 3; i++) await issue(a, clerkA);
    const mine = await issue(a, clerkA, '13800000013');
    expect(mine.ahead).toBeGreaterThan(2);
    gateway.down = true;
    // Calls on process A until the ticket is 2 ahead: A's attempt fails, the record stays pending.
    for (let ahead = mine.ahead; ahead > 2; ahead--) {
      await ok(a, 'POST', `${HALL}/windows/1/call-next`, clerkA, {});
      await finish(a, clerkA, '1');
    }
    await until(async () => ((await records.get('demo', mine.id, 'ahead'))?.attempts ?? 0) >= 1, 'a failed attempt recorded');
    await killHard(servers[0]!);
    gateway.down = false;
    await until(() => settled(mine.id, 'ahead'), 'the other process sent "ahead"');
    await callUntil(b, clerkB, '2', mine.id);
    await until(() => settled(mine.id, 'called'), 'the other process sent the call', 60_000, diagnose(mine.id));
    await finish(b, clerkB, '2');
    expect(await records.pending('demo')).toEqual([]);
    expect(gateway.to('13800000013').map((message) => message.path)).toEqual(['/sms/ahead', '/sms/called']);
    // Nothing of the first test again: only this ticket's two messages were sent since.
    expect(gateway.received.length - before).toBe(2);
  });
});
