/**
 * The generic outbox worker on its own: a subscription over a fixed event log, the SQLite outbox
 * store on a file (so a "restart" is a new worker on the same file), a scripted fetch and a clock the
 * test moves. What is checked holds whatever real time passes: the worker's decisions follow the
 * clock it is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxWorker, type OutboxSubscription } from '../../server/outbox/worker.js';
import { DEFAULT_OUTBOX_TIMING } from '../../server/outbox/backoff.js';
import { verifySignature } from '../../server/outbox/signing.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { HallStore, Store } from '../../server/store/port.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';

const SECRET = 'unit-test-secret-0123456789';
const events = (count: number): HallEvent[] =>
  Array.from({ length: count }, (_, k) => ({ seq: k + 1, at: 1_000 + k, v: 2, actor: 'x', type: k % 2 === 0 ? 'ticket:rated' : 'ticket:called' }) as unknown as HallEvent);

/** Takes the rated events only; the payload names the seq. */
const subscription: OutboxSubscription = {
  name: 'test-sub',
  accepts: (event) => event.type === 'ticket:rated',
  payloads: async (_hallId, accepted) => new Map(accepted.map((event) => [event.seq, { n: event.seq }])),
};

function hallsOf(log: HallEvent[]): HallStore {
  return { eventsSince: async (_hallId: string, after: number, limit: number) => log.filter((event) => event.seq > after).slice(0, limit) } as unknown as HallStore;
}

interface Sent {
  url: string;
  key: string;
  body: any;
  signed: boolean;
}

const dirs: string[] = [];
const stores: Store[] = [];
const workers: OutboxWorker[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(log: HallEvent[]) {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-outbox-worker-'));
  dirs.push(dir);
  const file = join(dir, 'hallq.db');
  const clock = { now: 1_000_000 };
  const sent: Sent[] = [];
  let answer: (sent: Sent) => Promise<number> | number = () => 200;
  const fetch = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const raw = String(init.body);
    const item = { url, key: headers['x-hallq-delivery']!, body: JSON.parse(raw), signed: verifySignature(raw, SECRET, headers['x-hallq-signature']) };
    sent.push(item);
    // As the real fetch: an aborted request rejects.
    const signal = init.signal as AbortSignal;
    const status = await new Promise<number>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      void Promise.resolve(answer(item)).then(resolve);
    });
    return new Response(status === 204 ? null : '{}', { status });
  }) as unknown as typeof globalThis.fetch;
  const open = () => {
    const store = openSqliteStore({ file });
    stores.push(store);
    const worker = new OutboxWorker({
      outbox: store.outbox,
      halls: hallsOf(log),
      subscriptions: [subscription],
      log: pino({ level: 'silent' }),
      now: () => clock.now,
      timing: { retryBaseMs: 1000, retryMaxMs: 8000, pollMs: 60_000, timeoutMs: 500 },
      fetch,
    });
    workers.push(worker);
    return { store, worker };
  };
  return { clock, sent, open, setAnswer: (next: typeof answer) => (answer = next) };
}

