import type { HallConfig } from '../../../server/protocol/model.js';

/**
 * The holiday calendar of /admin: a month as weeks of dates, and the marking
 * of a date as 法定节假日 (no working day) or 调休上班日 (a weekend worked).
 * Dates are the configuration's own YYYY-MM-DD strings, in the hall's days,
 * so nothing here depends on the browser's time zone.
 */

export type DayMark = 'holiday' | 'workday';

export interface CalendarDay {
  date: string;
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The weeks of a month (1–12), Monday first; null for the days of the months around it. */
export function monthWeeks(year: number, month: number): Array<Array<CalendarDay | null>> {
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const firstWeekday = ((new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7) + 1;
  const cells: Array<CalendarDay | null> = Array.from({ length: firstWeekday - 1 }, () => null);
  for (let day = 1; day <= length; day++) cells.push({ date: isoDate(year, month, day), day, weekday: ((firstWeekday - 1 + day - 1) % 7) + 1 });
  while (cells.length % 7 !== 0) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, week) => cells.slice(week * 7, week * 7 + 7));
}

export function markOf(config: Pick<HallConfig, 'holidays' | 'makeUpWorkdays'>, date: string): DayMark | null {
  if (config.holidays?.includes(date)) return 'holiday';
  if (config.makeUpWorkdays?.includes(date)) return 'workday';
  return null;
}

/** Marks a date as `mark`, or clears it when it already is; a date is never both. */
export function toggleMark(config: Pick<HallConfig, 'holidays' | 'makeUpWorkdays'>, date: string, mark: DayMark): void {
  const was = markOf(config, date);
  const holidays = (config.holidays ?? []).filter((d) => d !== date);
  const workdays = (config.makeUpWorkdays ?? []).filter((d) => d !== date);
  if (was !== mark) (mark === 'holiday' ? holidays : workdays).push(date);
  // An empty list is left out, as a configuration without holidays has none.
  if (holidays.length > 0) config.holidays = holidays.sort();
  else delete config.holidays;
  if (workdays.length > 0) config.makeUpWorkdays = workdays.sort();
  else delete config.makeUpWorkdays;
}

export function shiftMonth(year: number, month: number, by: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}
