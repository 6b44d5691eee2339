import { describe, expect, it } from 'vitest';
import { overviewRow, sameRow } from '../../server/oversight/overview/row.js';
import { TodayTally } from '../../server/oversight/overview/today.js';
import { compareRows } from '../../server/protocol/rules/overview.js';
import type { HallOverview } from '../../server/protocol/overview.js';
import { MINUTE, T0, clerk1, clerk2, harness, publicActor } from '../helpers/engineHarness.js';

const DAY = '2026-03-02';
const noFigures = { day: DAY, served: 0, rated: 0, goodRatePercent: null };

describe('an overview row', () => {
  it('names a service no open window serves, and stops once one opens; a paused window is not open', () => {
    const h = harness();
    h.open('w3', clerk1); // svc-c only
    h.issue('svc-a');
    h.advance(12);
    let row = overviewRow(h.state, h.clock.now, noFigures, 0);
    expect(row).toMatchObject({ openWindows: 1, waiting: 1, longestWaitMinutes: 12, attention: ['unserved'] });
    h.open('w1', clerk2);
    row = overviewRow(h.state, h.clock.now, noFigures, 0);
    expect(row.attention).toEqual([]);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away' }, clerk2);
    h.ok({ type: 'window.pause', windowId: 'w3', reason: 'away' }, clerk1);
    row = overviewRow(h.state, h.clock.now, noFigures, 0);
    expect(row).toMatchObject({ openWindows: 0, attention: ['no-window-open'] });
  });

  it('counts open and overdue 差评 cases on the day it is computed for', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 1, reasons: ['办事效率低'] }, publicActor);
    const dueDay = Object.values(h.state.ratingCases!)[0]!.dueDay;
    expect(overviewRow(h.state, h.clock.now, noFigures, 0)).toMatchObject({ openBadCases: 1, overdueBadCases: 0, attention: [] });
    const later = overviewRow(h.state, h.clock.now, { ...noFigures, day: `${dueDay.slice(0, 8)}${String(Number(dueDay.slice(8)) + 1).padStart(2, '0')}` }, 2);
    expect(later).toMatchObject({ openBadCases: 1, overdueBadCases: 1, devicesOffline: 2, attention: ['devices-offline', 'overdue-cases'] });
  });

  it('is the same row when only its time moved', () => {
    const h = harness();
    const row = overviewRow(h.state, T0, noFigures, 0);
    expect(sameRow(row, overviewRow(h.state, T0 + MINUTE, noFigures, 0))).toBe(true);
    expect(sameRow(row, overviewRow(h.state, T0, noFigures, 1))).toBe(false);
    expect(sameRow(undefined, row)).toBe(false);
  });
});

describe('the overview order', () => {
  const row = (hallId: string, attention: HallOverview['attention'], longestWaitMinutes = 0, archived = false): HallOverview => ({
    hallId,
    name: hallId,
    group: [],
    day: DAY,
    openWindows: 0,
    windows: 1,
    waiting: 0,
    longestWaitMinutes,
    servedToday: 0,
    goodRatePercent: null,
    ratedToday: 0,
    devicesOffline: 0,
    openBadCases: 0,
    overdueBadCases: 0,
    attention,
    at: T0,
    ...(archived ? { archived: true } : {}),
  });

  it('puts the most urgent kind first, then the longest wait, archived halls last', () => {
    const rows = [
      row('quiet', []),
      row('archived', ['unserved'], 99, true),
      row('cases', ['overdue-cases']),
      row('devices', ['devices-offline', 'overdue-cases']),
      row('closed', ['no-window-open'], 40),
      row('late-short', ['over-wait-limit'], 31),
      row('late-long', ['over-wait-limit', 'devices-offline'], 55),
      row('unserved', ['unserved'], 3),
    ];
    expect([...rows].sort(compareRows).map((r) => r.hallId)).toEqual(['unserved', 'late-long', 'late-short', 'closed', 'devices', 'cases', 'quiet', 'archived']);
  });
});

describe("today's tally", () => {
  it('counts what the reports count for tickets issued today, and sees a gap', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor);
    const tally = new TodayTally(DAY, h.state.config.timeZone, 0);
    expect(tally.apply(h.events)).toBe(true);
    expect(tally.numbers()).toEqual({ served: 1, rated: 1, goodRatePercent: 100 });
    expect(tally.seq).toBe(h.state.seq);
    // An event further on than the next one is a gap: nothing is folded.
    const ahead = { ...h.events.at(-1)!, seq: h.state.seq + 2 };
    expect(tally.apply([ahead])).toBe(false);
    expect(tally.seq).toBe(h.state.seq);
    // Another day's tally counts none of today's tickets.
    const tomorrow = new TodayTally('2026-03-03', h.state.config.timeZone, 0);
    tomorrow.apply(h.events);
    expect(tomorrow.numbers()).toEqual({ served: 0, rated: 0, goodRatePercent: null });
  });
});
