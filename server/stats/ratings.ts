import type { HallEvent } from '../protocol/events.js';
import type { RatingLevel } from '../protocol/model.js';
import { isBadRating, isCaseOverdue, isGoodRating } from '../protocol/rules/ratings.js';
import { localTime } from '../protocol/rules/time.js';
import type { CaseFigures, RatingChannelKey, RatingFigures } from '../protocol/stats.js';
import { RATING_LEVELS } from './summary.js';

/**
 * The 好差评 part of a group's figures: ratings by level and channel, the hall's defaults apart from the
 * citizens' ratings, and the 差评 cases. What counts as good or bad is the protocol's rule (rules/ratings.ts).
 */

const noLevels = (): Record<RatingLevel, number> => ({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
const noChannels = (): Record<RatingChannelKey, number> => ({ 'window-screen': 0, qr: 0, desk: 0, default: 0, unrecorded: 0 });
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

type CaseCounter = Exclude<keyof CaseFigures, 'rectificationRate' | 'followUpRate'>;

export class RatingTally {
  /** Citizens' ratings per level; the hall's defaults are in `defaultLevels`. */
  readonly levels = noLevels();
  readonly defaultLevels = noLevels();
  readonly byChannel = noChannels();
  readonly cases: Record<CaseCounter, number> = {
    opened: 0,
    verified: 0,
    substantiated: 0,
    unsubstantiated: 0,
    fixed: 0,
    rectified: 0,
    followedUp: 0,
    reached: 0,
    satisfiedAfter: 0,
    closed: 0,
    overdue: 0,
    closedLate: 0,
  };

  addRating(level: RatingLevel, channel: RatingChannelKey): void {
    this.byChannel[channel] += 1;
    if (channel === 'default') this.defaultLevels[level] += 1;
    else this.levels[level] += 1;
  }

  addCase(rc: CaseProgress, today: string): void {
    const count = (counter: CaseCounter, yes: boolean) => {
      if (yes) this.cases[counter] += 1;
    };
    count('opened', true);
    count('verified', rc.substantiated !== undefined);
    count('substantiated', rc.substantiated === true);
    count('unsubstantiated', rc.substantiated === false);
    count('fixed', rc.fixed);
    count('rectified', isRectified(rc));
    count('followedUp', rc.reached !== undefined);
    count('reached', rc.reached === true);
    count('satisfiedAfter', rc.reached === true && rc.satisfiedAfter === true);
    count('closed', rc.closedDay !== undefined);
    count('closedLate', rc.closedDay !== undefined && rc.closedDay > rc.dueDay);
    count('overdue', isCaseOverdue({ dueDay: rc.dueDay, status: rc.closedDay !== undefined ? 'closed' : 'open' }, today));
  }

  ratingFigures(served: number): RatingFigures {
    const rated = RATING_LEVELS.reduce((sum, level) => sum + this.levels[level], 0);
    const good = RATING_LEVELS.filter(isGoodRating).reduce((sum, level) => sum + this.levels[level], 0);
    const bad = RATING_LEVELS.filter(isBadRating).reduce((sum, level) => sum + this.levels[level], 0);
    return {
      coverage: ratio(rated, served),
      good,
      goodRate: ratio(good, rated),
      bad,
      byChannel: { ...this.byChannel },
      defaulted: { count: RATING_LEVELS.reduce((sum, level) => sum + this.defaultLevels[level], 0), levels: { ...this.defaultLevels } },
    };
  }

  caseFigures(): CaseFigures {
    return {
      ...this.cases,
      rectificationRate: ratio(this.cases.rectified, this.cases.opened),
      followUpRate: ratio(this.cases.followedUp, this.cases.opened),
    };
  }
}

/** 已整改: a fix was recorded, or the 差评 was found 不属实 and the case closed on that finding. */
export function isRectified(rc: CaseProgress): boolean {
  return rc.fixed || (rc.substantiated === false && rc.closedDay !== undefined);
}

/** What the log says a case has been through, and where it belongs. */
export interface CaseProgress {
  day: string;
  serviceId: string;
  windowId: string | undefined;
  clerkId: string | undefined;
  dueDay: string;
  substantiated: boolean | undefined;
  fixed: boolean;
  /** undefined until a follow-up is recorded. */
  reached: boolean | undefined;
  satisfiedAfter: boolean | undefined;
  /** The hall-local day the case was closed on; undefined while it is open. */
  closedDay: string | undefined;
}

/**
 * Folds the case events of the range's 差评 (the cases whose rating is the range's: `dayOfRated` knows
 * the day of every ticket rated in it). Steps of a case the range did not open are ignored.
 */
export class CaseBook {
  readonly cases = new Map<string, CaseProgress>();

  constructor(
    private readonly dayOfRated: (ticketId: string) => string | undefined,
    private readonly timeZone: string,
  ) {}

  apply(event: HallEvent): void {
    if (event.type === 'rating-case:opened') {
      const day = this.dayOfRated(event.case.ticketId);
      if (day === undefined) return;
      const rc = event.case;
      this.cases.set(rc.id, {
        day,
        serviceId: rc.serviceId,
        windowId: rc.windowId,
        clerkId: rc.clerkId,
        dueDay: rc.dueDay,
        substantiated: undefined,
        fixed: false,
        reached: undefined,
        satisfiedAfter: undefined,
        closedDay: undefined,
      });
      return;
    }
    if (!event.type.startsWith('rating-case:')) return;
    const rc = this.cases.get((event as { caseId: string }).caseId);
    if (!rc) return;
    switch (event.type) {
      case 'rating-case:verified':
        rc.substantiated = event.verification.substantiated;
        break;
      case 'rating-case:fixed':
        rc.fixed = true;
        break;
      case 'rating-case:followed-up':
        rc.reached = event.followUp.reached;
        rc.satisfiedAfter = event.followUp.satisfied;
        break;
      case 'rating-case:closed':
        rc.closedDay = localTime(event.closed.at, this.timeZone).day;
        break;
    }
  }
}
