import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../server/protocol/model.js';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import { HOUR, MINUTE, T0, clerk1, clerk2, harness, kiosk, local, publicActor, supervisor } from '../helpers/engineHarness.js';

describe('ticket.issue', () => {
  it('issues a waiting ticket with prefix + 3-digit per-service sequence', () => {
    const h = harness();
    const a1 = h.issue('svc-a');
    const a2 = h.issue('svc-a');
    const b1 = h.issue('svc-b');
    const a3 = h.issue('svc-a');
    expect([a1.number, a2.number, b1.number, a3.number]).toEqual(['A001', 'A002', 'B001', 'A003']);
    expect(a1).toMatchObject({ serviceId: 'svc-a', day: '2026-03-02', seqOfDay: 1, status: 'waiting', issuedAt: T0 });
    expect(a3.seqOfDay).toBe(3);
    expect(h.state.tickets.get(a1.id)?.status).toBe('waiting');
  });

  it('keeps counting past 999 without truncation', () => {
    const h = harness();
    h.state.counters['svc-a'] = 999;
    expect(h.issue('svc-a').number).toBe('A1000');
  });

  it('records the channel and priority flag', () => {
    const h = harness();
    for (const channel of CHANNELS) {
      const ticket = h.issue('svc-b', { channel, priority: channel === 'desk' });
      expect(ticket.channel).toBe(channel);
      expect(ticket.priority).toBe(channel === 'desk');
    }
  });

  it('takes the id from the unguessable id source, not from the number', () => {
    const h = harness({
      ids: {
        secretId: () => 'Zk3_q9-random',
        id: () => 'rec',
        checkInCode: () => '123456',
      },
    });
    const ticket = h.issue('svc-a');
    expect(ticket.id).toBe('Zk3_q9-random');
    expect(h.state.tickets.get('Zk3_q9-random')?.number).toBe('A001');
  });

  it('emits ticket:issued with people ahead, estimate and waiting counts', () => {
    const h = harness();
    h.issue('svc-a');
    h.issue('svc-a');
    const result = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk);
    expect(result.ahead).toBe(2);
    const [event] = h.lastEvents;
    expect(event).toMatchObject({
      type: 'ticket:issued',
      ahead: 2,
      estimatedWaitMinutes: result.estimatedWaitMinutes,
      waiting: { 'svc-a': 3, 'svc-b': 0, 'svc-c': 0, 'svc-d': 0 },
      hallId: 'test-hall',
      actor: 'device:kiosk-1',
      at: T0,
    });
    expect(event?.type === 'ticket:issued' && event.ticket.number).toBe('A003');
  });

  it('counts a priority ticket ahead of earlier normal tickets in "ahead"', () => {
    const h = harness();
    h.issue('svc-a');
    h.issue('svc-a');
    const priority = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'desk', priority: true }, clerk1);
    expect(priority.ahead).toBe(0);
    const normal = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk);
    expect(normal.ahead).toBe(3);
  });

  it('estimates the wait as ahead × initial service minutes while nothing has been served, with no window open', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.issue('svc-a');
    const result = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk);
    expect(result.ahead).toBe(3);
    expect(result.estimatedWaitMinutes).toBe(15); // 3 × 5 min, one window assumed
  });

  it('divides the estimate over the windows currently serving the service (open or paused, not closed)', () => {
    const h = harness();
    for (let i = 0; i < 6; i++) h.issue('svc-a');
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.open('w3', supervisor); // does not serve A
    const issue = () =>
      h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk);
    expect(issue().estimatedWaitMinutes).toBe(15); // 6 × 5 / 2
    h.ok({ type: 'window.pause', windowId: 'w2', reason: 'away' }, clerk2);
    expect(issue().estimatedWaitMinutes).toBe(Math.round((7 * 5) / 2)); // paused still counts
    h.ok({ type: 'window.close', windowId: 'w2' }, clerk2);
    expect(issue().estimatedWaitMinutes).toBe(40); // 8 × 5 / 1
  });

  it('refuses an unknown service and a disabled one', () => {
    const config = harness().state.config;
    config.services[1]!.enabled = false;
    const h = harness({ config });
    expect(h.fail({ type: 'ticket.issue', serviceId: 'nope', channel: 'kiosk', priority: false }).code).toBe('SERVICE_NOT_FOUND');
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-b', channel: 'kiosk', priority: false }).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('lets citizens take a number from their phone (public actor)', () => {
    const h = harness();
    const result = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'phone', priority: false }, publicActor);
    expect(result.ticket.number).toBe('A001');
    expect(h.lastEvents[0]?.actor).toBe('public');
  });
});

