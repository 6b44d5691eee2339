/**
 * Editing a running hall (hall.configure while tickets wait and windows are
 * staffed): each edit is carried through with the live state following it, or
 * refused naming what is in the way, and the day key only moves forward.
 */
import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { admin, clerk1, clerk2, harness, local, supervisor, testHallConfig, type Harness } from '../helpers/engineHarness.js';

function edit(h: Harness, change: (config: HallConfig) => void): HallConfig {
  const config = structuredClone(h.state.config);
  change(config);
  return config;
}

function configure(h: Harness, change: (config: HallConfig) => void) {
  return h.run({ type: 'hall.configure', config: edit(h, change) }, admin);
}

const window9 = { id: 'w9', number: 9, name: '9号窗口', services: [{ serviceId: 'svc-a', tier: 1 }] };

describe('hall.configure on a running hall', () => {
  it('a window added opens and calls at once; its live entry is part of the configuring event', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    const outcome = configure(h, (config) => config.windows.push(window9));
    expect(outcome.ok).toBe(true);
    expect(h.lastEvents).toMatchObject([{ type: 'hall:configured', config: { windows: expect.arrayContaining([expect.objectContaining({ id: 'w9' })]) } }]);
    expect(h.state.windows.w9).toEqual({ status: 'closed', priorityStreak: 0 });
    h.open('w9', clerk2);
    expect(h.callNext('w9', clerk2).ticket.number).toBe('A002');
  });

  it('a closed window removed loses its live entry; a transfer to it is refused as WINDOW_NOT_FOUND', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    expect(configure(h, (config) => (config.windows = config.windows.filter((window) => window.id !== 'w2'))).ok).toBe(true);
    expect(Object.keys(h.state.windows).sort()).toEqual(['w1', 'w3', 'w4']);
    const before = h.state;
    expect(h.fail({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2' }, clerk1)).toEqual({ code: 'WINDOW_NOT_FOUND', details: { windowId: 'w2' } });
    expect(h.state).toBe(before);
  });

  it('a hall saved before windows followed the configuration (window without live state) is healed at its next command', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    // As the engine of that time left it: w9 configured, no live entry (a transfer there used to be accepted).
    h.state = { ...h.state, config: { ...h.state.config, windows: [...h.state.config.windows, window9] } };
    expect(h.fail({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w9' }, clerk1).code).toBe('TRANSFER_TARGET_INVALID');
    h.open('w9', clerk2);
    expect(h.callNext('w9', clerk2).ticket.number).toBe('A002');
    expect(Object.keys(h.state.windows).sort()).toEqual(['w1', 'w2', 'w3', 'w4', 'w9']);
  });

  it('refuses to remove a staffed window, naming it and its clerk', () => {
    const h = harness();
    h.open('w2', clerk2);
    const before = h.state;
    const outcome = configure(h, (config) => (config.windows = config.windows.filter((window) => window.id !== 'w2')));
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'CONFIG_INVALID', details: { windowId: 'w2', number: 2, clerk: '李四' } });
    expect(!outcome.ok && String(outcome.error.details?.reason)).toBe('2号窗口正在使用（李四），现在不能删除：请先在该窗口签退');
    expect(h.state).toBe(before);
  });

  it('refuses to remove a service people wait for, saying how many and where; disabling it first works', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b');
    h.issue('svc-b');
    h.issue('svc-b');
    h.ok({ type: 'window.call-next', windowId: 'w1' }, clerk1); // w1: A before B, so B001 at window 1
    const remove = (config: HallConfig) => {
      config.services = config.services.filter((service) => service.id !== 'svc-b');
      for (const window of config.windows) window.services = window.services.filter((link) => link.serviceId !== 'svc-b');
    };
    const refused = configure(h, remove);
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'CONFIG_INVALID',
      details: { serviceId: 'svc-b', waiting: 2, atWindows: [1], awaitingRating: 0 },
    });
    expect(!refused.ok && String(refused.error.details?.reason)).toContain('还有号票（2 人等候，窗口 1 正在办理），现在不能删除');
    // The way out: disable it (no new tickets), the queue is still called and transferred.
    expect(configure(h, (config) => (config.services.find((service) => service.id === 'svc-b')!.enabled = false)).ok).toBe(true);
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-b', channel: 'kiosk', priority: false }).code).toBe('SERVICE_UNAVAILABLE');
    const moved = h.ok<{ id: string }>({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-a' }, clerk1);
    expect(h.state.tickets.get(moved.id)?.serviceId).toBe('svc-a');
    // The sending window does not call back what it sent away (issue 15); its next call is still svc-b's queue.
    expect(h.callNext('w1', clerk1).ticket.serviceId).toBe('svc-b');
  });

  it('refuses to remove a service with bookings that can still be checked in', () => {
    const h = harness();
    h.ok({ type: 'appointment.create', serviceId: 'svc-d', slotStart: h.clock.now + 3_600_000, slotEnd: h.clock.now + 5_400_000 }, supervisor);
    const outcome = configure(h, (config) => {
      config.services = config.services.filter((service) => service.id !== 'svc-d');
      for (const window of config.windows) window.services = window.services.filter((link) => link.serviceId !== 'svc-d');
    });
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'CONFIG_INVALID', details: { serviceId: 'svc-d', bookings: 1 } });
  });

  it('refuses to take a waiting queue away from its last window, and accepts it once nobody waits', () => {
    const h = harness();
    const ticket = h.issue('svc-c'); // only w3 and w4 serve C
    const dropC = (config: HallConfig) => {
      for (const window of config.windows) window.services = window.services.filter((link) => link.serviceId !== 'svc-c');
      config.windows.find((window) => window.id === 'w3')!.services = [{ serviceId: 'svc-a', tier: 1 }];
    };
    const refused = configure(h, dropC);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'CONFIG_INVALID', details: { serviceId: 'svc-c', waiting: 1 } });
    // Moving it to another window is fine.
    expect(configure(h, (config) => config.windows.find((window) => window.id === 'w4')!.services.pop()).ok).toBe(true);
    h.ok({ type: 'ticket.cancel', ticketId: ticket.id }, supervisor);
    expect(configure(h, dropC).ok).toBe(true);
  });

  it('renumbering a window: the next call says the new number, calls already made keep theirs', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    expect(configure(h, (config) => (config.windows.find((window) => window.id === 'w1')!.number = 11)).ok).toBe(true);
    const call = h.callNext('w1', clerk1);
    expect(h.lastEvents.find((event) => event.type === 'ticket:called')).toMatchObject({ windowNumber: 11, ticket: { id: call.ticket.id } });
    expect(h.state.recentCalls.map((record) => record.windowNumber)).toEqual([11, 1]);
  });

  it('a cap lowered below today\'s count stops issuing; raised again, numbering goes on', () => {
    const h = harness();
    h.issue('svc-a');
    h.issue('svc-a');
    configure(h, (config) => (config.services[0]!.dailyCap = 1));
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }).code).toBe('CAP_REACHED');
    configure(h, (config) => (config.services[0]!.dailyCap = 5));
    expect(h.issue('svc-a').number).toBe('A003');
  });
});

