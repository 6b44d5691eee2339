import { addDays, localMidnight } from '../../stats/days.js';
import { dayOf } from './collector.js';

/** The local midnight that ends the day `at` falls on. */
export function endOfDay(at: number, timeZone: string): number {
  return localMidnight(addDays(dayOf(at, timeZone), 1), timeZone);
}

/** [from, to) cut at local midnights, each piece with its day. */
export function splitByDay(from: number, to: number, timeZone: string): { day: string; start: number; end: number }[] {
  const pieces: { day: string; start: number; end: number }[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, endOfDay(start, timeZone));
    pieces.push({ day: dayOf(start, timeZone), start, end });
    start = end;
  }
  return pieces;
}
