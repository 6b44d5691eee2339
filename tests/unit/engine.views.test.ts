import { describe, expect, it } from 'vitest';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { Appointment } from '../../server/protocol/model.js';
import { boardView, staffView, ticketStatusView } from '../../server/domain/views.js';
import { MINUTE, clerk1, clerk2, harness, kiosk, local, publicActor, supervisor, type Harness } from '../helpers/engineHarness.js';

function allStringsAndKeys(value: unknown, strings: string[] = [], keys: string[] = []): { strings: string[]; keys: string[] } {
  if (typeof value === 'string') strings.push(value);
  else if (Array.isArray(value)) for (const item of value) allStringsAndKeys(item, strings, keys);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      keys.push(key);
      allStringsAndKeys(child, strings, keys);
    }
  }
  return { strings, keys };
}

function hallWithEverything(): { h: Harness; codes: string[] } {
  const h = harness({ start: local('2026-03-02T12:30') });
  h.open('w1', clerk1);
  h.open('w2', clerk2);
  h.open('w3', supervisor);
  for (let i = 0; i < 3; i++) h.issue('svc-c');
  h.issue('svc-a');
  h.issue('svc-a', { priority: true });
  h.issue('svc-b');
  h.callNext('w1', clerk1);
  h.advance(3);
  h.callNext('w1', clerk1); // first finished, second current
  h.callNext('w2', clerk2);
  h.ok({ type: 'window.start', windowId: 'w2' }, clerk2);
  h.callNext('w3', supervisor);
  h.ok({ type: 'window.no-show', windowId: 'w3' }, supervisor);
  h.ok({ type: 'window.pause', windowId: 'w3', reason: 'meeting', note: '开会' }, supervisor);
  const booked = h.ok<Appointment>({ type: 'appointment.create', serviceId: 'svc-a', slotStart: h.clock.now, slotEnd: h.clock.now + 30 * MINUTE });
  const later = h.ok<Appointment>({ type: 'appointment.create', serviceId: 'svc-b', slotStart: h.clock.now + 120 * MINUTE, slotEnd: h.clock.now + 150 * MINUTE });
  h.ok({ type: 'appointment.check-in', code: booked.code }, kiosk);
  h.ok({ type: 'announcement.post', text: '午休时间暂停取号' }, supervisor);
  return { h, codes: [booked.code, later.code] };
}

describe('board view (public)', () => {
  it('contains no ticket ids and no check-in codes', () => {
    const { h, codes } = hallWithEverything();
    const ticketIds = [...new Set(h.eventsOfType('ticket:issued').map((event) => event.ticket.id)), ...h.eventsOfType('appointment:checked-in').map((event) => event.ticket.id)];
    expect(ticketIds.length).toBeGreaterThan(5);
    const { strings, keys } = allStringsAndKeys(boardView(h.state, h.clock.now));
    for (const id of ticketIds) expect(strings, id).not.toContain(id);
    for (const code of codes) expect(strings, code).not.toContain(code);
    for (const key of ['ticketId', 'currentTicketId', 'lastFinishedTicketId', 'code', 'appointments', 'tickets', 'requests'])
      expect(keys).not.toContain(key);
    // nor the clerks' account ids (only what the hall publishes on the window)
    expect(strings).not.toContain('clerk1');
    expect(strings).not.toContain('sup1');
  });

  it('shows who is called where, paused windows, waiting counts and availability', () => {
    const { h } = hallWithEverything();
    const board = boardView(h.state, h.clock.now);
    expect(board.day).toBe('2026-03-02');
    expect(board.seq).toBe(h.state.seq);
    const w = Object.fromEntries(board.windows.map((window) => [window.id, window]));
    expect(w.w1).toMatchObject({ status: 'open', currentTicket: 'A001', currentServiceId: 'svc-a', clerk: { name: '张三', staffNo: 'S001', post: '窗口受理' } });
    expect(w.w2).toMatchObject({ status: 'open', currentTicket: 'B001' });
    expect(w.w3).toMatchObject({ status: 'paused', currentTicket: null, pauseReason: 'meeting', pauseNote: '开会' });
    expect(w.w4).toMatchObject({ status: 'closed', currentTicket: null, clerk: null, awaitingRating: false });
    const s = Object.fromEntries(board.services.map((service) => [service.id, service]));
    expect(s['svc-a']).toMatchObject({ waiting: 1, unavailable: null, prefix: 'A' });
    expect(s['svc-c']).toMatchObject({ waiting: 2, unavailable: 'CAP_REACHED' });
    expect(s['svc-d']).toMatchObject({ waiting: 0, unavailable: 'OUTSIDE_HOURS' });
    expect(board.recentCalls[0]).toMatchObject({ ticketNumber: 'C001', windowNumber: 3 });
    expect(board.announcements.map((a) => a.text)).toEqual(['午休时间暂停取号']);
  });

  it('asks the window screen for a rating only while the last finished ticket is unrated and nothing is current', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    const awaiting = () => boardView(h.state, h.clock.now).windows.find((window) => window.id === 'w1')?.awaitingRating;
    expect(awaiting()).toBe(false);
    h.finish('w1', clerk1);
    expect(awaiting()).toBe(true);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor);
    expect(awaiting()).toBe(false);
  });
});

describe('ticket status view (the citizen\'s phone)', () => {
  it('shows people ahead and estimate while waiting, the window once called', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const mine = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'phone', priority: false }, publicActor).ticket;
    let view = ticketStatusView(h.state, mine, h.clock.now);
    expect(view).toMatchObject({ number: 'A002', status: 'waiting', ahead: 1, estimatedWaitMinutes: 5, window: null });
    h.callNext('w1', clerk1);
    view = ticketStatusView(h.state, mine, h.clock.now);
    expect(view).toMatchObject({ ahead: 0 });
    h.callNext('w1', clerk1);
    view = ticketStatusView(h.state, mine, h.clock.now);
    expect(view).toMatchObject({ status: 'called', ahead: 0, estimatedWaitMinutes: 0, window: { id: 'w1', number: 1, name: '1号窗口' } });
  });
});

describe('staff view', () => {
  it('lists queues in calling order, current tickets and no-shows', () => {
    const { h } = hallWithEverything();
    const view = staffView(h.state, h.clock.now);
    expect(view.queues['svc-a']?.map((ticket) => ticket.number)).toEqual(['A003']);
    expect(view.current.map((ticket) => ticket.number).sort()).toEqual(['A001', 'B001']);
    expect(view.noShows.map((ticket) => ticket.number)).toEqual(['C001']);
    expect(view.serviceWindows['svc-a']).toEqual(['w1', 'w2', 'w4']);
  });
});
