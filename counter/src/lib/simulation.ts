import type { HallConfig, WindowConfig, WindowServiceLink } from '../../../server/protocol/model.js';
import type { HourFigures, SimulationPolicy, SimulationResult, StaffingShift } from '../../../server/protocol/simulation.js';

/**
 * Pure helpers of the page 「排班模拟」: the staffing grid (windows × half
 * hours) and its conversion to and from the StaffingShift[] of the API, the
 * policy overrides, and the days the pickers start on. The figures are the
 * server's (server/oversight/simulation); the page only shows them.
 */

export const SLOT_MINUTES = 30;
const DAY_MS = 86_400_000;

/** "09:30" → 570; "24:00" → 1440. */
export function toMinutes(hhmm: string): number {
  const [hours, mins] = hhmm.split(':').map(Number) as [number, number];
  return hours * 60 + mins;
}

/** 570 → "09:30"; 1440 → "24:00" (the API's end of day). */
export function toHhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The half hours the grid shows: [startMinute, endMinute), both on half-hour marks. */
export interface GridSpan {
  start: number;
  end: number;
}

export function slotStarts(span: GridSpan): number[] {
  const starts: number[] = [];
  for (let minute = span.start; minute < span.end; minute += SLOT_MINUTES) starts.push(minute);
  return starts;
}

/** Which windows are open in which half hour: windowId → one flag per slot of the span. */
export type StaffingGrid = Record<string, boolean[]>;

/** A day's weekday, 1 = Monday … 7 = Sunday (the IssuingPeriod convention). */
export function weekdayOf(day: string): number {
  const sunday0 = new Date(Date.parse(`${day}T00:00:00Z`)).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The hours the grid covers: the services' issuing hours on that weekday, the hours staffed (actually or as
 * suggested) and the hours tickets arrived in, widened to half-hour marks; 08:00–18:00 when nothing tells.
 */
export function gridSpan(config: HallConfig, day: string, staffing: StaffingShift[], hours: HourFigures[] = []): GridSpan {
  const weekday = weekdayOf(day);
  const ranges: Array<[number, number]> = [];
  for (const service of config.services) {
    if (!service.enabled) continue;
    for (const period of service.issuingHours) if (period.days.includes(weekday)) ranges.push([toMinutes(period.from), toMinutes(period.to)]);
  }
  for (const shift of staffing) ranges.push([toMinutes(shift.from), toMinutes(shift.to)]);
  for (const hour of hours) if (hour.arrivals > 0) ranges.push([hour.hour * 60, hour.hour * 60 + 60]);
  if (ranges.length === 0) return { start: 8 * 60, end: 18 * 60 };
  const start = Math.min(...ranges.map(([from]) => from));
  const end = Math.max(...ranges.map(([, to]) => to));
  return { start: Math.floor(start / SLOT_MINUTES) * SLOT_MINUTES, end: Math.min(1440, Math.ceil(end / SLOT_MINUTES) * SLOT_MINUTES) };
}

/**
 * Shifts onto the grid. A window counts as open in a half hour when its shifts cover at least half of it:
 * real days open at 09:03 and close at 11:47, the grid has half-hour steps.
 */
export function gridFromStaffing(windows: WindowConfig[], span: GridSpan, staffing: StaffingShift[]): StaffingGrid {
  const grid: StaffingGrid = {};
  for (const window of windows) {
    const shifts = staffing.filter((shift) => shift.windowId === window.id).map((shift) => [toMinutes(shift.from), toMinutes(shift.to)] as const);
    grid[window.id] = slotStarts(span).map((slot) => {
      const covered = shifts.reduce((sum, [from, to]) => sum + Math.max(0, Math.min(to, slot + SLOT_MINUTES) - Math.max(from, slot)), 0);
      return covered * 2 >= SLOT_MINUTES;
    });
  }
  return grid;
}

/** The grid as the API's shifts: each run of open half hours one shift, windows in the config's order. */
export function staffingFromGrid(windows: WindowConfig[], span: GridSpan, grid: StaffingGrid): StaffingShift[] {
  const starts = slotStarts(span);
  const shifts: StaffingShift[] = [];
  for (const window of windows) {
    const flags = grid[window.id] ?? [];
    let runStart: number | null = null;
    starts.forEach((slot, index) => {
      if (flags[index] && runStart === null) runStart = slot;
      const closes = !flags[index] || index === starts.length - 1;
      if (runStart !== null && closes) {
        const end = flags[index] ? slot + SLOT_MINUTES : slot;
        shifts.push({ windowId: window.id, from: toHhmm(runStart), to: toHhmm(end) });
        runStart = null;
      }
    });
  }
  return shifts;
}

/** Every window open in every half hour. */
export function allOpen(windows: WindowConfig[], span: GridSpan): StaffingGrid {
  return Object.fromEntries(windows.map((window) => [window.id, slotStarts(span).map(() => true)]));
}

