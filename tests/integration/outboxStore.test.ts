/**
 * The outbox part of the store port, the same checks on both adapters: endpoints keep their secret
 * and cursor across a reopen, the cursor only moves forward, and only the lease's holder moves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxEndpointRecord, Store } from '../../server/store/port.js';
import { openRedisStore } from '../../server/store/redis/index.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';

const endpoint = (hallId: string, overrides: Partial<OutboxEndpointRecord> = {}): OutboxEndpointRecord => ({
  hallId,
  name: 'rating-upload',
  url: 'https://hcp.example.gov.cn/in',
  secret: 'secret-0123456789abcdef',
  enabled: true,
  updatedAt: 1_700_000_000_000,
  updatedBy: 'u-admin',
  ...overrides,
});

interface Opened {
  /** Two stores on the same data: two processes on Redis; reopening the file on SQLite. */
  open(): Promise<Store>;
  shared: boolean;
  cleanup(): Promise<void>;
}

function contract(name: string, make: () => Promise<Opened>): void {
  describe(`outbox store (${name})`, () => {
    it('keeps endpoints with their secret, and the cursor when the address or secret changes', async () => {
      const env = await make();
      try {
        const store = await env.open();
        expect(await store.outbox.getEndpoint('h1', 'rating-upload')).toBeNull();
        expect(await store.outbox.getProgress('h1', 'rating-upload')).toEqual({ deliveredSeq: 0, failures: 0 });
        await store.outbox.putEndpoint(endpoint('h1'));
        await store.outbox.putEndpoint(endpoint('h2', { enabled: false }));
        expect(await store.outbox.getEndpoint('h1', 'rating-upload')).toEqual(endpoint('h1'));
        expect((await store.outbox.listEndpoints()).map((e) => [e.hallId, e.enabled])).toEqual([
          ['h1', true],
          ['h2', false],
        ]);
        expect(await store.outbox.acquireLease('h1', 'rating-upload', 'p1', 10_000)).toBe(true);
        expect(await store.outbox.advance('h1', 'rating-upload', 'p1', 42, 1_700_000_001_000)).toBe(true);
        await store.outbox.putEndpoint(endpoint('h1', { url: 'https://other.example/in', secret: 'another-secret-0123456' }));
        expect(await store.outbox.getProgress('h1', 'rating-upload')).toMatchObject({ deliveredSeq: 42, lastDeliveredAt: 1_700_000_001_000 });
        await store.close();
        const reopened = await env.open();
        expect(await reopened.outbox.getEndpoint('h1', 'rating-upload')).toMatchObject({ url: 'https://other.example/in', secret: 'another-secret-0123456' });
        expect((await reopened.outbox.getProgress('h1', 'rating-upload')).deliveredSeq).toBe(42);
      } finally {
        await env.cleanup();
      }
    });

    it('moves the cursor forward only, counts failures, and a delivery clears them', async () => {
      const env = await make();
      try {
        const store = await env.open();
        await store.outbox.putEndpoint(endpoint('h1'));
        expect(await store.outbox.acquireLease('h1', 'rating-upload', 'p1', 10_000)).toBe(true);
        expect(await store.outbox.recordFailure('h1', 'rating-upload', 'p1', 'HTTP 503', 1000)).toBe(true);
        expect(await store.outbox.recordFailure('h1', 'rating-upload', 'p1', 'ECONNREFUSED', 2000)).toBe(true);
        expect(await store.outbox.getProgress('h1', 'rating-upload')).toEqual({ deliveredSeq: 0, failures: 2, lastAttemptAt: 2000, lastError: 'ECONNREFUSED', failingSince: 1000 });
        await store.outbox.advance('h1', 'rating-upload', 'p1', 10, 3000);
        await store.outbox.advance('h1', 'rating-upload', 'p1', 7); // an older skip changes nothing
        expect(await store.outbox.getProgress('h1', 'rating-upload')).toEqual({ deliveredSeq: 10, failures: 0, lastAttemptAt: 2000, lastDeliveredAt: 3000 });
        // No endpoint, no progress to record.
        expect(await store.outbox.acquireLease('nowhere', 'rating-upload', 'p1', 10_000)).toBe(true);
        expect(await store.outbox.advance('nowhere', 'rating-upload', 'p1', 5)).toBe(false);
      } finally {
        await env.cleanup();
      }
    });

    it('gives the lease to one holder at a time; without it nothing moves; an expired or released lease is free', async () => {
      const env = await make();
      try {
        const a = await env.open();
        const b = env.shared ? await env.open() : a;
        await a.outbox.putEndpoint(endpoint('h1'));
        expect(await a.outbox.acquireLease('h1', 'rating-upload', 'p1', 10_000)).toBe(true);
        expect(await b.outbox.acquireLease('h1', 'rating-upload', 'p2', 10_000)).toBe(false);
        expect(await b.outbox.advance('h1', 'rating-upload', 'p2', 9)).toBe(false);
        expect(await b.outbox.recordFailure('h1', 'rating-upload', 'p2', 'x', 1)).toBe(false);
        expect(await a.outbox.getProgress('h1', 'rating-upload')).toEqual({ deliveredSeq: 0, failures: 0 });
        expect(await a.outbox.acquireLease('h1', 'rating-upload', 'p1', 10_000)).toBe(true); // renewed
        await b.outbox.releaseLease('h1', 'rating-upload', 'p2'); // not p2's: stays
        expect(await b.outbox.acquireLease('h1', 'rating-upload', 'p2', 10_000)).toBe(false);
        await a.outbox.releaseLease('h1', 'rating-upload', 'p1');
        expect(await b.outbox.acquireLease('h1', 'rating-upload', 'p2', 30)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 80));
        expect(await b.outbox.advance('h1', 'rating-upload', 'p2', 9)).toBe(false); // expired
        expect(await a.outbox.acquireLease('h1', 'rating-upload', 'p1', 10_000)).toBe(true);
        expect(await a.outbox.advance('h1', 'rating-upload', 'p1', 9)).toBe(true);
      } finally {
        await env.cleanup();
      }
    });

    it('keeps a webhook’s event types; a rewind moves the cursor back and beats a deliverer’s stale advance; a delete removes it all', async () => {
      const env = await make();
      try {
        const store = await env.open();
        const hook = endpoint('h1', { name: 'webhook:abc12345', events: ['ticket:issued', 'ticket:called'] });
        await store.outbox.putEndpoint(hook);
        expect(await store.outbox.getEndpoint('h1', 'webhook:abc12345')).toEqual(hook);
        expect(await store.outbox.acquireLease('h1', 'webhook:abc12345', 'p1', 10_000)).toBe(true);
        expect(await store.outbox.advance('h1', 'webhook:abc12345', 'p1', 20, 1000, 0)).toBe(true);
        expect(await store.outbox.recordFailure('h1', 'webhook:abc12345', 'p1', 'HTTP 500', 2000)).toBe(true);
        await store.outbox.rewind('h1', 'webhook:abc12345', 5);
        expect(await store.outbox.getProgress('h1', 'webhook:abc12345')).toMatchObject({ deliveredSeq: 5, failures: 0 });
        expect((await store.outbox.getProgress('h1', 'webhook:abc12345')).failingSince).toBeUndefined();
        // The deliverer still thinks it is at 20: its advance is refused, the replay stands.
        expect(await store.outbox.advance('h1', 'webhook:abc12345', 'p1', 21, 3000, 20)).toBe(false);
        expect((await store.outbox.getProgress('h1', 'webhook:abc12345')).deliveredSeq).toBe(5);
        expect(await store.outbox.advance('h1', 'webhook:abc12345', 'p1', 6, 3000, 5)).toBe(true);
        await store.outbox.deleteEndpoint('h1', 'webhook:abc12345');
        expect(await store.outbox.getEndpoint('h1', 'webhook:abc12345')).toBeNull();
        expect(await store.outbox.getProgress('h1', 'webhook:abc12345')).toEqual({ deliveredSeq: 0, failures: 0 });
        expect((await store.outbox.listEndpoints()).map((e) => e.name)).toEqual([]);
      } finally {
        await env.cleanup();
      }
    });
  });
}

contract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-outbox-store-'));
  const opened: Store[] = [];
  return {
    shared: false,
    async open() {
      const store = openSqliteStore({ file: join(dir, 'hallq.db') });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

if (hasRedis()) {
  let redis: Promise<TestRedis> | undefined;
  let prefixes = 0;
  afterAll(async () => {
    if (redis) await (await redis).destroy();
  });
  contract('redis', async () => {
    const server = await (redis ??= startTestRedis());
    const prefix = `outbox${process.pid}-${++prefixes}:`;
    const opened: Store[] = [];
    return {
      shared: true,
      async open() {
        const store = await openRedisStore({ url: server.url, prefix });
        opened.push(store);
        return store;
      },
      async cleanup() {
        for (const store of opened) await store.close();
      },
    };
  });
}
