import { describe, expect, it } from 'vitest';
import type { CallResult } from '../../server/domain/handlers/calling.js';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { Appointment } from '../../server/protocol/model.js';
import { MINUTE, clerk1, clerk2, harness, kiosk, supervisor, testHallConfig, type Harness } from '../helpers/engineHarness.js';

function checkedInAppointment(h: Harness, serviceId: string, slotOffsetMinutes: number) {
  const appointment = h.ok<Appointment>({
    type: 'appointment.create',
    serviceId,
    slotStart: h.clock.now + slotOffsetMinutes * MINUTE,
    slotEnd: h.clock.now + (slotOffsetMinutes + 30) * MINUTE,
  });
  return h.ok<IssuedTicket>({ type: 'appointment.check-in', code: appointment.code }, kiosk).ticket;
}

describe('call next: queue order by tier, then issue order', () => {
  it('calls the window\'s tier-1 service before tier 2, each in issue order', () => {
    const h = harness();
    h.open('w1', clerk1); // A tier 1, B tier 2
    h.issue('svc-b');
    h.advance(1);
    h.issue('svc-a');
    h.advance(1);
    h.issue('svc-b');
    h.advance(1);
    h.issue('svc-a');
    expect(h.drain('w1', 4, clerk1)).toEqual([
      { number: 'A001', reason: 'queue-order' },
      { number: 'A002', reason: 'queue-order' },
      { number: 'B001', reason: 'queue-order' },
      { number: 'B002', reason: 'queue-order' },
    ]);
  });

  it('uses the window\'s own tiers: window 2 (B first) sees the same queue the other way round', () => {
    const h = harness();
    h.open('w2', clerk2); // B tier 1, A tier 2
    h.issue('svc-a');
    h.issue('svc-b');
    expect(h.drain('w2', 2, clerk2).map((call) => call.number)).toEqual(['B001', 'A001']);
  });

  it('interleaves services of equal tier strictly by issue order (一窗式 window)', () => {
    const h = harness();
    h.open('w4', clerk1);
    h.issue('svc-b');
    h.issue('svc-a');
    h.issue('svc-c');
    h.issue('svc-a');
    h.issue('svc-b');
    expect(h.drain('w4', 5, clerk1).map((call) => call.number)).toEqual(['B001', 'A001', 'C001', 'A002', 'B002']);
  });

  it('calls only services the window serves; QUEUE_EMPTY otherwise (and the window stays idle)', () => {
    const h = harness();
    h.open('w3', clerk1); // C only
    h.issue('svc-a');
    h.issue('svc-b');
    expect(h.fail({ type: 'window.call-next', windowId: 'w3' }, clerk1)).toEqual({ code: 'QUEUE_EMPTY', details: { windowId: 'w3' } });
    expect(h.state.windows.w3?.currentTicketId).toBeUndefined();
  });

  it('records the call on the ticket, the window, the event and recent calls', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.issue('svc-a');
    h.advance(3);
    const call = h.callNext('w1', clerk1);
    expect(call).toMatchObject({ reason: 'queue-order', outOfOrder: false, ticket: { id: ticket.id, status: 'called' } });
    expect(h.state.tickets.get(ticket.id)).toMatchObject({
      status: 'called',
      windowId: 'w1',
      callReason: 'queue-order',
      calledAt: h.clock.now,
      clerkId: 'clerk1',
    });
    expect(h.state.windows.w1?.currentTicketId).toBe(ticket.id);
    expect(h.lastEvents).toEqual([
      expect.objectContaining({
        type: 'ticket:called',
        windowId: 'w1',
        windowNumber: 1,
        reason: 'queue-order',
        outOfOrder: false,
        clerkId: 'clerk1',
        waiting: expect.objectContaining({ 'svc-a': 1 }),
      }),
    ]);
    expect(h.state.recentCalls[0]).toEqual({
      ticketNumber: 'A001',
      serviceId: 'svc-a',
      windowId: 'w1',
      windowNumber: 1,
      at: h.clock.now,
      recall: false,
    });
  });

  it('keeps at most 10 recent calls, newest first', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 12; i++) h.issue('svc-a');
    h.drain('w1', 12, clerk1);
    expect(h.state.recentCalls).toHaveLength(10);
    expect(h.state.recentCalls[0]?.ticketNumber).toBe('A012');
    expect(h.state.recentCalls[9]?.ticketNumber).toBe('A003');
  });

  it('two windows never get the same ticket', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w4', clerk2);
    h.issue('svc-a');
    h.issue('svc-a');
    const first = h.callNext('w1', clerk1);
    const second = h.callNext('w4', clerk2);
    expect(first.ticket.id).not.toBe(second.ticket.id);
    expect(h.fail({ type: 'window.call', windowId: 'w4', ticketId: first.ticket.id }, clerk2).code).toBe('TICKET_NOT_WAITING');
    expect(h.fail({ type: 'window.call-next', windowId: 'w4' }, clerk2).code).toBe('QUEUE_EMPTY');
  });
});

