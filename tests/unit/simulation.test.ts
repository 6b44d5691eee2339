/**
 * 排班模拟 on days acted out through the real engine (tests/helpers/scriptedDay.ts): the replay of a day
 * with its own staffing and recorded service times gives every ticket exactly the wait it had; with
 * drawn times it lands within the tolerance docs/oversight.md states; a window fewer waits longer; a
 * policy change is applied; the suggestion meets its limit on a scripted week and on market days.
 */
import { describe, expect, it } from 'vitest';
import { execute, foundHall } from '../../server/domain/engine.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { Actor, HallConfig, HallState } from '../../server/protocol/model.js';
import { readDay } from '../../server/oversight/simulation/dayRecord.js';
import { replayDay } from '../../server/oversight/simulation/replay.js';
import { type SimulationJob, simulate } from '../../server/oversight/simulation/simulate.js';
import { suggest } from '../../server/oversight/simulation/suggest.js';
import { historyDays, isMarketDay } from '../../server/oversight/simulation/history.js';
import { serviceTimes } from '../../server/oversight/simulation/serviceTimes.js';
import { replayConfig } from '../../server/oversight/simulation/staffing.js';
import type { SimulationRequest } from '../../server/protocol/simulation.js';
import { addDays, localMidnight } from '../../server/stats/days.js';
import { CountingIds, testHallConfig } from '../helpers/engineHarness.js';
import { recordDay as recordEngineDay } from '../helpers/engineDay.js';
import { type ScriptShift, type ScriptTicket, citizens, random } from '../helpers/scriptedDay.js';

const ADMIN: Actor = { kind: 'staff', user: { id: 'admin1', name: '管理员', role: 'admin' } };
const MINUTE = 60_000;
/**
 * The drawn replay's stated tolerance (docs/oversight.md), on a morning of 70 tickets at 3 windows: each day's
 * mean wait within 3 minutes of the measured one, and over 30 such days the replays' mean waits within 10 %.
 */
