/**
 * 排班模拟: a past day of a hall replayed through the real engine under other
 * staffing or rules (docs/oversight.md). The replay runs in a worker thread;
 * these are the request and answer of POST /api/halls/:hallId/simulations and
 * of the suggestion, shared by the server and the admin page.
 */
import type { CallingPolicy, WindowServiceLink } from './model.js';

/** One window open from `from` to `to` (hall-local HH:MM, `to` after `from`; "24:00" allowed as an end). */
export interface StaffingShift {
  windowId: string;
  from: string;
  to: string;
}

export interface SimulationPolicy {
  /** Which services each window serves and at which tier; windows not listed keep the day's configuration. */
  windows?: { windowId: string; services: WindowServiceLink[] }[];
  /** The green-channel cap (CallingPolicy.priorityStreakCap). */
  priorityStreakCap?: number;
  /** The maximum wait boost (CallingPolicy.boostAfterMinutes); null = never. */
  boostAfterMinutes?: CallingPolicy['boostAfterMinutes'];
}

export interface SimulationRequest {
  /** A past hall-local day, YYYY-MM-DD (today and later: VALIDATION_FAILED; a day with no tickets: SIMULATION_NO_DATA). */
  day: string;
  /** Omitted: the windows open as they actually were that day. */
  staffing?: StaffingShift[];
  policy?: SimulationPolicy;
  /**
   * How service times are chosen: 'drawn' (default) from the day's measured times per service (the month's
   * when the day has fewer than 5 for a service), with a fixed seed so the same request gives the same answer;
   * 'recorded' replays each ticket's own recorded service time (the replay of the actual staffing is then exact).
   */
  serviceTimes?: 'drawn' | 'recorded';
  /** Seed of the draw (default 1). */
  seed?: number;
}

export interface WaitFigures {
  meanWaitMinutes: number;
  p90WaitMinutes: number;
  maxWaitMinutes: number;
  served: number;
  /** Tickets that waited longer than the hall's maxWaitMinutes. */
  overLimit: number;
  /** Tickets left unserved at the day's end (expired / not reached). */
  unserved: number;
}

/** One hour of the day (hall-local `hour` 0–23). */
export interface HourFigures {
  hour: number;
  arrivals: number;
  actual: { meanWaitMinutes: number; p90WaitMinutes: number; openWindows: number };
  simulated: { meanWaitMinutes: number; p90WaitMinutes: number; openWindows: number };
}

export interface WindowBusy {
  windowId: string;
  /** Share (0–1) of its open minutes spent serving, actual and simulated; null when it was not open. */
  actual: number | null;
  simulated: number | null;
}

/**
 * How far a replay of the day as it was staffed lands from what was measured: the trust to put in
 * `simulated`. `meanWaitMinutes` is the replay's, `measuredMeanWaitMinutes` the day's.
 */
export interface ReplayError {
  meanWaitMinutes: number;
  measuredMeanWaitMinutes: number;
  p90WaitMinutes: number;
  measuredP90WaitMinutes: number;
  /** |replay − measured| / measured for the mean wait, in percent (0 when both are 0). */
  meanErrorPercent: number;
}

export interface SimulationResult {
  day: string;
  actual: WaitFigures;
  simulated: WaitFigures;
  /** Absent only when the request replays the actual staffing with recorded service times (the replay is the check). */
  replayError?: ReplayError;
  hours: HourFigures[];
  windows: WindowBusy[];
  /**
   * The day as it was actually staffed (hall-local HH:MM shifts): the page 「排班模拟」 prefills its staffing
   * grid with it. Optional: without it the page rebuilds the counts per hour from `hours`.
   */
  actualStaffing?: StaffingShift[];
  /** Where the drawn service times came from, per service: the day, the month, or the service's norm. */
  serviceTimeSources: Record<string, 'day' | 'month' | 'norm' | 'recorded'>;
  arrivals: number;
  /** Wall time of the replay in the worker (ms), for the page and the benchmark. */
  elapsedMs: number;
}

/** POST /api/halls/:hallId/simulations/suggestion — smallest staffing per half hour keeping p90 under the limit. */
export interface SuggestionRequest {
  /** The day to staff (YYYY-MM-DD, default tomorrow in the hall's time): its weekday (or market day) picks the history. */
  day?: string;
  /** How many past same weekdays (or market days) to learn arrivals from (default 4, at most 12). */
  weeks?: number;
  /** p90 wait limit in minutes (default the hall's maxWaitMinutes). */
  p90LimitMinutes?: number;
}

export interface SuggestionSlot {
  /** Hall-local HH:MM, half-hour steps. */
  from: string;
  to: string;
  windows: number;
  /** Which windows (the first N that serve what arrives then). */
  windowIds: string[];
}

export interface SuggestionResult {
  day: string;
  /** The past days the arrivals were learnt from. */
  basedOn: string[];
  marketDay: boolean;
  p90LimitMinutes: number;
  slots: SuggestionSlot[];
  /** The suggested staffing replayed on each past day: its p90 (minutes), to show it meets the limit. */
  check: { day: string; p90WaitMinutes: number; meanWaitMinutes: number }[];
  /** The same staffing as StaffingShift[], ready to send to /simulations. */
  staffing: StaffingShift[];
}
