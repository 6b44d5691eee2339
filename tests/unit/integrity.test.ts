/**
 * Integrity signals (docs/oversight.md) from the scripted Monday of tests/helpers/integrityDay.ts: the
 * honest day gives none, the dirty day every kind, each just over its threshold and gone just under it,
 * with the evidence naming the very events behind it.
 */
import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import type { IntegrityKind, IntegritySettings, IntegritySignal } from '../../server/protocol/integrity.js';
import { INTEGRITY_DEFAULTS, idleSpan, integritySettings } from '../../server/protocol/rules/integrity.js';
import { computeIntegrity, INTEGRITY_KINDS } from '../../server/oversight/integrity/report.js';
import { integrityCsv } from '../../server/oversight/integrity/csv.js';
import { explainSignal } from '../../server/oversight/integrity/explain.js';
import { passedOver } from '../../server/oversight/integrity/outOfOrder.js';
import { EVIDENCE_KEPT, signalOf } from '../../server/oversight/integrity/collector.js';
import { DAY, REPORT_AT, integrityHall, scriptDay } from '../helpers/integrityDay.js';
import { clerk1, clerk3, harness, local, testHallConfig } from '../helpers/engineHarness.js';

function report(dirty: boolean, integrity?: IntegritySettings) {
  const h = scriptDay(dirty, integrity);
  return { h, report: computeIntegrity(h.events, h.state.config, { from: DAY, to: DAY }, { now: REPORT_AT }) };
}

