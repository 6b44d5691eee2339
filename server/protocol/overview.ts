/**
 * The county overview (/admin/overview, docs/oversight.md): one live row per
 * hall an account may see. The server computes a row from the hall's state
 * when a command commits and pushes it only when it changed, so a page of 200
 * halls is one subscription and no polling.
 */

/** Why a hall is near the top of the overview, most urgent first (sorting: docs/oversight.md). */
export type OverviewAttention =
  /** Tickets wait for a service no open window serves. */
  | 'unserved'
  /** The longest wait is over the hall's maxWaitMinutes. */
  | 'over-wait-limit'
  /** Boards, window screens, kiosks or print agents that should be connected are not. */
  | 'devices-offline'
  /** 差评 cases past their due day. */
  | 'overdue-cases'
  /** People wait and no window is open. */
  | 'no-window-open';

export interface HallOverview {
  hallId: string;
  name: string;
  /** The hall's group path from the configuration, county first (e.g. ['城关县', '城关镇']); [] = ungrouped. */
  group: string[];
  /** Hall-local day the figures are of (YYYY-MM-DD). */
  day: string;
  openWindows: number;
  windows: number;
  waiting: number;
  /** Minutes the longest-waiting ticket has waited now; 0 when nobody waits. */
  longestWaitMinutes: number;
  servedToday: number;
  /** 好评率 today in percent (0–100, one decimal), null while nobody rated today. */
  goodRatePercent: number | null;
  ratedToday: number;
  devicesOffline: number;
  /** Open 差评 cases (not closed), and those past their due day. */
  openBadCases: number;
  overdueBadCases: number;
  attention: OverviewAttention[];
  /** When the row was computed (epoch ms): longestWaitMinutes grows between pushes; pages add the time since. */
  at: number;
  /** The hall is retired (hall:archived): kept at the bottom, greyed. */
  archived?: boolean;
}

/**
 * Socket.IO: a staff socket that connects with `auth: { overview: true, token }` (no hallId) joins the
 * overview of its account's halls and gets `overview:snapshot` at once, then `overview:hall` for each row
 * that changed and `overview:removed` when a hall leaves its scope. No other event reaches it.
 */
export interface OverviewSnapshot {
  rows: HallOverview[];
  /** Group names the account may filter by (union of the rows' paths). */
  groups: string[];
}

export interface OverviewServerEvents {
  'overview:snapshot': (snapshot: OverviewSnapshot) => void;
  'overview:hall': (row: HallOverview) => void;
  'overview:removed': (body: { hallId: string }) => void;
}

/** GET /api/overview/figures?from=&to=&by=day|month — the statistics of each hall side by side. */
export interface OverviewFigureRow {
  hallId: string;
  name: string;
  group: string[];
  /** YYYY-MM-DD for by=day, YYYY-MM for by=month. */
  period: string;
  issued: number;
  served: number;
  noShows: number;
  meanWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  meanServiceMinutes: number | null;
  rated: number;
  goodRatePercent: number | null;
  badRatings: number;
  bookings: number;
}

export interface OverviewFigures {
  from: string;
  to: string;
  by: 'day' | 'month';
  rows: OverviewFigureRow[];
}
