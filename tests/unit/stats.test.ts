/**
 * Statistics from the event log, checked against a scripted day whose every
 * figure is worked out by hand below (minutes × 60 = seconds). The script:
 *
 * Monday 2026-03-02, hall test-hall (Asia/Shanghai), no long-wait boost.
 *   08:00 w1 opened by 张三 (clerk1), w2 by 李四 (clerk2)
 *   08:05 A001   08:10 A002, B001
 *   08:20 w1 calls A001 (waited 15)   08:22 starts   08:30 finishes completed (8 min from start)   08:31 rated 5
 *   08:32 w2 calls B001 (waited 22)   08:40 finishes accepted, never started (8 min from call)        08:41 rated 4
 *   08:40 A003
 *   08:45 w1 calls A002 (waited 35)   08:46 no-show
 *   08:50 A004, B002
 *   08:55 w1 requeues A002 behind 2
 *   09:00 w1 paused, 09:20 resumed (20 min)
 *   09:20 w1 calls B002 out of order (waited 30; A003 was next)   09:25 transfers it to w2
 *   09:26 w2 calls B002 (a second call: no new wait)   09:30 starts   09:36 finishes rejected (6 min)
 *   09:36 w1 calls A003 (waited 56)   09:40 finishes consulted (4 min from call)   09:40 rated 2
 *   09:45 A004 cancelled
 *   09:50 赵六 (clerk3) takes w1 over
 *   10:00 w1 calls A002 again (no new wait)   10:05 finishes completed (5 min)   10:06 rated 3
 *   10:10 w1 closed
 *   10:15 A005 (never called)   10:20 B003   10:25 w2 calls B003 (waited 5)   10:30 no-show
 *   11:00 w2 closed
 *   17:00 w3 opened by 王主任 (supervisor), never closed
 * Tuesday 2026-03-03
 *   08:00 roll-over: A005 and B003 expire (they belong to Monday)
 *   08:10 w4 opened by 王主任   08:30 A001 of Tuesday
 * The report is made at Tuesday 09:00.
 */
import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import { computeStats } from '../../server/stats/compute.js';
import { STATS_CSV_GROUPINGS, evaluationsCsv, statsCsv, toCsv } from '../../server/stats/csv.js';
import { addDays, dayCount, isCalendarDay, localMidnight } from '../../server/stats/days.js';
import { listEvaluations } from '../../server/stats/evaluations.js';
import { nearestRank, summarise } from '../../server/stats/summary.js';
import type { StaffFigures, StatsReport, TicketFigures } from '../../server/protocol/stats.js';
import { clerk1, clerk2, clerk3, harness, local, publicActor, supervisor, testHallConfig } from '../helpers/engineHarness.js';

const MON = '2026-03-02';
const TUE = '2026-03-03';
const REPORT_AT = local(`${TUE}T09:00`);