const until = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 400) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
const idle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('OutboxWorker', () => {
  it('posts the accepted events in seq order, signed, and moves the cursor past the others', async () => {
    const env = setup(events(5));
    const { store, worker } = env.open();
    await store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u' });
    worker.wake('h', 'test-sub');
    await until(async () => (await store.outbox.getProgress('h', 'test-sub')).deliveredSeq === 5);
    expect(env.sent.map((s) => s.key)).toEqual(['h:1', 'h:3', 'h:5']);
    expect(env.sent.every((s) => s.signed && s.url === 'https://in.example/x')).toBe(true);
    expect(env.sent[1]!.body).toEqual({ deliveryId: 'h:3', hallId: 'h', seq: 3, subscription: 'test-sub', data: { n: 3 } });
    expect(await store.outbox.getProgress('h', 'test-sub')).toMatchObject({ failures: 0, lastDeliveredAt: 1_000_000 });
    // Only events it takes wake it.
    worker.notify('h', events(2).slice(1));
    await idle();
    expect(env.sent).toHaveLength(3);
  });

  it('keeps its back-off across a restart: the same record again only once the wait is over', async () => {
    const env = setup(events(3));
    env.setAnswer(() => 503);
    const first = env.open();
    await first.store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u' });
    first.worker.wake('h', 'test-sub');
    await until(async () => (await first.store.outbox.getProgress('h', 'test-sub')).failures === 1);
    env.clock.now += 1000; // the first wait (1 s) is over
    first.worker.wake('h', 'test-sub');
    await until(async () => (await first.store.outbox.getProgress('h', 'test-sub')).failures === 2);
    expect(env.sent.map((s) => s.key)).toEqual(['h:1', 'h:1']);
    await first.worker.close();
    await first.store.close();

    env.setAnswer(() => 200);
    const second = env.open();
    expect(await second.store.outbox.getProgress('h', 'test-sub')).toEqual({ deliveredSeq: 0, failures: 2, lastAttemptAt: 1_001_000, lastError: 'HTTP 503', failingSince: 1_000_000 });
    second.worker.start();
    second.worker.wake('h', 'test-sub');
    await idle();
    expect(env.sent).toHaveLength(2); // the second wait (2 s) has not passed on the worker's clock
    env.clock.now += 2000;
    second.worker.wake('h', 'test-sub');
    await until(async () => (await second.store.outbox.getProgress('h', 'test-sub')).deliveredSeq === 3);
    expect(env.sent.map((s) => s.key)).toEqual(['h:1', 'h:1', 'h:1', 'h:3']);
    expect(await second.store.outbox.getProgress('h', 'test-sub')).toMatchObject({ failures: 0 });
    expect((await second.store.outbox.getProgress('h', 'test-sub')).lastError).toBeUndefined();
  });

  it('sends nothing while the endpoint is off, and treats a redirect as a failure it does not follow', async () => {
    const env = setup(events(1));
    const { store, worker } = env.open();
    await store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: false, updatedAt: 0, updatedBy: 'u' });
    worker.wake('h', 'test-sub');
    await idle();
    expect(env.sent).toHaveLength(0);
    env.setAnswer(() => 302);
    await store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u' });
    worker.wake('h', 'test-sub');
    await until(async () => (await store.outbox.getProgress('h', 'test-sub')).failures === 1);
    expect(await store.outbox.getProgress('h', 'test-sub')).toMatchObject({ deliveredSeq: 0, lastError: 'HTTP 302 (redirects are not followed)' });
    expect(env.sent).toHaveLength(1);
  });

  it('fails an endpoint that does not answer within the timeout (10 s for a hall) and tries the same event again later', async () => {
    expect(DEFAULT_OUTBOX_TIMING.timeoutMs).toBe(10_000);
    const env = setup(events(1));
    env.setAnswer(() => new Promise<number>(() => undefined)); // accepts the connection, never answers
    const { store, worker } = env.open();
    await store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u' });
    worker.wake('h', 'test-sub');
    // The setup's timeout is 500 ms: the hung request is abandoned and counted as the endpoint's failure.
    await until(async () => (await store.outbox.getProgress('h', 'test-sub')).failures === 1);
    expect(await store.outbox.getProgress('h', 'test-sub')).toMatchObject({ deliveredSeq: 0, lastError: 'no answer within 1 s', failingSince: 1_000_000 });
    expect(env.sent.map((s) => s.key)).toEqual(['h:1']);
    // Once the back-off has passed, the same event goes again, and an answer now delivers it.
    env.setAnswer(() => 200);
    env.clock.now += 1000;
    worker.wake('h', 'test-sub');
    await until(async () => (await store.outbox.getProgress('h', 'test-sub')).deliveredSeq === 1);
    expect(env.sent.map((s) => s.key)).toEqual(['h:1', 'h:1']);
    expect(await store.outbox.getProgress('h', 'test-sub')).toMatchObject({ failures: 0 });
  });

  it('counts what is pending, and says when it stopped counting', async () => {
    const env = setup(events(2500));
    const { worker } = env.open();
    expect(await worker.pending('h', subscription, 0)).toEqual({ count: 1250, complete: true });
    expect(await worker.pending('h', subscription, 2000)).toEqual({ count: 250, complete: true });
    expect(await worker.pending('h', subscription, 0, 1000)).toEqual({ count: 500, complete: false });
  });

  it('at close aborts a delivery under way without counting it as the endpoint’s failure', async () => {
    const env = setup(events(1));
    env.setAnswer(() => new Promise<number>(() => undefined)); // never answers
    const { store, worker } = env.open();
    await store.outbox.putEndpoint({ hallId: 'h', name: 'test-sub', url: 'https://in.example/x', secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u' });
    worker.wake('h', 'test-sub');
    await until(() => env.sent.length === 1);
    await worker.close();
    // Not delivered (no cursor move), and not the endpoint's fault (no failure, no back-off after the restart).
    expect(await store.outbox.getProgress('h', 'test-sub')).toEqual({ deliveredSeq: 0, failures: 0 });
  });
});