describe('daily cap', () => {
  it('refuses with CAP_REACHED once the cap is used up, other services unaffected', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.issue('svc-c');
    const failure = h.fail({ type: 'ticket.issue', serviceId: 'svc-c', channel: 'kiosk', priority: false }, kiosk);
    expect(failure.code).toBe('CAP_REACHED');
    expect(h.issue('svc-a').number).toBe('A001');
  });

  it('counts issued numbers, not waiting tickets: serving or cancelling does not free a place', () => {
    const h = harness();
    const c1 = h.issue('svc-c');
    h.issue('svc-c');
    h.issue('svc-c');
    h.ok({ type: 'ticket.cancel', ticketId: c1.id }, clerk1);
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-c', channel: 'desk', priority: true }, clerk1).code).toBe('CAP_REACHED');
  });

  it('starts afresh on the next local day', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.issue('svc-c');
    h.clock.set(local('2026-03-03T08:00'));
    expect(h.issue('svc-c').number).toBe('C001');
  });
});

describe('issuing hours (hall-local time)', () => {
  const issueD = { type: 'ticket.issue', serviceId: 'svc-d', channel: 'kiosk', priority: false } as const;

  it('issues inside the morning and afternoon periods, judged in Asia/Shanghai, not UTC', () => {
    const h = harness({ start: local('2026-03-02T08:40') }); // 00:40 UTC
    expect(h.ok(issueD, kiosk).ticket.number).toBe('D001');
    h.clock.set(local('2026-03-02T14:00'));
    expect(h.ok(issueD, kiosk).ticket.number).toBe('D002');
    h.clock.set(local('2026-03-02T16:59'));
    expect(h.ok(issueD, kiosk).ticket.number).toBe('D003');
  });

  it('refuses with OUTSIDE_HOURS before opening, over lunch, at the exclusive end, and at weekends', () => {
    const h = harness();
    for (const at of ['2026-03-02T08:29', '2026-03-02T12:00', '2026-03-02T13:59', '2026-03-02T17:00', '2026-03-07T10:00']) {
      h.clock.set(local(at));
      expect(h.fail(issueD, kiosk).code, at).toBe('OUTSIDE_HOURS');
    }
    // services without issuing hours are unaffected
    expect(h.issue('svc-a').number).toBe('A001');
  });
});

