import type { Outcome, RatingLevel } from './model.js';

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

export interface Satisfaction {
  /** Ratings per 好差评 level, 5 = 非常满意 … 1 = 非常不满意. */
  levels: Record<RatingLevel, number>;
  rated: number;
  /** (level 5 + level 4) / rated, 0…1; null when nothing was rated. */
  rate: number | null;
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
}

export interface WindowRow extends StaffFigures {
  windowId: string;
  /** null for a window that is no longer configured. */
  number: number | null;
  name: string;
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

export interface WaitBucket {
  fromMinutes: number;
  /** Exclusive; null for the open-ended last bucket. */
  toMinutes: number | null;
  count: number;
}

export interface StatsReport {
  hallId: string;
  hallName: string;
  timeZone: string;
  from: string;
  to: string;
  /** Epoch ms of the report; window times of a range that reaches it end here. */
  generatedAt: number;
  totals: TicketFigures & WindowTime;
  services: ServiceRow[];
  windows: WindowRow[];
  clerks: ClerkRow[];
  days: DayRow[];
  /** Tickets issued per hall-local hour 0…23, over every day of the range. */
  arrivals: number[];
  waitDistribution: WaitBucket[];
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
}