describe('call next: the rule classes and their reasons', () => {
  it('priority (green channel) before earlier normal tickets, reason "priority"', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a', { priority: true, channel: 'desk', actor: clerk2 });
    expect(h.drain('w1', 2, clerk1)).toEqual([
      { number: 'A002', reason: 'priority' },
      { number: 'A001', reason: 'queue-order' },
    ]);
  });

  it('priority beats tier: a priority tier-2 ticket goes before normal tier-1 tickets', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-b', { priority: true });
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'B001' }, reason: 'priority' });
  });

  it('checked-in appointments whose slot has come go before priority, reason "appointment"', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a', { priority: true });
    h.issue('svc-a');
    const appointmentTicket = checkedInAppointment(h, 'svc-a', 5); // slot starts in 5 min; early window is 10
    expect(appointmentTicket.channel).toBe('appointment');
    expect(h.drain('w1', 3, clerk1)).toEqual([
      { number: appointmentTicket.number, reason: 'appointment' },
      { number: 'A001', reason: 'priority' },
      { number: 'A002', reason: 'queue-order' },
    ]);
  });

  it('orders appointments by slot start, not by check-in order', () => {
    const h = harness();
    h.open('w1', clerk1);
    const late = checkedInAppointment(h, 'svc-a', 8);
    const early = checkedInAppointment(h, 'svc-a', 2);
    expect(h.drain('w1', 2, clerk1).map((call) => call.number)).toEqual([early.number, late.number]);
  });

  it('transferred-in tickets go first of all, reason "transfer"', () => {
    const h = harness();
    h.open('w4', clerk1);
    h.open('w2', clerk2); // B tier 1
    h.issue('svc-a');
    h.callNext('w4', clerk1); // A001 at window 4
    h.issue('svc-b', { priority: true });
    h.issue('svc-b');
    checkedInAppointment(h, 'svc-b', 0);
    h.ok({ type: 'window.transfer', windowId: 'w4', serviceId: 'svc-b' }, clerk1);
    expect(h.callNext('w2', clerk2)).toMatchObject({ ticket: { number: 'A001', callReason: 'transfer' }, reason: 'transfer' });
    expect(h.drain('w2', 3, clerk2).map((call) => call.reason)).toEqual(['appointment', 'priority', 'queue-order']);
  });

  it('full order at one window: transfer, appointment, priority, long-wait, queue-order', () => {
    const h = harness();
    h.open('w4', clerk1);
    h.open('w1', clerk2);
    h.issue('svc-b'); // B001 09:00 → will be boosted
    h.advance(20);
    h.issue('svc-a'); // A001 09:20 → the one we transfer
    h.callNext('w1', clerk2);
    h.advance(11);
    h.issue('svc-c'); // C001 normal
    h.issue('svc-d', { priority: true }); // D001 priority
    checkedInAppointment(h, 'svc-c', 0); // C002 appointment
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w4' }, clerk2);
    expect(h.drain('w4', 5, clerk1)).toEqual([
      { number: 'A001', reason: 'transfer' },
      { number: 'C002', reason: 'appointment' },
      { number: 'D001', reason: 'priority' },
      { number: 'B001', reason: 'long-wait' },
      { number: 'C001', reason: 'queue-order' },
    ]);
  });
});

