import type { Outcome } from '../protocol/model.js';
import { RatingTally } from './ratings.js';
import { satisfaction, summarise } from './summary.js';
import type { StaffFigures, TicketFigures, WindowTime } from '../protocol/stats.js';

type Counter = Exclude<keyof TicketFigures, 'outcomes' | 'wait' | 'service' | 'satisfaction' | 'ratings' | 'cases'>;

/** Running counts of one group; turned into report figures once every event has been read. */
export class Tally {
  readonly counts: Record<Counter, number> = {
    issued: 0,
    calls: 0,
    served: 0,
    noShow: 0,
    requeued: 0,
    cancelled: 0,
    expired: 0,
    transferred: 0,
    outOfOrder: 0,
    unfinished: 0,
  };
  readonly outcomes: Record<Outcome, number> = { completed: 0, accepted: 0, rejected: 0, consulted: 0 };
  readonly rating = new RatingTally();
  readonly waitSeconds: number[] = [];
  readonly serviceSeconds: number[] = [];
  openMs = 0;
  pausedMs = 0;

  ticketFigures(): TicketFigures {
    return {
      ...this.counts,
      outcomes: { ...this.outcomes },
      wait: summarise(this.waitSeconds),
      service: summarise(this.serviceSeconds),
      satisfaction: satisfaction(this.rating.levels),
      ratings: this.rating.ratingFigures(this.counts.served),
      cases: this.rating.caseFigures(),
    };
  }

  windowTime(): WindowTime {
    return { openSeconds: Math.round(this.openMs / 1000), pausedSeconds: Math.round(this.pausedMs / 1000) };
  }

  staffFigures(): StaffFigures {
    const { issued: _issued, cancelled: _cancelled, expired: _expired, unfinished: _unfinished, requeued: _requeued, ...rest } = this.ticketFigures();
    return { ...rest, ...this.windowTime() };
  }
}

/** Tallies by key, created on first use. */
export class TallyMap {
  readonly byKey = new Map<string, Tally>();

  of(key: string): Tally {
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = new Tally();
      this.byKey.set(key, tally);
    }
    return tally;
  }
}