function scriptedDays() {
  const h = harness({ config: testHallConfig({ policy: { boostAfterMinutes: null } }), start: local(`${MON}T08:00`) });
  const at = (day: string, hhmm: string) => h.clock.set(local(`${day}T${hhmm}`));
  const id = (number: string) => h.state.tickets.values().find((ticket) => ticket.number === number)!.id;
  const rate = (windowId: string, level: 1 | 2 | 3 | 4 | 5) => h.ok({ type: 'ticket.rate', windowId, level, reasons: ['其他'] }, publicActor);

  h.open('w1', clerk1);
  h.open('w2', clerk2);
  at(MON, '08:05'), h.issue('svc-a');
  at(MON, '08:10'), h.issue('svc-a'), h.issue('svc-b');
  at(MON, '08:20'), expect(h.callNext('w1', clerk1).ticket.number).toBe('A001');
  at(MON, '08:22'), h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
  at(MON, '08:30'), h.finish('w1', clerk1, 'completed');
  at(MON, '08:31'), rate('w1', 5);
  at(MON, '08:32'), expect(h.callNext('w2', clerk2).ticket.number).toBe('B001');
  at(MON, '08:40'), h.finish('w2', clerk2, 'accepted'), h.issue('svc-a');
  at(MON, '08:41'), rate('w2', 4);
  at(MON, '08:45'), expect(h.callNext('w1', clerk1).ticket.number).toBe('A002');
  at(MON, '08:46'), h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
  at(MON, '08:50'), h.issue('svc-a'), h.issue('svc-b');
  at(MON, '08:55'), h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: id('A002') }, clerk1);
  at(MON, '09:00'), h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away' }, clerk1);
  at(MON, '09:20'), h.ok({ type: 'window.resume', windowId: 'w1' }, clerk1);
  expect(h.ok({ type: 'window.call', windowId: 'w1', ticketId: id('B002') }, clerk1).outOfOrder).toBe(true);
  at(MON, '09:25'), h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2' }, clerk1);
  at(MON, '09:26'), expect(h.callNext('w2', clerk2).ticket.number).toBe('B002');
  at(MON, '09:30'), h.ok({ type: 'window.start', windowId: 'w2' }, clerk2);
  at(MON, '09:36'), h.finish('w2', clerk2, 'rejected');
  expect(h.callNext('w1', clerk1).ticket.number).toBe('A003');
  at(MON, '09:40'), h.finish('w1', clerk1, 'consulted'), rate('w1', 2);
  at(MON, '09:45'), h.ok({ type: 'ticket.cancel', ticketId: id('A004') }, supervisor);
  at(MON, '09:50'), h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk3);
  at(MON, '10:00'), expect(h.callNext('w1', clerk3).ticket.number).toBe('A002');
  at(MON, '10:05'), h.finish('w1', clerk3, 'completed');
  at(MON, '10:06'), rate('w1', 3);
  at(MON, '10:10'), h.ok({ type: 'window.close', windowId: 'w1' }, clerk3);
  at(MON, '10:15'), h.issue('svc-a');
  at(MON, '10:20'), h.issue('svc-b');
  at(MON, '10:25'), expect(h.callNext('w2', clerk2).ticket.number).toBe('B003');
  at(MON, '10:30'), h.ok({ type: 'window.no-show', windowId: 'w2' }, clerk2);
  at(MON, '11:00'), h.ok({ type: 'window.close', windowId: 'w2' }, clerk2);
  at(MON, '17:00'), h.open('w3', supervisor);
  at(TUE, '08:00'), h.ok({ type: 'hall.tick' }, supervisor);
  expect(h.eventsOfType('ticket:expired').map((event) => event.ticket.number)).toEqual(['A005', 'B003']);
  at(TUE, '08:10'), h.open('w4', supervisor);
  at(TUE, '08:30'), h.issue('svc-a');
  return h;
}

const h = scriptedDays();
const report = (from: string, to: string, options: { now?: number; events?: readonly HallEvent[] } = {}) =>
  computeStats(options.events ?? h.events, h.state.config, { from, to }, { now: options.now ?? REPORT_AT, liveWindows: h.state.windows });
const monday = report(MON, MON);

const byService = (r: StatsReport, id: string) => r.services.find((row) => row.serviceId === id)!;
const byWindow = (r: StatsReport, id: string) => r.windows.find((row) => row.windowId === id)!;
const byClerk = (r: StatsReport, id: string) => r.clerks.find((row) => row.clerkId === id)!;
const counts = ({ calls, served, noShow, transferred, outOfOrder }: StaffFigures | TicketFigures) => ({ calls, served, noShow, transferred, outOfOrder });
const MIN = 60;