describe('numbering across days (local midnight, Asia/Shanghai)', () => {
  it('resets every service to 001 at local midnight = 16:00 UTC, not at UTC midnight', () => {
    const h = harness();
    h.issue('svc-a');
    h.issue('svc-b');
    h.clock.set(Date.parse('2026-03-02T15:59:00Z')); // 23:59 local on the 2nd
    const late = h.issue('svc-a');
    expect(late).toMatchObject({ number: 'A002', day: '2026-03-02' });

    h.clock.set(Date.parse('2026-03-02T16:00:00Z')); // 00:00 local on the 3rd
    const first = h.issue('svc-a');
    expect(first).toMatchObject({ number: 'A001', day: '2026-03-03', seqOfDay: 1 });
    expect(h.issue('svc-b').number).toBe('B001');
    expect(h.state.day).toBe('2026-03-03');

    h.clock.set(Date.parse('2026-03-03T00:00:00Z')); // UTC midnight = 08:00 local: same local day
    expect(h.issue('svc-a')).toMatchObject({ number: 'A002', day: '2026-03-03' });
  });

  it('does not reset at 23:59:59.999 local', () => {
    const h = harness();
    h.issue('svc-a');
    h.clock.set(Date.parse('2026-03-02T15:59:59.999Z'));
    expect(h.issue('svc-a').number).toBe('A002');
  });

  it('emits hall:day-started and expires waiting and no-show tickets of the previous day', () => {
    const h = harness();
    h.open('w1', clerk1);
    const waiting = h.issue('svc-a');
    const noShow = h.issue('svc-a');
    const serving = h.issue('svc-a');
    // call the first two, make the second a no-show, keep the third at the window
    h.ok({ type: 'window.call', windowId: 'w1', ticketId: noShow.id }, clerk1);
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.ok({ type: 'window.call', windowId: 'w1', ticketId: serving.id }, clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    const seqBefore = h.state.seq;

    h.clock.set(local('2026-03-03T00:05'));
    const next = h.issue('svc-a');
    const types = h.lastEvents.map((event) => event.type);
    expect(types).toEqual(['ticket:expired', 'ticket:expired', 'hall:day-started', 'ticket:issued']);
    expect(h.lastEvents.map((event) => event.seq)).toEqual([seqBefore + 1, seqBefore + 2, seqBefore + 3, seqBefore + 4]);
    const expiredIds = h.eventsOfType('ticket:expired').map((event) => event.ticket.id).sort();
    expect(expiredIds).toEqual([waiting.id, noShow.id].sort());
    expect(h.eventsOfType('ticket:expired').every((event) => event.ticket.status === 'expired')).toBe(true);
    expect(h.eventsOfType('hall:day-started')[0]).toMatchObject({
      day: '2026-03-03',
      previousDay: '2026-03-02',
      waiting: { 'svc-a': 0 },
    });
    expect(h.state.tickets.get(waiting.id)).toBeUndefined();
    expect(h.state.tickets.get(noShow.id)).toBeUndefined();
    // the ticket being served across midnight stays at its window
    expect(h.state.tickets.get(serving.id)?.status).toBe('serving');
    expect(h.state.windows.w1?.currentTicketId).toBe(serving.id);
    expect(next.number).toBe('A001');
    // the board's recent calls start empty on the new day
    expect(h.state.recentCalls).toEqual([]);
  });

  it('rolls over on the first command of the day, whatever it is, once', () => {
    const h = harness();
    h.issue('svc-a');
    h.clock.set(local('2026-03-03T07:00'));
    h.open('w1', clerk1);
    expect(h.lastEvents.map((event) => event.type)).toEqual(['ticket:expired', 'hall:day-started', 'window:opened']);
    h.open('w2', clerk2);
    expect(h.lastEvents.map((event) => event.type)).toEqual(['window:opened']);
  });

  it('a failed first command of the day does not roll over (nothing changes)', () => {
    const h = harness();
    h.issue('svc-a');
    h.clock.set(local('2026-03-03T07:00'));
    h.fail({ type: 'window.call-next', windowId: 'w1' }, clerk1);
    expect(h.state.day).toBe('2026-03-02');
    expect(h.state.counters['svc-a']).toBe(1);
  });

  it('rolls over across several days at once', () => {
    const h = harness();
    h.issue('svc-a');
    h.clock.set(T0 + 3 * 24 * HOUR + 5 * MINUTE);
    const ticket = h.issue('svc-a');
    expect(ticket).toMatchObject({ number: 'A001', day: '2026-03-05' });
    expect(h.eventsOfType('hall:day-started')).toHaveLength(1);
  });
});

describe('ticket.cancel', () => {
  it('removes a waiting ticket for staff and records ticket:cancelled', () => {
    const h = harness();
    const ticket = h.issue('svc-a');
    h.issue('svc-a');
    h.ok({ type: 'ticket.cancel', ticketId: ticket.id }, clerk1);
    expect(h.state.tickets.get(ticket.id)).toBeUndefined();
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:cancelled', ticket: { id: ticket.id, status: 'cancelled' }, waiting: { 'svc-a': 1 } });
  });

  it('also cancels a no-show, but not a called, serving or unknown ticket, and not for non-staff', () => {
    const h = harness();
    h.open('w1', clerk1);
    const a = h.issue('svc-a');
    const b = h.issue('svc-a');
    h.callNext('w1', clerk1);
    expect(h.fail({ type: 'ticket.cancel', ticketId: a.id }, clerk1).code).toBe('TICKET_NOT_WAITING');
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    expect(h.fail({ type: 'ticket.cancel', ticketId: a.id }, clerk1).code).toBe('TICKET_NOT_WAITING');
    expect(h.fail({ type: 'ticket.cancel', ticketId: b.id }, kiosk).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'ticket.cancel', ticketId: b.id }, publicActor).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'ticket.cancel', ticketId: 'missing' }, clerk1).code).toBe('TICKET_NOT_FOUND');
    h.finish('w1', clerk1);
    expect(h.fail({ type: 'ticket.cancel', ticketId: a.id }, clerk1).code).toBe('TICKET_FINISHED');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.ok({ type: 'ticket.cancel', ticketId: b.id }, clerk2);
    expect(h.state.tickets.get(b.id)).toBeUndefined();
  });
});
