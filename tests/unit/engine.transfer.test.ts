import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../server/protocol/model.js';
import { clerk1, clerk2, clerk3, harness, supervisor } from '../helpers/engineHarness.js';

describe('transfer to another service (转窗, 首问负责)', () => {
  it('moves the current ticket to the new service as waiting, marks it, frees the window', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    const moved = h.ok<Ticket>({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-c', note: '需办户籍' }, clerk1);
    expect(moved).toMatchObject({
      id: ticket.id,
      number: 'A001', // keeps its number
      serviceId: 'svc-c',
      status: 'waiting',
      transfer: { fromWindowId: 'w1', fromServiceId: 'svc-a', note: '需办户籍', at: h.clock.now },
    });
    expect(moved.windowId).toBeUndefined();
    expect(moved.startedAt).toBeUndefined();
    expect(h.state.windows.w1?.currentTicketId).toBeUndefined();
    expect(h.lastEvents[0]).toMatchObject({
      type: 'ticket:transferred',
      fromWindowId: 'w1',
      toServiceId: 'svc-c',
      note: '需办户籍',
      waiting: expect.objectContaining({ 'svc-a': 0, 'svc-c': 1 }),
    });
  });

  it('keeps a front position: it is called before everyone already waiting for that service', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w3', clerk2); // C
    for (let i = 0; i < 2; i++) h.issue('svc-c');
    h.issue('svc-c', { priority: true }); // C is capped at 3 a day
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.advance(5);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-c' }, clerk1);
    const call = h.callNext('w3', clerk2);
    expect(call).toMatchObject({ ticket: { number: 'A001', serviceId: 'svc-c' }, reason: 'transfer' });
    // the transfer mark is cleared once called
    expect(call.ticket.transfer).toBeUndefined();
    expect(h.state.tickets.get(call.ticket.id)?.transfer).toBeUndefined();
  });

  it('shows 0 people ahead for the transferred citizen', async () => {
    const { peopleAhead } = await import('../../server/domain/queue.js');
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b');
    h.issue('svc-b');
    const ticket = h.issue('svc-a');
    h.ok({ type: 'window.call', windowId: 'w1', ticketId: ticket.id }, clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' }, clerk1);
    expect(peopleAhead(h.state, h.ticket(ticket.id), h.clock.now)).toBe(0);
  });

  it('several transfers into one service are called in transfer order', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w4', clerk2);
    h.open('w3', clerk3);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1); // A001
    h.callNext('w4', clerk2); // A002
    h.ok({ type: 'window.transfer', windowId: 'w4', serviceId: 'svc-c' }, clerk2);
    h.advance(1);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-c' }, clerk1);
    expect(h.drain('w3', 2, clerk3).map((call) => call.number)).toEqual(['A002', 'A001']);
  });

  it('refuses a transfer to the same service without a window, or to a service no other window serves', () => {
    const h = harness();
    h.open('w4', clerk1);
    h.issue('svc-d');
    h.issue('svc-a');
    h.callNext('w4', clerk1); // D001; only w4 serves D
    expect(h.fail({ type: 'window.transfer', windowId: 'w4', serviceId: 'svc-d' }, clerk1).code).toBe('TRANSFER_TARGET_INVALID');
    expect(h.fail({ type: 'window.transfer', windowId: 'w4' }, clerk1).code).toBe('TRANSFER_TARGET_INVALID');
    expect(h.fail({ type: 'window.transfer', windowId: 'w4', serviceId: 'svc-x' }, clerk1).code).toBe('SERVICE_NOT_FOUND');
  });

  it('the window that transferred a ticket does not get it back: call-next skips it, calling it is TICKET_TRANSFERRED_AWAY', () => {
    const h = harness();
    h.open('w1', clerk1); // serves A and B
    h.open('w2', clerk2); // serves B and A
    const moved = h.issue('svc-a');
    const other = h.issue('svc-b');
    h.callNext('w1', clerk1); // A001
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' }, clerk1);
    const before = h.state;
    const refused = h.fail({ type: 'window.call', windowId: 'w1', ticketId: moved.id }, clerk1);
    expect(refused.code).toBe('TICKET_TRANSFERRED_AWAY');
    expect(h.state).toBe(before);
    // w1's next call is the ordinary B ticket, not the one it sent away (first in line for everyone else).
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { id: other.id } });
    expect(h.callNext('w2', clerk2)).toMatchObject({ ticket: { id: moved.id }, reason: 'transfer' });
  });

  it('once called elsewhere and sent back, the first window may call it again (the mark is per transfer)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    const moved = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' }, clerk1);
    h.callNext('w2', clerk2);
    h.ok({ type: 'window.transfer', windowId: 'w2', serviceId: 'svc-a' }, clerk2);
    expect(h.callNext('w1', clerk1)).toMatchObject({ ticket: { id: moved.id }, reason: 'transfer' });
  });

  it('needs a current ticket', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' }, clerk1).code).toBe('NO_CURRENT_TICKET');
  });
});

