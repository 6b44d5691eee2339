/**
 * Hall-local time is cached per UTC minute (protocol/rules/time.ts): the cache must answer exactly what
 * the time-zone database says, on both sides of a daylight-saving change, at midnight, and for an old
 * offset with seconds, which it must not cache.
 */
import { describe, expect, it } from 'vitest';
import { localTime } from '../../server/protocol/rules/time.js';

function fresh(epochMs: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })
      .formatToParts(new Date(epochMs))
      .map((part) => [part.type, part.value]),
  );
  const weekday = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }[parts.weekday as string];
  return { day: `${parts.year}-${parts.month}-${parts.day}`, weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

describe('localTime', () => {
  it('answers what the time-zone database says, second by second, across a DST change and a midnight', () => {
    const cases: Array<[string, number]> = [
      // Europe/Berlin springs forward at 01:00 UTC on 2026-03-29.
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 0, 58, 0)],
      // Shanghai's midnight is 16:00 UTC.
      ['Asia/Shanghai', Date.UTC(2026, 11, 2, 15, 58, 0)],
      // A half-hour zone.
      ['Asia/Kolkata', Date.UTC(2026, 11, 2, 18, 28, 30)],
    ];
    for (const [zone, from] of cases) {
      for (let t = from; t < from + 4 * 60_000; t += 7_000) expect(localTime(t, zone), `${zone} at ${new Date(t).toISOString()}`).toEqual(fresh(t, zone));
    }
  });

  it('is right for an old offset with seconds (Shanghai local mean time, +8:05:43), which no minute cache can hold', () => {
    const from = Date.UTC(1899, 5, 1, 3, 0, 0);
    for (let t = from; t < from + 3 * 60_000; t += 1_000) expect(localTime(t, 'Asia/Shanghai')).toEqual(fresh(t, 'Asia/Shanghai'));
  });

  it('hands out its own copy: a caller changing the answer does not change the next', () => {
    const t = Date.UTC(2026, 11, 2, 2, 0, 0);
    const first = localTime(t, 'Asia/Shanghai');
    first.minutes = -1;
    expect(localTime(t + 1000, 'Asia/Shanghai')).toEqual(fresh(t, 'Asia/Shanghai'));
  });
});
