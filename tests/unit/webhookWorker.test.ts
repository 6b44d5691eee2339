/**
 * The outbox worker with the webhooks' family subscription (issue 19): several endpoints of one hall,
 * each with its own event types, drained independently; the body is the staff room's event with
 * X-HallQ-Event; a replay (rewind) during a delivery is not undone by the deliverer's cursor write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../server/outbox/worker.js';
import { verifySignature } from '../../server/outbox/signing.js';
import { webhookSubscription } from '../../server/outbox/webhooks.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { HallStore, OutboxEndpointRecord, Store } from '../../server/store/port.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';

const SECRET = 'unit-webhook-secret-0123456789';
/** Odd seqs issue a ticket, even ones call it. */
const LOG: HallEvent[] = Array.from({ length: 6 }, (_, k) => ({ hallId: 'h', seq: k + 1, at: 1_000 + k, v: 2, type: k % 2 === 0 ? 'ticket:issued' : 'ticket:called', n: k + 1 }) as unknown as HallEvent);
/** A citizen's 无声叫号 number on the ticket of seq 1: never in a webhook's body. */
(LOG[0] as unknown as { ticket: unknown }).ticket = { number: 'A001', notifyPhone: '13800138000' };
const halls = { eventsSince: async (_hallId: string, after: number, limit: number) => LOG.filter((event) => event.seq > after).slice(0, limit) } as unknown as HallStore;

interface Sent {
  url: string;
  id: string;
  event: string;
  body: any;
  signed: boolean;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-webhook-worker-'));
  const store: Store = openSqliteStore({ file: join(dir, 'hallq.db') });
  const sent: Sent[] = [];
  let answer: (sent: Sent) => Promise<number> | number = () => 200;
  const fetch = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const raw = String(init.body);
    const item = { url, id: headers['x-hallq-delivery']!, event: headers['x-hallq-event']!, body: JSON.parse(raw), signed: verifySignature(raw, SECRET, headers['x-hallq-signature']) };
    sent.push(item);
    const signal = init.signal as AbortSignal;
    const status = await new Promise<number>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      void Promise.resolve(answer(item)).then(resolve);
    });
    return new Response('{}', { status });
  }) as unknown as typeof globalThis.fetch;
  const worker = new OutboxWorker({
    outbox: store.outbox,
    halls,
    subscriptions: [webhookSubscription()],
    log: pino({ level: 'silent' }),
    now: () => 5_000,
    timing: { retryBaseMs: 1000, retryMaxMs: 8000, pollMs: 60_000, timeoutMs: 5000 },
    fetch,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close(), () => worker.close());
  const hook = async (id: string, events: string[]): Promise<OutboxEndpointRecord> => {
    const record: OutboxEndpointRecord = { hallId: 'h', name: `webhook:${id}`, url: `https://in.example/${id}`, secret: SECRET, enabled: true, updatedAt: 0, updatedBy: 'u', events };
    await store.outbox.putEndpoint(record);
    worker.wake('h', record.name);
    return record;
  };
  return { store, worker, sent, hook, setAnswer: (next: typeof answer) => (answer = next) };
}

const until = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 400) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('OutboxWorker with webhooks', () => {
  it('gives each endpoint of a hall the events of its own types, as the event itself, and a hung one holds up no other', async () => {
    const env = setup();
    env.setAnswer((item) => (item.url.endsWith('/slow') ? new Promise<number>(() => undefined) : 200));
    await env.hook('slow', ['ticket:issued', 'ticket:called']);
    await env.hook('calls', ['ticket:called']);
    await env.hook('issues', ['ticket:issued']);
    await until(async () => (await env.store.outbox.getProgress('h', 'webhook:calls')).deliveredSeq === 6 && (await env.store.outbox.getProgress('h', 'webhook:issues')).deliveredSeq === 6);
    const to = (suffix: string) => env.sent.filter((item) => item.url.endsWith(suffix));
    expect(to('/calls').map((item) => [item.id, item.event])).toEqual([
      ['h:2:calls', 'ticket:called'],
      ['h:4:calls', 'ticket:called'],
      ['h:6:calls', 'ticket:called'],
    ]);
    expect(to('/issues').map((item) => item.body.seq)).toEqual([1, 3, 5]);
    expect(to('/issues')[0]!.body).toEqual({ ...LOG[0], ticket: { number: 'A001' } });
    expect(JSON.stringify(env.sent)).not.toContain('13800138000');
    expect(env.sent.every((item) => item.signed)).toBe(true);
    // The hung endpoint still holds its first event, and nothing after it.
    expect(to('/slow').map((item) => item.id)).toEqual(['h:1:slow']);
    expect((await env.store.outbox.getProgress('h', 'webhook:slow')).deliveredSeq).toBe(0);
    // A commit nudges only the endpoints whose types it has (found without a poll).
    const before = env.sent.length;
    env.worker.notify('h', [LOG[1]!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.sent.length).toBe(before);
  });

  it('a replay during a delivery wins: the deliverer’s stale cursor write is refused and it starts again from the replayed seq', async () => {
    const env = setup();
    let release: ((status: number) => void) | undefined;
    env.setAnswer((item) => (item.body.seq === 5 && !release ? new Promise<number>((resolve) => (release = resolve)) : 200));
    await env.hook('all', ['ticket:issued']);
    await until(() => release !== undefined);
    expect((await env.store.outbox.getProgress('h', 'webhook:all')).deliveredSeq).toBe(3);
    await env.store.outbox.rewind('h', 'webhook:all', 0);
    env.worker.wake('h', 'webhook:all');
    release!(200);
    await until(async () => env.sent.length === 6 && (await env.store.outbox.getProgress('h', 'webhook:all')).deliveredSeq === 6);
    expect(env.sent.map((item) => item.id)).toEqual(['h:1:all', 'h:3:all', 'h:5:all', 'h:1:all', 'h:3:all', 'h:5:all']);
  });
});
