import type { HallConfig, HallState } from '../../protocol/model.js';
import { type RequestEntry, type StoredTicketRow, parseTickets } from '../parts.js';
import { StoreError } from '../port.js';
import { parseStored } from './errors.js';

// The pieces both adapters share live in ../parts.ts; re-exported for the SQLite modules.
export { NO_REQUESTS, ownTicket, requestColumns, splitHall } from '../parts.js';
export type { HallParts, RequestEntry, StoredTicketRow } from '../parts.js';

/**
 * How a hall is stored since schema v12, in five parts (split by `splitHall` and `splitRest`):
 * - `halls.state_json`: the state WITHOUT `config`, `tickets`, `requests` and the ROW_PARTS
 *   (rewritten by every update: `seq` changes with every command);
 * - `hall_parts`: one row per ROW_PARTS member the state has, written only when its JSON changed;
 * - `hall_configs.json`: `config` (written only when the config object changes);
 * - `tickets` rows with `live_ord` set: one per entry of `tickets` (written only for entries that
 *   change), `live_ord` keeping the entries in the order the engine had them; the row is the
 *   ticket's projection too (`json`, what its latest event carried), and `live_json` holds the
 *   live copy only where it differs (the raw 无声叫号 number, which events carry masked);
 * - `hall_requests`: one row per entry of `requests`, in `ord` order (an entry object the state
 *   did not have before takes over the row (`slot`) of one it no longer has, or gets a new row;
 *   the rows left over are deleted).
 * `assembleHall(splitHall(s))` deep-equals `s` (with `requests: []` where `s` had none).
 */

/**
 * Members of the state kept out of its row: what a command seldom changes and a hall's bookings and
 * notices can make large (tens of KB of appointments), which state_json would copy on every command.
 * What changes with nearly every command stays in the row (counters with an issue, windows and
 * recentCalls with a call): apart, a call would write three rows where it writes one.
 */
export const ROW_PARTS = ['appointments', 'announcements', 'ratingCases', 'bookingNoShows'] as const;
export type RowPart = (typeof ROW_PARTS)[number];

export interface StoredPartRow {
  name: string;
  json: string;
}

/** `rest` without the ROW_PARTS (state_json's object), and the ROW_PARTS it has. */
export function splitRest(rest: object): { head: Record<string, unknown>; parts: Partial<Record<RowPart, unknown>> } {
  const head: Record<string, unknown> = { ...rest };
  const parts: Partial<Record<RowPart, unknown>> = {};
  for (const name of ROW_PARTS) {
    if (head[name] !== undefined) parts[name] = head[name];
    delete head[name];
  }
  return { head, parts };
}
export interface StoredRequestRow {
  /** The row's key (hall_requests.slot); rows come in ord order. */
  slot: number;
  json: string;
}

/** Rebuilds a hall from its stored parts; any damage is StoreError('CORRUPT'). */
export function assembleHall(
  hallId: string,
  stateJson: string,
  configJson: string | null,
  ticketRows: readonly StoredTicketRow[],
  requestRows: readonly StoredRequestRow[],
  partRows: readonly StoredPartRow[] = [],
): HallState {
  const rest = parseStored<unknown>(stateJson, `state of hall ${hallId}`);
  if (rest === null || typeof rest !== 'object' || Array.isArray(rest)) {
    throw new StoreError('CORRUPT', `hall ${hallId}: stored state is not an object`);
  }
  if (configJson === null) throw new StoreError('CORRUPT', `hall ${hallId}: the stored config is missing`);
  const config = parseStored<HallConfig>(configJson, `config of hall ${hallId}`);
  const tickets = parseTickets(hallId, ticketRows, parseStored);
  let requests: RequestEntry[] = [];
  if (requestRows.length > 0) {
    requests = parseStored<RequestEntry[]>(`[${requestRows.map((row) => row.json).join(',')}]`, `requests of hall ${hallId}`);
    if (requests.length !== requestRows.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored request is damaged`);
  }
  const state = rest as HallState;
  for (const row of partRows) {
    if (!(ROW_PARTS as readonly string[]).includes(row.name)) throw new StoreError('CORRUPT', `hall ${hallId}: unknown stored part ${row.name}`);
    (state as unknown as Record<string, unknown>)[row.name] = parseStored<unknown>(row.json, `${row.name} of hall ${hallId}`);
  }
  state.config = config;
  state.tickets = tickets;
  state.requests = requests;
  return state;
}
