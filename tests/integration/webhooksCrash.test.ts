/**
 * Issue 19: webhooks survive a crash. The receiver is down at first (connection refused), the
 * server records its failures; then the receiver comes up and the server (the real entry point, a
 * child process) is SIGKILLed right after the receiver accepted an event, before it could move its
 * cursor. Restarted on the same data, it goes on from the durable cursor: the receiver ends with
 * every event of the chosen types once per delivery id, in seq order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';
import { type WebhookReceiver, startWebhookReceiver } from './webhookReceiver.js';

const SECRET = 'crash-webhook-secret-abcdefghijkl';
const SERVICE = 'zonghe-zixun';

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: response.status === 204 ? null : await response.json() };
}

const login = async (url: string, username: string, password: string) => (await call(url, 'POST', '/api/auth/login', undefined, { username, password })).json.token as string;

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGKILL while webhooks deliver, with the receiver down before', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-webhook-crash-'));
  let server: ChildServer | undefined;
  let receiver: WebhookReceiver | undefined;

  afterAll(async () => {
    if (server) await killHard(server);
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Two starts of the real entry point and the hall's real back-off (1 s, 2 s, …): longer than the default timeout.
  it('every event reaches the receiver once per delivery id, in seq order', { timeout: 120_000 }, async () => {
    const receiverPort = await freePort();
    const port = await freePort();
    server = await startChildServer({ port, dataDir });
    const admin = await login(server.url, 'admin', 'admin-test-password');
    const clerk = await login(server.url, 'clerk1', 'demo1234');
    const events = ['ticket:issued', 'ticket:called', 'ticket:finished'];
    const made = await call(server.url, 'POST', '/api/halls/demo/webhooks', admin, { url: `http://127.0.0.1:${receiverPort}/hooks`, secret: SECRET, events });
    expect(made.status).toBe(201);
    const webhook = `/api/halls/demo/webhooks`;

    expect((await call(server.url, 'POST', '/api/halls/demo/windows/1/open', clerk, {})).status).toBe(200);
    const numbers: string[] = [];
    for (let round = 0; round < 4; round++) {
      const issued = await call(server.url, 'POST', '/api/halls/demo/tickets', clerk, { serviceId: SERVICE });
      expect(issued.status).toBe(201);
      expect((await call(server.url, 'POST', '/api/halls/demo/windows/1/call-next', clerk, {})).json.id).toBe(issued.json.id);
      expect((await call(server.url, 'POST', '/api/halls/demo/windows/1/finish', clerk, { outcome: 'completed' })).status).toBe(200);
      numbers.push(issued.json.number);
    }
    const expected = numbers.length * events.length;

    // Nobody listens: the failures are recorded, with when they began.
    const running = server;
    await until('two failed attempts', async () => ((await call(running.url, 'GET', webhook, admin)).json.webhooks[0]?.failures ?? 0) >= 2);
    const failing = (await call(running.url, 'GET', webhook, admin)).json.webhooks[0];
    expect(failing).toMatchObject({ pending: expected, deliveredSeq: made.json.deliveredSeq, failingSince: expect.any(Number) });
    expect(failing.lastError).toMatch(/ECONNREFUSED/);

    // The receiver comes up; the third event it accepts kills the server before it hears the 2xx.
    receiver = await startWebhookReceiver(SECRET, receiverPort);
    let killAfter: string | undefined;
    receiver.answer = (delivery) => {
      if (!killAfter && receiver!.accepted.length === 2) {
        killAfter = delivery.id;
        setImmediate(() => running.process.kill('SIGKILL'));
      }
      return 200;
    };
    await new Promise<void>((resolve) => (running.process.exitCode !== null || running.process.signalCode !== null ? resolve() : running.process.once('exit', () => resolve())));
    expect(running.process.signalCode).toBe('SIGKILL');
    expect(receiver.accepted.length).toBeLessThan(expected);

    server = await startChildServer({ port, dataDir });
    await receiver.waitFor(() => receiver!.accepted.length === expected, 60_000);

    const ids = receiver.accepted.map((delivery) => delivery.id);
    expect(new Set(ids).size).toBe(expected);
    const seqs = receiver.accepted.map((delivery) => delivery.body.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(receiver.accepted.map((delivery) => delivery.event)).toEqual(numbers.flatMap(() => events));
    expect(receiver.accepted.filter((d) => d.event === 'ticket:issued').map((d) => d.body.ticket.number)).toEqual(numbers);
    expect(receiver.requests.every((delivery) => delivery.signed && delivery.id === `demo:${delivery.body.seq}:${made.json.id}`)).toBe(true);
    // The event accepted just before the kill may come again (its 2xx was never heard): same id, same bytes.
    const repeats = receiver.requests.filter((delivery) => delivery.id === killAfter);
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    for (const repeat of repeats) expect(repeat.raw).toBe(repeats[0]!.raw);

    let state = (await call(server.url, 'GET', webhook, admin)).json.webhooks[0];
    for (let tries = 0; state.pending !== 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await call(server.url, 'GET', webhook, admin)).json.webhooks[0];
    }
    expect(state).toMatchObject({ pending: 0, lastError: null, failures: 0, failingSince: null });
  });
});
