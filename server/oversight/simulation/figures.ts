import { localTime } from '../../domain/time.js';
import type { HourFigures, WaitFigures, WindowBusy } from '../../protocol/simulation.js';
import { nearestRank } from '../../stats/summary.js';
import type { Arrival, OpenInterval } from './dayRecord.js';

const HOUR = 3_600_000;

/** What happened to the arrivals in a day or in one replay of it. */
export interface DayOutcome {
  waits: ReadonlyMap<string, number>;
  served: number;
  /** Arrivals that left before a call (cancelled): neither waited out nor unserved. */
  left: ReadonlySet<string>;
}

const minutes = (seconds: number): number => Math.round((seconds / 60) * 100) / 100;

function meanAndP90(seconds: number[]): { mean: number; p90: number; max: number } {
  if (seconds.length === 0) return { mean: 0, p90: 0, max: 0 };
  const sorted = [...seconds].sort((a, b) => a - b);
  return { mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length, p90: nearestRank(sorted, 0.9) ?? 0, max: sorted.at(-1)! };
}

/** Mean, p90 (nearest rank, as the reports) and longest wait of the called tickets; over the hall's limit; never called. */
export function waitFigures(arrivals: readonly Arrival[], outcome: DayOutcome, maxWaitMinutes: number): WaitFigures {
  const seconds = arrivals.flatMap((arrival) => (outcome.waits.has(arrival.id) ? [outcome.waits.get(arrival.id)!] : []));
  const { mean, p90, max } = meanAndP90(seconds);
  const unserved = arrivals.filter((arrival) => !outcome.waits.has(arrival.id) && !outcome.left.has(arrival.id)).length;
  return {
    meanWaitMinutes: minutes(mean),
    p90WaitMinutes: minutes(p90),
    maxWaitMinutes: minutes(max),
    served: outcome.served,
    overLimit: seconds.filter((wait) => wait > maxWaitMinutes * 60).length,
    unserved,
  };
}

/** Windows open at once, on average over [from, to). */
function openWindows(staffing: readonly OpenInterval[], from: number, to: number): number {
  let ms = 0;
  for (const interval of staffing) ms += Math.max(0, Math.min(interval.to, to) - Math.max(interval.from, from));
  return Math.round((ms / (to - from)) * 10) / 10;
}

/** Per hall-local hour of issue: arrivals, their waits, the windows open; hours with neither arrivals nor open windows are left out. */
export function hourFigures(
  arrivals: readonly Arrival[],
  timeZone: string,
  dayStart: number,
  actual: { outcome: DayOutcome; staffing: readonly OpenInterval[] },
  simulated: { outcome: DayOutcome; staffing: readonly OpenInterval[] },
): HourFigures[] {
  const byHour = new Map<number, Arrival[]>();
  for (const arrival of arrivals) {
    const hour = Math.floor(localTime(arrival.issuedAt, timeZone).minutes / 60);
    const list = byHour.get(hour);
    if (list) list.push(arrival);
    else byHour.set(hour, [arrival]);
  }
  const hours: HourFigures[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const from = dayStart + hour * HOUR;
    const those = byHour.get(hour) ?? [];
    const side = (figures: { outcome: DayOutcome; staffing: readonly OpenInterval[] }) => {
      const waits = meanAndP90(those.flatMap((arrival) => (figures.outcome.waits.has(arrival.id) ? [figures.outcome.waits.get(arrival.id)!] : [])));
      return { meanWaitMinutes: minutes(waits.mean), p90WaitMinutes: minutes(waits.p90), openWindows: openWindows(figures.staffing, from, from + HOUR) };
    };
    const row = { hour, arrivals: those.length, actual: side(actual), simulated: side(simulated) };
    if (row.arrivals > 0 || row.actual.openWindows > 0 || row.simulated.openWindows > 0) hours.push(row);
  }
  return hours;
}

/** Share of each window's open time spent holding a ticket (first call → its end); null when it was not open. */
export function windowBusy(
  windowIds: readonly string[],
  actual: { busyMs: ReadonlyMap<string, number>; staffing: readonly OpenInterval[] },
  simulated: { busyMs: ReadonlyMap<string, number>; staffing: readonly OpenInterval[] },
): WindowBusy[] {
  const share = (windowId: string, side: typeof actual): number | null => {
    const openMs = side.staffing.filter((interval) => interval.windowId === windowId).reduce((sum, interval) => sum + interval.to - interval.from, 0);
    if (openMs === 0) return null;
    return Math.round(Math.min(1, (side.busyMs.get(windowId) ?? 0) / openMs) * 1000) / 1000;
  };
  return windowIds.map((windowId) => ({ windowId, actual: share(windowId, actual), simulated: share(windowId, simulated) }));
}
