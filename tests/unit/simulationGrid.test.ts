import { describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import type { SimulationResult } from '../../server/protocol/simulation.js';
import {
  actualStaffingOf,
  allOpen,
  gridFromStaffing,
  gridSpan,
  linksOf,
  oneFewer,
  openCount,
  policyOverrides,
  replayCheck,
  shiftDay,
  staffingFromGrid,
  weekdayOf,
} from '../../counter/src/lib/simulation.js';

/** The staffing grid of the page 「排班模拟」 and its conversion to the API's shifts. */
const config = demoHallConfig();
const [w1, w2, w3] = config.windows as [(typeof config.windows)[0], (typeof config.windows)[0], (typeof config.windows)[0]];
const three = [w1, w2, w3];
const span = { start: 9 * 60, end: 11 * 60 }; // four half hours

function result(overrides: Partial<SimulationResult> = {}): SimulationResult {
  const figures = { meanWaitMinutes: 10.8, p90WaitMinutes: 20, maxWaitMinutes: 25, served: 10, overLimit: 0, unserved: 0 };
  return { day: '2026-12-01', actual: figures, simulated: { ...figures, meanWaitMinutes: 11.2 }, hours: [], windows: [], serviceTimeSources: {}, arrivals: 10, elapsedMs: 5, ...overrides };
}

describe('staffing grid', () => {
  it('marks a half hour open when a shift covers at least half of it, and turns runs back into shifts', () => {
    const grid = gridFromStaffing(three, span, [
      { windowId: w1.id, from: '09:00', to: '11:00' },
      { windowId: w2.id, from: '09:10', to: '09:40' }, // 20 min of the first half hour, 10 of the second
      { windowId: w3.id, from: '10:20', to: '10:40' }, // 10 min of each: neither
    ]);
    expect(grid[w1.id]).toEqual([true, true, true, true]);
    expect(grid[w2.id]).toEqual([true, false, false, false]);
    expect(grid[w3.id]).toEqual([false, false, false, false]);
    expect(staffingFromGrid(three, span, grid)).toEqual([
      { windowId: w1.id, from: '09:00', to: '11:00' },
      { windowId: w2.id, from: '09:00', to: '09:30' },
    ]);
  });

  it('splits a window closed in the middle into two shifts and ends a run at the last slot', () => {
    const grid = { [w1.id]: [true, false, true, true], [w2.id]: [false, false, false, true], [w3.id]: [false, false, false, false] };
    expect(staffingFromGrid(three, span, grid)).toEqual([
      { windowId: w1.id, from: '09:00', to: '09:30' },
      { windowId: w1.id, from: '10:00', to: '11:00' },
      { windowId: w2.id, from: '10:30', to: '11:00' },
    ]);
  });

  it('"one fewer" closes the highest-numbered open window of each half hour, never the last one open', () => {
    const grid = { [w1.id]: [true, true, false, true], [w2.id]: [true, false, false, true], [w3.id]: [true, false, false, false] };
    const fewer = oneFewer(three, grid);
    expect(fewer).toEqual({ [w1.id]: [true, true, false, true], [w2.id]: [true, false, false, false], [w3.id]: [false, false, false, false] });
    expect([0, 1, 2, 3].map((index) => openCount(fewer, index))).toEqual([2, 1, 0, 1]);
    expect(grid[w3.id]).toEqual([true, false, false, false]); // the input is left as it was
    expect(allOpen(three, span)[w2.id]).toEqual([true, true, true, true]);
  });

  it('spans the staffed hours and the hours tickets arrived in, on half-hour marks; 08:00–18:00 when nothing tells', () => {
    const staffing = [{ windowId: w1.id, from: '09:10', to: '10:20' }];
    const hours = [{ hour: 11, arrivals: 2, actual: { meanWaitMinutes: 0, p90WaitMinutes: 0, openWindows: 1 }, simulated: { meanWaitMinutes: 0, p90WaitMinutes: 0, openWindows: 1 } }];
    expect(gridSpan(config, '2026-12-01', staffing, hours)).toEqual({ start: 9 * 60, end: 12 * 60 });
    expect(gridSpan(config, '2026-12-01', [])).toEqual({ start: 8 * 60, end: 18 * 60 });
    const withHours = structuredClone(config);
    withHours.services[0]!.issuingHours = [{ days: [2], from: '08:30', to: '12:00' }];
    expect(weekdayOf('2026-12-01')).toBe(2); // a Tuesday
    expect(gridSpan(withHours, '2026-12-01', staffing)).toEqual({ start: 8 * 60 + 30, end: 12 * 60 });
    expect(gridSpan(withHours, '2026-12-02', staffing)).toEqual({ start: 9 * 60, end: 10 * 60 + 30 });
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('the actual staffing of an answer', () => {
  it("takes the server's shifts when the answer has them", () => {
    const actualStaffing = [{ windowId: w2.id, from: '09:03', to: '11:47' }];
    expect(actualStaffingOf(result({ actualStaffing }), three)).toBe(actualStaffing);
  });

  it('otherwise opens, per hour, as many of the windows open that day as the hour had, lowest numbers first', () => {
    const hour = (h: number, open: number) => ({ hour: h, arrivals: 1, actual: { meanWaitMinutes: 0, p90WaitMinutes: 0, openWindows: open }, simulated: { meanWaitMinutes: 0, p90WaitMinutes: 0, openWindows: open } });
    const answer = result({ hours: [hour(9, 2), hour(10, 1)], windows: [{ windowId: w1.id, actual: 0.5, simulated: 0.5 }, { windowId: w2.id, actual: null, simulated: null }, { windowId: w3.id, actual: 0.2, simulated: 0.3 }] });
    expect(actualStaffingOf(answer, three)).toEqual([
      { windowId: w1.id, from: '09:00', to: '11:00' },
      { windowId: w3.id, from: '09:00', to: '10:00' },
    ]);
  });
});

describe('policy overrides', () => {
  it('sends only what differs from the configuration', () => {
    const links = linksOf(config);
    const same = { links, priorityStreakCap: config.policy.priorityStreakCap, boostAfterMinutes: config.policy.boostAfterMinutes };
    expect(policyOverrides(config, same)).toBeUndefined();
    // The same links in another order are no change.
    expect(policyOverrides(config, { ...same, links: { ...links, [w1.id]: [...links[w1.id]!].reverse() } })).toBeUndefined();
    const changed = policyOverrides(config, { links: { ...links, [w2.id]: [{ serviceId: config.services[0]!.id, tier: 2 }] }, priorityStreakCap: 9, boostAfterMinutes: null });
    expect(changed).toEqual({ windows: [{ windowId: w2.id, services: [{ serviceId: config.services[0]!.id, tier: 2 }] }], priorityStreakCap: 9, boostAfterMinutes: null });
  });
});

describe('the replay-error line', () => {
  it("shows the server's replay of the day as staffed, or the run itself when it was that replay", () => {
    const replayError = { meanWaitMinutes: 11.2, measuredMeanWaitMinutes: 10.8, p90WaitMinutes: 20, measuredP90WaitMinutes: 19, meanErrorPercent: 3.7 };
    expect(replayCheck(result({ replayError }))).toEqual({ replayed: 11.2, measured: 10.8, errorPercent: 3.7 });
    const itself = replayCheck(result());
    expect(itself.replayed).toBe(11.2);
    expect(itself.measured).toBe(10.8);
    expect(itself.errorPercent).toBeCloseTo((0.4 / 10.8) * 100, 6);
  });
});
