/**
 * 好差评 figures as the assessment reads them, against a scripted month whose every figure is worked out
 * by hand below. The queue work and the window-screen ratings run through the engine; the ratings and case
 * steps no handler on this branch writes yet (a QR rating days later, a guide-desk rating, the hall's
 * default, the supervisor's case steps) are appended as the events the contract defines
 * (server/protocol/events.ts), at the times given.
 *
 * March 2026, hall test-hall (Asia/Shanghai), 2026-03-05 (Thursday) a holiday, cases due in 5 working days.
 *   Mon 03-02  w1 张三 (clerk1), w2 李四 (clerk2) open; A001–A003 (svc-a) and B001–B003 (svc-b) issued
 *              w1 serves A001 rated 5, A002 rated 3, A003 never rated
 *              w2 serves B001 rated 1 (服务态度差), B002 rated 2 (办事效率低), B003 rated 1 (其他): three cases,
 *              each due 03-10 (03-03, 03-04, 03-06, 03-09, 03-10; the holiday skipped)
 *   Tue 03-03  A004, A005, B004 issued and served; A005 rated 4 at the guide desk that day
 *              case B001: verified 属实 (03-03), fixed (03-04), followed up, reached, satisfied (03-06), closed (03-06)
 *              case B003: verified 不属实 (03-04), followed up, not reached (03-04), closed (03-05)
 *              case B002: never touched → overdue once 03-10 has ended
 *   Fri 03-06  A004 rated 4 by QR code (three days after its service: counts for 03-03)
 *   Tue 03-10  B004 given the hall's default 3 (never rated by its citizen)
 *   Tue 03-31  A006 served at w1; rated 5 by QR code on Thu 04-02 (counts for March)
 *   Wed 04-01  A007 served at w1, never rated
 * The report is made on 04-10 unless a test says otherwise. A001…B004 are labels of this script: the printed
 * numbers restart every day (Tuesday's A004 is printed A001).
 */
import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import type { RatingChannel, RatingLevel, Ticket } from '../../server/protocol/model.js';
import type { StatsReport } from '../../server/protocol/stats.js';
import { computeStats } from '../../server/stats/compute.js';
import { statsCsv } from '../../server/stats/csv.js';
import { listEvaluations } from '../../server/stats/evaluations.js';
import { clerk1, clerk2, harness, local, publicActor, supervisor, testHallConfig } from '../helpers/engineHarness.js';

type Body = HallEvent extends infer E ? (E extends HallEvent ? Omit<E, 'v' | 'hallId' | 'seq' | 'at'> : never) : never;

