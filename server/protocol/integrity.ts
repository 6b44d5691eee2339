/**
 * Integrity signals (责任追究 evidence): patterns in a hall's event log a
 * supervisor should look at, each with the events behind it — never a bare
 * score (docs/oversight.md defines every kind and its threshold).
 */

export type IntegrityKind =
  /** A window open with nobody called while tickets it serves waited (minutes). */
  | 'idle-while-waiting'
  /** A call that passed over tickets the rules would have called first (count; `skipped` names them). */
  | 'out-of-order'
  /** A ticket transferred and sent back to the window it came from. */
  | 'transfer-bounced'
  /** A no-show marked within seconds of the call. */
  | 'quick-no-show'
  /** Service times far under the service's norm. */
  | 'short-service'
  /** Ratings entered in a burst (many within a short time at one window). */
  | 'rating-burst'
  /** All or nearly all ratings 非常满意 at a suspicious rate. */
  | 'rating-all-top'
  /** Paused time beyond the hall's rule. */
  | 'pause-over-limit';

/** Thresholds, in HallConfig.integrity; every field optional with the defaults of rules/integrity.ts. */
export interface IntegritySettings {
  /** Minutes idle while people wait before a stretch counts (default 5). */
  idleMinutes?: number;
  /** A no-show within this many seconds of the call counts (default 30). */
  quickNoShowSeconds?: number;
  /** A service under this share of the service's norm counts (default 0.25). */
  shortServiceShare?: number;
  /** Short services a day before a window/clerk is flagged (default 3). */
  shortServiceCount?: number;
  /** Ratings at one window within `ratingBurstSeconds` that make a burst (default 5 within 60 s). */
  ratingBurstCount?: number;
  ratingBurstSeconds?: number;
  /** Share of 非常满意 (0–1) over at least `allTopMinRatings` ratings a day that counts (default 0.98 over 20). */
  allTopShare?: number;
  allTopMinRatings?: number;
  /** Paused minutes a day per window beyond which it counts (default 60). */
  pauseMinutesPerDay?: number;
}

/** One event behind a signal: a link into the event log (GET /api/halls/:hallId/events?since=seq-1). */
export interface IntegrityEvidence {
  seq: number;
  at: number;
  type: string;
  ticketNumber?: string;
}

export interface IntegritySignal {
  kind: IntegrityKind;
  /** Hall-local day (YYYY-MM-DD). */
  day: string;
  windowId?: string;
  clerkId?: string;
  clerkName?: string;
  /** How much: minutes (idle, pause), or a count (calls, tickets, ratings). */
  amount: number;
  unit: 'minutes' | 'count' | 'percent';
  /** The threshold it passed, in the same unit. */
  threshold: number;
  /** Ticket numbers skipped by an out-of-order call, bounced, rated in a burst …, for the explanation. */
  tickets?: string[];
  /** The events behind it, at most 50 (evidenceTotal says how many there were). */
  evidence: IntegrityEvidence[];
  evidenceTotal: number;
}

/** GET /api/halls/:hallId/integrity?from=&to= (supervisors and admins). */
export interface IntegrityReport {
  hallId: string;
  from: string;
  to: string;
  /** The thresholds in force (settings with defaults filled in). */
  thresholds: Required<IntegritySettings>;
  signals: IntegritySignal[];
  /** Per window and clerk, per day: how many signals of each kind (zero rows left out). */
  totals: { day: string; windowId?: string; clerkId?: string; kind: IntegrityKind; count: number }[];
}