describe('transfer to a specific window', () => {
  it('pins the ticket to that window: only it calls the ticket, first, reason "transfer"', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.open('w4', clerk3);
    for (let i = 0; i < 3; i++) h.issue('svc-b');
    const ticket = h.issue('svc-a');
    h.ok({ type: 'window.call', windowId: 'w1', ticketId: ticket.id }, clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2', serviceId: 'svc-b' }, clerk1);
    expect(h.ticket(ticket.id).transfer).toMatchObject({ toWindowId: 'w2', fromWindowId: 'w1' });
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:transferred', toWindowId: 'w2', toServiceId: 'svc-b' });
    // window 4 also serves B, but the ticket is not for it
    expect(h.callNext('w4', clerk3).ticket.id).not.toBe(ticket.id);
    expect(h.fail({ type: 'window.call', windowId: 'w4', ticketId: ticket.id }, clerk3).code).toBe('SERVICE_NOT_AT_WINDOW');
    expect(h.callNext('w2', clerk2)).toMatchObject({ ticket: { id: ticket.id }, reason: 'transfer' });
  });

  it('keeps the service when only a window is given (e.g. to the 一窗式 window)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w4', clerk2);
    h.issue('svc-a');
    h.issue('svc-a');
    const call = h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w4' }, clerk1);
    expect(h.ticket(call.ticket.id).serviceId).toBe('svc-a');
    expect(h.callNext('w4', clerk2).ticket.id).toBe(call.ticket.id);
  });

  it('the pinned ticket can also be called explicitly at its target window, not out of order', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w4', clerk2);
    h.issue('svc-a');
    const call = h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w4' }, clerk1);
    const result = h.ok({ type: 'window.call', windowId: 'w4', ticketId: call.ticket.id }, clerk2);
    expect(result).toMatchObject({ reason: 'transfer', outOfOrder: false });
  });

  it('refuses the same window, a closed window, a window not serving the service, an unknown window', () => {
    const h = harness();
    h.open('w1', supervisor);
    h.open('w3', clerk2);
    h.issue('svc-a');
    h.callNext('w1', supervisor);
    const target = (toWindowId: string, serviceId?: string) =>
      h.fail({ type: 'window.transfer', windowId: 'w1', toWindowId, ...(serviceId ? { serviceId } : {}) }, supervisor).code;
    expect(target('w1')).toBe('TRANSFER_TARGET_INVALID');
    expect(target('w2')).toBe('TRANSFER_TARGET_INVALID'); // closed
    expect(target('w3')).toBe('TRANSFER_TARGET_INVALID'); // C only, ticket is A
    expect(target('w3', 'svc-b')).toBe('TRANSFER_TARGET_INVALID');
    expect(target('w9')).toBe('WINDOW_NOT_FOUND');
    // a paused window is still a valid target
    h.open('w2', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w2', reason: 'away' }, clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2' }, supervisor);
  });
});