function scriptedMonth() {
  const h = harness({ config: testHallConfig({ policy: { boostAfterMinutes: null }, holidays: ['2026-03-05'] }), start: local('2026-03-02T08:00') });
  const at = (when: string) => h.clock.set(local(when));
  const appended: HallEvent[] = [];
  const append = (when: string, body: Body) => appended.push({ ...body, v: 2, hallId: h.state.config.id, seq: 0, at: local(when) } as HallEvent);
  const served = new Map<string, Ticket>();
  const serve = (label: string, windowId: string, actor = clerk1) => {
    h.callNext(windowId, actor);
    const ticket = h.finish(windowId, actor);
    served.set(label, ticket);
    return ticket;
  };
  const rateAtScreen = (windowId: string, level: RatingLevel, reasons: string[] = []) => h.ok({ type: 'ticket.rate', windowId, level, reasons }, publicActor);
  /** A rating by a channel no handler here writes, as ticket:rated records it. */
  const rateLater = (when: string, number: string, level: RatingLevel, channel: RatingChannel) => {
    const ticket = served.get(number)!;
    append(when, {
      type: 'ticket:rated',
      ticket: { ...ticket, rating: level, ratedVia: channel },
      level,
      channel,
      windowId: ticket.windowId!,
      clerkId: ticket.clerkId!,
      ...(channel === 'desk' ? { recordedBy: { id: 'sup1', name: '王主任' } } : {}),
      actor: channel === 'default' ? 'system' : 'public',
    });
  };
  const by = { id: 'sup1', name: '王主任' };
  const caseOf = (number: string) => served.get(number)!.id;

  h.open('w1', clerk1);
  h.open('w2', clerk2);
  at('2026-03-02T08:05');
  for (const service of ['svc-a', 'svc-a', 'svc-a', 'svc-b', 'svc-b', 'svc-b']) h.issue(service);
  at('2026-03-02T09:00'), serve('A001', 'w1'), rateAtScreen('w1', 5);
  at('2026-03-02T09:05'), serve('B001', 'w2', clerk2), rateAtScreen('w2', 1, ['服务态度差']);
  at('2026-03-02T09:10'), serve('A002', 'w1'), rateAtScreen('w1', 3);
  at('2026-03-02T09:15'), serve('B002', 'w2', clerk2), rateAtScreen('w2', 2, ['办事效率低']);
  at('2026-03-02T09:20'), serve('A003', 'w1');
  at('2026-03-02T09:30'), serve('B003', 'w2', clerk2), rateAtScreen('w2', 1, ['其他']);
  expect(h.eventsOfType('rating-case:opened').map((event) => [event.case.ticketNumber, event.case.dueDay])).toEqual([
    ['B001', '2026-03-10'],
    ['B002', '2026-03-10'],
    ['B003', '2026-03-10'],
  ]);

  at('2026-03-03T08:00'), h.ok({ type: 'hall.tick' }, supervisor);
  at('2026-03-03T08:05'), h.issue('svc-a'), h.issue('svc-a'), h.issue('svc-b');
  at('2026-03-03T09:00'), serve('A004', 'w1');
  at('2026-03-03T09:05'), serve('B004', 'w2', clerk2);
  at('2026-03-03T09:10'), serve('A005', 'w1');
  rateLater('2026-03-03T12:00', 'A005', 4, 'desk');
  append('2026-03-03T14:00', { type: 'rating-case:verified', caseId: caseOf('B001'), verification: { substantiated: true, note: '态度生硬属实', by, at: local('2026-03-03T14:00') } });
  append('2026-03-04T10:00', { type: 'rating-case:fixed', caseId: caseOf('B001'), fix: { measures: '窗口人员培训', by, at: local('2026-03-04T10:00') } });
  append('2026-03-04T11:00', { type: 'rating-case:verified', caseId: caseOf('B003'), verification: { substantiated: false, note: '监控显示办理正常', by, at: local('2026-03-04T11:00') } });
  append('2026-03-04T11:30', { type: 'rating-case:followed-up', caseId: caseOf('B003'), followUp: { reached: false, by, at: local('2026-03-04T11:30') } });
  append('2026-03-05T09:00', { type: 'rating-case:closed', caseId: caseOf('B003'), closed: { note: '不属实，已说明', by, at: local('2026-03-05T09:00') } });
  rateLater('2026-03-06T20:00', 'A004', 4, 'qr');
  append('2026-03-06T10:00', { type: 'rating-case:followed-up', caseId: caseOf('B001'), followUp: { reached: true, satisfied: true, by, at: local('2026-03-06T10:00') } });
  append('2026-03-06T10:05', { type: 'rating-case:closed', caseId: caseOf('B001'), closed: { by, at: local('2026-03-06T10:05') } });
  rateLater('2026-03-10T08:00', 'B004', 3, 'default');

  at('2026-03-31T08:00'), h.ok({ type: 'hall.tick' }, supervisor);
  at('2026-03-31T09:00'), h.issue('svc-a'), serve('A006', 'w1');
  rateLater('2026-04-02T19:00', 'A006', 5, 'qr');
  at('2026-04-01T08:00'), h.ok({ type: 'hall.tick' }, supervisor);
  at('2026-04-01T09:00'), h.issue('svc-a'), serve('A007', 'w1');

  // One log in time order (a stable sort keeps each command's events together), numbered as a store would.
  const events = [...h.events, ...appended].sort((a, b) => a.at - b.at).map((event, index) => ({ ...event, seq: index + 1 }));
  const labels = new Map([...served].map(([label, ticket]) => [ticket.id, label]));
  return { h, events, labelOf: (ticketId: string) => labels.get(ticketId) };
}

