import type { Outcome, RatingChannel, RatingLevel } from './model.js';

/**
 * The shape of a statistics report. Every figure is defined in docs/stats.md;
 * the short version: ticket figures belong to the hall-local day the ticket
 * was issued, window times to the clock time they cover.
 */

/** Mean, median and 90th percentile of a set of durations in seconds; null when there is no sample. */
export interface DurationSummary {
  count: number;
  /** Rounded to whole seconds. */
  meanSeconds: number | null;
  /** Nearest-rank: the ⌈n/2⌉-th smallest sample (the lower middle for an even count). */
  medianSeconds: number | null;
  /** Nearest-rank: the ⌈0.9·n⌉-th smallest sample. */
  p90Seconds: number | null;
}

/**
 * Citizens' ratings (every channel but the hall's default) and the hall's old 满意率. The 好差评 figures
 * built on the same ratings are in `RatingFigures`.
 */
export interface Satisfaction {
  /** Citizens' ratings per 好差评 level, 5 = 非常满意 … 1 = 非常不满意. */
  levels: Record<RatingLevel, number>;
  /** Citizens' ratings; defaults are counted apart (`RatingFigures.defaulted`). */
  rated: number;
  /** The hall's old 满意率: (level 5 + level 4) / rated, 0…1; null when nothing was rated. Not 好评率. */
  rate: number | null;
}

/** How a rating reached HallQ; `unrecorded` for ratings logged before channels were recorded. */
export type RatingChannelKey = RatingChannel | 'unrecorded';
export const RATING_CHANNEL_KEYS: readonly RatingChannelKey[] = ['window-screen', 'qr', 'desk', 'default', 'unrecorded'];

/** 好差评 figures as the assessment reads them (docs/stats.md defines each). */
export interface RatingFigures {
  /** 评价覆盖率: citizens' ratings ÷ served, 0…1; null when nothing was served. */
  coverage: number | null;
  /** 好评: citizens' ratings of 非常满意, 满意 or 基本满意 (rules/ratings.ts isGoodRating). */
  good: number;
  /** 好评率: good ÷ citizens' ratings; null when nothing was rated. */
  goodRate: number | null;
  /** 差评数: citizens' ratings of 不满意 or 非常不满意 (isBadRating). */
  bad: number;
  /** Every rating by the channel it came through, the hall's defaults included. */
  byChannel: Record<RatingChannelKey, number>;
  /** Ratings the hall's default recorded for services never rated: never counted as a citizen's. */
  defaulted: { count: number; levels: Record<RatingLevel, number> };
}

/** 差评整改: the work orders of the range's 差评, with their steps as of the report. */
export interface CaseFigures {
  opened: number;
  /** 核实 recorded; split into 属实 and 不属实. */
  verified: number;
  substantiated: number;
  unsubstantiated: number;
  /** 整改措施 recorded. */
  fixed: number;
  /** 已整改: a fix recorded, or verified 不属实 and closed (nothing to fix). */
  rectified: number;
  /** 回访 recorded, whether the citizen was reached or not; `reached` those who were. */
  followedUp: number;
  reached: number;
  /** Of those reached, who said they were satisfied with the answer. */
  satisfiedAfter: number;
  closed: number;
  /** Not closed, and the due day ended before the report's day (rules/ratings.ts isCaseOverdue). */
  overdue: number;
  /** Closed, but on a hall-local day after the due day (超期办结): no longer overdue, still late. */
  closedLate: number;
  /** 差评整改率: rectified ÷ opened; null without cases. */
  rectificationRate: number | null;
  /** 回访率: followedUp ÷ opened; null without cases. */
  followUpRate: number | null;
}

/** What happened to tickets, attributed to one group (the hall, a service, a window, a clerk or a day). */
export interface TicketFigures {
  issued: number;
  /** `ticket:called` events (first calls, calls after a requeue or a transfer); recalls (重呼) are not calls. */
  calls: number;
  served: number;
  outcomes: Record<Outcome, number>;
  /** No-show marks; a ticket marked twice counts twice. */
  noShow: number;
  requeued: number;
  cancelled: number;
  expired: number;
  /** Transfers away from the group (the window, clerk or service the ticket left). */
  transferred: number;
  outOfOrder: number;
  /** Issued tickets with no served, cancelled or expired event yet (still in the hall's queue). */
  unfinished: number;
  wait: DurationSummary;
  service: DurationSummary;
  satisfaction: Satisfaction;
  ratings: RatingFigures;
  cases: CaseFigures;
}

/** Time a window was open (signed in, paused included) and the part of it that it was paused. */
export interface WindowTime {
  openSeconds: number;
  pausedSeconds: number;
}

/** Windows and clerks receive no tickets at issue; cancelling, requeueing and expiry happen to the queue, not at a window. */
export type StaffFigures = Omit<TicketFigures, 'issued' | 'cancelled' | 'expired' | 'unfinished' | 'requeued'> & WindowTime;

export interface ServiceRow extends TicketFigures {
  serviceId: string;
  name: string;
  /** The name in the hall's second language, when configured (English reports show it). */
  nameAlt?: string;
}

export interface WindowRow extends StaffFigures {
  windowId: string;
  /** null for a window that is no longer configured. */
  number: number | null;
  name: string;
  nameAlt?: string;
}

export interface ClerkRow extends StaffFigures {
  clerkId: string;
  /** The clerk id when neither the events nor the accounts know a name. */
  name: string;
  staffNo: string | null;
}

export interface DayRow extends TicketFigures {
  day: string;
}

export interface MonthRow extends TicketFigures {
  /** YYYY-MM, hall-local. */
  month: string;
}

export interface WaitBucket {
  fromMinutes: number;
  /** Exclusive; null for the open-ended last bucket. */
  toMinutes: number | null;
  count: number;
}

export interface StatsReport {
  hallId: string;
  hallName: string;
  hallNameAlt?: string;
  timeZone: string;
  from: string;
  to: string;
  /** Epoch ms of the report; window times of a range that reaches it end here. */
  generatedAt: number;
  totals: TicketFigures & WindowTime;
  services: ServiceRow[];
  windows: WindowRow[];
  clerks: ClerkRow[];
  /** Every day of the range up to the report's own day (later days have no figures yet). */
  days: DayRow[];
  /** Every month the listed days touch. */
  months: MonthRow[];
  /** Tickets issued per hall-local hour 0…23, over every day of the range. */
  arrivals: number[];
  waitDistribution: WaitBucket[];
  /** 网上预约 per day and service, only rows with something in them (server/stats/bookings.ts). */
  bookings: BookingDayRow[];
}

/** 网上预约 figures of one service on one hall-local day, each counted on the day it happened. */
export interface BookingDayRow {
  day: string;
  serviceId: string;
  name: string;
  /** Bookings made that day (online, desk, platform). */
  booked: number;
  checkedIn: number;
  noShow: number;
  cancelled: number;
}

/** A clerk's name and staff number as the accounts know them, to name clerks the events of the range do not. */
export interface KnownClerk {
  name: string;
  staffNo?: string;
}

/** One 好差评 rating, for the evaluation export (GB/T 39734 一次一评). */
export interface EvaluationRecord {
  at: number;
  ticketNumber: string;
  serviceId: string;
  serviceName: string;
  windowId: string | null;
  windowNumber: number | null;
  windowName: string | null;
  clerkId: string | null;
  clerkName: string | null;
  staffNo: string | null;
  level: RatingLevel;
  /** `unrecorded` for ratings logged before channels were recorded. */
  channel: RatingChannelKey;
  /** A 差评's reasons; empty otherwise. */
  reasons: string[];
}
