import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyStore } from '../../server/notify/store.js';

/**
 * What the notifier relies on from its store (server/notify/store.ts), run against SQLite and Redis:
 * a record per ticket and kind made once, settled once, the cursor that only moves forward, the
 * daily count per number key, retry state and pruning. `open` gives a fresh store; `reopen` another
 * one on the same data (a restart, or a second process).
 */
export interface NotifyStoreHarness {
  open(): Promise<NotifyStore>;
  reopen(): Promise<NotifyStore>;
  cleanup(): Promise<void>;
}

export function describeNotifyStoreContract(name: string, makeHarness: () => Promise<NotifyStoreHarness>): void {
  describe(`notify store contract: ${name}`, () => {
    let harness: NotifyStoreHarness;
    let store: NotifyStore;
    beforeEach(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('keeps a cursor per hall that only moves forward, and survives a reopen', async () => {
      expect(await store.cursor('h1')).toBeNull();
      await store.setCursor('h1', 0);
      expect(await store.cursor('h1')).toBe(0);
      await store.setCursor('h1', 7);
      await store.setCursor('h1', 3);
      expect(await store.cursor('h1')).toBe(7);
      expect(await store.cursor('h2')).toBeNull();
      const other = await harness.reopen();
      expect(await other.cursor('h1')).toBe(7);
    });

    it('claims a ticket and kind once, whatever the status, and from any process', async () => {
      expect(await store.claim('h1', 't1', 'ahead', 'pending', 1000)).toBe(true);
      expect(await store.claim('h1', 't1', 'ahead', 'pending', 2000)).toBe(false);
      expect(await store.claim('h1', 't1', 'ahead', 'skipped', 2000)).toBe(false);
      const other = await harness.reopen();
      expect(await other.claim('h1', 't1', 'ahead', 'pending', 3000)).toBe(false);
      expect(await other.claim('h1', 't1', 'called', 'pending', 3000)).toBe(true);
      expect(await other.claim('h2', 't1', 'ahead', 'pending', 3000)).toBe(true);
      expect(await store.get('h1', 't1', 'ahead')).toEqual({ hallId: 'h1', ticketId: 't1', kind: 'ahead', status: 'pending', createdAt: 1000, attempts: 0, nextAttemptAt: 0 });
      expect(await store.get('h1', 't9', 'ahead')).toBeNull();
    });

    it('lists pending records of the hall oldest first; a skipped one is never pending', async () => {
      await store.claim('h1', 'b', 'ahead', 'pending', 2000);
      await store.claim('h1', 'a', 'called', 'pending', 1000);
      await store.claim('h1', 'c', 'ahead', 'skipped', 500);
      await store.claim('h2', 'd', 'ahead', 'pending', 100);
      expect((await store.pending('h1')).map((r) => [r.ticketId, r.kind])).toEqual([
        ['a', 'called'],
        ['b', 'ahead'],
      ]);
      expect((await store.get('h1', 'c', 'ahead'))?.status).toBe('skipped');
    });

    it('keeps retry state on a failed attempt and leaves the record pending', async () => {
      await store.claim('h1', 't1', 'ahead', 'pending', 1000);
      await store.failed('h1', 't1', 'ahead', 'HTTP 503', 6000);
      await store.failed('h1', 't1', 'ahead', 'x'.repeat(2000), 11_000);
      const [record] = await store.pending('h1');
      expect(record).toMatchObject({ ticketId: 't1', status: 'pending', attempts: 2, nextAttemptAt: 11_000 });
      expect(record!.lastError).toHaveLength(500);
      const other = await harness.reopen();
      expect((await other.get('h1', 't1', 'ahead'))?.attempts).toBe(2);
    });

    it('settles a record out of the pending list and counts sent messages per number key and day', async () => {
      await store.claim('h1', 't1', 'ahead', 'pending', 1000);
      await store.claim('h1', 't1', 'called', 'pending', 1000);
      await store.claim('h1', 't2', 'ahead', 'pending', 1000);
      await store.claim('h1', 't3', 'ahead', 'pending', 1000);
      const quota = { phoneKey: 'k1', day: '2026-12-02' };
      await store.settle('h1', 't1', 'ahead', 'sent', 2000, quota);
      await store.settle('h1', 't1', 'called', 'sent', 2000, quota);
      await store.settle('h1', 't2', 'ahead', 'sent', 2000, { phoneKey: 'k2', day: '2026-12-02' });
      await store.settle('h1', 't3', 'ahead', 'dropped', 2000);
      expect(await store.pending('h1')).toEqual([]);
      expect((await store.get('h1', 't3', 'ahead'))?.status).toBe('dropped');
      expect(await store.sentCount('k1', '2026-12-02')).toBe(2);
      expect(await store.sentCount('k1', '2026-12-03')).toBe(0);
      expect(await store.sentCount('k2', '2026-12-02')).toBe(1);
      expect(await store.sentCount('k3', '2026-12-02')).toBe(0);
      // Settled twice (a retry after a crash between the two): still one message.
      await store.settle('h1', 't1', 'ahead', 'sent', 3000, quota);
      expect(await store.sentCount('k1', '2026-12-02')).toBe(2);
      const other = await harness.reopen();
      expect(await other.sentCount('k1', '2026-12-02')).toBe(2);
    });

    it('prunes settled records created before the limit, never a pending one', async () => {
      await store.claim('h1', 'old', 'ahead', 'pending', 1000);
      await store.settle('h1', 'old', 'ahead', 'sent', 1500, { phoneKey: 'k1', day: '2026-12-01' });
      await store.claim('h1', 'old-skip', 'ahead', 'skipped', 1000);
      await store.claim('h2', 'old-pending', 'ahead', 'pending', 1000);
      await store.claim('h2', 'new', 'ahead', 'pending', 5000);
      await store.settle('h2', 'new', 'ahead', 'limited', 5000);
      expect(await store.prune(5000)).toBe(2);
      expect(await store.get('h1', 'old', 'ahead')).toBeNull();
      expect(await store.get('h1', 'old-skip', 'ahead')).toBeNull();
      expect((await store.get('h2', 'old-pending', 'ahead'))?.status).toBe('pending');
      expect((await store.get('h2', 'new', 'ahead'))?.status).toBe('limited');
      // Once pruned, the ticket and kind could be claimed again: the worker prunes after two days only.
      expect(await store.prune(5000)).toBe(0);
    });
  });
}