describe('priority cap (ratio so normal tickets never starve)', () => {
  function ratioRun(cap: number, priorities: number, normals: number): string[] {
    const h = harness({ config: testHallConfig({ policy: { priorityStreakCap: cap } }) });
    h.open('w1', clerk1);
    for (let i = 0; i < normals; i++) h.issue('svc-a');
    for (let i = 0; i < priorities; i++) h.issue('svc-a', { priority: true });
    return h.drain('w1', priorities + normals, clerk1).map((call) => (call.reason === 'priority' ? 'P' : 'N'));
  }

  it('after `cap` priority calls in a row, one normal ticket goes (cap 2 → P P N P P N …)', () => {
    expect(ratioRun(2, 6, 4).join('')).toBe('PPNPPNPPNN');
  });

  it('honours other caps (cap 3 → P P P N …, cap 1 → alternate)', () => {
    expect(ratioRun(3, 6, 3).join('')).toBe('PPPNPPPNN');
    expect(ratioRun(1, 3, 3).join('')).toBe('PNPNPN');
  });

  it('keeps calling priority tickets when no normal ticket waits', () => {
    expect(ratioRun(2, 4, 0).join('')).toBe('PPPP');
  });

  it('the streak is per window and resets after a normal call', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w4', clerk2);
    for (let i = 0; i < 2; i++) h.issue('svc-a', { priority: true });
    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1);
    expect(h.state.windows.w1?.priorityStreak).toBe(2);
    h.issue('svc-a');
    h.issue('svc-a', { priority: true });
    // window 4 has its own streak (0), so it still takes the priority ticket first
    expect(h.callNext('w4', clerk2).reason).toBe('priority');
    h.issue('svc-a', { priority: true });
    // window 1 is at its cap: the normal ticket goes
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'A003' }, reason: 'queue-order' });
    expect(h.state.windows.w1?.priorityStreak).toBe(0);
    expect(h.callNext('w1', clerk1).reason).toBe('priority');
  });

  it('a long-wait ticket counts as the normal ticket that breaks the streak', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b'); // will be boosted
    h.advance(31);
    for (let i = 0; i < 3; i++) h.issue('svc-a', { priority: true });
    expect(h.drain('w1', 4, clerk1).map((call) => call.reason)).toEqual(['priority', 'priority', 'long-wait', 'priority']);
  });
});

describe('long-wait boost', () => {
  it('a ticket waiting boostAfterMinutes jumps ahead of tier order, reason "long-wait"', () => {
    const h = harness();
    h.open('w1', clerk1); // A tier 1, B tier 2
    h.issue('svc-b'); // 09:00
    for (let i = 0; i < 4; i++) h.issue('svc-a');
    h.advance(29);
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'A001' }, reason: 'queue-order' });
    h.advance(1); // B001 has now waited 30 minutes
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'B001' }, reason: 'long-wait' });
  });

  it('boosted tickets are called oldest first, and before the rest even of tier 1', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b'); // B001 09:00
    h.advance(5);
    h.issue('svc-a'); // A001 09:05
    h.advance(5);
    h.issue('svc-b'); // B002 09:10
    h.advance(45); // all boosted
    h.issue('svc-a'); // A002 fresh
    expect(h.drain('w1', 4, clerk1)).toEqual([
      { number: 'B001', reason: 'long-wait' },
      { number: 'A001', reason: 'long-wait' },
      { number: 'B002', reason: 'long-wait' },
      { number: 'A002', reason: 'queue-order' },
    ]);
  });

  it('never boosts when boostAfterMinutes is null', () => {
    const h = harness({ config: testHallConfig({ policy: { boostAfterMinutes: null } }) });
    h.open('w1', clerk1);
    h.issue('svc-b');
    h.issue('svc-a');
    h.advance(600);
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'A001' }, reason: 'queue-order' });
  });

  it('priority still goes before long-wait', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.advance(40);
    h.issue('svc-a', { priority: true });
    expect(h.drain('w1', 2, clerk1).map((call) => call.reason)).toEqual(['priority', 'long-wait']);
  });
});

