/**
 * The event log as a record the hall can be rebuilt from: versioned events,
 * upcasting of what older servers wrote, and evolve/replay (server/domain).
 * The random-day property (replay equals the engine's state) is in
 * engine.property.test.ts; the stores' read path in tests/store/contract.ts.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, EVENT_VERSION, type HallEvent } from '../../server/protocol/events.js';
import { evolve, replay } from '../../server/domain/evolve.js';
import { prune } from '../../server/domain/lifecycle.js';
import { upcast, upcastAll } from '../../server/domain/upcast.js';
import { publicEvent } from '../../server/protocol/redact.js';
import { v1Day } from '../helpers/eventlogFixture.js';
import { admin, clerk1, comparable, harness, supervisor } from '../helpers/engineHarness.js';
import { hallFromJson, plainHall } from '../helpers/plainHall.js';

describe('event versions', () => {
  it('every event the engine writes carries the current version', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'announcement.post', text: '通知' }, supervisor);
    expect(h.events.length).toBeGreaterThan(3);
    expect(h.events.every((event) => event.v === EVENT_VERSION)).toBe(true);
  });

  it('upcast leaves current events as they are and refuses a version newer than this server knows', () => {
    const h = harness();
    h.issue('svc-a');
    const [event] = h.events;
    expect(upcast(event)).toBe(event);
    expect(() => upcast({ ...event, v: EVENT_VERSION + 1 })).toThrow(/version/);
  });
});

describe('a log written before events had a version (fixture)', () => {
  const day = v1Day();

  it('is read in today\'s shape: the same events with v, nothing else changed', () => {
    expect(day.events.length).toBeGreaterThan(30);
    expect(day.events.some((event) => 'v' in event)).toBe(false);
    const types = new Set(day.events.map((event) => event.type));
    // The fixture covers every event type there was in version 1 (the hall lifecycle's and the clock's came with version 2).
    // Types added in version 2 (no version-1 event of them exists to upcast).
    const sinceVersion2 = new Set<string>([
      'hall:created',
      'hall:archived',
      'hall:clock',
      'rating-case:opened',
      'rating-case:verified',
      'rating-case:fixed',
      'rating-case:followed-up',
      'rating-case:closed',
      'booking:created',
      'booking:cancelled',
      'booking:moved',
      'booking:no-show',
    ]);
    expect(EVENT_TYPES.filter((type) => !sinceVersion2.has(type) && !types.has(type))).toEqual([]);
    const upcast = upcastAll(day.events);
    expect(upcast).toEqual(day.events.map((event) => ({ ...event, v: EVENT_VERSION })));
  });

  it('rebuilds the hall the engine of that time held, with the live entry for the window it added then', () => {
    const rebuilt = replay(day.initial, upcastAll(day.events));
    prune(rebuilt, day.at);
    const expected = hallFromJson(JSON.stringify(day.final));
    // That engine added window w9 to the configuration without a live entry (the defect fixed since):
    // the rebuilt hall has it, closed; everything else is as it was.
    expect(expected.windows.w9).toBeUndefined();
    expected.windows.w9 = { status: 'closed', priorityStreak: 0 };
    // What the screens were last told came later too: a rebuilt hall was last published at its last event.
    expected.publishedAt = day.events.at(-1)!.at;
    expect(comparable({ ...rebuilt, appointments: {} })).toEqual(comparable({ ...expected, appointments: {}, requests: [] }));
    // Bookings come back without their check-in codes, which the log never holds.
    expect(Object.keys(rebuilt.appointments)).toEqual(Object.keys(day.final.appointments));
    // The configuration of version 1 is rebuilt from the audit of each change.
    expect(rebuilt.config).toEqual(day.final.config);
  });
});

describe('evolve', () => {
  it('leaves its input untouched and gives what the engine gives, one event at a time', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a', { priority: true });
    const before = h.state;
    const frozen = plainHall(before);
    h.callNext('w1', clerk1);
    let state = before;
    for (const event of h.lastEvents) state = evolve(state, event);
    expect(plainHall(before)).toEqual(frozen);
    expect(comparable(state)).toEqual(comparable({ ...h.state, requests: [] }));
  });

  it('rebuilds a configured hall from the whole configuration the event carries, windows reconciled', () => {
    const h = harness();
    const config = structuredClone(h.state.config);
    config.windows = config.windows.filter((window) => window.id !== 'w3');
    config.windows.push({ id: 'w9', number: 9, name: '9号窗口', services: [{ serviceId: 'svc-a', tier: 1 }] });
    h.ok({ type: 'hall.configure', config }, admin);
    expect(h.rebuilt()).toEqual(comparable(h.state));
    expect(Object.keys(h.state.windows).sort()).toEqual(['w1', 'w2', 'w4', 'w9']);
  });

  it('the configuration the event carries goes to staff only (printer addresses), like the audit', () => {
    const h = harness();
    const config = structuredClone(h.state.config);
    config.windows[0]!.printer = 'tcp://10.0.0.5:9100';
    h.ok({ type: 'hall.configure', config }, admin);
    const [event] = h.lastEvents;
    expect(event).toMatchObject({ type: 'hall:configured', config: { windows: expect.arrayContaining([expect.objectContaining({ printer: 'tcp://10.0.0.5:9100' })]) } });
    expect(JSON.stringify(publicEvent(event!))).not.toContain('10.0.0.5');
  });

  it('refuses an event type it has no entry for (a log of a newer server)', () => {
    const h = harness();
    const stranger = { v: EVENT_VERSION, type: 'hall:teleported', hallId: 'test-hall', seq: 1, at: 0 } as unknown as HallEvent;
    expect(() => replay(h.state, [stranger])).toThrow(/hall:teleported/);
  });
});