const { h, events, labelOf } = scriptedMonth();
const REPORT_AT = local('2026-04-10T10:00');
const report = (from: string, to: string, now = REPORT_AT, log: readonly HallEvent[] = events) =>
  computeStats(log, h.state.config, { from, to }, { now, liveWindows: h.state.windows });
const march = report('2026-03-01', '2026-03-31');

const byWindow = (r: StatsReport, id: string) => r.windows.find((row) => row.windowId === id)!;
const byClerk = (r: StatsReport, id: string) => r.clerks.find((row) => row.clerkId === id)!;
const byService = (r: StatsReport, id: string) => r.services.find((row) => row.serviceId === id)!;
const byDay = (r: StatsReport, day: string) => r.days.find((row) => row.day === day)!;

describe('好差评 figures of the scripted March', () => {
  it('counts coverage over served tickets, unrated ones included, and 好评率 with 基本满意 as good', () => {
    const t = march.totals;
    // Served A001–A006 and B001–B004 = 10; citizens rated A001 A002 B001 B002 B003 A004 A005 A006 = 8.
    expect(t.served).toBe(10);
    expect(t.satisfaction).toEqual({ levels: { 1: 2, 2: 1, 3: 1, 4: 2, 5: 2 }, rated: 8, rate: 0.5 });
    expect(t.ratings.coverage).toBe(0.8);
    // 好评: 5, 5, 4, 4, 3 → 5 of 8; 差评: 1, 1, 2 → 3. The old 满意率 (5 + 4 only) stays 4 of 8.
    expect([t.ratings.good, t.ratings.goodRate, t.ratings.bad]).toEqual([5, 0.625, 3]);
  });

  it("counts the hall's default apart from the citizens' ratings, and every rating by its channel", () => {
    const t = march.totals.ratings;
    expect(t.defaulted).toEqual({ count: 1, levels: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 0 } });
    expect(t.byChannel).toEqual({ 'window-screen': 5, qr: 2, desk: 1, default: 1, unrecorded: 0 });
    // The default is no citizen's rating: not in the levels, the coverage or 好评率 of window 2.
    const w2 = byWindow(march, 'w2');
    expect([w2.served, w2.satisfaction.rated, w2.ratings.coverage, w2.ratings.goodRate, w2.ratings.bad]).toEqual([4, 3, 0.75, 0, 3]);
    expect(w2.ratings.defaulted.count).toBe(1);
  });

  it('follows the 差评 cases: one rectified and followed up to the end, one found 不属实, one overdue', () => {
    expect(march.totals.cases).toEqual({
      opened: 3,
      verified: 2,
      substantiated: 1,
      unsubstantiated: 1,
      fixed: 1,
      rectified: 2, // B001 fixed; B003 不属实 and closed
      followedUp: 2, // B001 reached, B003 not reached
      reached: 1,
      satisfiedAfter: 1,
      closed: 2,
      overdue: 1, // B002, due 03-10
      closedLate: 0,
      rectificationRate: 2 / 3,
      followUpRate: 2 / 3,
    });
  });

  it('judges overdue on the report day: a case is overdue only after its due day has ended', () => {
    const until = (when: string) => events.filter((event) => event.at <= local(when));
    expect(report('2026-03-01', '2026-03-31', local('2026-03-10T17:00'), until('2026-03-10T17:00')).totals.cases.overdue).toBe(0);
    // On 03-11 the untouched B002 is overdue and nothing else: B001 and B003 were closed by then.
    const eleventh = report('2026-03-01', '2026-03-31', local('2026-03-11T08:00'), until('2026-03-11T08:00'));
    expect([eleventh.totals.cases.overdue, eleventh.totals.cases.closed]).toEqual([1, 2]);
    // Before anyone acted, on 03-03 at 09:00: three open cases, none verified, none overdue.
    const early = report('2026-03-01', '2026-03-31', local('2026-03-03T09:30'), until('2026-03-03T09:30')).totals.cases;
    expect([early.opened, early.verified, early.rectified, early.overdue, early.rectificationRate]).toEqual([3, 0, 0, 0, 0]);
  });

  it('counts a case closed after its due day as closed late, no longer overdue', () => {
    const b002 = h.eventsOfType('rating-case:opened').find((event) => event.case.ticketNumber === 'B002')!.case.id;
    const closedAt = local('2026-03-12T10:00');
    const closing = { type: 'rating-case:closed', caseId: b002, closed: { by: { id: 'sup1', name: '王主任' }, at: closedAt }, v: 2, hallId: h.state.config.id, seq: events.length + 1, at: closedAt } as HallEvent;
    const late = report('2026-03-01', '2026-03-31', REPORT_AT, [...events, closing]).totals.cases;
    expect([late.closed, late.overdue, late.closedLate]).toEqual([3, 0, 1]);
    // Closed (or not) on the due day itself is in time.
    const onTime = { ...closing, at: local('2026-03-10T23:00'), closed: { ...(closing as Extract<HallEvent, { type: 'rating-case:closed' }>).closed, at: local('2026-03-10T23:00') } } as HallEvent;
    const inTime = report('2026-03-01', '2026-03-31', REPORT_AT, [...events, onTime]).totals.cases;
    expect([inTime.closed, inTime.overdue, inTime.closedLate]).toEqual([3, 0, 0]);
  });

  it('gives every figure to its window, clerk and service', () => {
    const w1 = byWindow(march, 'w1');
    // w1 served A001–A006, citizens rated five of them (A003 not), all good; no case.
    expect([w1.served, w1.satisfaction.rated, w1.ratings.coverage, w1.ratings.goodRate, w1.cases.opened]).toEqual([6, 5, 5 / 6, 1, 0]);
    expect(byWindow(march, 'w2').cases).toMatchObject({ opened: 3, rectified: 2, overdue: 1 });
    expect(byClerk(march, 'clerk1').ratings).toEqual(w1.ratings);
    expect(byClerk(march, 'clerk2').cases).toEqual(byWindow(march, 'w2').cases);
    expect(byService(march, 'svc-b').ratings.byChannel).toEqual({ 'window-screen': 3, qr: 0, desk: 0, default: 1, unrecorded: 0 });
    expect(byService(march, 'svc-a').cases.rectificationRate).toBeNull();
    expect(byWindow(march, 'w3').ratings).toMatchObject({ coverage: null, goodRate: null, bad: 0 });
  });

  it('counts a rating given days later for the day and month of the service', () => {
    // A004 (served 03-03, QR on 03-06) and A005 (desk) belong to 03-03; nothing to 03-06.
    expect(byDay(march, '2026-03-03').satisfaction.rated).toBe(2);
    expect(byDay(march, '2026-03-06').satisfaction.rated).toBe(0);
    expect(byDay(march, '2026-03-02').cases.opened).toBe(3);
    // A006, served 03-31 and rated 04-02, is March's; April has A007 served and unrated.
    expect(byDay(march, '2026-03-31').ratings.byChannel.qr).toBe(1);
    const april = report('2026-04-01', '2026-04-30');
    expect([april.totals.served, april.totals.satisfaction.rated, april.totals.ratings.coverage]).toEqual([1, 0, 0]);
  });

  it('reports per month and lists no day after the report day', () => {
    const both = report('2026-03-01', '2026-04-30');
    expect(both.months.map((row) => [row.month, row.served, row.satisfaction.rated, row.cases.opened])).toEqual([
      ['2026-03', 10, 8, 3],
      ['2026-04', 1, 0, 0],
    ]);
    // The month row is the month's report: the same figures as March alone.
    const { month: _month, ...marchRow } = both.months[0]!;
    const { openSeconds: _open, pausedSeconds: _paused, ...marchTotals } = march.totals;
    expect(marchRow).toEqual(marchTotals);
    // Made on 04-10: March's 31 days, then April up to the 10th.
    expect(both.days.length).toBe(31 + 10);
    expect(both.days.at(-1)!.day).toBe('2026-04-10');
    const midMarch = report('2026-03-01', '2026-03-31', local('2026-03-20T12:00'));
    expect(midMarch.days.map((row) => row.day).at(-1)).toBe('2026-03-20');
    expect(report('2026-05-01', '2026-05-31').days).toEqual([]);
  });

  it('names services and windows in the second language beside the Chinese', () => {
    expect([byService(march, 'svc-a').name, byService(march, 'svc-a').nameAlt]).toEqual(['社保业务', 'Social insurance']);
    expect(byWindow(march, 'w4').nameAlt).toBe('Window 4 (all services)');
    expect(byWindow(march, 'w1')).not.toHaveProperty('nameAlt');
    expect(march.hallNameAlt).toBe('Test Street Service Hall');
  });
});

