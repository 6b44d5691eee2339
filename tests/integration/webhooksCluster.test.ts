/**
 * Issue 19: two server processes on one Redis both run the outbox; the lease makes one of them
 * deliver each webhook, so events made on either process reach each endpoint once (no request
 * repeated, none lost), in seq order, and a webhook registered on one process is delivered by
 * whichever holds its lease.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, ADMIN_PASSWORD, startCluster } from '../helpers/cluster.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { type WebhookReceiver, startWebhookReceiver } from './webhookReceiver.js';

const SECRET = 'cluster-webhook-secret-0123456789';
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

describe.runIf(hasRedis())('webhooks with two processes on Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  let issuedHook: WebhookReceiver;
  let calledHook: WebhookReceiver;
  beforeAll(async () => {
    redis = await startTestRedis();
    cluster = await startCluster(redis, 2);
    issuedHook = await startWebhookReceiver(SECRET);
    calledHook = await startWebhookReceiver(SECRET);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await issuedHook?.close();
    await calledHook?.close();
    await redis?.destroy();
  });

  it('delivers each event once per endpoint, whichever process made it', { timeout: 60_000 }, async () => {
    const [a, b] = cluster.servers.map((server) => server.url) as [string, string];
    const admin = await login(a, 'admin', ADMIN_PASSWORD);
    expect((await call(b, 'POST', '/api/halls/demo/webhooks', admin, { url: issuedHook.url, secret: SECRET, events: ['ticket:issued'] })).status).toBe(201);
    expect((await call(a, 'POST', '/api/halls/demo/webhooks', admin, { url: calledHook.url, secret: SECRET, events: ['ticket:called'] })).status).toBe(201);
    // Both processes list both webhooks (the store is shared).
    for (const url of [a, b]) expect((await call(url, 'GET', '/api/halls/demo/webhooks', admin)).json.webhooks).toHaveLength(2);
    const clerkA = await login(a, 'clerk1', 'demo1234');
    const clerkB = await login(b, 'clerk2', 'demo1234');
    expect((await call(a, 'POST', '/api/halls/demo/windows/1/open', clerkA, {})).status).toBe(200);
    expect((await call(b, 'POST', '/api/halls/demo/windows/2/open', clerkB, {})).status).toBe(200);
    const numbers: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [url, clerk, windowId] of [
        [a, clerkA, '1'],
        [b, clerkB, '2'],
      ] as const) {
        const issued = await call(url, 'POST', '/api/halls/demo/tickets', clerk, { serviceId: SERVICE });
        expect(issued.status).toBe(201);
        expect((await call(url, 'POST', `/api/halls/demo/windows/${windowId}/call-next`, clerk, {})).status).toBe(200);
        numbers.push(issued.json.number);
      }
    }
    for (const receiver of [issuedHook, calledHook]) {
      await receiver.waitFor(() => receiver.accepted.length === numbers.length, 30_000);
      // Not one request twice: only one process delivered each endpoint at any time.
      expect(receiver.requests.map((r) => r.id)).toEqual(receiver.accepted.map((r) => r.id));
      const seqs = receiver.accepted.map((r) => r.body.seq as number);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(receiver.accepted.map((r) => r.body.ticket.number).sort()).toEqual([...numbers].sort());
      expect(receiver.requests.every((r) => r.signed)).toBe(true);
    }
    expect(issuedHook.accepted.every((r) => r.event === 'ticket:issued')).toBe(true);
    expect(calledHook.accepted.every((r) => r.event === 'ticket:called')).toBe(true);
  });
});
