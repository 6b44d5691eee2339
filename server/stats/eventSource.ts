import type { EventType, HallEvent } from '../protocol/events.js';
import type { HallStore } from '../store/port.js';

/** Events read per store call: large enough to keep the calls few, small enough to keep one page's JSON parse short. */
export const PAGE_SIZE = 5_000;

/**
 * How long after a range its tickets may still change: finished after
 * midnight, rated within the evaluation minutes, or expired at a roll-over
 * that waited for the server to come back. Later changes are not read; such
 * a ticket stays `unfinished` in the report.
 */
export const TRAILING_MS = 7 * 86_400_000;

/** Event types no figure reads: skipped while paging, so a long range holds less in memory. */
const UNUSED: ReadonlySet<EventType> = new Set<EventType>([
  'ticket:recalled',
  'ticket:started',
  'appointment:created',
  'announcement:posted',
  'announcement:removed',
  'hall:day-started',
]);

/** The first seq whose event is at or after `start`, found by bisection (`at` grows with `seq`): O(log n) one-event reads. */
async function firstSeqFrom(halls: HallStore, hallId: string, lastSeq: number, start: number): Promise<number> {
  let before = 0;
  let high = lastSeq;
  while (before < high) {
    const probe = Math.ceil((before + high) / 2);
    const [event] = await halls.eventsSince(hallId, probe - 1, 1);
    if (event && event.at < start) before = Math.min(event.seq, high);
    else high = probe - 1;
  }
  return before;
}

/**
 * The events a report over [start, end) needs, in seq order: from the first
 * event at `start` to `end` plus the trailing week, or the end of the log.
 *
 * Cost: the store has no index on time, so finding `start` takes about
 * log2(events) single-event reads; then every event of the range is read in
 * pages of PAGE_SIZE and kept in memory (without the per-event waiting
 * counts, which no figure reads), roughly 0.5 KB each — a year of a busy
 * county hall is a few hundred MB, hence the API's 366-day limit.
 */
export async function readRangeEvents(halls: HallStore, hallId: string, lastSeq: number, span: { start: number; end: number }): Promise<HallEvent[]> {
  const stopAt = span.end + TRAILING_MS;
  const kept: HallEvent[] = [];
  let after = await firstSeqFrom(halls, hallId, lastSeq, span.start);
  for (;;) {
    const page = await halls.eventsSince(hallId, after, PAGE_SIZE);
    for (const event of page) {
      if (event.at >= stopAt) return kept;
      if (UNUSED.has(event.type)) continue;
      if ('waiting' in event) {
        const { waiting: _unused, ...slim } = event;
        kept.push(slim as HallEvent);
      } else kept.push(event);
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return kept;
    after = last.seq;
  }
}
