/**
 * The upload survives a crash: a server (the real entry point, a child process) delivering its
 * ratings to a receiver that first fails is SIGKILLed right after the receiver accepted one of them,
 * before the server could note it; restarted on the same data, it goes on from its durable cursor.
 * The receiver ends with every rating and case opening exactly once per idempotency key, in seq order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';
import { type Receiver, startReceiver } from './outboxReceiver.js';

const SECRET = 'crash-test-secret-abcdefghijklmnop';
const SERVICE = 'zonghe-zixun';

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

async function login(url: string, username: string, password: string): Promise<string> {
  const answer = await call(url, 'POST', '/api/auth/login', undefined, { username, password });
  expect(answer.status).toBe(200);
  return answer.json.token as string;
}

describe('SIGKILL while the outbox delivers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-outbox-crash-'));
  let server: ChildServer | undefined;
  let receiver: Receiver | undefined;

  afterAll(async () => {
    if (server) await killHard(server);
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Two starts of the real entry point and a back-off of 1 s + 2 s: longer than the default timeout on a busy machine.
  it('every rating reaches the receiver once per key, in order, across the crash and restart', { timeout: 90_000 }, async () => {
    receiver = await startReceiver(SECRET);
    const port = await freePort();
    server = await startChildServer({ port, dataDir });
    const admin = await login(server.url, 'admin', 'admin-test-password');
    const clerk = await login(server.url, 'clerk1', 'demo1234');

    // Down at first (503), then up; the third record it accepts kills the server before it hears the 2xx.
    let killAfterKey: string | undefined;
    let requests = 0;
    const running = server;
    receiver.answer = (delivery) => {
      requests++;
      if (requests <= 2) return 503;
      if (!killAfterKey && receiver!.accepted.length === 2) {
        killAfterKey = delivery.key;
        // After this response is written: the server is gone before it can advance its cursor.
        setImmediate(() => running.process.kill('SIGKILL'));
      }
      return 200;
    };
    expect((await call(server.url, 'PUT', '/api/halls/demo/rating-upload', admin, { url: receiver.url, secret: SECRET, enabled: true })).status).toBe(200);

    expect((await call(server.url, 'POST', '/api/halls/demo/windows/1/open', clerk, {})).status).toBe(200);
    const rated: string[] = [];
    const levels = [5, 1, 4, 2, 3, 5];
    for (const level of levels) {
      const issued = await call(server.url, 'POST', '/api/halls/demo/tickets', clerk, { serviceId: SERVICE });
      expect(issued.status).toBe(201);
      for (;;) {
        const called = await call(server.url, 'POST', '/api/halls/demo/windows/1/call-next', clerk, {});
        expect(called.status).toBe(200);
        expect((await call(server.url, 'POST', '/api/halls/demo/windows/1/finish', clerk, { outcome: 'completed' })).status).toBe(200);
        if (called.json.id === issued.json.id) break;
      }
      const answer = await call(server.url, 'POST', '/api/halls/demo/ratings', undefined, { ticketId: issued.json.id, level, ...(level <= 2 ? { reasons: ['办事效率低'], followUpPhone: '13900139000' } : {}) });
      expect(answer.status).toBe(201);
      rated.push(issued.json.number);
    }
    const expected = levels.reduce((count, level) => count + (level <= 2 ? 2 : 1), 0);

    await new Promise<void>((resolve) => (running.process.exitCode !== null || running.process.signalCode !== null ? resolve() : running.process.once('exit', () => resolve())));
    expect(running.process.signalCode).toBe('SIGKILL');
    expect(receiver.accepted.length).toBeLessThan(expected);

    server = await startChildServer({ port, dataDir });
    // The first delivery after the restart goes to the same receiver: the rest of the queue, from the cursor.
    await receiver.waitFor(() => receiver!.accepted.length === expected, 30_000);

    const keys = receiver.accepted.map((delivery) => delivery.key);
    expect(new Set(keys).size).toBe(expected);
    const seqs = receiver.accepted.map((delivery) => delivery.body.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(receiver.accepted.filter((d) => d.body.data.kind === 'rating').map((d) => d.body.data.ticketNumber)).toEqual(rated);
    expect(receiver.accepted.filter((d) => d.body.data.kind === 'case')).toHaveLength(2);
    expect(receiver.requests.every((delivery) => delivery.signed)).toBe(true);
    // The record accepted just before the kill may come again (its 2xx was never heard): same key, same record.
    const repeats = receiver.requests.filter((delivery) => delivery.key === killAfterKey);
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    for (const repeat of repeats) expect(repeat.body.data).toEqual(repeats[0]!.body.data);
    expect(receiver.requests.some((delivery) => delivery.raw.includes('13900139000'))).toBe(false);

    // The cursor is written just after the last 2xx: the admin page then shows nothing pending.
    let state = await call(server.url, 'GET', '/api/halls/demo/rating-upload', admin);
    for (let tries = 0; state.json.pending !== 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await call(server.url, 'GET', '/api/halls/demo/rating-upload', admin);
    }
    expect(state.json).toMatchObject({ pending: 0, lastError: null, failures: 0 });
  });
});
