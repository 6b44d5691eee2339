/**
 * What the report reads of the log after its range (server/stats/eventSource.ts): ticket events for the
 * hall's rating period (a QR rating or the default may come days later), 差评 case steps for longer.
 */
import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import { CASE_HORIZON_MS, type EventLog, TRAILING_MS, readRangeEvents, trailingMs } from '../../server/stats/eventSource.js';
import { local, testHallConfig } from '../helpers/engineHarness.js';

const DAY = 86_400_000;
const span = { start: local('2026-03-01T00:00'), end: local('2026-04-01T00:00') };

/** A log of one event per given time, as a store answers it (pages of at most `limit` after a seq). */
function logOf(entries: Array<[type: HallEvent['type'], at: number]>): { log: EventLog; events: HallEvent[] } {
  const events = entries.map(([type, at], index) => ({ type, at, seq: index + 1, v: 2, hallId: 'h' }) as unknown as HallEvent);
  const log: EventLog = { eventsSince: async (_hall, after, limit) => events.filter((event) => event.seq > after).slice(0, limit) };
  return { log, events };
}

describe('the events a report reads', () => {
  it("reads ticket events for the hall's rating period after the range, at least a week", () => {
    expect(trailingMs(testHallConfig())).toBe(8 * DAY); // default period 7 days, plus the range's last day
    expect(trailingMs(testHallConfig({ ratings: { periodDays: 3 } }))).toBe(TRAILING_MS);
    expect(trailingMs(testHallConfig({ ratings: { periodDays: 15 } }))).toBe(16 * DAY);
    // The default rating only stretches the read when it is on.
    expect(trailingMs(testHallConfig({ ratings: { defaultAfterDays: 20 } }))).toBe(8 * DAY);
    expect(trailingMs(testHallConfig({ ratings: { defaultLevel: 3, defaultAfterDays: 20 } }))).toBe(21 * DAY);
  });

  it('keeps the rating period, then only case steps up to the horizon', async () => {
    const { log } = logOf([
      ['ticket:issued', local('2026-02-28T10:00')],
      ['ticket:issued', local('2026-03-31T16:00')],
      ['ticket:rated', span.end + 10 * DAY],
      ['ticket:issued', span.end + 30 * DAY],
      ['rating-case:closed', span.end + 30 * DAY],
      ['rating-case:closed', span.end + CASE_HORIZON_MS + DAY],
    ]);
    const read = async (trailing: number) => (await readRangeEvents(log, 'h', 6, span, trailing)).map((event) => event.seq);
    // A 15-day period reads the rating of day 10; the default week does not. Case steps come either way.
    expect(await read(16 * DAY)).toEqual([2, 3, 5]);
    expect(await read(TRAILING_MS)).toEqual([2, 5]);
  });
});