describe('call a specific ticket (out of order, audited)', () => {
  it('calls a chosen ticket with reason "manual" and outOfOrder true', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const chosen = h.issue('svc-a');
    const result = h.ok<CallResult>({ type: 'window.call', windowId: 'w1', ticketId: chosen.id }, clerk1);
    expect(result).toMatchObject({ reason: 'manual', outOfOrder: true, ticket: { id: chosen.id, callReason: 'manual' } });
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:called', reason: 'manual', outOfOrder: true, actor: 'user:clerk1' });
  });

  it('calling the very ticket the rules would pick is not out of order and keeps the rule\'s reason', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const priority = h.issue('svc-a', { priority: true });
    const result = h.ok<CallResult>({ type: 'window.call', windowId: 'w1', ticketId: priority.id }, clerk1);
    expect(result).toMatchObject({ reason: 'priority', outOfOrder: false });
  });

  it('refuses tickets of services the window does not serve, not waiting, or unknown', () => {
    const h = harness();
    h.open('w3', clerk1);
    h.open('w1', clerk2);
    const a = h.issue('svc-a');
    const b = h.issue('svc-a');
    expect(h.fail({ type: 'window.call', windowId: 'w3', ticketId: a.id }, clerk1)).toEqual({
      code: 'SERVICE_NOT_AT_WINDOW',
      details: { ticketId: a.id, serviceId: 'svc-a' },
    });
    h.callNext('w1', clerk2);
    expect(h.fail({ type: 'window.call', windowId: 'w1', ticketId: a.id }, clerk2).code).toBe('TICKET_NOT_WAITING');
    expect(h.fail({ type: 'window.call', windowId: 'w1', ticketId: 'nope' }, clerk2).code).toBe('TICKET_NOT_FOUND');
    expect(h.ok<CallResult>({ type: 'window.call', windowId: 'w1', ticketId: b.id }, clerk2).finished?.id).toBe(a.id);
  });
});

describe('call next while a ticket is current', () => {
  it('finishes the current ticket as completed (automatic) first, then calls', () => {
    const h = harness();
    h.open('w1', clerk1);
    const first = h.issue('svc-a');
    const second = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    h.advance(4);
    const result = h.callNext('w1', clerk1);
    expect(result.ticket.id).toBe(second.id);
    expect(result.finished).toMatchObject({ id: first.id, status: 'served', outcome: 'completed' });
    expect(h.lastEvents.map((event) => event.type)).toEqual(['ticket:finished', 'ticket:called']);
    expect(h.lastEvents[0]).toMatchObject({ outcome: 'completed', automatic: true, serviceSeconds: 240, windowId: 'w1' });
    expect(h.state.tickets.get(first.id)?.status).toBe('served');
    expect(h.state.windows.w1).toMatchObject({ currentTicketId: second.id, lastFinishedTicketId: first.id });
  });

  it('also finishes a ticket that was called but never started', () => {
    const h = harness();
    h.open('w1', clerk1);
    const first = h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1);
    expect(h.state.tickets.get(first.id)).toMatchObject({ status: 'served', outcome: 'completed' });
  });

  it('with nothing waiting, fails QUEUE_EMPTY and leaves the current ticket at the window', () => {
    const h = harness();
    h.open('w1', clerk1);
    const only = h.issue('svc-a');
    h.callNext('w1', clerk1);
    expect(h.fail({ type: 'window.call-next', windowId: 'w1' }, clerk1).code).toBe('QUEUE_EMPTY');
    expect(h.state.tickets.get(only.id)?.status).toBe('called');
    expect(h.state.windows.w1?.currentTicketId).toBe(only.id);
  });

  it('a supervisor driving a window\'s hardware caller gets the same behaviour', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', supervisor);
    const result = h.callNext('w1', supervisor);
    expect(result.finished?.number).toBe('A001');
  });
});
