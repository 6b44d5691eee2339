/**
 * One projection, shared: a screen that took one snapshot and then applied
 * every event it received (public, redacted events for boards, window
 * screens and kiosks; full events for counter panels and supervisors) must
 * show exactly what a fresh snapshot shows at the same seq — including the
 * estimates, the availability of every service (hours, caps, end of day) and
 * the rating window, which move with the clock and reach the screens through
 * the events' board changes and the clock tick's `hall:clock`.
 *
 * Events go through JSON as over the wire. A `hall:configured` event
 * reshapes the views; the screen then takes the snapshot the server sends.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { Actor, HallConfig, Outcome, PauseReason } from '../../server/protocol/model.js';
import { publicEvent } from '../../server/protocol/redact.js';
import { type BoardView, applyBoardEvent, boardView, reshapesViews } from '../../server/protocol/views/board.js';
import { type StaffView, applyStaffEvent, staffView } from '../../server/protocol/views/staff.js';
import { T0, clerk1, clerk2, clerk3, harness, kiosk, local, publicActor, supervisor, testHallConfig } from '../helpers/engineHarness.js';

const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'svc-d'] as const;
const WINDOWS = ['w1', 'w2', 'w3', 'w4'] as const;
const HOLDERS: readonly Actor[] = [clerk1, clerk2, clerk3, supervisor];
const OUTCOMES: readonly Outcome[] = ['completed', 'accepted', 'rejected', 'consulted'];
const PAUSES: readonly PauseReason[] = ['away', 'lunch', 'meeting', 'other'];

type Op =
  | { k: 'issue'; svc: number; priority: boolean }
  | { k: 'open' | 'callNext' | 'recall' | 'start' | 'noShow' | 'resume' | 'close'; win: number }
  | { k: 'finish'; win: number; outcome: number }
  | { k: 'pause'; win: number; reason: number }
  | { k: 'transfer'; win: number; svc: number | null; toWin: number | null }
  | { k: 'requeue'; win: number; pick: number }
  | { k: 'call'; win: number; pick: number }
  | { k: 'cancel'; pick: number }
  | { k: 'rate'; win: number; level: number }
  | { k: 'book'; svc: number; offset: number }
  | { k: 'checkIn'; code: number }
  | { k: 'announce'; expires: number | null }
  | { k: 'closeDay' }
  | { k: 'configure'; cap: number | null; from: number }
  | { k: 'advance'; seconds: number }
  | { k: 'tick' };

const win = fc.integer({ min: 0, max: WINDOWS.length - 1 });
const svc = fc.integer({ min: 0, max: SERVICES.length - 1 });
const pick = fc.nat({ max: 1000 });
const at = (k: 'open' | 'callNext' | 'recall' | 'start' | 'noShow' | 'resume' | 'close') => fc.record({ k: fc.constant(k), win }) as fc.Arbitrary<Op>;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant('issue' as const), svc, priority: fc.boolean() }) },
  { weight: 3, arbitrary: at('open') },
  { weight: 6, arbitrary: at('callNext') },
  { weight: 1, arbitrary: at('recall') },
  { weight: 1, arbitrary: at('start') },
  { weight: 1, arbitrary: at('noShow') },
  { weight: 1, arbitrary: at('resume') },
  { weight: 1, arbitrary: at('close') },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('finish' as const), win, outcome: fc.integer({ min: 0, max: OUTCOMES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), win, reason: fc.integer({ min: 0, max: PAUSES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('transfer' as const), win, svc: fc.option(svc), toWin: fc.option(win) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('requeue' as const), win, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('call' as const), win, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('rate' as const), win, level: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('book' as const), svc, offset: fc.integer({ min: -30, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('checkIn' as const), code: fc.nat({ max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('announce' as const), expires: fc.option(fc.integer({ min: 1, max: 30 })) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'closeDay' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('configure' as const), cap: fc.option(fc.integer({ min: 1, max: 6 })), from: fc.integer({ min: 0, max: 23 }) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 25 * 60 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('advance' as const), seconds: fc.integer({ min: 3600, max: 14 * 3600 }) }) },
  { weight: 3, arbitrary: fc.constant({ k: 'tick' as const }) },
);

const startArb = fc.constantFrom(T0, local('2026-03-02T11:50'), local('2026-03-02T16:55'), local('2026-03-02T23:50'), local('2026-03-02T08:20'));
const RUNS = Number(process.env.HALLQ_PROPERTY_RUNS ?? 150);

/** What a screen shows, as it would arrive over the wire (JSON drops undefined fields). */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function configWith(base: HallConfig, cap: number | null, from: number): HallConfig {
  const hh = String(from).padStart(2, '0');
  return {
    ...base,
    services: base.services.map((service) =>
      service.id === 'svc-c' ? { ...service, dailyCap: cap } : service.id === 'svc-d' ? { ...service, issuingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: `${hh}:00`, to: `${hh}:30` }] } : service,
    ),
  };
}

