/**
 * Issue 19, signed webhooks: an administrator registers endpoints per hall; each gets the hall's
 * events of the types it chose, exactly as the staff room gets them, signed, in seq order, once per
 * delivery id, retried while it fails, replayable; a slow endpoint delays neither commands nor other
 * endpoints; bad input and non-admins are refused with a code and nothing stored.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../server/outbox/signing.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';
import { type WebhookReceiver, startWebhookReceiver } from './webhookReceiver.js';

const hooks = `/api/halls/${DEMO}/webhooks`;
const SECRET = 'hall-webhook-secret-0123456789';
const SERVICE = 'zonghe-zixun';

let t: TestServer;
let admin: string;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  // Quick retries for the failing spell; the 10 s timeout of a hall, so the 8 s receiver is slow, not dead.
  t = await startTestServer({}, { outboxTiming: { retryBaseMs: 40, retryMaxMs: 320, pollMs: 100, timeoutMs: 10_000 } });
  admin = await t.login('admin');
});
afterAll(async () => {
  await t.close();
  for (const receiver of receivers) await receiver.close();
});

async function receiver(secret = SECRET): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(secret);
  receivers.push(started);
  return started;
}

async function create(body: unknown): Promise<any> {
  const answer = await t.api('POST', hooks, { token: admin, body });
  expect(answer.status, answer.text).toBe(201);
  expect(answer.text).not.toContain(SECRET);
  return answer.body;
}

const list = async () => (await t.api('GET', hooks, { token: admin })).body;

/** clerk1 at window 1: a ticket issued, called and finished (five events with the window's opening). */
async function serveOne(): Promise<void> {
  const clerk = await t.login('clerk1');
  await t.api('POST', `/api/halls/${DEMO}/windows/1/open`, { token: clerk, body: {} });
  expect((await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk, body: { serviceId: SERVICE } })).status).toBe(201);
  expect((await t.api('POST', `/api/halls/${DEMO}/windows/1/call-next`, { token: clerk, body: {} })).status).toBe(200);
  expect((await t.api('POST', `/api/halls/${DEMO}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } })).status).toBe(200);
}

describe('registering webhooks', () => {
  it('refuses a bad address, a bad event type and other bad input with VALIDATION_FAILED, storing nothing', async () => {
    const good = { url: 'https://hooks.example.gov.cn/in', secret: SECRET, events: ['ticket:called'] };
    const cases: Array<[unknown, string]> = [
      [{ ...good, url: 'ftp://hooks.example.gov.cn/in' }, 'url'],
      [{ ...good, url: 'javascript:alert(1)' }, 'url'],
      [{ ...good, url: 'file:///etc/passwd' }, 'url'],
      [{ ...good, url: 'https://user:pw@hooks.example/in' }, 'url'],
      [{ ...good, events: ['ticket:exploded'] }, 'events'],
      [{ ...good, events: [] }, 'events'],
      [{ ...good, events: ['ticket:called', 'ticket:called'] }, 'events'],
      [{ ...good, events: 'ticket:called' }, 'events'],
      [{ url: good.url, events: good.events }, 'secret'],
      [{ ...good, secret: 'short' }, 'secret'],
      [{ ...good, extra: true }, ''],
    ];
    for (const [body, path] of cases) {
      const answer = await t.api('POST', hooks, { token: admin, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorCodeOf(answer)).toBe('VALIDATION_FAILED');
      if (path) expect(JSON.stringify(answer.body.error.details)).toContain(path);
    }
    expect((await list()).webhooks).toEqual([]);
  });

  it('is for administrators of the hall: clerks, supervisors, devices and the public are refused; unknown ids are WEBHOOK_NOT_FOUND', async () => {
    const body = { url: 'https://hooks.example.gov.cn/in', secret: SECRET, events: ['ticket:called'] };
    const made = await create(body);
    const clerk = await t.login('clerk1');
    const supervisor = await t.login('zhuren');
    const screen = await t.windowScreenToken('1');
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', hooks],
      ['POST', hooks, body],
      ['PUT', `${hooks}/${made.id}`, body],
      ['DELETE', `${hooks}/${made.id}`],
      ['POST', `${hooks}/${made.id}/test`, {}],
      ['POST', `${hooks}/${made.id}/replay`, { fromSeq: 1 }],
    ];
    for (const [method, path, payload] of attempts) {
      for (const token of [clerk, supervisor, screen]) expect(errorCodeOf(await t.api(method, path, { token, body: payload })), `${method} ${path}`).toBe('FORBIDDEN');
      expect(errorCodeOf(await t.api(method, path, { body: payload }))).toBe('UNAUTHENTICATED');
    }
    expect((await list()).webhooks.map((w: any) => [w.id, w.url, w.events])).toEqual([[made.id, body.url, body.events]]);
    for (const [method, suffix] of [['PUT', ''], ['DELETE', ''], ['POST', '/test'], ['POST', '/replay']] as const) {
      const answer = await t.api(method, `${hooks}/0123456789abcdef${suffix}`, { token: admin, body: suffix === '/replay' ? { fromSeq: 1 } : suffix ? {} : method === 'PUT' ? body : undefined });
      expect(answer.status).toBe(404);
      expect(errorCodeOf(answer)).toBe('WEBHOOK_NOT_FOUND');
    }
    expect(errorCodeOf(await t.api('GET', '/api/halls/no-such-hall/webhooks', { token: admin }))).toBe('HALL_NOT_FOUND');
    expect((await t.api('DELETE', `${hooks}/${made.id}`, { token: admin })).status).toBe(204);
    expect(errorCodeOf(await t.api('DELETE', `${hooks}/${made.id}`, { token: admin }))).toBe('WEBHOOK_NOT_FOUND');
  });
});

describe('deliveries', () => {
  it('POST the staff room’s event, signed with the secret, only of the chosen types, in seq order, once per delivery id', async () => {
    const staff = await t.connect({ hallId: DEMO, token: await t.login('zhuren') });
    const inbox = await receiver();
    const made = await create({ url: inbox.url, secret: SECRET, events: ['ticket:issued', 'ticket:called'] });
    expect(made).toMatchObject({ enabled: true, secretSet: true, secretHint: `…${SECRET.slice(-4)}`, pending: 0, lastError: null, failingSince: null });
    expect(JSON.stringify(made)).not.toContain(SECRET);
    await serveOne();
    await inbox.waitFor(() => inbox.accepted.length === 2);
    expect(inbox.accepted.map((d) => [d.event, d.body.type])).toEqual([
      ['ticket:issued', 'ticket:issued'],
      ['ticket:called', 'ticket:called'],
    ]);
    for (const delivery of inbox.requests) {
      expect(delivery.signed).toBe(true);
      // Recomputed here from the raw body as the docs tell a receiver to; another secret does not verify.
      expect(delivery.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(delivery.raw, 'utf8').digest('hex')}`);
      expect(verifySignature(delivery.raw, 'another-secret-0123456789', delivery.signature)).toBe(false);
      expect(delivery.id).toBe(`${DEMO}:${delivery.body.seq}:${made.id}`);
      expect(delivery.body).toMatchObject({ hallId: DEMO, seq: expect.any(Number), type: delivery.event, at: expect.any(Number) });
      // Exactly the staff room's event of that seq.
      const seen = staff.hallEvents().find((event) => event.seq === delivery.body.seq);
      expect(delivery.body).toEqual(seen);
    }
    expect(inbox.accepted[0]!.body.seq).toBeLessThan(inbox.accepted[1]!.body.seq);
    // The cursor passes the rest of the log (the finish is not of its types) after the last delivery;
    // a filter changed before that would judge the finish by the new types.
    for (let tries = 0; ; tries++) {
      const now = await list();
      if (now.webhooks[0].deliveredSeq === now.seq) break;
      if (tries > 200) throw new Error('the cursor did not reach the end of the log');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A changed filter, same secret: from now on only finishes.
    const changed = await t.api('PUT', `${hooks}/${made.id}`, { token: admin, body: { url: inbox.url, events: ['ticket:finished'] } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ events: ['ticket:finished'], secretSet: true });
    expect(errorCodeOf(await t.api('PUT', `${hooks}/${made.id}`, { token: admin, body: { url: 'gopher://x', events: ['ticket:finished'] } }))).toBe('VALIDATION_FAILED');
    await serveOne();
    await inbox.waitFor(() => inbox.accepted.length === 3);
    expect(inbox.accepted[2]!.event).toBe('ticket:finished');
    const state = (await list()).webhooks.find((w: any) => w.id === made.id);
    expect(inbox.accepted).toHaveLength(3);
    expect(state).toMatchObject({ url: inbox.url, events: ['ticket:finished'], lastError: null, failures: 0 });
    expect(state.deliveredSeq).toBeGreaterThanOrEqual(inbox.accepted[2]!.body.seq);
    expect((await t.api('DELETE', `${hooks}/${made.id}`, { token: admin })).status).toBe(204);
    staff.close();
  });

  it('send a signed test on request, keep retrying a failing endpoint without losing an event, show its state, and replay from a seq', async () => {
    const inbox = await receiver();
    const made = await create({ url: inbox.url, secret: SECRET, events: ['ticket:issued'] });
    const test = await t.api('POST', `${hooks}/${made.id}/test`, { token: admin, body: {} });
    expect(test.body).toEqual({ delivered: true, status: 200, error: null });
    expect(inbox.requests[0]).toMatchObject({ event: 'webhook:test', signed: true, body: { hallId: DEMO, seq: null, type: 'webhook:test', test: true } });

    let down = true;
    inbox.answer = (delivery) => (delivery.event === 'webhook:test' || !down ? 200 : 503);
    await serveOne();
    await serveOne();
    await inbox.waitFor(() => inbox.requests.filter((d) => d.event === 'ticket:issued').length >= 3);
    const failing = (await list()).webhooks.find((w: any) => w.id === made.id);
    expect(failing).toMatchObject({ lastError: 'HTTP 503', pending: 2, failingSince: expect.any(Number) });
    expect(failing.failures).toBeGreaterThan(0);
    // While it fails, the first event is tried again and again: nothing overtakes it.
    expect(new Set(inbox.requests.filter((d) => d.event === 'ticket:issued').map((d) => d.id)).size).toBe(1);
    down = false;
    await inbox.waitFor(() => inbox.accepted.filter((d) => d.event === 'ticket:issued').length === 2);
    await inbox.waitFor(() => inbox.holding === 0);
    const issued = inbox.accepted.filter((d) => d.event === 'ticket:issued');
    // The cursor is written just after the 2xx.
    let recovered = (await list()).webhooks.find((w: any) => w.id === made.id);
    for (let tries = 0; recovered.pending !== 0 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      recovered = (await list()).webhooks.find((w: any) => w.id === made.id);
    }
    expect(recovered).toMatchObject({ lastError: null, failingSince: null, failures: 0, pending: 0 });

    // Replay from the first one: both again, in order, under the same ids.
    const before = inbox.requests.length;
    for (const fromSeq of [0, -1, 1.5, 'x', 10_000_000]) {
      expect(errorCodeOf(await t.api('POST', `${hooks}/${made.id}/replay`, { token: admin, body: { fromSeq } }))).toBe('VALIDATION_FAILED');
    }
    const replay = await t.api('POST', `${hooks}/${made.id}/replay`, { token: admin, body: { fromSeq: issued[0]!.body.seq } });
    expect(replay.status, replay.text).toBe(200);
    await inbox.waitFor(() => inbox.requests.length === before + 2);
    expect(inbox.requests.slice(before).map((d) => d.id)).toEqual(issued.map((d) => d.id));
    expect(inbox.requests.slice(before).map((d) => d.raw)).toEqual(issued.map((d) => d.raw));
    expect((await t.api('DELETE', `${hooks}/${made.id}`, { token: admin })).status).toBe(204);
  });

  it('a slow endpoint (8 s per request) delays neither the commands nor another endpoint', { timeout: 30_000 }, async () => {
    const slow = await receiver();
    const fast = await receiver();
    slow.answer = () => ({ afterMs: 8000, status: 200 });
    const slowHook = await create({ url: slow.url, secret: SECRET, events: ['ticket:issued', 'ticket:called'] });
    const fastHook = await create({ url: fast.url, secret: SECRET, events: ['ticket:issued', 'ticket:called'] });
    const clerk = await t.connect({ hallId: DEMO, token: await t.login('clerk2'), auth: { client: 'counter', windowId: '2' } });
    expect((await clerk.send('window:open', { windowId: '2' })).ok).toBe(true);
    // Served at window 2 first of all.
    const issued = await clerk.send('ticket:issue', { serviceId: 'minzheng-dibao' });
    expect(issued.ok).toBe(true);
    // The slow endpoint now holds the delivery of the issue...
    await slow.waitFor(() => slow.holding === 1);
    // ...and the call is acknowledged while it still does, and the other endpoint gets both events meanwhile.
    const called = await clerk.send('window:call-next', { windowId: '2' });
    expect(called.ok, JSON.stringify(called)).toBe(true);
    expect(slow.holding).toBe(1);
    await fast.waitFor(() => fast.accepted.length === 2);
    expect(slow.holding).toBe(1);
    expect(slow.accepted).toHaveLength(0);
    expect(fast.accepted.map((d) => d.event)).toEqual(['ticket:issued', 'ticket:called']);
    clerk.close();
    for (const hook of [slowHook, fastHook]) expect((await t.api('DELETE', `${hooks}/${hook.id}`, { token: admin })).status).toBe(204);
  });
});
