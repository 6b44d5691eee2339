import { describe, expect, it } from 'vitest';
import { boardView } from '../../server/domain/views.js';
import { clerk1, harness, local, testHallConfig } from '../helpers/engineHarness.js';

describe('end of day (日终)', () => {
  it('a supervisor closes the day: waiting and no-show tickets expire, recorded; the ticket at a window stays; no more issuing today', () => {
    const h = harness();
    h.open('w1', clerk1);
    const served = h.issue('svc-a');
    const waiting = h.issue('svc-a');
    const other = h.issue('svc-b');
    h.callNext('w1', clerk1);
    const outcome = h.run({ type: 'hall.close-day' });
    if (!outcome.ok) throw new Error('close-day failed');
    expect(outcome.events.map((event) => event.type)).toEqual(['ticket:expired', 'ticket:expired', 'hall:day-closed']);
    expect(outcome.events.filter((event) => event.type === 'ticket:expired').map((event) => (event as { ticket: { id: string } }).ticket.id).sort()).toEqual([waiting.id, other.id].sort());
    expect(outcome.events.at(-1)).toMatchObject({ type: 'hall:day-closed', expired: 2, automatic: false, waiting: {} });
    expect(h.state.tickets.get(served.id)?.status).toBe('called');
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }).code).toBe('OUTSIDE_HOURS');
    expect(boardView(h.state, h.clock.now).services.every((service) => service.unavailable !== null)).toBe(true);
    // Closing again changes nothing; a clerk may not close the day.
    const again = h.run({ type: 'hall.close-day' });
    expect(again.ok && again.events).toEqual([]);
  });

  it('the next day opens by itself, numbering from 001', () => {
    const h = harness();
    h.issue('svc-a');
    h.run({ type: 'hall.close-day' });
    h.clock.set(local('2026-03-03T08:00'));
    expect(h.issue('svc-a').number).toBe('A001');
  });

  it("closes on its own at the hall's closeDayAt, also in an idle hall through the minute tick", () => {
    const h = harness({ config: testHallConfig({ closeDayAt: '17:30' }), start: local('2026-03-02T17:00') });
    h.issue('svc-a');
    h.clock.set(local('2026-03-02T17:29'));
    const early = h.run({ type: 'hall.tick' });
    expect(early.ok && early.events).toEqual([]);
    h.clock.set(local('2026-03-02T17:30'));
    const tick = h.run({ type: 'hall.tick' });
    expect(tick.ok && tick.events.map((event) => event.type)).toEqual(['ticket:expired', 'hall:day-closed']);
    expect(tick.ok && tick.events.at(-1)).toMatchObject({ automatic: true, expired: 1 });
    expect(h.fail({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }).code).toBe('OUTSIDE_HOURS');
  });
});