/**
 * One window fewer in every half hour that has more than one open: the highest-numbered open window closes
 * there (the last one the hall would staff), so the hall is never left with none.
 */
export function oneFewer(windows: WindowConfig[], grid: StaffingGrid): StaffingGrid {
  const next: StaffingGrid = Object.fromEntries(Object.entries(grid).map(([id, flags]) => [id, [...flags]]));
  const byNumberDesc = [...windows].sort((a, b) => b.number - a.number);
  const slots = Math.max(0, ...Object.values(grid).map((flags) => flags.length));
  for (let index = 0; index < slots; index++) {
    const open = byNumberDesc.filter((window) => next[window.id]?.[index]);
    if (open.length > 1) next[open[0]!.id]![index] = false;
  }
  return next;
}

export function openCount(grid: StaffingGrid, index: number): number {
  return Object.values(grid).filter((flags) => flags[index]).length;
}

export function sameGrid(a: StaffingGrid, b: StaffingGrid): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => JSON.stringify(a[key] ?? []) === JSON.stringify(b[key] ?? []));
}

/** Per-window service links, as edited on the page (a copy of the configuration's to start with). */
export type WindowLinks = Record<string, WindowServiceLink[]>;

export function linksOf(config: HallConfig): WindowLinks {
  return Object.fromEntries(config.windows.map((window) => [window.id, window.services.map((link) => ({ ...link }))]));
}

function sameLinks(a: WindowServiceLink[], b: WindowServiceLink[]): boolean {
  const key = (links: WindowServiceLink[]) => JSON.stringify([...links].sort((x, y) => x.serviceId.localeCompare(y.serviceId)));
  return key(a) === key(b);
}

/** The policy to send: only what differs from the hall's configuration (absent when nothing does). */
export function policyOverrides(config: HallConfig, edited: { links: WindowLinks; priorityStreakCap: number; boostAfterMinutes: number | null }): SimulationPolicy | undefined {
  const policy: SimulationPolicy = {};
  const windows = config.windows
    .filter((window) => !sameLinks(window.services, edited.links[window.id] ?? []))
    .map((window) => ({ windowId: window.id, services: edited.links[window.id] ?? [] }));
  if (windows.length > 0) policy.windows = windows;
  if (edited.priorityStreakCap !== config.policy.priorityStreakCap) policy.priorityStreakCap = edited.priorityStreakCap;
  if (edited.boostAfterMinutes !== config.policy.boostAfterMinutes) policy.boostAfterMinutes = edited.boostAfterMinutes;
  return Object.keys(policy).length > 0 ? policy : undefined;
}

/**
 * The line shown next to every result: the replay of the day as it was staffed against what was measured.
 * Without `replayError` the request was that replay itself (actual staffing, recorded times).
 */
export function replayCheck(result: SimulationResult): { replayed: number; measured: number; errorPercent: number } {
  if (result.replayError) {
    return { replayed: result.replayError.meanWaitMinutes, measured: result.replayError.measuredMeanWaitMinutes, errorPercent: result.replayError.meanErrorPercent };
  }
  const replayed = result.simulated.meanWaitMinutes;
  const measured = result.actual.meanWaitMinutes;
  return { replayed, measured, errorPercent: measured === 0 ? (replayed === 0 ? 0 : 100) : (Math.abs(replayed - measured) / measured) * 100 };
}

/** Minutes with one decimal, as the page shows every wait. */
export function oneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** A share 0–1 as a percentage, or a dash for a window that was not open. */
export function share(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

/**
 * The day as it was staffed, from the answer to a run without `staffing`: the server's own shifts when the
 * answer carries them; otherwise, per hour, as many windows as were open then (those open at all that day,
 * lowest numbers first) — the hour's count is what the replay used, the windows' names are a guess.
 */
export function actualStaffingOf(result: SimulationResult, windows: WindowConfig[]): StaffingShift[] {
  if (result.actualStaffing) return result.actualStaffing;
  const openThatDay = new Set(result.windows.filter((busy) => busy.actual !== null).map((busy) => busy.windowId));
  const candidates = [...windows].filter((window) => openThatDay.has(window.id)).sort((a, b) => a.number - b.number);
  const shifts: StaffingShift[] = [];
  for (const hour of result.hours) {
    for (const window of candidates.slice(0, hour.actual.openWindows)) {
      const last = shifts.findLast((shift) => shift.windowId === window.id);
      if (last && last.to === toHhmm(hour.hour * 60)) last.to = toHhmm(hour.hour * 60 + 60);
      else shifts.push({ windowId: window.id, from: toHhmm(hour.hour * 60), to: toHhmm(hour.hour * 60 + 60) });
    }
  }
  return shifts;
}