describe('statistics of the scripted Monday', () => {
  it('counts the tickets of the hall', () => {
    const t = monday.totals;
    // Issued A001–A005 and B001–B003; served A001, B001, B002, A003, A002; cancelled A004; expired A005, B003.
    expect([t.issued, t.served, t.cancelled, t.expired, t.unfinished]).toEqual([8, 5, 1, 2, 0]);
    expect(t.outcomes).toEqual({ completed: 2, accepted: 1, rejected: 1, consulted: 1 });
    // Calls at 08:20 08:32 08:45 09:20 09:26 09:36 10:00 10:25; no-shows A002 and B003; B002 transferred; B002 called out of order.
    expect(counts(t)).toEqual({ calls: 8, served: 5, noShow: 2, transferred: 1, outOfOrder: 1 });
    expect(t.requeued).toBe(1);
  });

  it('measures waiting and service time with nearest-rank percentiles', () => {
    // First calls only: B003 5, A001 15, B001 22, B002 30, A002 35, A003 56 min; mean 9780 s / 6 = 1630 s;
    // median = 3rd of 6 = 22 min; p90 = ⌈5.4⌉ = 6th = 56 min.
    expect(monday.totals.wait).toEqual({ count: 6, meanSeconds: 1630, medianSeconds: 22 * MIN, p90Seconds: 56 * MIN });
    // A003 4, A002 5, B002 6, A001 8 (from start), B001 8 (from call) min; mean 1860 s / 5 = 372 s; median 3rd = 6 min; p90 5th = 8 min.
    expect(monday.totals.service).toEqual({ count: 5, meanSeconds: 372, medianSeconds: 6 * MIN, p90Seconds: 8 * MIN });
  });

  it('buckets the waits and counts arrivals per hour', () => {
    // 5 → 5–10; 15 and 22 → 15–30; 30, 35 and 56 → 30–60.
    expect(monday.waitDistribution.map((bucket) => bucket.count)).toEqual([0, 1, 0, 2, 3, 0]);
    expect(monday.waitDistribution.map((bucket) => [bucket.fromMinutes, bucket.toMinutes])).toEqual([[0, 5], [5, 10], [10, 15], [15, 30], [30, 60], [60, null]]);
    const arrivals = Array.from({ length: 24 }, () => 0);
    arrivals[8] = 6; // A001 A002 B001 A003 A004 B002
    arrivals[10] = 2; // A005 B003
    expect(monday.arrivals).toEqual(arrivals);
  });

  it('rates satisfaction as levels 4 and 5 over every rating', () => {
    // A001 5, B001 4, A003 2, A002 3.
    expect(monday.totals.satisfaction).toEqual({ levels: { 1: 0, 2: 1, 3: 1, 4: 1, 5: 1 }, rated: 4, rate: 0.5 });
    expect(byWindow(monday, 'w1').satisfaction.rate).toBeCloseTo(1 / 3);
    expect(byWindow(monday, 'w2').satisfaction).toEqual({ levels: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 }, rated: 1, rate: 1 });
    expect([byClerk(monday, 'clerk1'), byClerk(monday, 'clerk3')].map((row) => row.satisfaction.rate)).toEqual([0.5, 0]);
    expect(byWindow(monday, 'w3').satisfaction.rate).toBeNull();
  });

  it('breaks the figures down per service', () => {
    const a = byService(monday, 'svc-a');
    const b = byService(monday, 'svc-b');
    expect(a.name).toBe('社保业务');
    // svc-a: issued A001–A005; calls A001 A002 A003 A002; served A001 A003 A002; A002 no-show, requeued; A004 cancelled; A005 expired.
    expect([a.issued, a.requeued, a.cancelled, a.expired]).toEqual([5, 1, 1, 1]);
    expect(counts(a)).toEqual({ calls: 4, served: 3, noShow: 1, transferred: 0, outOfOrder: 0 });
    // svc-b: B002 was transferred (and called out of order) as svc-b, then served as svc-b at w2.
    expect([b.issued, b.requeued, b.cancelled, b.expired]).toEqual([3, 0, 0, 1]);
    expect(counts(b)).toEqual({ calls: 4, served: 2, noShow: 1, transferred: 1, outOfOrder: 1 });
    // svc-a waits 15, 35, 56 min: mean 2120 s, median 2nd = 35, p90 3rd = 56. svc-b 5, 22, 30: mean 1140 s, 22, 30.
    expect(a.wait).toEqual({ count: 3, meanSeconds: 2120, medianSeconds: 35 * MIN, p90Seconds: 56 * MIN });
    expect(b.wait).toEqual({ count: 3, meanSeconds: 1140, medianSeconds: 22 * MIN, p90Seconds: 30 * MIN });
    expect(byService(monday, 'svc-d').issued).toBe(0);
  });

  it('breaks the figures down per window, with open and paused time', () => {
    const w1 = byWindow(monday, 'w1');
    const w2 = byWindow(monday, 'w2');
    expect([w1.number, w1.name]).toEqual([1, '1号窗口']);
    expect(counts(w1)).toEqual({ calls: 5, served: 3, noShow: 1, transferred: 1, outOfOrder: 1 });
    expect(counts(w2)).toEqual({ calls: 3, served: 2, noShow: 1, transferred: 0, outOfOrder: 0 });
    // w1 waits 15, 35, 30, 56 → mean 2040 s, median 2nd = 30, p90 4th = 56; service 8, 4, 5 → mean 340 s, median 5, p90 8.
    expect(w1.wait).toEqual({ count: 4, meanSeconds: 2040, medianSeconds: 30 * MIN, p90Seconds: 56 * MIN });
    expect(w1.service).toEqual({ count: 3, meanSeconds: 340, medianSeconds: 5 * MIN, p90Seconds: 8 * MIN });
    // w1 08:00–10:10 with 09:00–09:20 paused; w2 08:00–11:00; w3 17:00 to midnight; w4 closed all Monday.
    expect([w1.openSeconds, w1.pausedSeconds]).toEqual([130 * MIN, 20 * MIN]);
    expect([w2.openSeconds, w2.pausedSeconds]).toEqual([180 * MIN, 0]);
    expect(byWindow(monday, 'w3').openSeconds).toBe(7 * 60 * MIN);
    expect(byWindow(monday, 'w4').openSeconds).toBe(0);
    expect([monday.totals.openSeconds, monday.totals.pausedSeconds]).toEqual([(130 + 180 + 420) * MIN, 20 * MIN]);
  });

  it('breaks the figures down per clerk, named from the events', () => {
    const c1 = byClerk(monday, 'clerk1');
    const c3 = byClerk(monday, 'clerk3');
    expect([c1.name, c1.staffNo, c3.name, c3.staffNo]).toEqual(['张三', 'S001', '赵六', 'S003']);
    // 张三 called A001 A002 B002 A003 and served A001 A003; 赵六 called and served A002.
    expect(counts(c1)).toEqual({ calls: 4, served: 2, noShow: 1, transferred: 1, outOfOrder: 1 });
    expect(counts(c3)).toEqual({ calls: 1, served: 1, noShow: 0, transferred: 0, outOfOrder: 0 });
    expect(c3.wait.count).toBe(0);
    // 张三 held w1 08:00–09:50 (the 20-minute pause is his), 赵六 09:50–10:10.
    expect([c1.openSeconds, c1.pausedSeconds, c3.openSeconds, c3.pausedSeconds]).toEqual([110 * MIN, 20 * MIN, 20 * MIN, 0]);
    expect(byClerk(monday, 'sup1').openSeconds).toBe(7 * 60 * MIN);
  });
});

