import { describe, expect, it } from 'vitest';
import { staffView } from '../../server/domain/views.js';
import { PAUSE_ALERT_MINUTES, alerts, queueRows, windowRows } from '../../counter/src/lib/supervisor.js';
import { clerk1, harness } from '../helpers/engineHarness.js';

/** The supervisor view's rows and alerts (counter/src/lib/supervisor.ts), on engine-made staff views. */
describe('supervisor view rules', () => {
  it('raises long waits past the hall limit, long pauses past the threshold, and offline screens', () => {
    const h = harness();
    h.open('w1', clerk1);
    const first = h.issue('svc-a');
    h.issue('svc-a');
    const board = { kind: 'board' as const, windowId: null, connections: 1, since: 0 };
    const screen = { kind: 'window-screen' as const, windowId: 'w1', connections: 1, since: 0 };

    let view = staffView(h.state, h.clock.now);
    expect(alerts(view, null, h.clock.now)).toEqual([]);
    expect(alerts(view, [], h.clock.now).map((alert) => alert.kind)).toEqual(['board-offline', 'window-screen-offline']);
    expect(alerts(view, [board, screen], h.clock.now)).toEqual([]);
    expect(windowRows(view, [board, screen]).find((row) => row.id === 'w1')?.screenOnline).toBe(true);

    h.advance(view.maxWaitMinutes + 1);
    view = staffView(h.state, h.clock.now);
    const late = alerts(view, [board, screen], h.clock.now);
    expect(late.map((alert) => (alert.kind === 'long-wait' ? alert.number : alert.kind))).toEqual([first.number, 'A002']);
    expect(queueRows(view, h.clock.now).find((row) => row.serviceId === 'svc-a')).toMatchObject({ waiting: 2, staffedWindows: [1] });

    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch' }, clerk1);
    h.advance(PAUSE_ALERT_MINUTES - 1);
    view = staffView(h.state, h.clock.now);
    expect(alerts(view, [board, screen], h.clock.now)).toEqual([]);
    h.advance(1);
    view = staffView(h.state, h.clock.now);
    expect(alerts(view, [board, screen], h.clock.now)).toEqual([
      { kind: 'paused-long', windowId: 'w1', windowNumber: 1, minutes: PAUSE_ALERT_MINUTES, reason: 'lunch' },
    ]);
    expect(windowRows(view, null).find((row) => row.id === 'w1')).toMatchObject({ status: 'paused', pauseReason: 'lunch', screenOnline: null });
  });
});
