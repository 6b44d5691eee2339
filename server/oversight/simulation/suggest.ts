import type { HallEvent } from '../../protocol/events.js';
import type { HallConfig } from '../../protocol/model.js';
import type { StaffingShift, SuggestionResult, SuggestionSlot } from '../../protocol/simulation.js';
import { localTime } from '../../domain/time.js';
import { nearestRank } from '../../stats/summary.js';
import { type DayRecord, type OpenInterval, readDay } from './dayRecord.js';
import { waitFigures } from './figures.js';
import { replayDay } from './replay.js';
import { serviceTimes } from './serviceTimes.js';
import { replayConfig } from './staffing.js';

const MINUTE = 60_000;
const SLOT_MINUTES = 30;
/** Rounds of "one window more where the limit is still missed" after the greedy pass. */
const MAX_REPAIRS = 200;

export interface SuggestionJob {
  config: HallConfig;
  day: string;
  marketDay: boolean;
  p90LimitMinutes: number;
  /** The past days to learn from, each with its events. */
  history: { day: string; span: { start: number; end: number }; events: HallEvent[] }[];
}

interface Learnt {
  day: string;
  dayStart: number;
  record: DayRecord;
  holdOf: Parameters<typeof replayDay>[0]['holdOf'];
}

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The smallest staffing per half hour that keeps the p90 wait of the tickets arriving in every half hour
 * under the limit on each past day (so the day's p90 is under it too: a union's nearest-rank p90 is at
 * most its parts' largest). Greedy in time order — each half hour gets the fewest windows that serve its
 * arrivals in time while every later half hour has all windows (searched from the half hour before's count) — then, replaying the whole days, one
 * window more wherever a half hour still misses (the later half hours got fewer than assumed).
 * Each past day is replayed with its own recorded service times, through the same loop as /simulations.
 */
export function suggest(job: SuggestionJob): SuggestionResult {
  const config = replayConfig(job.config, undefined);
  const learnt: Learnt[] = job.history.map((past) => {
    const record = readDay(past.events, past.span);
    const times = serviceTimes(job.config, record.arrivals, record.samples, {}, 'recorded', 1);
    return { day: past.day, dayStart: past.span.start, record, holdOf: times.holdOf };
  });
  const minuteOf = (at: number) => localTime(at, config.timeZone).minutes;
  const arrivalMinutes = learnt.flatMap((past) => past.record.arrivals.map((arrival) => minuteOf(arrival.issuedAt)));
  const closeMinutes = learnt.flatMap((past) => past.record.staffing.map((interval) => Math.round((interval.to - past.dayStart) / MINUTE)));
  const first = Math.floor(Math.min(...arrivalMinutes, 24 * 60 - SLOT_MINUTES) / SLOT_MINUTES) * SLOT_MINUTES;
  const last = Math.min(24 * 60, Math.max(first + SLOT_MINUTES, Math.ceil(Math.max(...arrivalMinutes, ...closeMinutes, 0) / SLOT_MINUTES + 0.0001) * SLOT_MINUTES));
  const slots: { from: number; to: number }[] = [];
  for (let from = first; from < last; from += SLOT_MINUTES) slots.push({ from, to: from + SLOT_MINUTES });
  const slotOf = (minutes: number) => Math.min(slots.length - 1, Math.max(0, Math.floor((minutes - first) / SLOT_MINUTES)));

  // Per half hour, windows in the order they are opened: those serving most of its arrivals first, then those
  // serving what arrived earlier (a backlog). A window serving nothing that has arrived by then cannot shorten a
  // wait: it is never opened (it would only pad a half hour whose limit cannot be met — a service few windows
  // serve — up to every window in the hall).
  const serving = config.windows.filter((window) => window.services.length > 0);
  const seen = new Set<string>();
  const useful: number[] = [];
  const ranking = slots.map((_slot, index) => {
    const demand = new Map<string, number>();
    for (const past of learnt) {
      for (const arrival of past.record.arrivals) {
        if (slotOf(minuteOf(arrival.issuedAt)) === index) demand.set(arrival.serviceId, (demand.get(arrival.serviceId) ?? 0) + 1);
      }
    }
    for (const serviceId of demand.keys()) seen.add(serviceId);
    const served = (windowIndex: number) => serving[windowIndex]!.services.reduce((sum, link) => sum + (demand.get(link.serviceId) ?? 0), 0);
    const backlog = (windowIndex: number) => (serving[windowIndex]!.services.some((link) => seen.has(link.serviceId)) ? 1 : 0);
    useful.push(serving.filter((_window, windowIndex) => backlog(windowIndex) === 1).length);
    return serving
      .map((_window, windowIndex) => windowIndex)
      .sort((a, b) => served(b) - served(a) || backlog(b) - backlog(a) || a - b)
      .map((windowIndex) => serving[windowIndex]!.id);
  });

  const shiftsOf = (counts: readonly number[]): StaffingShift[] => {
    const shifts: StaffingShift[] = [];
    for (const window of serving) {
      let from: number | undefined;
      slots.forEach((slot, index) => {
        const open = ranking[index]!.slice(0, counts[index]).includes(window.id);
        if (open && from === undefined) from = slot.from;
        if (!open && from !== undefined) {
          shifts.push({ windowId: window.id, from: hhmm(from), to: hhmm(slot.from) });
          from = undefined;
        }
      });
      if (from !== undefined) shifts.push({ windowId: window.id, from: hhmm(from), to: hhmm(slots.at(-1)!.to) });
    }
    return shifts;
  };
  const intervalsFor = (shifts: readonly StaffingShift[], dayStart: number): OpenInterval[] =>
    shifts.map((shift) => ({ windowId: shift.windowId, from: dayStart + toMinutes(shift.from) * MINUTE, to: dayStart + toMinutes(shift.to) * MINUTE }));
  const replayPast = (past: Learnt, counts: readonly number[], until?: number) => {
    const arrivals = until === undefined ? past.record.arrivals : past.record.arrivals.filter((arrival) => minuteOf(arrival.issuedAt) < until);
    return { arrivals, outcome: replayDay({ config, dayStart: past.dayStart, arrivals, staffing: intervalsFor(shiftsOf(counts), past.dayStart), holdOf: past.holdOf, stopWhenAllCalled: true }) };
  };
  /** The worst p90 (seconds) per half hour over the past days; a ticket never called counts as waiting for ever. */
  const slotP90s = (counts: readonly number[], until?: number): number[] => {
    const worst = slots.map(() => 0);
    for (const past of learnt) {
      const { arrivals, outcome } = replayPast(past, counts, until);
      const bySlot = slots.map((): number[] => []);
      for (const arrival of arrivals) {
        if (outcome.left.has(arrival.id)) continue;
        bySlot[slotOf(minuteOf(arrival.issuedAt))]!.push(outcome.waits.get(arrival.id) ?? Number.POSITIVE_INFINITY);
      }
      bySlot.forEach((waits, index) => {
        const p90 = nearestRank(waits.sort((a, b) => a - b), 0.9) ?? 0;
        worst[index] = Math.max(worst[index]!, p90);
      });
    }
    return worst;
  };
  const limit = job.p90LimitMinutes * 60;

  const counts = slots.map((_slot, index) => useful[index]!);
  slots.forEach((slot, index) => {
    const known = new Map<number, boolean>();
    const meets = (windows: number): boolean => {
      if (!known.has(windows)) {
        const trial = [...counts];
        trial[index] = windows;
        known.set(windows, slotP90s(trial, slot.to)[index]! <= limit);
      }
      return known.get(windows)!;
    };
    // From the half hour before (staffing moves by a window or two between half hours): a few replays, not a search over all.
    let windows = index === 0 ? 0 : counts[index - 1]!;
    if (meets(windows)) {
      while (windows > 0 && meets(windows - 1)) windows -= 1;
    } else {
      do windows += 1;
      while (windows < useful[index]! && !meets(windows));
    }
    counts[index] = Math.min(useful[index]!, windows);
  });
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const missed = slotP90s(counts).findIndex((p90) => p90 > limit);
    if (missed < 0) break;
    // The half hour itself, or when it is full the latest one before it that is not.
    let bump = missed;
    while (bump >= 0 && counts[bump]! >= useful[bump]!) bump -= 1;
    if (bump < 0) break;
    counts[bump]! += 1;
  }

  const staffing = shiftsOf(counts);
  const check = learnt.map((past) => {
    const { arrivals, outcome } = replayPast(past, counts);
    const figures = waitFigures(arrivals, { waits: outcome.waits, served: outcome.served.size, left: outcome.left }, job.config.maxWaitMinutes);
    return { day: past.day, p90WaitMinutes: figures.p90WaitMinutes, meanWaitMinutes: figures.meanWaitMinutes };
  });
  const suggested: SuggestionSlot[] = slots.map((slot, index) => ({
    from: hhmm(slot.from),
    to: hhmm(slot.to),
    windows: counts[index]!,
    windowIds: ranking[index]!.slice(0, counts[index]),
  }));
  return { day: job.day, basedOn: learnt.map((past) => past.day), marketDay: job.marketDay, p90LimitMinutes: job.p90LimitMinutes, slots: suggested, check, staffing };
}

function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
}