describe('ranges and days', () => {
  it('gives Tuesday its own ticket, and Monday the expiries that happened on Tuesday', () => {
    const tuesday = report(TUE, TUE);
    expect([tuesday.totals.issued, tuesday.totals.expired, tuesday.totals.unfinished]).toEqual([1, 0, 1]);
    expect(tuesday.arrivals[8]).toBe(1);
    // w3 open since Monday 17:00 with no event on Tuesday: 00:00–09:00; w4 08:10–09:00 (the report's time).
    expect(byWindow(tuesday, 'w3').openSeconds).toBe(9 * 60 * MIN);
    expect(byWindow(tuesday, 'w4').openSeconds).toBe(50 * MIN);
    expect(byClerk(tuesday, 'sup1').openSeconds).toBe((9 * 60 + 50) * MIN);
  });

  it('lists every day of a range, and the totals are their sum', () => {
    const both = report(MON, TUE);
    expect(both.days.map((row) => [row.day, row.issued, row.served])).toEqual([[MON, 8, 5], [TUE, 1, 0]]);
    expect(both.totals.issued).toBe(9);
    expect(report('2026-03-04', '2026-03-05').totals.issued).toBe(0);
  });

  it('counts a window that is still open, or still paused, up to now', () => {
    const untilNine10 = h.events.filter((event) => event.at <= local(`${MON}T09:10`));
    const early = report(MON, MON, { now: local(`${MON}T09:10`), events: untilNine10 });
    // w1 opened 08:00 and paused since 09:00; w2 opened 08:00.
    expect([byWindow(early, 'w1').openSeconds, byWindow(early, 'w1').pausedSeconds]).toEqual([70 * MIN, 10 * MIN]);
    expect(byWindow(early, 'w2').openSeconds).toBe(70 * MIN);
    expect(early.totals.unfinished).toBe(4); // A002 (requeued), A003, A004, B002 still wait
  });

  it('knows a window that was open before the range from its first event, and whose it was from the first that names a clerk', () => {
    const sunday = harness({ config: testHallConfig(), start: local('2026-03-01T16:00') });
    sunday.open('w1', clerk1);
    sunday.clock.set(local('2026-03-01T23:00'));
    sunday.ok({ type: 'window.pause', windowId: 'w1', reason: 'other' }, clerk1);
    sunday.clock.set(local(`${MON}T08:30`));
    sunday.ok({ type: 'window.resume', windowId: 'w1' }, clerk1);
    sunday.clock.set(local(`${MON}T08:35`));
    sunday.issue('svc-a');
    sunday.clock.set(local(`${MON}T08:40`));
    sunday.callNext('w1', clerk1);
    sunday.finish('w1', clerk1);
    sunday.clock.set(local(`${MON}T09:00`));
    sunday.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    // Only Monday's events, as the API reads them; the hall's window is closed by now, so the live state tells nothing.
    const mondayOnly = sunday.events.filter((event) => event.at >= local(`${MON}T00:00`));
    const r = computeStats(mondayOnly, sunday.state.config, { from: MON, to: MON }, { now: REPORT_AT, liveWindows: sunday.state.windows });
    // Open 00:00–09:00, paused 00:00–08:30 (the resume says it was paused for 9 h 30 min, since Sunday 23:00).
    expect([byWindow(r, 'w1').openSeconds, byWindow(r, 'w1').pausedSeconds]).toEqual([540 * MIN, 510 * MIN]);
    expect([byClerk(r, 'clerk1').openSeconds, byClerk(r, 'clerk1').pausedSeconds]).toEqual([540 * MIN, 510 * MIN]);
    expect(byClerk(r, 'clerk1').name).toBe('张三');
  });
});