const DRAWN_TOLERANCE = { eachDayMinutes: 3, overDaysShare: 0.1 };

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+08:00`);
const span = (config: HallConfig, day: string) => ({ start: localMidnight(day, config.timeZone), end: localMidnight(addDays(day, 1), config.timeZone) });

/** The day acted out straight into the engine; every event it recorded. */
const recordDay = (config: HallConfig, day: string, tickets: ScriptTicket[], shifts: ScriptShift[]): Promise<HallEvent[]> =>
  recordEngineDay(config, localMidnight(day, config.timeZone), tickets, shifts);

const job = (config: HallConfig, day: string, events: HallEvent[], request: Omit<SimulationRequest, 'day'> = {}): SimulationJob => ({
  config,
  day,
  span: span(config, day),
  events,
  monthSamples: {},
  request: { day, ...request },
});

const MONDAY = '2026-03-02';
const config = testHallConfig();
const shifts = (day: string): ScriptShift[] => [
  { windowId: 'w1', from: at(day, '09:00'), to: at(day, '13:30') },
  { windowId: 'w2', from: at(day, '09:00'), to: at(day, '13:30') },
  { windowId: 'w4', from: at(day, '09:30'), to: at(day, '11:30') },
];
const morning = (day: string, seed: number, count = 70) => citizens(random(seed), count, at(day, '09:00'), at(day, '12:00'), ['svc-a', 'svc-b'], 3, 9);

describe('排班模拟: the replay of a scripted day', () => {
  it('with its own staffing and recorded service times gives every ticket exactly its measured wait', async () => {
    const events = await recordDay(config, MONDAY, morning(MONDAY, 7), shifts(MONDAY));
    const record = readDay(events, span(config, MONDAY));
    expect(record.arrivals).toHaveLength(70);
    expect(record.staffing.map((interval) => interval.windowId).sort()).toEqual(['w1', 'w2', 'w4']);
    const times = serviceTimes(config, record.arrivals, record.samples, {}, 'recorded', 1);
    const replay = replayDay({ config: replayConfig(config, undefined), dayStart: span(config, MONDAY).start, arrivals: record.arrivals, staffing: record.staffing, holdOf: times.holdOf });
    expect(replay.waits.size).toBe(record.waits.size);
    expect(Object.fromEntries(replay.waits)).toEqual(Object.fromEntries(record.waits));
    // Somebody really waited: an exact match of all-zero waits would prove nothing.
    expect(Math.max(...record.waits.values())).toBeGreaterThan(10 * 60);

    const result = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded' }));
    expect(result.simulated).toEqual(result.actual);
    expect(result.replayError).toBeUndefined();
    expect(result.serviceTimeSources).toEqual({ 'svc-a': 'recorded', 'svc-b': 'recorded' });
    expect(result.windows.find((window) => window.windowId === 'w1')!.simulated).toBe(result.windows.find((window) => window.windowId === 'w1')!.actual);
    expect(result.windows.find((window) => window.windowId === 'w3')).toEqual({ windowId: 'w3', actual: null, simulated: null });
    expect(result.hours.map((hour) => hour.arrivals).reduce((a, b) => a + b, 0)).toBe(70);
    expect(result.hours.every((hour) => hour.simulated.meanWaitMinutes === hour.actual.meanWaitMinutes)).toBe(true);
  });

  it('keeps the green channel and bookings: priority tickets and checked-in bookings replay exactly too; the wait boost is a policy', async () => {
    const tickets = morning(MONDAY, 7).map((ticket, index) =>
      index % 6 === 1 ? { ...ticket, priority: true } : index % 9 === 3 ? { ...ticket, slotStart: Math.floor((ticket.at + 5 * MINUTE) / (30 * MINUTE)) * 30 * MINUTE } : ticket,
    );
    const events = await recordDay(config, MONDAY, tickets, shifts(MONDAY));
    const record = readDay(events, span(config, MONDAY));
    expect(record.arrivals.filter((arrival) => arrival.priority)).toHaveLength(12);
    expect(record.arrivals.filter((arrival) => arrival.slotStart !== undefined)).toHaveLength(8);
    const replayed = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded' }));
    expect(replayed.simulated).toEqual(replayed.actual);
    // The maximum wait boost after 1 minute instead of 30: tiers hardly count any more, so waits move.
    const boosted = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded', policy: { boostAfterMinutes: 1 } }));
    expect(boosted.simulated).not.toEqual(boosted.actual);
    expect(boosted.replayError!.meanErrorPercent).toBe(0);
  });

  it('keeps those who gave up and those who did not come: cancelled and no-show tickets replay exactly too', async () => {
    const tickets = morning(MONDAY, 13).map((ticket, index) =>
      index % 5 === 2 ? { ...ticket, leavesAt: ticket.at + 4 * MINUTE } : index % 10 === 5 ? { ...ticket, noShow: true } : ticket,
    );
    const events = await recordDay(config, MONDAY, tickets, shifts(MONDAY));
    const record = readDay(events, span(config, MONDAY));
    const fates = (fate: string) => record.arrivals.filter((arrival) => arrival.fate === fate).length;
    expect(fates('left')).toBeGreaterThan(2);
    expect(fates('no-show')).toBe(7);
    const replayed = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded' }));
    expect(replayed.simulated).toEqual(replayed.actual);
    expect(replayed.actual.served).toBe(70 - fates('left') - 7);
    // Those who left leave at their time if still waiting (who stayed is not known to have left later):
    // with more windows some are served before they go; nobody is counted unserved for leaving.
    const more = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded', staffing: ['w1', 'w2', 'w4'].map((windowId) => ({ windowId, from: '09:00', to: '13:30' })) }));
    expect(more.simulated.served).toBeGreaterThan(replayed.actual.served);
    expect(more.simulated.unserved).toBe(0);
    expect(more.simulated.meanWaitMinutes).toBeLessThan(replayed.actual.meanWaitMinutes);
  });

  it('reads a pause as the window being away, and a window open over midnight from the day\'s start', () => {
    const day = MONDAY;
    const founded = foundHall(config, ADMIN, at('2026-03-01', '22:00'));
    let state: HallState = founded.state;
    const events: HallEvent[] = [...founded.events];
    const ids = new CountingIds();
    const run = (hhmm: string, command: Parameters<typeof execute>[1], on = day) => {
      const outcome = execute(state, command, ADMIN, { now: at(on, hhmm), ids });
      if (!outcome.ok) throw new Error(`${command.type}: ${outcome.error.code}`);
      state = outcome.state;
      events.push(...outcome.events);
    };
    run('23:00', { type: 'window.open', windowId: 'w4' }, '2026-03-01');
    run('09:00', { type: 'window.open', windowId: 'w1' });
    run('10:00', { type: 'window.pause', windowId: 'w1', reason: 'lunch' });
    run('10:30', { type: 'window.resume', windowId: 'w1' });
    run('12:00', { type: 'window.close', windowId: 'w1' });
    run('08:00', { type: 'window.close', windowId: 'w4' }, day);
    const record = readDay(events, span(config, day));
    expect(record.staffing).toEqual([
      { windowId: 'w4', from: span(config, day).start, to: at(day, '08:00') },
      { windowId: 'w1', from: at(day, '09:00'), to: at(day, '10:00') },
      { windowId: 'w1', from: at(day, '10:30'), to: at(day, '12:00') },
    ]);
  });

  it('with drawn service times lands within the stated tolerance on 30 scripted mornings, the same for the same seed', async () => {
    let measured = 0;
    let replayed = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const events = await recordDay(config, MONDAY, morning(MONDAY, seed), shifts(MONDAY));
      const result = simulate(job(config, MONDAY, events, { serviceTimes: 'drawn', seed }));
      expect(result.serviceTimeSources).toEqual({ 'svc-a': 'day', 'svc-b': 'day' });
      const error = result.replayError!;
      expect(error.measuredMeanWaitMinutes).toBe(result.actual.meanWaitMinutes);
      expect(error.meanWaitMinutes).toBe(result.simulated.meanWaitMinutes);
      expect(Math.abs(error.meanWaitMinutes - error.measuredMeanWaitMinutes)).toBeLessThanOrEqual(DRAWN_TOLERANCE.eachDayMinutes);
      measured += error.measuredMeanWaitMinutes;
      replayed += error.meanWaitMinutes;
      if (seed <= 3) expect(simulate(job(config, MONDAY, events, { serviceTimes: 'drawn', seed })).simulated).toEqual(result.simulated);
    }
    expect(Math.abs(replayed - measured) / measured).toBeLessThanOrEqual(DRAWN_TOLERANCE.overDaysShare);
  });

  it('with one window fewer gives longer waits, and says how far the replay of the real day is off', async () => {
    const events = await recordDay(config, MONDAY, morning(MONDAY, 7), shifts(MONDAY));
    const fewer = [
      { windowId: 'w1', from: '09:00', to: '13:30' },
      { windowId: 'w2', from: '09:00', to: '13:30' },
    ];
    for (const mode of ['recorded', 'drawn'] as const) {
      const result = simulate(job(config, MONDAY, events, { serviceTimes: mode, staffing: fewer }));
      expect(result.simulated.meanWaitMinutes).toBeGreaterThan(result.actual.meanWaitMinutes);
      expect(result.simulated.p90WaitMinutes).toBeGreaterThan(result.actual.p90WaitMinutes);
      expect(result.replayError).toBeDefined();
      if (mode === 'recorded') expect(result.replayError!.meanErrorPercent).toBe(0);
      expect(result.windows.find((window) => window.windowId === 'w4')!.simulated).toBeNull();
      expect(result.hours.find((hour) => hour.hour === 10)!.simulated.openWindows).toBe(2);
      expect(result.hours.find((hour) => hour.hour === 10)!.actual.openWindows).toBe(3);
    }
  });

  it('applies the policy: a window no longer serving a service leaves its tickets to the others', async () => {
    const events = await recordDay(config, MONDAY, morning(MONDAY, 7), shifts(MONDAY));
    // Only 2号 serves 社保 (svc-a) and only 1号 and 4号 医保: 社保 waits far longer.
    const policy = {
      windows: [
        { windowId: 'w1', services: [{ serviceId: 'svc-b', tier: 1 }] },
        { windowId: 'w2', services: [{ serviceId: 'svc-a', tier: 1 }] },
        { windowId: 'w4', services: [{ serviceId: 'svc-b', tier: 1 }] },
      ],
    };
    const result = simulate(job(config, MONDAY, events, { serviceTimes: 'recorded', policy }));
    expect(result.simulated.maxWaitMinutes).toBeGreaterThan(result.actual.maxWaitMinutes);
    expect(result.simulated.overLimit).toBeGreaterThan(result.actual.overLimit);
    // The day as staffed, under its own rules, is still the check.
    expect(result.replayError!.meanErrorPercent).toBe(0);
  });

  it("draws from the month's times when the day has too few, and from the norm when the month has none", async () => {
    const few = morning(MONDAY, 5, 4);
    const events = await recordDay(config, MONDAY, few, shifts(MONDAY));
    const normed = simulate(job(config, MONDAY, events));
    expect(normed.serviceTimeSources).toEqual({ 'svc-a': 'norm', 'svc-b': 'norm' });
    const monthSamples = { 'svc-a': [{ walkupMs: 0, serviceMs: 4 * MINUTE }] };
    const monthly = simulate({ ...job(config, MONDAY, events), monthSamples });
    expect(monthly.serviceTimeSources).toEqual({ 'svc-a': 'month', 'svc-b': 'norm' });
  });
});

describe('排班模拟: the suggestion', () => {
  const history = async (days: string[], count: (day: string) => number) =>
    Promise.all(
      days.map(async (day, index) => ({ day, span: span(config, day), events: await recordDay(config, day, morning(day, 100 + index, count(day)), shifts(day)) })),
    );

  it('finds per half hour the fewest windows keeping p90 under the limit on each scripted past Monday', async () => {
    const mondays = ['2026-03-23', '2026-03-16', '2026-03-09', '2026-03-02'];
    const past = await history(mondays, () => 40);
    const result = suggest({ config, day: '2026-03-30', marketDay: false, p90LimitMinutes: 15, history: past });
    expect(result.basedOn).toEqual(mondays);
    expect(result.check).toHaveLength(4);
    for (const check of result.check) expect(check.p90WaitMinutes).toBeLessThanOrEqual(15);
    expect(result.slots[0]!.from).toBe('09:00');
    // Not simply every window all day: some half hour does with fewer than the three that serve 社保 and 医保.
    expect(result.slots.some((slot) => slot.windows < 3)).toBe(true);
    expect(result.slots.some((slot) => slot.windows > 0)).toBe(true);
    for (const slot of result.slots) expect(slot.windowIds).toHaveLength(slot.windows);
    // A tighter limit needs at least as many windows in every half hour.
    const tight = suggest({ config, day: '2026-03-30', marketDay: false, p90LimitMinutes: 5, history: past });
    const total = (slots: typeof result.slots) => slots.reduce((sum, slot) => sum + slot.windows, 0);
    expect(total(tight.slots)).toBeGreaterThan(total(result.slots));
    for (const check of tight.check) expect(check.p90WaitMinutes).toBeLessThanOrEqual(5);
    // The staffing, replayed on a past day through /simulations' own path, keeps the limit there too.
    const replayed = simulate(job(config, mondays[0]!, past[0]!.events, { serviceTimes: 'recorded', staffing: result.staffing }));
    expect(replayed.simulated.p90WaitMinutes).toBeLessThanOrEqual(15);
    expect(replayed.simulated.p90WaitMinutes).toBe(result.check[0]!.p90WaitMinutes);
  });

  it('never opens a window that serves nothing that has arrived, even where the limit cannot be met', async () => {
    const mondays = ['2026-03-23', '2026-03-16'];
    const past = await history(mondays, () => 70);
    // A one-minute p90 cannot be met with 70 people a morning: every useful window is opened, and no more.
    const result = suggest({ config, day: '2026-03-30', marketDay: false, p90LimitMinutes: 1, history: past });
    const opened = new Set(result.slots.flatMap((slot) => slot.windowIds));
    // w3 serves only svc-c, which nobody took.
    expect(opened.has('w3')).toBe(false);
    expect(opened).toEqual(new Set(['w1', 'w2', 'w4']));
    expect(Math.max(...result.slots.map((slot) => slot.windows))).toBe(3);
    expect(result.staffing.some((shift) => shift.windowId === 'w3')).toBe(false);
  });

  it('learns a market day (逢场天) from past market days, with their crowd', async () => {
    const market = testHallConfig({ marketDays: { lastDigits: [2, 5, 8] } });
    expect(isMarketDay(market, '2026-03-12')).toBe(true);
    expect(isMarketDay(market, '2026-03-13')).toBe(false);
    const found = await historyDays(market, '2026-03-12', '2026-03-11', 3, async (day) => day !== '2026-03-05');
    // 03-08 is a Sunday, but a market day all the same; 03-05 had no tickets.
    expect(found).toEqual(['2026-03-08', '2026-03-02', '2026-02-28']);
    const plain = await historyDays(market, '2026-03-11', '2026-03-11', 2, async () => true);
    // A Wednesday that is no market day learns from Wednesdays that were none either (02-25 and 02-18 were: skipped).
    expect(plain).toEqual(['2026-03-04', '2026-02-11']);

    const busy = await history(found, () => 70);
    const quiet = await history(plain, () => 25);
    const onMarket = suggest({ config: market, day: '2026-03-12', marketDay: true, p90LimitMinutes: 15, history: busy });
    const onQuiet = suggest({ config: market, day: '2026-03-11', marketDay: false, p90LimitMinutes: 15, history: quiet });
    expect(onMarket.marketDay).toBe(true);
    for (const check of onMarket.check) expect(check.p90WaitMinutes).toBeLessThanOrEqual(15);
    const peak = (slots: typeof onMarket.slots) => Math.max(...slots.map((slot) => slot.windows));
    expect(peak(onMarket.slots)).toBeGreaterThan(peak(onQuiet.slots));
  });
});
