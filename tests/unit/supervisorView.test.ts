import { describe, expect, it } from 'vitest';
import { staffView } from '../../server/domain/views.js';
import { PAUSE_ALERT_MINUTES, alerts, badRatings, queueRows, unservedServices, windowRows } from '../../counter/src/lib/supervisor.js';
import { durationWords } from '../../counter/src/lib/format.js';
import type { HallEvent } from '../../server/protocol/events.js';
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
    const panel = { kind: 'panel' as const, windowId: null, userId: 'clerk1', connections: 1, since: 0 };

    let view = staffView(h.state, h.clock.now);
    expect(alerts(view, null, h.clock.now)).toEqual([]);
    expect(alerts(view, [], h.clock.now).map((alert) => alert.kind)).toEqual(['board-offline', 'panel-offline', 'window-screen-offline']);
    expect(alerts(view, [board, screen, panel], h.clock.now)).toEqual([]);
    expect(windowRows(view, [board, screen, panel]).find((row) => row.id === 'w1')?.screenOnline).toBe(true);

    h.advance(view.maxWaitMinutes + 1);
    view = staffView(h.state, h.clock.now);
    const late = alerts(view, [board, screen, panel], h.clock.now);
    expect(late.map((alert) => (alert.kind === 'long-wait' ? alert.number : alert.kind))).toEqual([first.number, 'A002']);
    expect(queueRows(view, h.clock.now).find((row) => row.serviceId === 'svc-a')).toMatchObject({ waiting: 2, staffedWindows: [1] });

    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch' }, clerk1);
    h.advance(PAUSE_ALERT_MINUTES - 1);
    view = staffView(h.state, h.clock.now);
    expect(alerts(view, [board, screen, panel], h.clock.now)).toEqual([]);
    h.advance(1);
    view = staffView(h.state, h.clock.now);
    expect(alerts(view, [board, screen, panel], h.clock.now)).toEqual([
      { kind: 'paused-long', windowId: 'w1', windowNumber: 1, minutes: PAUSE_ALERT_MINUTES, reason: 'lunch' },
    ]);
    expect(windowRows(view, null).find((row) => row.id === 'w1')).toMatchObject({ status: 'paused', pauseReason: 'lunch', screenOnline: null });
  });
});

describe('supervisor alerts added in issue 15', () => {
  const board = { kind: 'board' as const, windowId: null, connections: 1, since: 0 };
  const screen = (windowId: string) => ({ kind: 'window-screen' as const, windowId, connections: 1, since: 0 });
  const panel = (userId: string) => ({ kind: 'panel' as const, windowId: null, userId, connections: 1, since: 0 });

  it('a service with people waiting and no open window serving it (closed or paused windows call nobody)', () => {
    const h = harness();
    h.issue('svc-c'); // only w3 serves C
    let view = staffView(h.state, h.clock.now);
    expect(unservedServices(view)).toEqual([{ serviceId: 'svc-c', waiting: 1 }]);
    expect(alerts(view, [board], h.clock.now)).toEqual([{ kind: 'unserved', serviceId: 'svc-c', waiting: 1 }]);
    h.open('w3', clerk1);
    view = staffView(h.state, h.clock.now);
    expect(unservedServices(view)).toEqual([]);
    h.ok({ type: 'window.pause', windowId: 'w3', reason: 'away' }, clerk1);
    expect(unservedServices(staffView(h.state, h.clock.now))).toEqual([{ serviceId: 'svc-c', waiting: 1 }]);
  });

  it("a staffed window whose clerk's counter panel is not connected, once the presence list is known", () => {
    const h = harness();
    h.open('w1', clerk1);
    const view = staffView(h.state, h.clock.now);
    expect(alerts(view, null, h.clock.now)).toEqual([]);
    expect(alerts(view, [board, screen('w1')], h.clock.now)).toEqual([{ kind: 'panel-offline', windowId: 'w1', windowNumber: 1, clerkName: '张三' }]);
    expect(alerts(view, [board, screen('w1'), panel('clerk1')], h.clock.now)).toEqual([]);
    // Another user's panel does not count, nor a closed window's clerk.
    expect(alerts(view, [board, screen('w1'), panel('someone-else')], h.clock.now).map((alert) => alert.kind)).toEqual(['panel-offline']);
    expect(windowRows(view, [board, panel('clerk1')]).find((row) => row.id === 'w2')?.panelOnline).toBeNull();
  });

  it('bad ratings (levels 1 and 2) from the events, newest first, until dismissed', () => {
    const rated = (seq: number, level: 1 | 2 | 3 | 4 | 5) =>
      ({ type: 'ticket:rated', seq, at: seq * 1000, level, windowId: 'w1', ticket: { id: `t${seq}`, number: `A00${seq}` } }) as unknown as HallEvent;
    const events = [rated(1, 1), rated(2, 3), rated(3, 2), rated(4, 5)];
    expect(badRatings(events, new Set()).map((rating) => [rating.seq, rating.level])).toEqual([
      [3, 2],
      [1, 1],
    ]);
    expect(badRatings(events, new Set([3])).map((rating) => rating.number)).toEqual(['A001']);
    const h = harness();
    const view = staffView(h.state, h.clock.now);
    expect(alerts(view, [board], h.clock.now, [], badRatings(events, new Set([1])))).toEqual([
      { kind: 'bad-rating', seq: 3, ticketId: 't3', number: 'A003', windowId: 'w1', level: 2, at: 3000 },
    ]);
  });

  it('writes durations in words, in both languages', () => {
    expect(durationWords(zh, 77_000)).toBe('1 分 17 秒');
    expect(zh.sv.forDuration(durationWords(zh, 77_000))).toBe('已 1 分 17 秒');
    expect(durationWords(zh, 9_000)).toBe('9 秒');
    expect(durationWords(zh, 2 * 3600_000 + 5 * 60_000 + 3000)).toBe('2 小时 5 分');
    expect(durationWords(en, 77_000)).toBe('1 min 17 s');
    expect(durationWords(zh, -5)).toBe('0 秒');
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
