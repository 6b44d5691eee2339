import type { HallEvent } from '../../protocol/events.js';
import { ticketDays } from '../../stats/compute.js';
import { Tally } from '../../stats/tally.js';

/** What the overview shows of today's statistics; the same definitions as the reports (docs/stats.md). */
export interface TodayNumbers {
  served: number;
  rated: number;
  goodRatePercent: number | null;
}

/**
 * Today's served tickets and ratings of one hall, folded event by event into the reports' own `Tally`
 * (so 好评率 is the reports' figure, not a second copy), because served tickets leave the live state and
 * re-reading the day's log at every command would cost what the day has grown to. Attribution is the
 * reports' too: a ticket's figures belong to the local day it was issued (`ticketDays`).
 */
export class TodayTally {
  private readonly tally = new Tally();
  private readonly dayOf: ReturnType<typeof ticketDays>;
  /** The last event folded in; events at or before it are skipped, a gap after it needs a catch-up. */
  seq: number;

  constructor(
    readonly day: string,
    timeZone: string,
    seq: number,
  ) {
    this.dayOf = ticketDays({ from: day, to: day }, timeZone);
    this.seq = seq;
  }

  /** Folds events that follow `seq` without a gap; false (nothing folded) when there is one. */
  apply(events: readonly HallEvent[]): boolean {
    const fresh = events.filter((event) => event.seq > this.seq);
    if (fresh.length === 0) return true;
    if (fresh[0]!.seq !== this.seq + 1) return false;
    for (const event of fresh) this.fold(event);
    return true;
  }

  /** The day's events as the reports read them (`readRangeEvents`, which leaves out what no figure reads), up to `seq`. */
  seed(events: readonly HallEvent[], seq: number): void {
    for (const event of events) if (event.seq <= seq) this.fold(event);
    this.seq = seq;
  }

  private fold(event: HallEvent): void {
    this.seq = event.seq;
    if (!('ticket' in event) || this.dayOf(event.ticket) === undefined) return;
    if (event.type === 'ticket:finished') this.tally.counts.served += 1;
    else if (event.type === 'ticket:rated') this.tally.rating.addRating(event.level, event.channel ?? 'unrecorded');
  }

  numbers(): TodayNumbers {
    const figures = this.tally.ticketFigures();
    const rate = figures.ratings.goodRate;
    return { served: figures.served, rated: figures.satisfaction.rated, goodRatePercent: rate === null ? null : Math.round(rate * 1000) / 10 };
  }
}