describe('the day key only moves forward', () => {
  it('a time-zone change that moves the local date back keeps the day and its counters: A001 is never issued twice', () => {
    // 00:30 on Tuesday in Shanghai is 16:30 on Monday in London.
    const h = harness({ start: local('2026-03-03T00:30') });
    expect(h.state.day).toBe('2026-03-03');
    expect(h.issue('svc-a').number).toBe('A001');
    expect(h.issue('svc-a').number).toBe('A002');
    expect(configure(h, (config) => (config.timeZone = 'Europe/London')).ok).toBe(true);
    h.advance(5);
    const third = h.issue('svc-a');
    expect(third).toMatchObject({ number: 'A003', day: '2026-03-03' });
    expect(h.eventsOfType('hall:day-started')).toEqual([]);
    // The hall's day ends when London's date passes it: midnight at the end of 3 March in London.
    h.clock.set(Date.parse('2026-03-03T23:50:00Z'));
    expect(h.issue('svc-a').number).toBe('A004');
    h.clock.set(Date.parse('2026-03-04T00:10:00Z'));
    expect(h.issue('svc-a')).toMatchObject({ number: 'A001', day: '2026-03-04' });
    expect(h.eventsOfType('hall:day-started')).toMatchObject([{ day: '2026-03-04', previousDay: '2026-03-03' }]);
  });

  it('a time-zone change that moves the local date forward starts the next day at the next command', () => {
    const h = harness({ start: local('2026-03-02T20:30') });
    h.issue('svc-a');
    configure(h, (config) => (config.timeZone = 'Pacific/Auckland')); // already Tuesday there
    expect(h.issue('svc-a')).toMatchObject({ number: 'A001', day: '2026-03-03' });
  });

  it('the closing time does not close a day the local date has not reached yet', () => {
    const h = harness({ config: testHallConfig({ closeDayAt: '17:30' }), start: local('2026-03-03T00:30') });
    h.issue('svc-a');
    configure(h, (config) => (config.timeZone = 'Europe/London')); // 16:30 on the 2nd there
    h.clock.set(Date.parse('2026-03-02T18:00:00Z')); // 18:00 on the 2nd in London, past 17:30 but not the hall's day
    const tick = h.run({ type: 'hall.tick' });
    // The tick may tell the screens what the clock moved (hall:clock); nothing closes, nothing expires.
    expect(tick.ok && tick.events.filter((event) => event.type !== 'hall:clock')).toEqual([]);
    expect(h.state.dayClosedAt).toBeUndefined();
  });
});

describe('changing the closing time', () => {
  it('a closing time moved before now does not close today (nobody waiting expires for a saved setting); it applies tomorrow', () => {
    const h = harness({ start: local('2026-03-02T14:00') });
    const waiting = h.issue('svc-a');
    expect(configure(h, (config) => (config.closeDayAt = '12:00')).ok).toBe(true);
    expect(h.state.closeDayWaivedFor).toBe('2026-03-02');
    h.advance(30);
    const tick = h.run({ type: 'hall.tick' });
    // The tick may tell the screens what the clock moved (hall:clock); nothing closes, nothing expires.
    expect(tick.ok && tick.events.filter((event) => event.type !== 'hall:clock')).toEqual([]);
    expect(h.state.tickets.get(waiting.id)?.status).toBe('waiting');
    h.clock.set(local('2026-03-03T11:59'));
    h.issue('svc-a');
    expect(h.state.closeDayWaivedFor).toBeUndefined();
    h.clock.set(local('2026-03-03T12:00'));
    const closing = h.run({ type: 'hall.tick' });
    expect(closing.ok && closing.events.map((event) => event.type)).toEqual(['ticket:expired', 'hall:day-closed']);
  });

  it('moved later again the same day, it closes today at the new time', () => {
    const h = harness({ start: local('2026-03-02T14:00') });
    configure(h, (config) => (config.closeDayAt = '12:00'));
    configure(h, (config) => (config.closeDayAt = '16:00'));
    expect(h.state.closeDayWaivedFor).toBeUndefined();
    h.clock.set(local('2026-03-02T16:00'));
    const tick = h.run({ type: 'hall.tick' });
    expect(tick.ok && tick.events.map((event) => event.type)).toEqual(['hall:day-closed']);
  });
});
