/**
 * Two server processes on one Redis both run the outbox: the lease makes exactly one of them deliver,
 * so ratings made on either process reach the receiver once each (no request repeated, none lost),
 * in seq order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, ADMIN_PASSWORD, startCluster } from '../helpers/cluster.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { type Receiver, startReceiver } from './outboxReceiver.js';

const SECRET = 'cluster-secret-0123456789abcdef';
/** Served at window 1 and, first of all, at window 2. */
const SERVICE = 'minzheng-dibao';

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

const login = async (url: string, username: string, password: string) => (await call(url, 'POST', '/api/auth/login', undefined, { username, password })).json.token as string;

describe.runIf(hasRedis())('the outbox with two processes on Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  let receiver: Receiver;
  beforeAll(async () => {
    redis = await startTestRedis();
    cluster = await startCluster(redis, 2);
    receiver = await startReceiver(SECRET);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await receiver?.close();
    await redis?.destroy();
  });

  it('delivers each rating once, whichever process took it', { timeout: 60_000 }, async () => {
    const [a, b] = cluster.servers.map((server) => server.url) as [string, string];
    const admin = await login(a, 'admin', ADMIN_PASSWORD);
    expect((await call(b, 'PUT', '/api/halls/demo/rating-upload', admin, { url: receiver.url, secret: SECRET, enabled: true })).status).toBe(200);
    const clerkA = await login(a, 'clerk1', 'demo1234');
    const clerkB = await login(b, 'clerk2', 'demo1234');
    expect((await call(a, 'POST', '/api/halls/demo/windows/1/open', clerkA, {})).status).toBe(200);
    expect((await call(b, 'POST', '/api/halls/demo/windows/2/open', clerkB, {})).status).toBe(200);
    const numbers: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (const [url, clerk, windowId] of [
        [a, clerkA, '1'],
        [b, clerkB, '2'],
      ] as const) {
        const issued = await call(url, 'POST', '/api/halls/demo/tickets', clerk, { serviceId: SERVICE });
        expect(issued.status).toBe(201);
        for (;;) {
          const called = await call(url, 'POST', `/api/halls/demo/windows/${windowId}/call-next`, clerk, {});
          expect(called.status).toBe(200);
          expect((await call(url, 'POST', `/api/halls/demo/windows/${windowId}/finish`, clerk, { outcome: 'completed' })).status).toBe(200);
          if (called.json.id === issued.json.id) break;
        }
        expect((await call(url, 'POST', '/api/halls/demo/ratings', undefined, { ticketId: issued.json.id, level: 4 })).status).toBe(201);
        numbers.push(issued.json.number);
      }
    }
    await receiver.waitFor(() => receiver.accepted.length === numbers.length, 30_000);
    // Not one request twice: only one process delivered at any time.
    expect(receiver.requests.map((r) => r.key)).toEqual(receiver.accepted.map((r) => r.key));
    const seqs = receiver.accepted.map((r) => r.body.seq as number);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(receiver.accepted.map((r) => r.body.data.ticketNumber).sort()).toEqual([...numbers].sort());
    expect(receiver.requests.every((r) => r.signed)).toBe(true);
  });
});
