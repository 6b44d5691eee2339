import { describe, expect, it } from 'vitest';
import { staffView } from '../../server/domain/views.js';
import { PAUSE_ALERT_MINUTES, alerts, queueRows, windowRows } from '../../counter/src/lib/supervisor.js';
import { clerk1, harness } from '../helpers/engineHarness.js';
import { printerAlarms } from '../../counter/src/lib/panel.js';
import { printerAlarmText } from '../../counter/src/lib/format.js';
import { en } from '../../counter/src/locales/en.js';
import { zh } from '../../counter/src/locales/zh.js';
import type { PrinterState } from '../../server/protocol/printing.js';

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

describe('printer alarms', () => {
  const printer = (over: Partial<PrinterState>): PrinterState => ({
    address: 'tcp://10.0.0.5:9100',
    role: 'kiosk',
    deviceName: '入口取号机',
    windowId: null,
    status: 'ready',
    checkedAt: 0,
    lastJob: null,
    ...over,
  });

  it('alarms on printers that cannot print, warns on paper near its end, and ignores unknown and ready ones', () => {
    const printers = [
      printer({ status: 'paper-out' }),
      printer({ role: 'desk', deviceName: null, status: 'paper-near-end' }),
      printer({ role: 'window', windowId: 'w2', deviceName: null, status: 'offline' }),
      printer({ role: 'window', windowId: 'w1', deviceName: null, status: 'cover-open' }),
      printer({ deviceName: '二号', status: null }),
      printer({ deviceName: '三号', status: 'ready' }),
    ];
    expect(printerAlarms(printers, null).map((alarm) => [alarm.severity, alarm.printer.status])).toEqual([
      ['alarm', 'paper-out'],
      ['warning', 'paper-near-end'],
      ['alarm', 'offline'],
      ['alarm', 'cover-open'],
    ]);
    // A clerk at w1 is not told about another window's printer.
    expect(printerAlarms(printers, 'w1').map((alarm) => alarm.printer.windowId ?? alarm.printer.role)).toEqual(['kiosk', 'desk', 'w1']);
  });

  it('puts printer alarms first among the supervisor alerts, in words', () => {
    const h = harness();
    const view = staffView(h.state, h.clock.now);
    const list = alerts(view, null, h.clock.now, [printer({ status: 'paper-near-end', deviceName: '二号' }), printer({ status: 'paper-out' })]);
    expect(list.map((alert) => (alert.kind === 'printer' ? alert.severity : alert.kind))).toEqual(['alarm', 'warning']);
    const first = list[0]!;
    if (first.kind !== 'printer') throw new Error('expected a printer alert');
    expect(printerAlarmText(zh, first.printer, (id) => id)).toBe('取号机「入口取号机」的打印机：缺纸，取号机已改发电子号票，请尽快换纸');
    expect(printerAlarmText(en, first.printer, (id) => id)).toMatch(/^Printer of kiosk “入口取号机”: out of paper/);
  });
});
