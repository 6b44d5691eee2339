import { describe, expect, it } from 'vitest';
import { execute } from '../../server/domain/engine.js';
import { selectNext } from '../../server/domain/queue.js';
import { staffView } from '../../server/domain/views.js';
import { ErrorCode } from '../../server/protocol/errors.js';
import { schemas } from '../../server/protocol/schemas.js';
import { errorText } from '../../counter/src/lib/errors.js';
import {
  availability,
  callableCount,
  displayAlarms,
  heldWindowOf,
  asksWhetherArrived,
  newRequestId,
  noShowsFor,
  noticeAvailability,
  queueSummaries,
  situationOf,
  transferChoice,
} from '../../counter/src/lib/panel.js';
import { en } from '../../counter/src/locales/en.js';
import { zh } from '../../counter/src/locales/zh.js';
import { clerk1, clerk2, harness, supervisor } from '../helpers/engineHarness.js';

/** The clerk panel's rules (counter/src/lib/panel.ts) checked against the engine they mirror. */
describe('counter panel rules', () => {
  const online = { online: true, busy: false };

  it('knows whose window it is, what is current, and why each action is blocked', () => {
    const h = harness();
    h.open('w1', clerk1);
    let view = staffView(h.state, h.clock.now);
    let situation = situationOf(view, 'w1', 'clerk1')!;
    expect(situation.mine).toBe(true);
    expect(situation.current).toBeNull();
    let can = availability(view, situation, online);
    expect(can['call-next']).toEqual({ key: 'queueEmpty' });
    for (const action of ['recall', 'start', 'finish', 'no-show', 'transfer'] as const) expect(can[action]).toEqual({ key: 'noCurrent' });
    expect(can.pause).toBeNull();
    expect(can.resume).toEqual({ key: 'notPaused' });
    expect(can.close).toBeNull();

    h.issue('svc-a');
    h.callNext('w1', clerk1);
    view = staffView(h.state, h.clock.now);
    situation = situationOf(view, 'w1', 'clerk1')!;
    expect(situation.current?.number).toBe('A001');
    can = availability(view, situation, online);
    expect([can.recall, can.start, can.finish, can['no-show'], can.transfer]).toEqual([null, null, null, null, null]);
    expect(can['call-next']).toEqual({ key: 'queueEmpty' });

    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    view = staffView(h.state, h.clock.now);
    can = availability(view, situationOf(view, 'w1', 'clerk1')!, online);
    expect(can.recall).toEqual({ key: 'alreadyStarted' });
    expect(can['no-show']).toEqual({ key: 'alreadyStarted' });
    expect(can.finish).toBeNull();

    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away' }, clerk1);
    h.issue('svc-a');
    view = staffView(h.state, h.clock.now);
    can = availability(view, situationOf(view, 'w1', 'clerk1')!, online);
    expect(can['call-next']).toEqual({ key: 'paused' });
    expect(can.call).toEqual({ key: 'paused' });
    expect(can.resume).toBeNull();
    expect(can.finish).toBeNull(); // finishing is allowed while paused

    // Another clerk's view of the same window: nothing but the reason.
    const other = situationOf(view, 'w1', 'clerk2')!;
    expect(other.heldBy?.name).toBe('张三');
    const refused = availability(view, other, online);
    expect(Object.values(refused).every((blocked) => blocked?.key === 'heldByOther')).toBe(true);
    // A closed window: sign in first. Offline beats everything.
    expect(availability(view, situationOf(view, 'w2', 'clerk2')!, online)['call-next']).toEqual({ key: 'notHeld' });
    expect(availability(view, situation, { online: false, busy: false })['call-next']).toEqual({ key: 'offline' });
    expect(availability(view, situationOf(view, 'w1', 'clerk1')!, { online: true, busy: true }).finish).toEqual({ key: 'busy' });
    expect(heldWindowOf(view, 'clerk1')).toBe('w1');
    expect(heldWindowOf(view, 'clerk2')).toBeNull();
  });

  it('offers call-next exactly when the engine has something to call, transfers pinned to windows included', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.open('w4', supervisor);
    const check = () => {
      const view = staffView(h.state, h.clock.now);
      for (const windowId of ['w1', 'w2', 'w3', 'w4']) {
        expect(callableCount(view, windowId) > 0, `${windowId} at seq ${view.seq}`).toBe(selectNext(h.state, windowId, h.clock.now) !== null);
      }
    };
    check();
    h.issue('svc-c');
    check();
    h.issue('svc-a');
    h.issue('svc-b', { priority: true });
    check();
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w4', note: '需要综合窗口' }, clerk1);
    check();
    h.callNext('w2', clerk2);
    h.ok({ type: 'window.transfer', windowId: 'w2', serviceId: 'svc-c' }, clerk2);
    check();
    h.advance(45);
    h.issue('svc-d');
    check();
    while (selectNext(h.state, 'w4', h.clock.now)) {
      h.callNext('w4', supervisor);
      check();
    }
  });

  it('offers exactly the transfer targets the engine accepts', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.open('w3', supervisor);
    h.ok({ type: 'window.pause', windowId: 'w3', reason: 'lunch' }, supervisor);
    h.issue('svc-a');
    const called = h.callNext('w1', clerk1).ticket;
    const view = staffView(h.state, h.clock.now);
    const services = [null, 'svc-a', 'svc-b', 'svc-c', 'svc-d'];
    const windows = [null, 'w1', 'w2', 'w3', 'w4'];
    let accepted = 0;
    for (const serviceId of services) {
      for (const toWindowId of windows) {
        const choice = transferChoice(view, 'w1', called, serviceId, toWindowId);
        if (serviceId === null && toWindowId === null) {
          expect(choice.valid).toBe(false);
          continue;
        }
        const outcome = execute(
          h.state,
          { type: 'window.transfer', windowId: 'w1', ...(serviceId ? { serviceId } : {}), ...(toWindowId ? { toWindowId } : {}) },
          clerk1,
          h.env,
        );
        expect(choice.valid, `${serviceId} → ${toWindowId}: ${outcome.ok ? 'ok' : outcome.error.code}`).toBe(outcome.ok);
        if (toWindowId) expect(choice.windows.some((window) => window.id === toWindowId)).toBe(outcome.ok);
        if (outcome.ok) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(3);
  });

  it('summarises the queues of a window and its no-shows', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.advance(7);
    h.issue('svc-a');
    h.issue('svc-b');
    h.issue('svc-c');
    h.advance(3);
    const view = staffView(h.state, h.clock.now);
    const summaries = queueSummaries(view, 'w1', h.clock.now);
    expect(summaries.map((summary) => [summary.service.id, summary.count, summary.longestWaitMinutes])).toEqual([
      ['svc-a', 2, 10],
      ['svc-b', 1, 3],
    ]);
    expect(summaries[0]!.next.map((entry) => entry.ticket.number)).toEqual(['A001', 'A002']);
    expect(summaries[0]!.next.every((entry) => entry.callable)).toBe(true);

    h.callNext('w1', clerk1);
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    const after = staffView(h.state, h.clock.now);
    expect(noShowsFor(after, 'w1').map((ticket) => ticket.number)).toEqual(['A001']);
    expect(noShowsFor(after, 'w3')).toEqual([]);
  });

  it('while a no-show waits for its undo, only 叫号 / 叫此号 and 撤销 are left', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    const view = staffView(h.state, h.clock.now);
    const can = availability(view, situationOf(view, 'w1', 'clerk1')!, { ...online, noShowPending: true });
    expect(can['call-next']).toBeNull();
    expect(can.call).toBeNull();
    for (const action of ['recall', 'start', 'finish', 'no-show', 'transfer', 'close', 'pause', 'requeue'] as const) {
      expect(can[action], action).toEqual({ key: 'noShowPending' });
    }
    // Offline or taken over says that instead.
    expect(availability(view, situationOf(view, 'w1', 'clerk1')!, { online: false, busy: false, noShowPending: true }).recall).toEqual({ key: 'offline' });
  });

  it('asks whether a called citizen came only when they never started and nothing was chosen', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    let current = situationOf(staffView(h.state, h.clock.now), 'w1', 'clerk1')!.current;
    expect(asksWhetherArrived(current, false)).toBe(true);
    expect(asksWhetherArrived(current, true)).toBe(false);
    expect(asksWhetherArrived(null, false)).toBe(false);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    current = situationOf(staffView(h.state, h.clock.now), 'w1', 'clerk1')!.current;
    expect(asksWhetherArrived(current, false)).toBe(false);
  });

  it('says why a notice cannot be printed: no ticket, offline, or the window taken over (by whom)', () => {
    const h = harness();
    h.open('w1', clerk1);
    let view = staffView(h.state, h.clock.now);
    expect(noticeAvailability(situationOf(view, 'w1', 'clerk1')!, true)).toEqual({
      'missing-materials': { key: 'noticeNeedsTicket' },
      'acceptance-receipt': { key: 'noticeNeedsTicket' },
    });
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    view = staffView(h.state, h.clock.now);
    expect(noticeAvailability(situationOf(view, 'w1', 'clerk1')!, true)).toEqual({ 'missing-materials': null, 'acceptance-receipt': null });
    expect(noticeAvailability(situationOf(view, 'w1', 'clerk1')!, false)['acceptance-receipt']).toEqual({ key: 'offline' });
    h.ok({ type: 'window.finish', windowId: 'w1', outcome: 'accepted' }, clerk1);
    view = staffView(h.state, h.clock.now);
    expect(noticeAvailability(situationOf(view, 'w1', 'clerk1')!, true)).toEqual({ 'missing-materials': { key: 'noticeNeedsTicket' }, 'acceptance-receipt': null });
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk2);
    view = staffView(h.state, h.clock.now);
    expect(noticeAvailability(situationOf(view, 'w1', 'clerk1')!, true)['acceptance-receipt']).toEqual({ key: 'heldByOther', name: '李四' });
  });

  it('marks a ticket this window transferred away as not callable here (the engine refuses it too)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    const moved = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' }, clerk1);
    const view = staffView(h.state, h.clock.now);
    const entry = queueSummaries(view, 'w1', h.clock.now).flatMap((summary) => summary.next).find((candidate) => candidate.ticket.id === moved.id)!;
    expect(entry).toMatchObject({ callable: false, sentAway: true, pinnedTo: null });
    expect(callableCount(view, 'w1')).toBe(0);
    const atTwo = queueSummaries(view, 'w2', h.clock.now).flatMap((summary) => summary.next).find((candidate) => candidate.ticket.id === moved.id)!;
    expect(atTwo).toMatchObject({ callable: true, sentAway: false });
    expect(h.fail({ type: 'window.call', windowId: 'w1', ticketId: moved.id }, clerk1).code).toBe('TICKET_TRANSFERRED_AWAY');
  });

  it('raises display alarms for the board and this window screen', () => {
    expect(displayAlarms([], '2')).toEqual([{ kind: 'board-offline' }, { kind: 'window-screen-offline', windowId: '2' }]);
    const screens = [
      { kind: 'board' as const, windowId: null, connections: 1, since: 1 },
      { kind: 'window-screen' as const, windowId: '3', connections: 1, since: 1 },
    ];
    expect(displayAlarms(screens, '3')).toEqual([]);
    expect(displayAlarms(screens, '2')).toEqual([{ kind: 'window-screen-offline', windowId: '2' }]);
    expect(displayAlarms(screens, null)).toEqual([]);
  });

  it('makes request ids the server accepts, with or without crypto.randomUUID (plain-http hall PCs)', () => {
    const withUuid = newRequestId();
    const withoutUuid = newRequestId({ getRandomValues: (array) => crypto.getRandomValues(array) });
    for (const id of [withUuid, withoutUuid]) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(schemas.windowOnly.safeParse({ requestId: id }).success).toBe(true);
    }
    expect(new Set(Array.from({ length: 200 }, () => newRequestId())).size).toBe(200);
  });

  it('says every error code in plain words in both languages', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(errorText(zh, { code })).toMatch(/[\u4e00-\u9fff]/);
      expect(errorText(en, { code })).toMatch(/^[A-Z]/);
    }
    expect(errorText(zh, { code: 'WINDOW_HAS_TICKET' })).toBe('请先办结、转移或过号当前号票，再签退窗口。');
    expect(errorText(zh, { code: 'WINDOW_BUSY', details: { windowId: '1', clerk: '王芳' } })).toContain('王芳');
    expect(errorText(en, { code: 'CLERK_HOLDS_OTHER_WINDOW', details: { windowId: '3' } }, (id) => `Window ${id}`)).toContain('Window 3');
    expect(errorText(zh, { code: 'TIMEOUT' })).toContain('服务器');
  });
});
