import { describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import { execute, foundHall } from '../../server/domain/engine.js';
import { EVENT_VERSION } from '../../server/protocol/events.js';
import { boardView } from '../../server/domain/views.js';
import { CountingIds, T0, admin, clerk1, harness, kiosk, testHallConfig } from '../helpers/engineHarness.js';

describe('hall lifecycle in the engine', () => {
  it('foundHall: a hall in its own local day, empty, with hall:created (seq 1) naming who and when', () => {
    // 23:30 UTC on 1 March is already 2 March in Shanghai.
    const now = Date.parse('2026-03-01T23:30:00Z');
    const config = testHallConfig();
    const { state, events } = foundHall(config, admin, now, 'blank');
    expect(state).toMatchObject({ seq: 1, day: '2026-03-02', counters: {}, tickets: {}, rankCounter: 0 });
    expect(Object.values(state.windows).every((window) => window.status === 'closed')).toBe(true);
    expect(events).toEqual([{ v: EVENT_VERSION, type: 'hall:created', template: 'blank', hallId: config.id, seq: 1, at: now, actor: 'user:admin1' }]);
    // The state owns its configuration: changing the caller's object changes nothing.
    config.name = 'changed';
    expect(state.config.name).not.toBe('changed');
    const issued = execute(state, { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk, { now, ids: new CountingIds() });
    expect(issued.ok && issued.events[0]).toMatchObject({ type: 'ticket:issued', seq: 2, ticket: { number: 'A001' } });
  });

  it('hall.archive: waiting tickets expire, recorded; then every command is HALL_ARCHIVED and the clock changes nothing', () => {
    const h = harness();
    h.open('w1', clerk1);
    const called = h.issue('svc-a');
    const waiting = h.issue('svc-b');
    h.callNext('w1', clerk1);
    const outcome = h.run({ type: 'hall.archive' }, admin);
    if (!outcome.ok) throw new Error('archive refused');
    expect(outcome.events.map((event) => event.type)).toEqual(['ticket:expired', 'hall:archived']);
    expect(outcome.events[0]).toMatchObject({ ticket: { id: waiting.id, status: 'expired' } });
    expect(outcome.events[1]).toMatchObject({ expired: 1, waiting: {}, actor: 'user:admin1' });
    expect(h.state.archivedAt).toBe(h.clock.now);
    expect(h.state.tickets.get(called.id)?.status).toBe('called');

    const before = h.state;
    const commands: Command[] = [
      { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false },
      { type: 'window.call-next', windowId: 'w1' },
      { type: 'window.finish', windowId: 'w1', outcome: 'completed' },
      { type: 'window.open', windowId: 'w2' },
      { type: 'appointment.check-in', code: '123456' },
      { type: 'hall.configure', config: before.config },
      { type: 'hall.close-day' },
      { type: 'hall.archive' },
      { type: 'hall.archive', requestId: 'retry-of-the-archive' },
    ];
    for (const command of commands) expect(h.fail(command, admin), command.type).toEqual({ code: 'HALL_ARCHIVED', details: { archivedAt: before.archivedAt } });
    expect(h.state).toBe(before);
    h.clock.advance(48 * 60); // two days later
    const tick = execute(h.state, { type: 'hall.tick' }, admin, { now: h.clock.now, ids: new CountingIds() });
    expect(tick).toEqual({ ok: true, state: before, events: [], result: { day: before.day } });
    const view = boardView(h.state, h.clock.now);
    expect(view.hall.archivedAt).toBe(before.archivedAt);
    expect(view.services.every((service) => service.unavailable === 'HALL_ARCHIVED')).toBe(true);
  });

  it('a fresh hall has no archivedAt, and its board says nothing of it', () => {
    const { state } = foundHall(testHallConfig(), admin, T0);
    expect('archivedAt' in state).toBe(false);
    expect('archivedAt' in boardView(state, T0).hall).toBe(false);
  });
});