function only(signals: IntegritySignal[], kind: IntegrityKind): IntegritySignal {
  const found = signals.filter((signal) => signal.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
}

/** The seq of the event of `type` for ticket `number` (the n-th such event when given). */
function seqOf(events: HallEvent[], type: string, number?: string, nth = 0): number {
  const found = events.filter((event) => event.type === type && (number === undefined || ('ticket' in event && event.ticket.number === number)));
  expect(found.length, `${type} ${number}`).toBeGreaterThan(nth);
  return found[nth]!.seq;
}

const seqs = (signal: IntegritySignal) => signal.evidence.map((evidence) => evidence.seq);

describe('integrity thresholds', () => {
  it('fills what a hall leaves out with the defaults', () => {
    expect(integritySettings({})).toEqual(INTEGRITY_DEFAULTS);
    expect(integritySettings({ integrity: { idleMinutes: 9 } })).toEqual({ ...INTEGRITY_DEFAULTS, idleMinutes: 9 });
  });
});

describe('integrity signals of a scripted day', () => {
  it('an honest day with the same tickets gives no signal at all', () => {
    const { report: honest } = report(false);
    expect(honest.signals).toEqual([]);
    expect(honest.totals).toEqual([]);
    expect(honest.thresholds).toEqual({ ...INTEGRITY_DEFAULTS, allTopMinRatings: 5 });
  });

  it('the dirty day gives every kind, once each', () => {
    const { report: dirty } = report(true);
    expect(dirty.signals.map((signal) => signal.kind).sort()).toEqual([...INTEGRITY_KINDS].sort());
    expect(dirty.totals).toHaveLength(INTEGRITY_KINDS.length);
    expect(dirty.totals.every((total) => total.count === 1 && total.day === DAY)).toBe(true);
  });

  it('idle while waiting: 08:00–08:12 at w1 with A001–A004 waiting, from the issue to the call', () => {
    const { h, report: dirty } = report(true);
    const idle = only(dirty.signals, 'idle-while-waiting');
    expect(idle).toMatchObject({ windowId: 'w1', clerkId: 'clerk1', clerkName: '张三', amount: 12, unit: 'minutes', threshold: 5 });
    expect(idle.tickets).toEqual(['A001', 'A002', 'A003', 'A004']);
    // The stretch began when the first ticket w1 serves was issued and ended with its call of A001.
    expect(seqs(idle)).toEqual([seqOf(h.events, 'ticket:issued', 'A001'), seqOf(h.events, 'ticket:called', 'A001')]);
    expect(idleSpan(idle)).toEqual({ from: local(`${DAY}T08:00`), to: local(`${DAY}T08:12`) });
    expect(explainSignal(idle, h.state.config, dirty.thresholds)).toBe('1号窗口 张三 在 08:00–08:12 空闲 12 分钟，期间 4 人在等其可办事项（阈值 5 分钟）');
  });

  it('out of order: the call of A004 passed over A002 and A003', () => {
    const { h, report: dirty } = report(true);
    const call = only(dirty.signals, 'out-of-order');
    expect(call).toMatchObject({ windowId: 'w1', clerkId: 'clerk1', amount: 1, unit: 'count', tickets: ['A002', 'A003'] });
    expect(seqs(call)).toEqual([seqOf(h.events, 'ticket:called', 'A004')]);
  });

  it('transfer bounced: w3 sent B006 back to w2, which had sent it', () => {
    const { h, report: dirty } = report(true);
    const bounce = only(dirty.signals, 'transfer-bounced');
    expect(bounce).toMatchObject({ windowId: 'w3', clerkId: 'clerk3', clerkName: '赵六', amount: 1, tickets: ['B006'] });
    expect(seqs(bounce)).toEqual([seqOf(h.events, 'ticket:transferred', 'B006', 0), seqOf(h.events, 'ticket:transferred', 'B006', 1)]);
  });

  it('quick no-show: A001 marked 10 s after its call', () => {
    const { h, report: dirty } = report(true);
    const noShow = only(dirty.signals, 'quick-no-show');
    expect(noShow).toMatchObject({ windowId: 'w1', clerkId: 'clerk1', amount: 1, tickets: ['A001'] });
    expect(seqs(noShow)).toEqual([seqOf(h.events, 'ticket:called', 'A001'), seqOf(h.events, 'ticket:no-show', 'A001')]);
  });

  it('short service: three one-minute services against a five-minute norm', () => {
    const { h, report: dirty } = report(true);
    const short = only(dirty.signals, 'short-service');
    expect(short).toMatchObject({ windowId: 'w1', clerkId: 'clerk1', amount: 3, threshold: 3, tickets: ['A004', 'A002', 'A003'] });
    expect(seqs(short)).toEqual(['A004', 'A002', 'A003'].map((number) => seqOf(h.events, 'ticket:finished', number)));
  });

  it('rating burst and all 非常满意: five desk ratings within 40 s at w2', () => {
    const { h, report: dirty } = report(true);
    const rated = ['B001', 'B002', 'B003', 'B004', 'B005'].map((number) => seqOf(h.events, 'ticket:rated', number));
    const burst = only(dirty.signals, 'rating-burst');
    expect(burst).toMatchObject({ windowId: 'w2', clerkId: 'clerk2', amount: 5, threshold: 5, tickets: ['B001', 'B002', 'B003', 'B004', 'B005'] });
    expect(seqs(burst)).toEqual(rated);
    const top = only(dirty.signals, 'rating-all-top');
    expect(top).toMatchObject({ windowId: 'w2', clerkId: 'clerk2', amount: 100, unit: 'percent', threshold: 98, evidenceTotal: 5 });
    expect(seqs(top)).toEqual(rated);
  });

  it('pause over the limit: 70 minutes at w1, paused to resumed', () => {
    const { h, report: dirty } = report(true);
    const pause = only(dirty.signals, 'pause-over-limit');
    expect(pause).toMatchObject({ windowId: 'w1', clerkId: 'clerk1', amount: 70, unit: 'minutes', threshold: 60 });
    expect(seqs(pause)).toEqual([seqOf(h.events, 'window:paused'), seqOf(h.events, 'window:resumed')]);
  });

  it('the signals are of the range only', () => {
    const h = scriptDay(true);
    const next = computeIntegrity(h.events, h.state.config, { from: '2026-03-03', to: '2026-03-03' }, { now: REPORT_AT + 86_400_000 });
    expect(next.signals).toEqual([]);
  });
});

describe('thresholds, just over and just under', () => {
  const kinds = (settings: IntegritySettings) => report(true, settings).report.signals.map((signal) => signal.kind);
  const cases: Array<[IntegrityKind, IntegritySettings, IntegritySettings]> = [
    ['idle-while-waiting', { idleMinutes: 12 }, { idleMinutes: 13 }],
    ['quick-no-show', { quickNoShowSeconds: 11 }, { quickNoShowSeconds: 10 }],
    ['short-service', { shortServiceCount: 3 }, { shortServiceCount: 4 }],
    ['short-service', { shortServiceShare: 0.21 }, { shortServiceShare: 0.2 }],
    ['rating-burst', { ratingBurstCount: 5 }, { ratingBurstCount: 6 }],
    ['rating-burst', { ratingBurstSeconds: 40 }, { ratingBurstSeconds: 39 }],
    ['rating-all-top', { allTopMinRatings: 5 }, { allTopMinRatings: 6 }],
    ['pause-over-limit', { pauseMinutesPerDay: 69 }, { pauseMinutesPerDay: 70 }],
  ];
  it.each(cases)('%s: %o counts, %o does not', (kind, over, under) => {
    expect(kinds(over)).toContain(kind);
    expect(kinds(under)).not.toContain(kind);
  });

  it('the share of 非常满意: all five count at 100 %, the honest day (three of five) at 60 % but not at 61 %', () => {
    expect(report(true, { allTopShare: 1 }).report.signals.some((signal) => signal.kind === 'rating-all-top')).toBe(true);
    expect(report(false, { allTopShare: 0.6 }).report.signals.map((signal) => signal.kind)).toEqual(['rating-all-top']);
    expect(report(false, { allTopShare: 0.61 }).report.signals).toEqual([]);
  });
});

describe('evidence', () => {
  it('keeps the first 50 events in seq order, each once, and counts them all', () => {
    const h = harness({ config: integrityHall(), start: local(`${DAY}T08:00`) });
    for (let index = 0; index < 60; index++) h.issue('svc-a');
    const events = [...h.events].reverse();
    const signal = signalOf({ kind: 'rating-all-top', day: DAY, subject: {}, amount: 100, unit: 'percent', threshold: 98, evidence: [...events, events[0]!] });
    expect(EVIDENCE_KEPT).toBe(50);
    expect(h.events.length).toBe(60);
    expect(signal.evidenceTotal).toBe(h.events.length);
    expect(signal.evidence.map((evidence) => evidence.seq)).toEqual(h.events.slice(0, 50).map((event) => event.seq));
    expect(signal.evidence[1]).toEqual({ seq: h.events[1]!.seq, at: h.events[1]!.at, type: h.events[1]!.type, ...('ticket' in h.events[1]! ? { ticketNumber: h.events[1]!.ticket.number } : {}) });
  });
});

describe('who a signal is about', () => {
  it('a take-over ends the idle stretch of one clerk and begins that of the next', () => {
    const h = harness({ config: integrityHall(), start: local(`${DAY}T08:00`) });
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.clock.set(local(`${DAY}T08:06`));
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk3);
    h.clock.set(local(`${DAY}T08:13`));
    h.callNext('w1', clerk3);
    const report = computeIntegrity(h.events, h.state.config, { from: DAY, to: DAY }, { now: REPORT_AT });
    expect(report.signals.map((signal) => [signal.kind, signal.clerkName, signal.amount])).toEqual([
      ['idle-while-waiting', '张三', 6],
      ['idle-while-waiting', '赵六', 7],
    ]);
    expect(report.totals).toEqual([
      { day: DAY, windowId: 'w1', clerkId: 'clerk1', kind: 'idle-while-waiting', count: 1 },
      { day: DAY, windowId: 'w1', clerkId: 'clerk3', kind: 'idle-while-waiting', count: 1 },
    ]);
  });
});

