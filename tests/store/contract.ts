/**
 * The store contract: every adapter of server/store/port.ts runs this same
 * suite (tests/store/sqlite.test.ts, later the Redis one).
 *
 * Harness rules for `makeStore`:
 * - each call returns a fresh, empty store;
 * - `reopen()` (optional; the durability tests are skipped without it) returns
 *   a NEW store over the same data; the suite closes the previous store first;
 * - `second()` (optional) returns another store over the same data while the first stays open;
 * - `cleanup()` closes every store the harness handed out (`close()` must be
 *   idempotent) and deletes the data.
 *
 * Beyond port.ts, the suite pins down: `close()` commits updates already
 * requested and is idempotent; after it, calls reject with StoreError('UNAVAILABLE');
 * an ok outcome whose event seqs are not state.seq+1.. contiguous, or whose
 * state.seq is not the last event's seq, is rejected and nothing is written.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_VERSION, type HallEvent } from '../../server/protocol/events.js';
import type { HallState } from '../../server/protocol/model.js';
import { StoreError, type Store, type StoreErrorCode, type UpdateOutcome } from '../../server/store/port.js';
import {
  T0,
  issueNext,
  makeDevice,
  makeHallState,
  makeHallWithRequests,
  makeHallWithTickets,
  makeRatingCase,
  makeTicket,
  makeUser,
  postAnnouncement,
  putRatingCase,
  recallTicket,
  rewriteEverything,
  setTicketStatus,
  ticketIssuedEvent,
  withRequest,
  withTicket,
} from './fixtures.js';
import { hallFromJson } from '../helpers/plainHall.js';
import { v1Day } from '../helpers/eventlogFixture.js';

export interface StoreHarness {
  store: Store;
  reopen?: () => Promise<Store>;
  /** Another store over the same data, open at the same time (a second process, e.g. the hallq command line). */
  second?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a StoreError(${code}), but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