describe('one projection for every screen', () => {
  it('folding the received events into the first snapshot equals the server snapshot at every seq', () => {
    fc.assert(
      fc.property(startArb, fc.array(opArb, { minLength: 20, maxLength: 120 }), (start, ops) => {
        const h = harness({ start, checkFailuresArePure: false });
        let board: BoardView = wire(boardView(h.state, h.clock.now));
        let staff: StaffView = wire(staffView(h.state, h.clock.now));
        const ticketIds = () => h.state.tickets.keys();
        const holderOf = (windowId: string): Actor => {
          const clerk = h.state.windows[windowId]?.clerk;
          return clerk ? { kind: 'staff', user: clerk } : HOLDERS[WINDOWS.indexOf(windowId as (typeof WINDOWS)[number])]!;
        };
        const commandOf = (op: Op): [Command, Actor] | null => {
          switch (op.k) {
            case 'issue':
              return [{ type: 'ticket.issue', serviceId: SERVICES[op.svc]!, channel: 'kiosk', priority: op.priority }, kiosk];
            case 'open':
              return [{ type: 'window.open', windowId: WINDOWS[op.win]! }, HOLDERS[op.win]!];
            case 'callNext':
              return [{ type: 'window.call-next', windowId: WINDOWS[op.win]! }, holderOf(WINDOWS[op.win]!)];
            case 'recall':
            case 'start':
            case 'resume':
            case 'close': {
              const windowId = WINDOWS[op.win]!;
              return [{ type: `window.${op.k}`, windowId } as Command, holderOf(windowId)];
            }
            case 'noShow':
              return [{ type: 'window.no-show', windowId: WINDOWS[op.win]! }, holderOf(WINDOWS[op.win]!)];
            case 'finish':
              return [{ type: 'window.finish', windowId: WINDOWS[op.win]!, outcome: OUTCOMES[op.outcome]! }, holderOf(WINDOWS[op.win]!)];
            case 'pause':
              return [{ type: 'window.pause', windowId: WINDOWS[op.win]!, reason: PAUSES[op.reason]!, note: '马上回来' }, holderOf(WINDOWS[op.win]!)];
            case 'transfer':
              return [
                {
                  type: 'window.transfer',
                  windowId: WINDOWS[op.win]!,
                  ...(op.svc !== null ? { serviceId: SERVICES[op.svc]! } : {}),
                  ...(op.toWin !== null ? { toWindowId: WINDOWS[op.toWin]! } : {}),
                },
                holderOf(WINDOWS[op.win]!),
              ];
            case 'requeue':
            case 'call': {
              const noShows = h.state.tickets.values().filter((ticket) => (op.k === 'requeue' ? ticket.status === 'no-show' : ticket.status === 'waiting'));
              const ticket = noShows[op.pick % Math.max(1, noShows.length)];
              if (!ticket) return null;
              const windowId = WINDOWS[op.win]!;
              return [
                op.k === 'requeue' ? { type: 'window.requeue', windowId, ticketId: ticket.id, after: 1 } : { type: 'window.call', windowId, ticketId: ticket.id },
                holderOf(windowId),
              ];
            }
            case 'cancel': {
              const ids = ticketIds();
              const ticketId = ids[op.pick % Math.max(1, ids.length)];
              return ticketId ? [{ type: 'ticket.cancel', ticketId }, supervisor] : null;
            }
            case 'rate':
              return [{ type: 'ticket.rate', windowId: WINDOWS[op.win]!, level: op.level as 1 | 2 | 3 | 4 | 5 }, publicActor];
            case 'book':
              return [{ type: 'appointment.create', serviceId: SERVICES[op.svc]!, slotStart: h.clock.now + op.offset * 60_000, slotEnd: h.clock.now + (op.offset + 30) * 60_000 }, supervisor];
            case 'checkIn':
              return [{ type: 'appointment.check-in', code: String(op.code).padStart(6, '0') }, kiosk];
            case 'announce':
              return [{ type: 'announcement.post', text: '下午暂停办理', ...(op.expires !== null ? { expiresAt: h.clock.now + op.expires * 60_000 } : {}) }, supervisor];
            case 'closeDay':
              return [{ type: 'hall.close-day' }, supervisor];
            case 'configure':
              return [{ type: 'hall.configure', config: configWith(h.state.config, op.cap, op.from) }, { kind: 'staff', user: { id: 'admin1', name: '管理员', role: 'admin' } }];
            case 'tick':
              return [{ type: 'hall.tick' }, supervisor];
            case 'advance':
              return null;
          }
        };
        const receive = (event: HallEvent) => {
          if (reshapesViews(event)) {
            // The server follows a new configuration with fresh snapshots; until then only the seq moves.
            board = wire(boardView(h.state, h.clock.now));
            staff = wire(staffView(h.state, h.clock.now));
            return;
          }
          board = applyBoardEvent(board, wire(publicEvent(event)) as never);
          staff = applyStaffEvent(staff, wire(event));
        };
        for (const [index, op] of ops.entries()) {
          if (op.k === 'advance') {
            h.clock.advanceSeconds(op.seconds);
            continue;
          }
          const command = commandOf(op);
          if (!command) continue;
          const seqBefore = h.state.seq;
          const outcome = h.run(command[0], command[1]);
          if (!outcome.ok || outcome.events.length === 0) continue;
          for (const event of outcome.events) receive(event);
          if (h.state.seq === seqBefore) continue;
          const freshBoard = wire(boardView(h.state, h.clock.now));
          const freshStaff = wire(staffView(h.state, h.clock.now));
          const context = () => `after step ${index} (${op.k}, seq ${h.state.seq}, ${new Date(h.clock.now).toISOString()})`;
          if (!isDeepStrictEqual(board, freshBoard)) {
            throw new Error(`board differs ${context()}:\nfolded ${JSON.stringify(board)}\nsnapshot ${JSON.stringify(freshBoard)}`);
          }
          if (!isDeepStrictEqual(staff, freshStaff)) {
            const keys = Object.keys(freshStaff).filter((key) => !isDeepStrictEqual((staff as never)[key], (freshStaff as never)[key]));
            throw new Error(`staff view differs in ${keys.join(', ')} ${context()}:\nfolded ${JSON.stringify(keys.map((k) => (staff as never)[k]))}\nsnapshot ${JSON.stringify(keys.map((k) => (freshStaff as never)[k]))}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a tick in an idle hall writes nothing; one at the minute a period opens tells the screens', () => {
    const config = testHallConfig();
    const h = harness({ config, start: local('2026-03-02T08:29') });
    h.issue('svc-a');
    const board = wire(boardView(h.state, h.clock.now));
    if (board.services.find((service) => service.id === 'svc-d')?.unavailable !== 'OUTSIDE_HOURS') throw new Error('svc-d should be closed at 08:29');
    const idle = h.run({ type: 'hall.tick' });
    if (!idle.ok || idle.events.length !== 0 || idle.state !== h.state) throw new Error('an idle tick wrote something');
    h.clock.set(local('2026-03-02T08:30'));
    const opening = h.run({ type: 'hall.tick' });
    if (!opening.ok || opening.events.length !== 1) throw new Error('the opening tick emitted no event');
    const [event] = opening.events;
    if (event?.type !== 'hall:clock') throw new Error(`expected hall:clock, got ${event?.type}`);
    const folded = applyBoardEvent(board, wire(publicEvent(event)) as never);
    if (folded.services.find((service) => service.id === 'svc-d')?.unavailable !== null) throw new Error('svc-d did not open on the screen');
    if (JSON.stringify(publicEvent(event)).includes('runtimes')) throw new Error('public events must not carry window runtimes');
  });

  it('re-orders a queue no event touched when the clock moves tickets to another class (the long-wait boost)', () => {
    // A001 misses its call and is requeued in front; 30 minutes later A002 and A003 are boosted, A001 (who had a turn) is not.
    const setUp = () => {
      const h = harness();
      h.open('w1', clerk1);
      const first = h.issue('svc-a');
      h.issue('svc-a');
      h.issue('svc-a');
      h.callNext('w1', clerk1);
      h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
      h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: first.id, after: 0 }, clerk1);
      return h;
    };
    const order = (view: StaffView) => view.queues['svc-a']!.map((ticket) => ticket.number).join();
    const h = setUp();
    let staff: StaffView = wire(staffView(h.state, h.clock.now));
    if (order(staff) !== 'A001,A002,A003') throw new Error(`unexpected first order ${order(staff)}`);
    h.clock.advance(31);
    // The next event is about svc-b only; the svc-a queue must still come out in the order of now.
    h.issue('svc-b');
    for (const event of h.lastEvents) staff = applyStaffEvent(staff, wire(event));
    if (order(staff) !== 'A002,A003,A001') throw new Error(`the fold kept ${order(staff)}`);
    if (!isDeepStrictEqual(staff, wire(staffView(h.state, h.clock.now)))) throw new Error('fold and snapshot differ');
    // With no command at all, the tick's hall:clock brings the same change.
    const quiet = setUp();
    let panel: StaffView = wire(staffView(quiet.state, quiet.clock.now));
    quiet.clock.advance(31);
    const tick = quiet.run({ type: 'hall.tick' });
    if (!tick.ok || tick.events.map((event) => event.type).join() !== 'hall:clock') throw new Error('no hall:clock for the class change');
    for (const event of tick.events) panel = applyStaffEvent(panel, wire(event));
    if (order(panel) !== 'A002,A003,A001' || !isDeepStrictEqual(panel, wire(staffView(quiet.state, quiet.clock.now)))) throw new Error('tick fold and snapshot differ');
  });
});