describe('exports', () => {
  it('lists one evaluation per rating, named from the configuration and the events', () => {
    const records = listEvaluations(h.events, h.state.config, { from: MON, to: MON });
    expect(records.map((record) => [record.ticketNumber, record.windowNumber, record.clerkName, record.staffNo, record.level])).toEqual([
      ['A001', 1, '张三', 'S001', 5],
      ['B001', 2, '李四', 'S002', 4],
      ['A003', 1, '张三', 'S001', 2],
      ['A002', 1, '赵六', 'S003', 3],
    ]);
    expect(records.length).toBe(monday.totals.satisfaction.rated);
    const csv = evaluationsCsv(records, h.state.config.name, h.state.config.timeZone);
    const lines = csv.split('\r\n');
    expect(csv.startsWith('\uFEFF评价时间(Time),')).toBe(true);
    expect(lines[1]).toBe('2026-03-02 08:31,测试街道便民服务中心,1,1号窗口,社保业务,A001,张三,S001,5,非常满意,窗口评价器,');
    expect(lines[3]).toBe('2026-03-02 09:40,测试街道便民服务中心,1,1号窗口,社保业务,A003,张三,S001,2,不满意,窗口评价器,其他');
    expect(lines.length).toBe(1 + 4 + 1); // header, rows, the empty string after the last CRLF
  });

  it('writes one CSV row per service, window, clerk or day, in minutes and percent', () => {
    for (const by of STATS_CSV_GROUPINGS) {
      const rows = statsCsv(monday, by).split('\r\n').slice(1, -1);
      const expected = { service: monday.services, window: monday.windows, clerk: monday.clerks, day: monday.days, month: monday.months, booking: monday.bookings }[by];
      expect(rows.length, by).toBe(expected.length);
    }
    const windowCsv = statsCsv(monday, 'window').split('\r\n');
    const header = windowCsv[0]!.replace('\uFEFF', '').split(',');
    const w1 = windowCsv[1]!.split(',');
    const column = (name: string) => w1[header.indexOf(name)];
    expect(column('窗口名称(Window)')).toBe('1号窗口');
    expect(column('平均等候(分钟)(Mean wait min)')).toBe('34'); // 2040 s
    expect(column('满意率(%)(Satisfaction rate %)')).toBe('33.3');
    expect(column('在岗时长(分钟)(Open min)')).toBe('130');
    expect(header).not.toContain('取号(Issued)');
  });

  it('quotes separators and defuses formulas in names', () => {
    expect(toCsv(['a'], [['x,"y"'], ['=1+1'], [null], [-3]])).toBe('\uFEFFa\r\n"x,""y"""\r\n\'=1+1\r\n\r\n-3\r\n');
  });
});