describe('over midnight', () => {
  it('an idle stretch is cut at midnight: each day has its part, the second from 00:00 to the roll-over that ends it', () => {
    const h = harness({ config: integrityHall(), start: local(`${DAY}T23:40`) });
    h.open('w1', clerk1);
    h.clock.set(local(`${DAY}T23:50`));
    h.issue('svc-a');
    // The first command of Tuesday rolls the day over: the ticket nobody called expires.
    h.clock.set(local('2026-03-03T00:10'));
    h.issue('svc-b');
    const report = computeIntegrity(h.events, h.state.config, { from: DAY, to: '2026-03-03' }, { now: local('2026-03-03T01:00') });
    const idle = report.signals.filter((signal) => signal.kind === 'idle-while-waiting');
    expect(idle.map((signal) => [signal.day, signal.amount, signal.tickets])).toEqual([
      [DAY, 10, ['A001']],
      ['2026-03-03', 10, ['A001']],
    ]);
    expect(idle.map((signal) => idleSpan(signal))).toEqual([
      { from: local(`${DAY}T23:50`), to: local('2026-03-03T00:00') },
      { from: local('2026-03-03T00:00'), to: local('2026-03-03T00:10') },
    ]);
    expect(idle[1]!.evidence.map((evidence) => evidence.type)).toEqual(['ticket:expired']);
  });
});

describe('who was next', () => {
  it('asks the engine: green channel first, then by number, with the priority cap', () => {
    const h = harness({ config: testHallConfig({ policy: { boostAfterMinutes: null, priorityStreakCap: 1 } }), start: local(`${DAY}T08:00`) });
    h.open('w1', clerk1);
    const a1 = h.issue('svc-a');
    const p1 = h.issue('svc-a', { priority: true });
    const p2 = h.issue('svc-a', { priority: true });
    const a2 = h.issue('svc-a');
    // Rules: P1 (green channel), then A1 (cap of 1 reached: one ordinary), then P2, then A2.
    expect(passedOver(h.state, 'w1', a2.id, h.clock.now).map((ticket) => ticket.number)).toEqual([p1.number, a1.number, p2.number]);
    expect(passedOver(h.state, 'w1', p1.id, h.clock.now)).toEqual([]);
  });
});

describe('the monthly CSV', () => {
  it('has a BOM, Chinese headers and one line per signal with its explanation and evidence seqs', () => {
    const { h, report: dirty } = report(true);
    const csv = integrityCsv(dirty, h.state.config);
    expect(csv.startsWith('\uFEFF日期(Day),窗口(Window),工作人员(Clerk),类型(Kind)')).toBe(true);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + dirty.signals.length);
    const idle = lines.find((line) => line.includes('idle-while-waiting'))!;
    expect(idle).toContain('1号窗口 张三 在 08:00–08:12 空闲 12 分钟，期间 4 人在等其可办事项');
    expect(idle).toContain(`${seqOf(h.events, 'ticket:issued', 'A001')} ${seqOf(h.events, 'ticket:called', 'A001')}`);
  });

  it('an honest month is the header alone', () => {
    const { h, report: honest } = report(false);
    expect(integrityCsv(honest, h.state.config).trimEnd().split('\r\n')).toHaveLength(1);
    expect(integrityHall().integrity).toEqual({ allTopMinRatings: 5 });
  });
});