describe('好差评 in the exports', () => {
  it('lists every rating with its channel and reasons, the default marked as such', () => {
    const records = listEvaluations(events, h.state.config, { from: '2026-03-01', to: '2026-03-31' });
    expect(records.length).toBe(march.totals.satisfaction.rated + march.totals.ratings.defaulted.count);
    const ids = events.filter((event) => event.type === 'ticket:rated').map((event) => ('ticket' in event ? event.ticket.id : ''));
    expect(records.map((record, index) => [labelOf(ids[index]!), record.level, record.channel, record.reasons.join('/')])).toEqual([
      ['A001', 5, 'window-screen', ''],
      ['B001', 1, 'window-screen', '服务态度差'],
      ['A002', 3, 'window-screen', ''],
      ['B002', 2, 'window-screen', '办事效率低'],
      ['B003', 1, 'window-screen', '其他'],
      ['A005', 4, 'desk', ''],
      ['A004', 4, 'qr', ''],
      ['B004', 3, 'default', ''],
      ['A006', 5, 'qr', ''],
    ]);
  });

  it('carries coverage, 好评率, 差评, channels and case figures in every CSV grouping', () => {
    const lines = statsCsv(march, 'window').split('\r\n');
    const header = lines[0]!.replace('\uFEFF', '').split(',');
    const w2 = lines[2]!.split(',');
    const column = (name: string) => w2[header.indexOf(name)];
    expect(header.indexOf('评价覆盖率(%)(Rating coverage %)')).toBeGreaterThan(0);
    expect(column('评价数(Ratings)')).toBe('3');
    expect(column('评价覆盖率(%)(Rating coverage %)')).toBe('75');
    expect(column('好评率(%)(Good rating rate %)')).toBe('0');
    expect(column('差评数(Bad ratings)')).toBe('3');
    expect(column('评价渠道-默认评价(Channel default)')).toBe('1');
    expect(column('差评整改率(%)(Rectification rate %)')).toBe('66.7');
    expect(column('回访率(%)(Follow-up rate %)')).toBe('66.7');
    expect(column('超期工单(Overdue cases)')).toBe('1');
    expect(column('满意率(%)(Satisfaction rate %)')).toBe('0');
    const months = statsCsv(report('2026-03-01', '2026-04-30'), 'month').split('\r\n');
    expect(months[0]!.startsWith('\uFEFF月份(Month),')).toBe(true);
    expect(months.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['2026-03', '2026-04']);
  });
});