describe('calendar and percentiles', () => {
  it('accepts only real calendar days', () => {
    expect(['2026-02-28', '2028-02-29'].map(isCalendarDay)).toEqual([true, true]);
    expect(['2026-02-29', '2026-13-01', '2026-3-1', '2026-03-01T00:00', ''].map(isCalendarDay)).toEqual([false, false, false, false, false]);
    expect([dayCount('2026-01-01', '2026-12-31'), dayCount(MON, MON), addDays('2026-02-28', 1)]).toEqual([365, 1, '2026-03-01']);
  });

  it('finds local midnight in the hall time zone', () => {
    expect(localMidnight(MON, 'Asia/Shanghai')).toBe(Date.parse('2026-03-01T16:00:00Z'));
    expect(localMidnight('2026-07-01', 'Europe/Berlin')).toBe(Date.parse('2026-06-30T22:00:00Z'));
    expect(localMidnight('2026-01-01', 'America/New_York')).toBe(Date.parse('2026-01-01T05:00:00Z'));
  });

  it('takes nearest-rank percentiles', () => {
    expect(nearestRank([10], 0.9)).toBe(10);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
    expect(summarise([])).toEqual({ count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null });
    expect(summarise([4, 1, 3, 2])).toEqual({ count: 4, meanSeconds: 3, medianSeconds: 2, p90Seconds: 4 });
  });
});

describe('report page helpers (counter/src/lib/reports.ts)', () => {
  it('picks the day, its Monday-to-Sunday week and its month, and steps through them', async () => {
    const { presetRange, shiftRange } = await import('../../counter/src/lib/reports.js');
    // 2026-11-27 is a Friday.
    expect(presetRange('day', '2026-11-27')).toEqual({ from: '2026-11-27', to: '2026-11-27' });
    expect(presetRange('week', '2026-11-27')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('week', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(shiftRange('month', { from: '2026-01-01', to: '2026-01-31' }, -1)).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(shiftRange('week', { from: '2026-11-23', to: '2026-11-29' }, 1)).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(shiftRange('day', { from: '2026-03-01', to: '2026-03-01' }, -1)).toEqual({ from: '2026-02-28', to: '2026-02-28' });
  });

  it('formats figures and reads the file name the server offers', async () => {
    const { filenameOf, hoursMinutes, localStamp, minutes, monthLabel, percent, statsCsvPath } = await import('../../counter/src/lib/reports.js');
    expect(localStamp(Date.parse('2026-12-01T16:05:00Z'), 'Asia/Shanghai')).toBe('2026-12-02 00:05');
    expect([minutes(null), minutes(940), minutes(450), percent(null), percent(1 / 3), hoursMinutes(7800)]).toEqual(['—', '15.7', '7.5', '—', '33.3%', '2:10']);
    expect(monthLabel({ from: '2026-11-01', to: '2026-11-30' }, 'zh')).toBe('2026年11月');
    expect(monthLabel({ from: '2026-11-01', to: '2026-12-31' }, 'en')).toBe('November 2026 – December 2026');
    expect(filenameOf('attachment; filename="a b.csv"', 'x.csv')).toBe('a b.csv');
    expect(filenameOf('attachment; filename=hallq-stats.csv', 'x.csv')).toBe('hallq-stats.csv');
    expect(filenameOf(null, 'x.csv')).toBe('x.csv');
    expect(statsCsvPath('demo', { from: '2026-11-01', to: '2026-11-30' }, 'clerk')).toBe('/api/halls/demo/stats.csv?from=2026-11-01&to=2026-11-30&by=clerk');
  });
});
