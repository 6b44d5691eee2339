import type { EventType, HallEvent } from '../protocol/events.js';
import type { HallConfig } from '../protocol/model.js';
import { ratingSettings } from '../protocol/rules/ratings.js';
import type { HallStore } from '../store/port.js';

/** Events read per store call: large enough to keep the calls few, small enough to keep one page's JSON parse short. */
export const PAGE_SIZE = 5_000;

const DAY_MS = 86_400_000;

/** All a report reads of the store. */
export type EventLog = Pick<HallStore, 'eventsSince'>;

/**
 * How long after a range its tickets may still change: finished after
 * midnight, expired at a roll-over that waited for the server to come back,
 * rated by QR code within the hall's rating period, or given the hall's
 * default rating after its days. Later changes are not read; such a ticket
 * stays `unfinished` (or unrated) in the report.
 */
export const TRAILING_MS = 7 * DAY_MS;

export function trailingMs(config: Pick<HallConfig, 'ratings'>): number {
  const settings = ratingSettings(config);
  const ratingDays = Math.max(settings.periodDays, settings.defaultLevel !== null ? settings.defaultAfterDays : 0);
  // One day more than the period: a ticket served late on the range's last day may be rated up to its end.
  return Math.max(TRAILING_MS, (ratingDays + 1) * DAY_MS);
}

/**
 * How long after a range the steps of its 差评 cases are read (verified,
 * fixed, followed up, closed). A case open longer than that is reported as
 * its steps within it left it (and overdue if not closed); the bound keeps
 * an old range from reading the log to its end.
 */
export const CASE_HORIZON_MS = 92 * DAY_MS;

/** Event types no figure reads: skipped while paging, so a long range holds less in memory. */
export const UNUSED: ReadonlySet<EventType> = new Set<EventType>([
  'ticket:recalled',
  'ticket:started',
  'appointment:created',
  'announcement:posted',
  'announcement:removed',
  'hall:day-started',
]);

/** The first seq whose event is at or after `start`, found by bisection (`at` grows with `seq`): O(log n) one-event reads. */
async function firstSeqFrom(halls: EventLog, hallId: string, lastSeq: number, start: number): Promise<number> {
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
 * event at `start` to `end` plus the trailing time (`trailingMs`), then only
 * 差评 case steps up to `end` + CASE_HORIZON_MS, or the end of the log.
 *
 * Cost: the store has no index on time, so finding `start` takes about
 * log2(events) single-event reads; then every event of the range is read in
 * pages of PAGE_SIZE and kept in memory (without the per-event waiting
 * counts, which no figure reads), roughly 0.5 KB each — a year of a busy
 * county hall is a few hundred MB, hence the API's 366-day limit.
 */
export async function readRangeEvents(
  halls: EventLog,
  hallId: string,
  lastSeq: number,
  span: { start: number; end: number },
  trailing: number = TRAILING_MS,
  /** Event types to skip; a reader that rebuilds the hall (oversight/integrity) needs every one. */
  unused: ReadonlySet<EventType> = UNUSED,
  /** How long after the range 差评 case steps are read; a reader without cases passes 0 and stops at the range's end. */
  caseHorizon: number = CASE_HORIZON_MS,
): Promise<HallEvent[]> {
  const ticketsUntil = span.end + trailing;
  const stopAt = Math.max(ticketsUntil, span.end + caseHorizon);
  const kept: HallEvent[] = [];
  let after = await firstSeqFrom(halls, hallId, lastSeq, span.start);
  for (;;) {
    const page = await halls.eventsSince(hallId, after, PAGE_SIZE);
    for (const event of page) {
      if (event.at >= stopAt) return kept;
      if (unused.has(event.type)) continue;
      if (event.at >= ticketsUntil && !event.type.startsWith('rating-case:')) continue;
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
