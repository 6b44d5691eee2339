import { describe, expect, it } from 'vitest';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { Appointment, Ticket } from '../../server/protocol/model.js';
import { serviceQueue } from '../../server/domain/queue.js';
import { MINUTE, clerk1, clerk2, harness, kiosk, type Harness } from '../helpers/engineHarness.js';

function numbersInQueue(h: Harness, serviceId = 'svc-a'): string[] {
  return serviceQueue(h.state, serviceId, h.clock.now).map((ticket) => ticket.number);
}

/** Issues `count` A tickets, calls the first at window 1 and marks it a no-show. */
function withNoShow(h: Harness, count: number): Ticket {
  h.open('w1', clerk1);
  for (let i = 0; i < count; i++) h.issue('svc-a');
  const call = h.callNext('w1', clerk1);
  h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
  return h.ticket(call.ticket.id);
}

describe('no-show (过号)', () => {
  it('marks the called ticket no-show, counts it, frees the window', () => {
    const h = harness();
    const ticket = withNoShow(h, 3);
    expect(ticket).toMatchObject({ status: 'no-show', noShowCount: 1 });
    expect(h.state.windows.w1?.currentTicketId).toBeUndefined();
    expect(h.lastEvents).toEqual([expect.objectContaining({ type: 'ticket:no-show', windowId: 'w1', ticket: expect.objectContaining({ id: ticket.id, status: 'no-show' }) })]);
  });

  it('a no-show is not called again by call-next, nor directly', () => {
    const h = harness();
    const ticket = withNoShow(h, 2);
    expect(h.callNext('w1', clerk1).ticket.number).toBe('A002');
    h.finish('w1', clerk1);
    expect(h.fail({ type: 'window.call-next', windowId: 'w1' }, clerk1).code).toBe('QUEUE_EMPTY');
    expect(h.fail({ type: 'window.call', windowId: 'w1', ticketId: ticket.id }, clerk1).code).toBe('TICKET_NOT_WAITING');
  });

  it('is refused once service has started, and with nothing called', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.no-show', windowId: 'w1' }, clerk1).code).toBe('NO_CURRENT_TICKET');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    expect(h.fail({ type: 'window.no-show', windowId: 'w1' }, clerk1).code).toBe('TICKET_ALREADY_STARTED');
  });
});

describe('requeue a no-show after N people (过号重排)', () => {
  it('by default goes behind policy.requeueAfter (2) people', () => {
    const h = harness();
    const ticket = withNoShow(h, 6);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: ticket.id }, clerk1);
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:requeued', after: 2, ticket: { id: ticket.id, status: 'waiting' }, waiting: { 'svc-a': 6 } });
    expect(h.ticket(ticket.id).windowId).toBeUndefined();
    expect(numbersInQueue(h)).toEqual(['A002', 'A003', 'A001', 'A004', 'A005', 'A006']);
    expect(h.drain('w1', 3, clerk1).map((call) => call.number)).toEqual(['A002', 'A003', 'A001']);
  });

  it('honours an explicit N, including 0 (next) and more than are waiting (the back)', () => {
    for (const [after, expected] of [
      [0, ['A001', 'A002', 'A003', 'A004']],
      [1, ['A002', 'A001', 'A003', 'A004']],
      [3, ['A002', 'A003', 'A004', 'A001']],
      [10, ['A002', 'A003', 'A004', 'A001']],
    ] as const) {
      const h = harness();
      const ticket = withNoShow(h, 4);
      h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: ticket.id, after }, clerk1);
      expect(numbersInQueue(h), `after ${after}`).toEqual(expected);
    }
  });

  it('repeated requeues between the same neighbours keep a consistent order', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 5; i++) h.issue('svc-a');
    for (let round = 0; round < 3; round++) {
      const call = h.callNext('w1', clerk1);
      h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
      h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: call.ticket.id, after: 1 }, clerk1);
    }
    // A001 → behind A002; then A002 called, requeued behind A001; then A001 again, behind A002 …
    expect(numbersInQueue(h)).toEqual(['A002', 'A001', 'A003', 'A004', 'A005']);
  });

  it('counts priority tickets among the people it goes behind', () => {
    const h = harness();
    const ticket = withNoShow(h, 4); // A002..A004 wait
    h.issue('svc-a', { priority: true }); // A005 goes first
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: ticket.id, after: 2 }, clerk1);
    expect(numbersInQueue(h)).toEqual(['A005', 'A002', 'A001', 'A003', 'A004']);
  });

  it('a requeued ticket does not get a long-wait boost from its original issue time', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b'); // tier 2 at window 1
    const call = h.callNext('w1', clerk1);
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.advance(40);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: call.ticket.id }, clerk1);
    h.issue('svc-a');
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { number: 'A001' }, reason: 'queue-order' });
  });

  it('a requeued appointment ticket also goes behind N people (its slot does not put it back in front)', () => {
    const h = harness();
    h.open('w1', clerk1);
    const appointment = h.ok<Appointment>({
      type: 'appointment.create',
      serviceId: 'svc-a',
      slotStart: h.clock.now,
      slotEnd: h.clock.now + 30 * MINUTE,
    });
    const booked = h.ok<IssuedTicket>({ type: 'appointment.check-in', code: appointment.code }, kiosk).ticket;
    for (let i = 0; i < 4; i++) h.issue('svc-a');
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { id: booked.id }, reason: 'appointment' });
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: booked.id, after: 2 }, clerk1);
    expect(numbersInQueue(h)).toEqual(['A002', 'A003', 'A001', 'A004', 'A005']);
    expect(h.drain('w1', 3, clerk1).map((call) => call.number)).toEqual(['A002', 'A003', 'A001']);
  });

  it('a requeued priority ticket also goes behind N people, not straight back to the front', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a', { priority: true, channel: 'desk', actor: clerk2 }); // A001, green channel
    for (let i = 0; i < 4; i++) h.issue('svc-a');
    const call = h.callNext('w1', clerk1);
    expect(call).toMatchObject({ ticket: { number: 'A001' }, reason: 'priority' });
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: call.ticket.id, after: 2 }, clerk1);
    expect(numbersInQueue(h)).toEqual(['A002', 'A003', 'A001', 'A004', 'A005']);
    expect(h.drain('w1', 3, clerk1).map((c) => c.number)).toEqual(['A002', 'A003', 'A001']);
    // it is still marked as a green-channel ticket
    expect(h.state.tickets.get(call.ticket.id)?.priority).toBe(true);
  });

  it('may be done from another window, and only for no-shows', () => {
    const h = harness();
    const ticket = withNoShow(h, 2);
    h.open('w4', clerk2);
    expect(h.fail({ type: 'window.requeue', windowId: 'w4', ticketId: 'nope' }, clerk2).code).toBe('TICKET_NOT_FOUND');
    h.ok({ type: 'window.requeue', windowId: 'w4', ticketId: ticket.id, after: 0 }, clerk2);
    expect(h.fail({ type: 'window.requeue', windowId: 'w4', ticketId: ticket.id }, clerk2)).toMatchObject({
      code: 'TICKET_NOT_NO_SHOW',
      details: { status: 'waiting' },
    });
  });

  it('a requeued ticket keeps its no-show count and gets a fresh recall count when called again', () => {
    const h = harness();
    const ticket = withNoShow(h, 1);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: ticket.id }, clerk1);
    const call = h.callNext('w1', clerk1);
    expect(call.ticket).toMatchObject({ id: ticket.id, noShowCount: 1, recallCount: 0, status: 'called' });
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    expect(h.ticket(ticket.id).noShowCount).toBe(2);
  });
});
