import { localTime } from '../domain/time.js';

/**
 * Calendar days of a report range. Days are hall-local (YYYY-MM-DD); their
 * arithmetic runs on UTC dates so that it never depends on the server's own
 * time zone.
 */

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the text is a real calendar day: "2026-02-30" is refused, not rolled into March. */
export function isCalendarDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function utcOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return new Date(utcOf(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included (0 or less when `to` is before `from`). */
export function dayCount(from: string, to: string): number {
  return Math.round((utcOf(to) - utcOf(from)) / DAY_MS) + 1;
}

export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * Epoch ms of 00:00 of a local day in a time zone. The zone's offset is read
 * at a first guess and again at the corrected instant, which is exact for
 * every zone whose offset does not change at midnight itself.
 */
export function localMidnight(day: string, timeZone: string): number {
  const utcMidnight = utcOf(day);
  const offsetAt = (instant: number): number => {
    const local = localTime(instant, timeZone);
    return utcOf(local.day) + local.minutes * 60_000 - Math.floor(instant / 60_000) * 60_000;
  };
  const guess = utcMidnight - offsetAt(utcMidnight);
  return utcMidnight - offsetAt(guess);
}