function seqsOf(events: Array<{ seq: number }>): number[] {
  return events.map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Runs the ops in order; consecutive ops marked `withPrevious` are requested
 * together (one group commit, if the adapter batches). Answers the last outcome.
 */
async function updateInGroups<Op extends { withPrevious: boolean }, T>(
  store: Store,
  hallId: string,
  ops: Op[],
  stepOf: (op: Op) => (state: HallState) => UpdateOutcome<T>,
): Promise<UpdateOutcome<T> | null> {
  let last: UpdateOutcome<T> | null = null;
  for (let i = 0; i < ops.length; ) {
    let j = i + 1;
    while (j < ops.length && ops[j]!.withPrevious) j++;
    const outcomes = await Promise.all(ops.slice(i, j).map((o) => store.halls.update(hallId, stepOf(o))));
    last = outcomes[outcomes.length - 1]!;
    i = j;
  }
  return last;
}

export function describeHallStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    async function reopen(): Promise<Store> {
      await store.close();
      store = await harness.reopen!();
      return store;
    }

    describe('halls', () => {
      it('createHall then loadHall round-trips; an unknown hall is null', async () => {
        const state = makeHallState('h1');
        await store.halls.createHall(state);
        expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
        expect(await store.halls.loadHall('nope')).toBeNull();
      });

      it('the store keeps its own copy of a created hall', async () => {
        const state = makeHallState('h1');
        await store.halls.createHall(state);
        state.config.name = 'changed after create';
        state.counters['svc-a'] = 99;
        expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
      });

      it('createHall twice rejects with DUPLICATE and keeps the first', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const second = makeHallState('h1');
        second.config.name = 'impostor';
        await expectStoreError(store.halls.createHall(second), 'DUPLICATE');
        expect((await store.halls.loadHall('h1'))?.config.name).toBe(makeHallState('h1').config.name);
      });

      it('listHalls lists every hall', async () => {
        expect(await store.halls.listHalls()).toEqual([]);
        const h2 = makeHallState('h2');
        delete h2.config.nameAlt;
        h2.config.timeZone = 'Asia/Urumqi';
        await store.halls.createHall(h2);
        await store.halls.createHall(makeHallState('h1'));
        const halls = (await store.halls.listHalls()).sort((a, b) => a.id.localeCompare(b.id));
        expect(halls).toEqual([
          { id: 'h1', name: '便民服务中心 h1', nameAlt: 'Service Hall h1', timeZone: 'Asia/Shanghai' },
          { id: 'h2', name: '便民服务中心 h2', timeZone: 'Asia/Urumqi' },
        ]);
      });

      it('createHall stores the events of the creation as the start of the log; updates continue after them', async () => {
        const state = { ...makeHallState('h1'), seq: 1 };
        const created: HallEvent = { v: EVENT_VERSION, type: 'hall:created', template: 'blank', hallId: 'h1', seq: 1, at: T0, actor: 'user:admin' };
        await store.halls.createHall(state, [created]);
        expect(await store.halls.eventsSince('h1', 0, 10)).toEqual([created]);
        expect((await store.halls.loadHall('h1'))?.seq).toBe(1);
        const outcome = await store.halls.update('h1', issueNext);
        expect(outcome).toMatchObject({ ok: true, state: { seq: 2 } });
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 10))).toEqual([1, 2]);
      });

      it('createHall refuses creation events that are not seqs 1..state.seq of the hall, and writes nothing', async () => {
        const event = (seq: number, hallId = 'h1'): HallEvent => ({ v: EVENT_VERSION, type: 'hall:created', hallId, seq, at: T0 });
        const cases: Array<[number, HallEvent[]]> = [
          [1, [event(2)]],
          [2, [event(1)]],
          [1, [event(1, 'other')]],
          [2, [event(1), event(1)]],
        ];
        for (const [seq, events] of cases) {
          await expect(store.halls.createHall({ ...makeHallState('h1'), seq }, events)).rejects.toThrow();
          expect(await store.halls.loadHall('h1')).toBeNull();
          expect(await store.halls.eventsSince('h1', 0, 10)).toEqual([]);
        }
        expect(await store.halls.listHalls()).toEqual([]);
      });

      it('a retired hall (archivedAt) is listed with archivedAt once an update sets it, and keeps it across a reopen', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        const archive = (state: HallState): UpdateOutcome<null> => ({
          ok: true,
          state: { ...state, archivedAt: T0 + 5000, seq: state.seq + 1 },
          events: [{ v: EVENT_VERSION, type: 'hall:archived', expired: 0, waiting: {}, hallId: 'h1', seq: state.seq + 1, at: T0 + 5000 }],
          result: null,
        });
        expect((await store.halls.update('h1', archive))?.ok).toBe(true);
        const listed = async (s: Store) => (await s.halls.listHalls()).sort((a, b) => a.id.localeCompare(b.id)).map((h) => [h.id, h.archivedAt]);
        expect(await listed(store)).toEqual([['h1', T0 + 5000], ['h2', undefined]]);
        expect((await store.halls.loadHall('h1'))?.archivedAt).toBe(T0 + 5000);
        if (!harness.reopen) return;
        const reopened = await reopen();
        expect(await listed(reopened)).toEqual([['h1', T0 + 5000], ['h2', undefined]]);
        expect((await reopened.halls.loadHall('h1'))?.archivedAt).toBe(T0 + 5000);
      });

      it('a hall created by a second store over the same data (the command line) is found at once by the first', async (ctx) => {
        if (!harness.second) ctx.skip();
        await store.halls.createHall(makeHallState('h1'));
        // The first store has looked for the hall before it existed: that absence must not be remembered.
        expect(await store.halls.loadHall('h2')).toBeNull();
        expect((await store.halls.update('h2', issueNext))).toBeNull();
        const other = await harness.second!();
        const created: HallEvent = { v: EVENT_VERSION, type: 'hall:created', hallId: 'h2', seq: 1, at: T0 };
        await other.halls.createHall({ ...makeHallState('h2'), seq: 1 }, [created]);
        expect((await store.halls.listHalls()).map((h) => h.id).sort()).toEqual(['h1', 'h2']);
        expect((await store.halls.loadHall('h2'))?.config.id).toBe('h2');
        expect(await store.halls.update('h2', issueNext)).toMatchObject({ ok: true, state: { seq: 2 } });
        await store.halls.update('h1', issueNext);
        expect(seqsOf(await store.halls.eventsSince('h2', 0, 10))).toEqual([1, 2]);
        expect(seqsOf(await other.halls.eventsSince('h2', 0, 10))).toEqual([1, 2]);
        await expectStoreError(store.halls.createHall(makeHallState('h2')), 'DUPLICATE');
      });

      it('an ok update persists the state and its events', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const outcome = await store.halls.update('h1', issueNext);
        expect(outcome?.ok).toBe(true);
        if (!outcome?.ok) return;
        expect(outcome.result.number).toBe('A001');
        expect(outcome.state.seq).toBe(1);

        const loaded = await store.halls.loadHall('h1');
        expect(loaded).toEqual(outcome.state);
        expect(loaded?.counters['svc-a']).toBe(1);

        const events = await store.halls.eventsSince('h1', 0, 100);
        expect(events).toEqual(outcome.events);
        expect(events[0]).toMatchObject({ type: 'ticket:issued', hallId: 'h1', seq: 1 });
      });

      it('an update may append several events at once', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const outcome = await store.halls.update('h1', (state) => {
          const first = issueNext(state);
          if (!first.ok) return first;
          const second = issueNext(first.state);
          if (!second.ok) return second;
          return { ok: true, state: second.state, events: [...first.events, ...second.events], result: 2 };
        });
        expect(outcome).toMatchObject({ ok: true, result: 2 });
        expect((await store.halls.loadHall('h1'))?.seq).toBe(2);
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([1, 2]);
      });

      it('pruneHistory drops old events and old finished tickets of one hall, and nothing live', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        for (let i = 0; i < 3; i++) await store.halls.update('h1', issueNext);
        await store.halls.update('h2', issueNext);
        await store.halls.update('h1', setTicketStatus('h1-t1', 'served', T0 + 10_000));
        const live = await store.halls.loadHall('h1');

        // Events of h1 before T0 + 2.5 s (seq 1 and 2), and its finished tickets of days before 2025-03-04 (t1).
        expect(await store.halls.pruneHistory('h1', T0 + 2_500, '2025-03-04')).toEqual({ events: 2, tickets: 1 });
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([3, 4]);
        expect(await store.halls.getTicket('h1-t1')).toBeNull();
        expect((await store.halls.getTicket('h1-t2'))?.ticket.status).toBe('waiting');
        expect(seqsOf(await store.halls.eventsSince('h2', 0, 100))).toEqual([1]);
        expect(await store.halls.getTicket('h2-t1')).not.toBeNull();
        expect(await store.halls.loadHall('h1')).toEqual(live);
        // Nothing older left: a second run deletes nothing; the log goes on from where it was.
        expect(await store.halls.pruneHistory('h1', T0 + 2_500, '2025-03-04')).toEqual({ events: 0, tickets: 0 });
        await store.halls.update('h1', issueNext);
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([3, 4, 5]);
      });

      it('reads events stored before they had a version in today\'s shape (upcast on read); a newer version is CORRUPT', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const legacy = v1Day()
          .events.slice(0, 6)
          .map((event, index) => ({ ...event, hallId: 'h1', seq: index + 1 }));
        expect(legacy.every((event) => !('v' in event))).toBe(true);
        await store.halls.update('h1', (state) => ({ ok: true, state: { ...state, seq: legacy.length }, events: legacy as unknown as HallEvent[], result: null }));
        const read = await store.halls.eventsSince('h1', 0, 100);
        expect(read).toEqual(legacy.map((event) => ({ ...event, v: EVENT_VERSION })));
        expect(await store.halls.eventsSince('h1', 4, 1)).toEqual([{ ...legacy[4], v: EVENT_VERSION }]);

        const fromTheFuture = { ...legacy[0]!, seq: legacy.length + 1, v: EVENT_VERSION + 1 } as unknown as HallEvent;
        await store.halls.update('h1', (state) => ({ ok: true, state: { ...state, seq: state.seq + 1 }, events: [fromTheFuture], result: null }));
        await expectStoreError(store.halls.eventsSince('h1', 0, 100), 'CORRUPT');
      });

      it('eventsSince honours afterSeq and limit, oldest first, per hall', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        for (let i = 0; i < 5; i++) await store.halls.update('h1', issueNext);
        await store.halls.update('h2', issueNext);

        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([1, 2, 3, 4, 5]);
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 2))).toEqual([1, 2]);
        expect(seqsOf(await store.halls.eventsSince('h1', 2, 100))).toEqual([3, 4, 5]);
        expect(seqsOf(await store.halls.eventsSince('h1', 3, 1))).toEqual([4]);
        expect(await store.halls.eventsSince('h1', 5, 100)).toEqual([]);
        expect(await store.halls.eventsSince('h1', 0, 0)).toEqual([]);
        expect(seqsOf(await store.halls.eventsSince('h2', 0, 100))).toEqual([1]);
        expect(await store.halls.eventsSince('nope', 0, 100)).toEqual([]);
        const events = await store.halls.eventsSince('h1', 0, 100);
        expect(events.map((e) => (e.type === 'ticket:issued' ? e.ticket.number : ''))).toEqual([
          'A001',
          'A002',
          'A003',
          'A004',
          'A005',
        ]);
      });

      it('an update returning ok:false writes nothing and resolves with the refusal', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const refusal: UpdateOutcome<never> = { ok: false, error: { code: 'QUEUE_EMPTY', details: { windowId: 'win-1' } } };
        const outcome = await store.halls.update('h1', () => refusal);
        expect(outcome).toEqual(refusal);
        expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
        expect(await store.halls.eventsSince('h1', 0, 100)).toEqual([]);
      });

      it('an ok update that hands back its input state and no events (a replayed request) changes nothing', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.update('h1', issueNext);
        const outcome = await store.halls.update('h1', (state) => ({ ok: true, state, events: [], result: 'answered' }));
        expect(outcome).toMatchObject({ ok: true, result: 'answered', events: [], state: { seq: 1 } });
        expect((await store.halls.loadHall('h1'))?.seq).toBe(1);
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([1]);
      });

      it('an update on a missing hall resolves null without calling fn', async () => {
        let called = false;
        const outcome = await store.halls.update('nope', (state) => {
          called = true;
          return issueNext(state);
        });
        expect(outcome).toBeNull();
        expect(called).toBe(false);
      });

      it('a throwing fn rejects with its error, writes nothing, and the store keeps working', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const boom = new Error('bug in a command handler');
        await expect(
          store.halls.update('h1', () => {
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
        expect(await store.halls.eventsSince('h1', 0, 100)).toEqual([]);

        const next = await store.halls.update('h1', issueNext);
        expect(next).toMatchObject({ ok: true, state: { seq: 1 } });
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([1]);
      });

      it('an outcome that breaks the sequence rule is rejected and nothing is written', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const gap = (state: HallState): UpdateOutcome<null> => {
          const ticket = issueNext(state);
          if (!ticket.ok) return ticket;
          return {
            ok: true,
            state: { ...ticket.state, seq: state.seq + 2 },
            events: [ticketIssuedEvent('h1', state.seq + 2, ticket.result)],
            result: null,
          };
        };
        const staleStateSeq = (state: HallState): UpdateOutcome<null> => {
          const ticket = issueNext(state);
          if (!ticket.ok) return ticket;
          return { ok: true, state: { ...ticket.state, seq: state.seq }, events: ticket.events, result: null };
        };
        await expect(store.halls.update('h1', gap)).rejects.toThrow();
        await expect(store.halls.update('h1', staleStateSeq)).rejects.toThrow();
        expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
        expect(await store.halls.eventsSince('h1', 0, 100)).toEqual([]);
        expect(await store.halls.update('h1', issueNext)).toMatchObject({ ok: true, state: { seq: 1 } });
      });

      it('200 concurrent updates lose nothing and number the events 1..200', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const outcomes = await Promise.all(Array.from({ length: 200 }, () => store.halls.update('h1', issueNext)));
        const numbers = outcomes.map((o) => (o?.ok ? o.result.number : 'refused'));
        expect(new Set(numbers).size).toBe(200);
        expect(numbers[0]).toBe('A001');
        expect(numbers[199]).toBe('A200');

        const state = await store.halls.loadHall('h1');
        expect(state?.seq).toBe(200);
        expect(state?.counters['svc-a']).toBe(200);
        expect(state?.tickets.size).toBe(200);
        const events = await store.halls.eventsSince('h1', 0, 1000);
        expect(seqsOf(events)).toEqual(range(1, 200));
      });

      it('updates issued together succeed or fail independently, each on the freshest state', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        const boom = new Error('boom');
        const results = await Promise.allSettled([
          store.halls.update('h1', issueNext),
          store.halls.update('h1', () => {
            throw boom;
          }),
          store.halls.update('h1', () => ({ ok: false, error: { code: 'CAP_REACHED' } })),
          store.halls.update('h2', issueNext),
          store.halls.update('missing', issueNext),
          store.halls.update('h1', issueNext),
        ]);
        expect(results.map((r) => r.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        expect(results[1]).toMatchObject({ reason: boom });
        expect(results[2]).toMatchObject({ value: { ok: false, error: { code: 'CAP_REACHED' } } });
        expect(results[4]).toMatchObject({ value: null });
        expect(results[5]).toMatchObject({ value: { ok: true, result: { number: 'A002' }, state: { seq: 2 } } });
        expect((await store.halls.loadHall('h1'))?.seq).toBe(2);
        expect((await store.halls.loadHall('h2'))?.seq).toBe(1);
        expect(seqsOf(await store.halls.eventsSince('h1', 0, 100))).toEqual([1, 2]);
        expect(seqsOf(await store.halls.eventsSince('h2', 0, 100))).toEqual([1]);
      });

      it('getTicket returns the latest projected version, also after the ticket left the hall state', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const issued = await store.halls.update('h1', issueNext);
        if (!issued?.ok) throw new Error('issue failed');
        const id = issued.result.id;
        expect(await store.halls.getTicket(id)).toEqual({ hallId: 'h1', ticket: issued.result });

        await store.halls.update('h1', setTicketStatus(id, 'called', T0 + 60_000));
        await store.halls.update('h1', postAnnouncement('ann-1', T0 + 61_000));
        expect((await store.halls.getTicket(id))?.ticket).toMatchObject({ status: 'called', calledAt: T0 + 60_000 });

        await store.halls.update('h1', setTicketStatus(id, 'served', T0 + 120_000));
        expect((await store.halls.loadHall('h1'))?.tickets.get(id)).toBeUndefined();
        const record = await store.halls.getTicket(id);
        expect(record).toEqual({
          hallId: 'h1',
          ticket: {
            ...issued.result,
            status: 'served',
            windowId: 'win-1',
            calledAt: T0 + 60_000,
            finishedAt: T0 + 120_000,
            outcome: 'completed',
          },
        });
        expect(await store.halls.getTicket('no-such-ticket')).toBeNull();
      });

      it('unratedServed lists the served tickets of the given days without a rating, bounded by limit', async () => {
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        for (let i = 0; i < 4; i++) await store.halls.update('h1', issueNext);
        await store.halls.update('h2', issueNext);
        for (const id of ['h1-t1', 'h1-t2', 'h1-t3']) {
          await store.halls.update('h1', setTicketStatus(id, 'called', T0 + 60_000));
          await store.halls.update('h1', setTicketStatus(id, 'served', T0 + 120_000));
        }
        await store.halls.update('h2', setTicketStatus('h2-t1', 'called', T0 + 60_000));
        await store.halls.update('h2', setTicketStatus('h2-t1', 'served', T0 + 120_000));
        // h1-t3 was rated (a late rating of the stored ticket, carried by its event).
        await store.halls.update('h1', (state) => {
          const ticket = { ...(state.tickets.get('h1-t3') ?? makeTicket('h1-t3', 3, { status: 'served', windowId: 'win-1', finishedAt: T0 + 120_000, outcome: 'completed' })), rating: 5 as const };
          const seq = state.seq + 1;
          return { ok: true, state: { ...state, seq }, events: [{ v: EVENT_VERSION, type: 'ticket:rated', ticket, level: 5, channel: 'qr', hallId: 'h1', seq, at: T0 + 130_000 } as HallEvent], result: null };
        });
        const ids = (tickets: { id: string }[]) => tickets.map((ticket) => ticket.id).sort();
        expect(ids(await store.halls.unratedServed('h1', '2025-03-01', '2025-03-03', 100))).toEqual(['h1-t1', 'h1-t2']);
        expect(await store.halls.unratedServed('h1', '2025-03-04', '2025-03-09', 100)).toEqual([]);
        expect(await store.halls.unratedServed('h1', '2025-03-01', '2025-03-03', 1)).toHaveLength(1);
        expect(ids(await store.halls.unratedServed('h2', '2025-03-03', '2025-03-03', 100))).toEqual(['h2-t1']);
      });

      it('close() commits updates already requested, is idempotent, and later calls are refused', async () => {
        await store.halls.createHall(makeHallState('h1'));
        const pending = store.halls.update('h1', issueNext);
        await store.close();
        expect(await pending).toMatchObject({ ok: true, state: { seq: 1 } });
        await store.close();
        await expectStoreError(store.halls.update('h1', issueNext), 'UNAVAILABLE');
        await expectStoreError(store.halls.loadHall('h1'), 'UNAVAILABLE');
        await expectStoreError(store.accounts.getUser('u1'), 'UNAVAILABLE');
        if (harness.reopen) {
          const again = await harness.reopen();
          store = again;
          expect((await again.halls.loadHall('h1'))?.seq).toBe(1);
        }
      });

      it('everything committed survives a reopen, and numbering continues', async (ctx) => {
        if (!harness.reopen) ctx.skip();
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        await Promise.all(Array.from({ length: 20 }, () => store.halls.update('h1', issueNext)));
        const served = await store.halls.update('h1', setTicketStatus('h1-t1', 'served', T0 + 90_000));
        expect(served?.ok).toBe(true);
        await store.halls.update('h2', issueNext);
        const before = {
          h1: await store.halls.loadHall('h1'),
          h2: await store.halls.loadHall('h2'),
          events: await store.halls.eventsSince('h1', 0, 1000),
          ticket: await store.halls.getTicket('h1-t1'),
        };

        const reopened = await reopen();
        expect(await reopened.halls.loadHall('h1')).toEqual(before.h1);
        expect(await reopened.halls.loadHall('h2')).toEqual(before.h2);
        expect(await reopened.halls.eventsSince('h1', 0, 1000)).toEqual(before.events);
        expect(seqsOf(before.events)).toEqual(range(1, 21));
        expect(await reopened.halls.getTicket('h1-t1')).toEqual(before.ticket);
        expect(before.ticket?.ticket.status).toBe('served');
        expect((await reopened.halls.listHalls()).map((h) => h.id).sort()).toEqual(['h1', 'h2']);

        const next = await reopened.halls.update('h1', issueNext);
        expect(next).toMatchObject({ ok: true, result: { number: 'A021' }, state: { seq: 22 } });
        await expectStoreError(reopened.halls.createHall(makeHallState('h1')), 'DUPLICATE');
      });

      it('差评 cases (HallState.ratingCases) are kept across updates and a reopen, each step as it was', async (ctx) => {
        await store.halls.createHall(makeHallState('h1'));
        const first = makeRatingCase('h1-t1', { note: '等了很久' });
        const second = makeRatingCase('h1-t2', { ticketNumber: 'A002', followUpPhone: undefined, reasons: ['服务态度差', '其他'] });
        delete second.followUpPhone;
        expect((await store.halls.update('h1', putRatingCase(first, T0 + 1000)))?.ok).toBe(true);
        expect((await store.halls.update('h1', putRatingCase(second, T0 + 2000)))?.ok).toBe(true);
        const verified = { ...first, status: 'verified' as const, verification: { substantiated: true, note: '属实', by: { id: 'sup1', name: '王主任' }, at: T0 + 3000 } };
        expect((await store.halls.update('h1', putRatingCase(verified, T0 + 3000)))?.ok).toBe(true);
        // A later update that does not touch the cases keeps them.
        expect((await store.halls.update('h1', issueNext))?.ok).toBe(true);
        const expected = { 'h1-t1': verified, 'h1-t2': second };
        expect((await store.halls.loadHall('h1'))?.ratingCases).toEqual(expected);
        if (!harness.reopen) ctx.skip();
        const reopened = await reopen();
        const loaded = await reopened.halls.loadHall('h1');
        expect(loaded?.ratingCases).toEqual(expected);
        expect(loaded?.ratingCases?.['h1-t1']?.followUpPhone).toBe('13812345678');
        expect((await reopened.halls.eventsSince('h1', 0, 10)).map((event) => event.type)).toEqual(['rating-case:opened', 'rating-case:opened', 'rating-case:verified', 'ticket:issued']);
      });

      it('states that share unchanged objects with their input and states that share nothing both load back exactly', async (ctx) => {
        // An adapter may write only what changed (by object identity); whatever it does, what loads back must be the state.
        type Step = (state: HallState) => UpdateOutcome<unknown>;
        const stepsFor = (h: string): Step[] => [
          issueNext, // a new tickets map; every old ticket and the config shared
          issueNext,
          issueNext,
          issueNext,
          postAnnouncement('ann-a', T0 + 10_000), // config and tickets map both shared
          recallTicket(`${h}-t2`, T0 + 11_000), // one ticket replaced, the others shared
          setTicketStatus(`${h}-t3`, 'called', T0 + 12_000),
          // Nothing shared; the config, a ticket and the set of tickets change.
          rewriteEverything((copy) => {
            copy.config.name = `renamed ${h}`;
            copy.config.nameAlt = 'Renamed Hall';
            copy.config.services[0]!.materials.push('户口簿');
            copy.tickets.get(`${h}-t1`)!.priority = true;
            copy.tickets.delete(`${h}-t4`);
            copy.tickets.set(`${h}-x9`, { ...copy.tickets.get(`${h}-t1`)!, id: `${h}-x9`, number: 'A099', seqOfDay: 99, rank: 99 });
            copy.counters['svc-a'] = 99;
          }, T0 + 13_000),
          rewriteEverything(() => {}, T0 + 14_000), // nothing shared, nothing changed
          issueNext, // sharing again, after a full rewrite
          setTicketStatus(`${h}-t2`, 'served', T0 + 15_000), // a ticket leaves the state
          (state) => {
            // The config changes while the tickets map is shared.
            const seq = state.seq + 1;
            return {
              ok: true,
              state: { ...state, seq, config: { ...state.config, name: `${h} again`, maxWaitMinutes: 45 } },
              events: [{ v: EVENT_VERSION, type: 'announcement:removed', announcementId: 'ann-a', hallId: h, seq, at: T0 + 16_000 }],
              result: null,
            };
          },
        ];
        const count = stepsFor('h1').length;

        // h1: one update per commit. h2: the same updates all requested at once.
        await store.halls.createHall(makeHallState('h1'));
        await store.halls.createHall(makeHallState('h2'));
        let last1: UpdateOutcome<unknown> | null = null;
        for (const step of stepsFor('h1')) {
          last1 = await store.halls.update('h1', step);
          expect(last1?.ok).toBe(true);
        }
        const together = await Promise.all(stepsFor('h2').map((step) => store.halls.update('h2', step)));
        expect(together.every((outcome) => outcome?.ok)).toBe(true);
        const last2 = together[together.length - 1];
        if (!last1?.ok || !last2?.ok) throw new Error('unreachable');
        const expected = { h1: last1.state, h2: last2.state };
        expect(expected.h1.tickets.keys().sort()).toEqual(['h1-t1', 'h1-t100', 'h1-t3', 'h1-x9']);
        expect(expected.h2.tickets.keys().sort()).toEqual(['h2-t1', 'h2-t100', 'h2-t3', 'h2-x9']);
        const summaries = [
          { id: 'h1', name: 'h1 again', nameAlt: 'Renamed Hall', timeZone: 'Asia/Shanghai' },
          { id: 'h2', name: 'h2 again', nameAlt: 'Renamed Hall', timeZone: 'Asia/Shanghai' },
        ];
        const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
        expect(await store.halls.loadHall('h1')).toEqual(expected.h1);
        expect(await store.halls.loadHall('h2')).toEqual(expected.h2);
        expect((await store.halls.listHalls()).sort(byId)).toEqual(summaries);

        if (!harness.reopen) ctx.skip();
        const reopened = await reopen();
        expect(await reopened.halls.loadHall('h1')).toEqual(expected.h1);
        expect(await reopened.halls.loadHall('h2')).toEqual(expected.h2);
        expect((await reopened.halls.listHalls()).sort(byId)).toEqual(summaries);
        expect(seqsOf(await reopened.halls.eventsSince('h1', 0, 100))).toEqual(range(1, count));
        expect(seqsOf(await reopened.halls.eventsSince('h2', 0, 100))).toEqual(range(1, count));
        // And it goes on from there.
        const next = await reopened.halls.update('h2', issueNext);
        expect(next).toMatchObject({ ok: true, result: { number: 'A101' } });
        if (next?.ok) expect(await reopened.halls.loadHall('h2')).toEqual(next.state);
      });

      it('a hall with 300 live tickets, 100 updates each changing one ticket, loads back exactly', async (ctx) => {
        const created = makeHallWithTickets('h1', 300);
        await store.halls.createHall(created);
        expect(await store.halls.loadHall('h1')).toEqual(makeHallWithTickets('h1', 300));

        // Updates k and k+50 recall the same ticket: some twice in one commit, some in two.
        const ticketOf = (k: number) => `h1-t${(((k % 50) * 37) % 300) + 1}`;
        const recall = (k: number) => recallTicket(ticketOf(k), T0 + 100_000 + k * 1000);
        const together = await Promise.all(range(0, 59).map((k) => store.halls.update('h1', recall(k))));
        let last = together[together.length - 1];
        for (const k of range(60, 99)) last = await store.halls.update('h1', recall(k));
        if (!last?.ok) throw new Error('an update failed');
        const expected = last.state;
        expect(expected.seq).toBe(100);
        expect(expected.tickets.size).toBe(300);
        const recalled = expected.tickets.values().filter((ticket) => ticket.recallCount > 0);
        expect(recalled).toHaveLength(50);
        expect(recalled.every((ticket) => ticket.recallCount === 2)).toBe(true);
        expect(expected.tickets.get(ticketOf(99))?.calledAt).toBe(T0 + 100_000 + 99 * 1000);

        expect(await store.halls.loadHall('h1')).toEqual(expected);
        expect((await store.halls.getTicket(ticketOf(99)))?.ticket).toEqual(expected.tickets.get(ticketOf(99)));
        if (!harness.reopen) ctx.skip();
        const reopened = await reopen();
        expect(await reopened.halls.loadHall('h1')).toEqual(expected);
        expect((await reopened.halls.getTicket(ticketOf(99)))?.ticket).toEqual(expected.tickets.get(ticketOf(99)));
      });
      it('any mix of added, changed, removed, shared and copied parts loads back exactly (property)', async () => {
        type Op = { kind: 'add' | 'change' | 'remove' | 'config' | 'copy-all' | 'same-parts'; pick: number; withPrevious: boolean };
        const op = fc.record({
          kind: fc.constantFrom<Op['kind']>('add', 'add', 'change', 'change', 'remove', 'config', 'copy-all', 'same-parts'),
          pick: fc.nat(),
          withPrevious: fc.boolean(),
        });
        // Pure update fns: the store may run one again on a fresher state.
        const stepOf = ({ kind, pick }: Op) => (state: HallState): UpdateOutcome<null> => {
          const seq = state.seq + 1;
          const ids = state.tickets.keys();
          const picked = ids.length > 0 ? ids[pick % ids.length]! : undefined;
          let next: HallState = { ...state, seq };
          if (kind === 'add') {
            const ticket = makeTicket(`${state.config.id}-n${seq}`, seq, { rank: seq });
            next.tickets = withTicket(state.tickets, ticket);
          } else if (kind === 'change' && picked) {
            const old = state.tickets.get(picked)!;
            next.tickets = withTicket(state.tickets, { ...old, recallCount: old.recallCount + 1, calledAt: T0 + seq });
          } else if (kind === 'remove' && picked) {
            next.tickets = state.tickets.edit();
            next.tickets.delete(picked);
          } else if (kind === 'config') {
            next.config = { ...state.config, maxWaitMinutes: seq, name: `hall at ${seq}` };
          } else if (kind === 'copy-all') {
            next = hallFromJson(JSON.stringify(next));
            if (picked) next.tickets.set(picked, { ...next.tickets.get(picked)!, priority: !next.tickets.get(picked)!.priority });
          }
          return {
            ok: true,
            state: next,
            events: [{ v: EVENT_VERSION, type: 'announcement:removed', announcementId: kind, hallId: state.config.id, seq, at: T0 + seq }],
            result: null,
          };
        };
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.array(op, { minLength: 1, maxLength: 40 }), async (initial, ops) => {
            const hallId = `p${++run}`;
            await store.halls.createHall(makeHallWithTickets(hallId, initial));
            const last = await updateInGroups(store, hallId, ops, stepOf);
            if (!last?.ok) throw new Error('an update failed');
            expect(last.state.seq).toBe(ops.length);
            expect(await store.halls.loadHall(hallId)).toEqual(last.state);
            if (harness.reopen) {
              const reopened = await reopen();
              expect(await reopened.halls.loadHall(hallId)).toEqual(last.state);
              expect((await reopened.halls.listHalls()).find((h) => h.id === hallId)?.name).toBe(last.state.config.name);
            }
          }),
          { numRuns: 30 },
        );
      });

      describe('remembered requests (HallState.requests)', () => {
        type Request = HallState['requests'][number];
        const idsOf = (state: HallState | null | undefined) => state?.requests.map((request) => request.id);
        /** Update fn answering `result` without remembering it: the list copied, its entries shared (as the engine does). */
        const answer =
          <T>(result: T) =>
          (state: HallState): UpdateOutcome<T> => {
            const seq = state.seq + 1;
            return {
              ok: true,
              state: { ...state, seq, requests: [...state.requests] },
              events: [{ v: EVENT_VERSION, type: 'announcement:removed', announcementId: 'none', hallId: state.config.id, seq, at: T0 + seq }],
              result,
            };
          };
        /** Update fn setting `requests` to whatever `change` makes of them (a new list; entries shared unless `change` copies them). */
        const rearrange =
          (change: (requests: Request[]) => Request[]) =>
          (state: HallState): UpdateOutcome<null> => {
            const seq = state.seq + 1;
            return {
              ok: true,
              state: { ...state, seq, requests: change([...state.requests]) },
              events: [{ v: EVENT_VERSION, type: 'announcement:removed', announcementId: 'rearranged', hallId: state.config.id, seq, at: T0 + seq }],
              result: null,
            };
          };

        it('load back exactly and in order: appended and trimmed across commits, within one commit, and across a reopen', async (ctx) => {
          await store.halls.createHall(makeHallWithRequests('h1', 5));
          expect(await store.halls.loadHall('h1')).toEqual(makeHallWithRequests('h1', 5));
          const old = (n: number) => `staff:u1|ticket.issue|h1-r${n}`;

          // One answer per commit: the list grows to its cap (8), then the oldest go.
          let last: UpdateOutcome<unknown> | null = null;
          for (let k = 1; k <= 6; k++) last = await store.halls.update('h1', withRequest(`a${k}`, issueNext));
          if (!last?.ok) throw new Error('an update failed');
          expect(idsOf(last.state)).toEqual([old(4), old(5), 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
          expect(await store.halls.loadHall('h1')).toEqual(last.state);

          // Twenty answers requested together (one commit, if the adapter batches): twelve come and go within it.
          const together = await Promise.all(range(1, 20).map((k) => store.halls.update('h1', withRequest(`b${k}`, issueNext))));
          last = together[together.length - 1]!;
          if (!last?.ok) throw new Error('an update failed');
          expect(idsOf(last.state)).toEqual(range(13, 20).map((k) => `b${k}`));
          expect(await store.halls.loadHall('h1')).toEqual(last.state);

          // Answers of every JSON shape, mixed in one commit with commands that remember nothing,
          // a refusal and a replay (the state handed back as it was).
          const shapes: unknown[] = [null, 'text', 0, -1.5, '', [1, 'two', { three: [3] }], { nested: { deep: [true, false, null] } }, '"quoted"\n'];
          const mixed = await Promise.all([
            ...shapes.map((shape, k) => store.halls.update('h1', withRequest(`c${k}`, answer(shape)))),
            store.halls.update('h1', answer('nothing remembered')),
            store.halls.update('h1', () => ({ ok: false, error: { code: 'QUEUE_EMPTY' } })),
            store.halls.update('h1', (state) => ({ ok: true, state, events: [], result: 'replayed' })),
            store.halls.update('h1', withRequest('d1', issueNext)),
          ]);
          last = mixed[mixed.length - 1]!;
          if (!last?.ok) throw new Error('an update failed');
          expect(idsOf(last.state)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'd1']);
          expect(last.state.requests.slice(0, 7).map((request) => request.result)).toEqual(shapes.slice(1));
          const expected = last.state;
          expect(await store.halls.loadHall('h1')).toEqual(expected);

          if (!harness.reopen) ctx.skip();
          let reopened = await reopen();
          const loaded = await reopened.halls.loadHall('h1');
          expect(loaded).toEqual(expected);
          expect(idsOf(loaded)).toEqual(idsOf(expected));
          // And it goes on from there: appended and trimmed after the reopen, alone and together.
          await reopened.halls.update('h1', withRequest('e1', issueNext));
          const after = await Promise.all([
            reopened.halls.update('h1', withRequest('e2', issueNext)),
            reopened.halls.update('h1', answer('nothing remembered')),
            reopened.halls.update('h1', withRequest('e3', issueNext)),
          ]);
          last = after[after.length - 1]!;
          if (!last?.ok) throw new Error('an update failed');
          expect(idsOf(last.state)).toEqual(['c4', 'c5', 'c6', 'c7', 'd1', 'e1', 'e2', 'e3']);
          expect(await reopened.halls.loadHall('h1')).toEqual(last.state);
          reopened = await reopen();
          expect(await reopened.halls.loadHall('h1')).toEqual(last.state);
        });

        it('any list of requests an update hands over loads back exactly, in order (property)', async () => {
          type Op = {
            kind: 'answer' | 'quiet' | 'shared' | 'drop' | 'move-last' | 'repeat' | 'copy-all' | 'clear';
            pick: number;
            withPrevious: boolean;
          };
          const op = fc.record({
            kind: fc.constantFrom<Op['kind']>('answer', 'answer', 'answer', 'quiet', 'shared', 'drop', 'move-last', 'repeat', 'copy-all', 'clear'),
            pick: fc.nat(),
            withPrevious: fc.boolean(),
          });
          const stepOf = ({ kind, pick }: Op): ((state: HallState) => UpdateOutcome<unknown>) => {
            const at = (requests: Request[]) => pick % Math.max(1, requests.length);
            switch (kind) {
              case 'answer': // the engine's way, with a small cap so that trims are frequent
                return withRequest(`q${pick}`, answer({ pick, list: [pick, String(pick)] }), 6);
              case 'quiet': // a command without a requestId: a copy of the list, same entries
                return answer(pick);
              case 'shared': // the very same list
                return (state: HallState): UpdateOutcome<null> => {
                  const seq = state.seq + 1;
                  return {
                    ok: true,
                    state: { ...state, seq },
                    events: [{ v: EVENT_VERSION, type: 'announcement:removed', announcementId: 'shared', hallId: state.config.id, seq, at: T0 + seq }],
                    result: null,
                  };
                };
              case 'drop': // an entry anywhere
                return rearrange((requests) => (requests.splice(at(requests), 1), requests));
              case 'move-last':
                return rearrange((requests) => (requests.push(...requests.splice(at(requests), 1)), requests));
              case 'repeat': // one entry object twice in the list
                return rearrange((requests) => (requests.length > 0 ? [...requests, requests[at(requests)]!] : requests));
              case 'copy-all':
                return rearrange((requests) => structuredClone(requests));
              case 'clear':
                return rearrange(() => []);
            }
          };
          let run = 0;
          await fc.assert(
            fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.array(op, { minLength: 1, maxLength: 30 }), async (initial, ops) => {
              const hallId = `r${++run}`;
              await store.halls.createHall(makeHallWithRequests(hallId, initial));
              const last = await updateInGroups(store, hallId, ops, stepOf);
              if (!last?.ok) throw new Error('an update failed');
              expect(await store.halls.loadHall(hallId)).toEqual(last.state);
              if (harness.reopen) {
                const reopened = await reopen();
                expect(await reopened.halls.loadHall(hallId)).toEqual(last.state);
              }
            }),
            { numRuns: 30 },
          );
        });
      });
    });

    describe('voice packs', () => {
      /** A clip's audio: any bytes, including every byte value and NULs (the store never looks inside). */
      const wavOf = (seed: number, length = 2_000) => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed * 7) % 256));
      const clip = (name: string, seed: number, at = T0) => ({ name, wav: wavOf(seed), durationMs: 100 + seed, updatedAt: at });
      const names = async (hallId: string, lang?: string) => (await store.voice.listClips(hallId, lang)).map((c) => `${c.lang}/${c.name}`);

      it('puts, lists without audio, gets back byte for byte', async () => {
        expect(await store.voice.listClips('h1')).toEqual([]);
        expect(await store.voice.getClip('h1', 'zh', 'qing')).toBeNull();
        await store.voice.putClips('h1', 'zh', [clip('qing', 1), clip('d0', 2), clip('受理', 3)], true);
        await store.voice.putClips('h1', 'en', [clip('please', 4)], true);
        const listed = await store.voice.listClips('h1', 'zh');
        expect(listed).toEqual([
          { hallId: 'h1', lang: 'zh', name: 'd0', durationMs: 102, updatedAt: T0 },
          { hallId: 'h1', lang: 'zh', name: 'qing', durationMs: 101, updatedAt: T0 },
          { hallId: 'h1', lang: 'zh', name: '受理', durationMs: 103, updatedAt: T0 },
        ]);
        expect(listed.some((entry) => 'wav' in entry)).toBe(false);
        expect(await names('h1')).toEqual(['en/please', 'zh/d0', 'zh/qing', 'zh/受理']);
        const got = await store.voice.getClip('h1', 'zh', '受理');
        expect(got).toEqual({ hallId: 'h1', lang: 'zh', name: '受理', wav: wavOf(3), durationMs: 103, updatedAt: T0 });
        expect(Buffer.isBuffer(got?.wav)).toBe(true);
        // A real clip's size, with every byte value: nothing is re-encoded on the way.
        const big = { name: 'chime', wav: Buffer.concat([wavOf(9, 300_000), Buffer.from([0, 0, 255, 0])]), durationMs: 6_800, updatedAt: T0 + 1 };
        await store.voice.putClips('h1', 'zh', [big], false);
        expect((await store.voice.getClip('h1', 'zh', 'chime'))?.wav.equals(big.wav)).toBe(true);
        expect(await store.voice.getClip('h1', 'en', 'qing')).toBeNull();
      });

      it('a put without replacing keeps the other clips and overwrites its own; with replacing, the language is the batch', async () => {
        await store.voice.putClips('h1', 'zh', [clip('qing', 1), clip('hao', 2)], true);
        await store.voice.putClips('h1', 'en', [clip('please', 3)], true);
        await store.voice.putClips('h1', 'zh', [clip('hao', 5, T0 + 10)], false);
        expect(await names('h1')).toEqual(['en/please', 'zh/hao', 'zh/qing']);
        expect(await store.voice.getClip('h1', 'zh', 'hao')).toEqual({ hallId: 'h1', lang: 'zh', name: 'hao', wav: wavOf(5), durationMs: 105, updatedAt: T0 + 10 });
        await store.voice.putClips('h1', 'zh', [clip('dao', 6), clip('banli', 7)], true);
        expect(await names('h1')).toEqual(['en/please', 'zh/banli', 'zh/dao']);
        expect(await store.voice.getClip('h1', 'zh', 'qing')).toBeNull();
        // Replacing with nothing empties the language, and only it.
        await store.voice.putClips('h1', 'zh', [], true);
        expect(await names('h1')).toEqual(['en/please']);
      });

      it('deletes named clips or a whole language, and nothing of another language or hall', async () => {
        await store.voice.putClips('h1', 'zh', [clip('qing', 1), clip('hao', 2), clip('dao', 3)], true);
        await store.voice.putClips('h1', 'en', [clip('qing', 4)], true);
        await store.voice.putClips('h2', 'zh', [clip('qing', 5)], true);
        await store.voice.deleteClips('h1', 'zh', ['hao', 'nope']);
        expect(await names('h1')).toEqual(['en/qing', 'zh/dao', 'zh/qing']);
        await store.voice.deleteClips('h1', 'zh', []);
        expect(await names('h1')).toEqual(['en/qing', 'zh/dao', 'zh/qing']);
        await store.voice.deleteClips('h1', 'zh');
        expect(await names('h1')).toEqual(['en/qing']);
        expect(await store.voice.getClip('h1', 'zh', 'qing')).toBeNull();
        expect((await store.voice.getClip('h2', 'zh', 'qing'))?.wav.equals(wavOf(5))).toBe(true);
        await store.voice.deleteClips('h9', 'zh');
      });

      it('keeps halls and languages apart, also where one id starts another', async () => {
        await store.voice.putClips('h1', 'zh', [clip('qing', 1)], true);
        await store.voice.putClips('h10', 'zh', [clip('qing', 2)], true);
        await store.voice.putClips('h1', 'zh-TW', [clip('qing', 3)], true);
        await store.voice.putClips('h1', 'zh', [clip('hao', 4)], true);
        expect(await names('h1')).toEqual(['zh/hao', 'zh-TW/qing']);
        expect(await names('h10')).toEqual(['zh/qing']);
        expect(await names('h1', 'zh-TW')).toEqual(['zh-TW/qing']);
        expect((await store.voice.getClip('h10', 'zh', 'qing'))?.wav.equals(wavOf(2))).toBe(true);
      });

      it('a batch naming a clip twice is refused whole: the old pack stays', async () => {
        await store.voice.putClips('h1', 'zh', [clip('qing', 1), clip('hao', 2)], true);
        await expectStoreError(store.voice.putClips('h1', 'zh', [clip('dao', 3), clip('banli', 4), clip('dao', 5)], true), 'DUPLICATE');
        await expectStoreError(store.voice.putClips('h1', 'zh', [clip('qing', 6), clip('qing', 7)], false), 'DUPLICATE');
        expect(await names('h1')).toEqual(['zh/hao', 'zh/qing']);
        expect((await store.voice.getClip('h1', 'zh', 'qing'))?.wav.equals(wavOf(1))).toBe(true);
      });

      it('a reader never sees a replaced pack half old, half new', async () => {
        const pack = (prefix: string, seed: number) => Array.from({ length: 30 }, (_, i) => clip(`${prefix}${i}`, seed + i));
        await store.voice.putClips('h1', 'zh', pack('old', 0), true);
        const seen: string[] = [];
        const replacing = store.voice.putClips('h1', 'zh', pack('new', 50), true);
        // Reads spread over the write's time: a store that wrote step by step would show a mix.
        const reads = Array.from({ length: 20 }, async (_, i) => {
          for (let turn = 0; turn < i; turn++) await new Promise((resolve) => setImmediate(resolve));
          const listed = await names('h1', 'zh');
          seen.push([...new Set(listed.map((n) => n.replace(/\d+$/, '')))].join('+') + `:${listed.length}`);
        });
        await Promise.all([replacing, ...reads]);
        for (const view of seen) expect(['zh/old:30', 'zh/new:30']).toContain(view);
        expect(await names('h1', 'zh')).toHaveLength(30);
        expect((await names('h1', 'zh')).every((n) => n.startsWith('zh/new'))).toBe(true);
      });

      it('keeps packs across a reopen, and refuses after close', async (ctx) => {
        await store.voice.putClips('h1', 'zh', [clip('qing', 1)], true);
        if (harness.reopen) {
          const reopened = await reopen();
          expect((await reopened.voice.getClip('h1', 'zh', 'qing'))?.wav.equals(wavOf(1))).toBe(true);
        }
        await store.close();
        await expectStoreError(store.voice.listClips('h1'), 'UNAVAILABLE');
        await expectStoreError(store.voice.putClips('h1', 'zh', [clip('hao', 2)], false), 'UNAVAILABLE');
        if (!harness.reopen) ctx.skip();
      });
    });

    describe('accounts', () => {
      it('creates and finds users; usernames are unique and case-sensitive', async () => {
        const zhang = makeUser('u1', 'zhangsan', { role: 'supervisor', hallIds: ['h1', 'h2'] });
        const admin = makeUser('u2', 'admin', { role: 'admin', hallIds: ['*'], disabled: true });
        delete admin.staffNo;
        delete admin.post;
        await store.accounts.createUser(zhang);
        await store.accounts.createUser(admin);

        expect(await store.accounts.findUserByUsername('zhangsan')).toEqual(zhang);
        expect(await store.accounts.findUserByUsername('ZhangSan')).toBeNull();
        expect(await store.accounts.getUser('u2')).toEqual(admin);
        expect(await store.accounts.getUser('nope')).toBeNull();
        expect(await store.accounts.findUserByUsername('nobody')).toBeNull();

        await expectStoreError(store.accounts.createUser(makeUser('u3', 'zhangsan')), 'DUPLICATE');
        await store.accounts.createUser(makeUser('u4', 'ZhangSan'));

        const users = (await store.accounts.listUsers()).sort((a, b) => a.id.localeCompare(b.id));
        expect(users.map((u) => u.id)).toEqual(['u1', 'u2', 'u4']);
        expect(users[1]).toEqual(admin);
      });

      it('updates an account in place; never another one, never a username', async () => {
        const zhang = makeUser('u1', 'zhangsan', { role: 'clerk', hallIds: ['h1'] });
        await store.accounts.createUser(zhang);
        await store.accounts.getUser('u1'); // an adapter that caches reads must still see the update
        const changed = {
          ...zhang,
          displayName: '张三丰',
          role: 'supervisor' as const,
          hallIds: ['h1', 'h2'],
          disabled: true,
          passwordHash: 'scrypt$new',
          windowIds: ['w2', 'w3'],
          partnerId: 'u7',
          photo: 'data:image/jpeg;base64,/9j/4AAQ',
          tokenVersion: 3,
        };
        delete (changed as Partial<typeof changed>).staffNo;
        expect(await store.accounts.updateUser(changed)).toBe(true);
        expect(await store.accounts.getUser('u1')).toEqual(changed);
        expect(await store.accounts.findUserByUsername('zhangsan')).toEqual(changed);
        const plain = { ...changed };
        delete (plain as Partial<typeof plain>).photo;
        delete (plain as Partial<typeof plain>).windowIds;
        expect(await store.accounts.updateUser(plain)).toBe(true);
        expect(await store.accounts.getUser('u1')).toEqual(plain);
        expect(await store.accounts.updateUser(makeUser('u9', 'ghost'))).toBe(false);
        expect(await store.accounts.updateUser({ ...changed, username: 'renamed' })).toBe(false);
        expect(await store.accounts.getUser('u9')).toBeNull();
        expect(await store.accounts.findUserByUsername('renamed')).toBeNull();
      });

      it('keeps the must-change-password flag of an account until an update drops it', async () => {
        const admin = { ...makeUser('u1', 'admin', { role: 'admin', hallIds: ['*'] }), mustChangePassword: true };
        await store.accounts.createUser(admin);
        expect(await store.accounts.findUserByUsername('admin')).toEqual(admin);
        expect((await store.accounts.listUsers())[0]).toEqual(admin);
        await store.accounts.getUser('u1'); // an adapter that caches reads must still see the update
        const { mustChangePassword: _flag, ...changed } = { ...admin, passwordHash: 'scrypt$chosen' };
        expect(await store.accounts.updateUser(changed)).toBe(true);
        expect(await store.accounts.getUser('u1')).toEqual(changed);
        expect((await store.accounts.getUser('u1'))?.mustChangePassword).toBeUndefined();
        expect(await store.accounts.updateUser({ ...changed, mustChangePassword: true })).toBe(true);
        expect((await store.accounts.findUserByUsername('admin'))?.mustChangePassword).toBe(true);
      });

      it('keeps an account\'s 绿色通道 PIN hash until an update drops it', async () => {
        const clerk = makeUser('u1', 'daoban', { role: 'clerk', hallIds: ['h1'] });
        await store.accounts.createUser(clerk);
        await store.accounts.getUser('u1'); // an adapter that caches reads must still see the update
        const withPin = { ...clerk, pinHash: 'scrypt$16384$8$1$c2FsdA==$cGlu' };
        expect(await store.accounts.updateUser(withPin)).toBe(true);
        expect(await store.accounts.getUser('u1')).toEqual(withPin);
        expect((await store.accounts.listUsers())[0]).toEqual(withPin);
        expect(await store.accounts.updateUser(clerk)).toBe(true);
        expect((await store.accounts.findUserByUsername('daoban'))?.pinHash).toBeUndefined();
      });

            it('creates, finds, lists, touches and revokes devices', async () => {
        const kiosk = makeDevice('d1', 'h1', 'hash-1', { printer: 'tcp://10.0.0.5:9100?paper=58' });
        const printer = makeDevice('d2', 'h1', 'hash-2', { kind: 'printer', name: '叫号打印机' });
        const other = makeDevice('d3', 'h2', 'hash-3');
        const screen = makeDevice('d5', 'h1', 'hash-5', { kind: 'window-screen', name: '3号窗口屏', windowId: 'w3' });
        for (const d of [kiosk, printer, other, screen]) await store.accounts.createDevice(d);
        expect(await store.accounts.findDeviceByTokenHash('hash-5')).toEqual(screen);

        expect(await store.accounts.getDevice('d1')).toEqual(kiosk);
        expect(await store.accounts.getDevice('nope')).toBeNull();
        expect(await store.accounts.findDeviceByTokenHash('hash-2')).toEqual(printer);
        expect(await store.accounts.findDeviceByTokenHash('hash-x')).toBeNull();
        const inH1 = (await store.accounts.listDevices('h1')).sort((a, b) => a.id.localeCompare(b.id));
        expect(inH1).toEqual([kiosk, printer, screen]);
        expect(await store.accounts.listDevices('h9')).toEqual([]);

        await expectStoreError(store.accounts.createDevice(makeDevice('d4', 'h1', 'hash-1')), 'DUPLICATE');

        await store.accounts.touchDevice('d1', T0 + 1_000);
        await store.accounts.touchDevice('d1', T0 + 2_000);
        expect((await store.accounts.getDevice('d1'))?.lastSeenAt).toBe(T0 + 2_000);

        await store.accounts.revokeDevice('d2', T0 + 5_000);
        const revoked = await store.accounts.findDeviceByTokenHash('hash-2');
        expect(revoked?.revokedAt).toBe(T0 + 5_000);
        expect((await store.accounts.getDevice('d1'))?.revokedAt).toBeUndefined();
      });

      it('getOrCreateSecret creates once and then returns the same value', async (ctx) => {
        let calls = 0;
        const create = () => `secret-${++calls}`;
        expect(await store.accounts.getOrCreateSecret('token-key', create)).toBe('secret-1');
        expect(await store.accounts.getOrCreateSecret('token-key', create)).toBe('secret-1');
        expect(await store.accounts.getOrCreateSecret('other-key', create)).toBe('secret-2');
        expect(calls).toBe(2);

        if (!harness.reopen) ctx.skip();
        await store.accounts.createUser(makeUser('u1', 'lisi'));
        await store.accounts.createDevice(makeDevice('d1', 'h1', 'hash-1'));
        const reopened = await reopen();
        const never = () => {
          throw new Error('must not create again');
        };
        expect(await reopened.accounts.getOrCreateSecret('token-key', never)).toBe('secret-1');
        expect(await reopened.accounts.getOrCreateSecret('other-key', never)).toBe('secret-2');
        expect(await reopened.accounts.findUserByUsername('lisi')).toEqual(makeUser('u1', 'lisi'));
        expect(await reopened.accounts.findDeviceByTokenHash('hash-1')).toEqual(makeDevice('d1', 'h1', 'hash-1'));
      });

      // Staff single sign-on (issue 19): the local-password switch and where an account signs in.
      it('settings are null until put, then the last value put, kept apart from secrets of the same name', async (ctx) => {
        expect(await store.accounts.getSetting('localLogin')).toBeNull();
        await store.accounts.putSetting('localLogin', 'off');
        await store.accounts.putSetting('localLogin', 'on');
        await store.accounts.putSetting('localLogin', 'off');
        expect(await store.accounts.getSetting('localLogin')).toBe('off');
        expect(await store.accounts.getOrCreateSecret('localLogin', () => 'a-secret')).toBe('a-secret');
        expect(await store.accounts.getSetting('localLogin')).toBe('off');
        const directoryUser = { ...makeUser('u2', 'wang.fang'), source: 'ldap' as const };
        await store.accounts.createUser(directoryUser);
        expect(await store.accounts.findUserByUsername('wang.fang')).toEqual(directoryUser);

        if (!harness.reopen) ctx.skip();
        const reopened = await reopen();
        expect(await reopened.accounts.getSetting('localLogin')).toBe('off');
        expect(await reopened.accounts.getUser('u2')).toEqual(directoryUser);
      });
    });
  });
}
