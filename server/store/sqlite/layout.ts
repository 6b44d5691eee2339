import type { HallConfig, HallState, Ticket } from '../../domain/model.js';
import { StoreError } from '../port.js';
import { parseStored } from './errors.js';

/** One entry of `HallState.requests`: the answer to a command that carried a client requestId. */
export type RequestEntry = HallState['requests'][number];

/**
 * How a hall is stored since schema v3, in four parts:
 * - `halls.state_json`: the state WITHOUT `config`, `tickets` and `requests` (rewritten by every update);
 * - `hall_configs.json`: `config` (written only when the config object changes);
 * - `live_tickets`: one row per entry of `tickets` (written only for entries that change),
 *   with `ord` keeping the entries in the order the engine had them;
 * - `hall_requests`: one row per entry of `requests`, in `ord` order (a new row per entry
 *   object the state did not have before, a delete per entry it no longer has).
 * `assembleHall(splitHall(s))` deep-equals `s` (with `requests: []` where `s` had none).
 */
export interface HallParts {
  /** Everything but config, tickets and requests. */
  rest: Omit<HallState, 'config' | 'tickets' | 'requests'>;
  config: HallConfig;
  tickets: Record<string, Ticket>;
  requests: readonly RequestEntry[];
}

export function splitHall(state: HallState): HallParts {
  const { config, tickets, requests, ...rest } = state;
  return { rest, config, tickets: tickets ?? {}, requests: requests ?? NO_REQUESTS };
}

/** `requests` of a state that has none (shared: never written to). */
export const NO_REQUESTS: readonly RequestEntry[] = Object.freeze([]);

/** The state's own entry `id` of `tickets`, or undefined (never an inherited property). */
export function ownTicket(tickets: Record<string, Ticket> | undefined, id: string): Ticket | undefined {
  return tickets !== undefined && Object.prototype.hasOwnProperty.call(tickets, id) ? tickets[id] : undefined;
}

export interface StoredTicketRow {
  id: string;
  json: string;
}

export interface StoredRequestRow {
  ord: number;
  json: string;
}

/** The `hall_requests` columns of an entry: its id (for people reading the database) and the entry's JSON. */
export function requestColumns(entry: RequestEntry): { id: string; json: string } {
  const id = entry !== null && typeof entry === 'object' && typeof entry.id === 'string' ? entry.id : '';
  // As an element of an array in JSON: a value JSON cannot hold (undefined) becomes null.
  return { id, json: JSON.stringify(entry) ?? 'null' };
}

/** Rebuilds a hall from its stored parts; any damage is StoreError('CORRUPT'). */
export function assembleHall(
  hallId: string,
  stateJson: string,
  configJson: string | null,
  ticketRows: readonly StoredTicketRow[],
  requestRows: readonly StoredRequestRow[],
): HallState {
  const rest = parseStored<unknown>(stateJson, `state of hall ${hallId}`);
  if (rest === null || typeof rest !== 'object' || Array.isArray(rest)) {
    throw new StoreError('CORRUPT', `hall ${hallId}: stored state is not an object`);
  }
  if (configJson === null) throw new StoreError('CORRUPT', `hall ${hallId}: the stored config is missing`);
  const config = parseStored<HallConfig>(configJson, `config of hall ${hallId}`);
  const tickets: Record<string, Ticket> = {};
  if (ticketRows.length > 0) {
    // One parse for all the hall's tickets instead of one per ticket.
    const parsed = parseStored<Ticket[]>(`[${ticketRows.map((row) => row.json).join(',')}]`, `live tickets of hall ${hallId}`);
    if (parsed.length !== ticketRows.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored live ticket is damaged`);
    for (let k = 0; k < ticketRows.length; k++) {
      const id = ticketRows[k]!.id;
      if (id === '__proto__') Object.defineProperty(tickets, id, { value: parsed[k], enumerable: true, writable: true, configurable: true });
      else tickets[id] = parsed[k]!;
    }
  }
  let requests: RequestEntry[] = [];
  if (requestRows.length > 0) {
    requests = parseStored<RequestEntry[]>(`[${requestRows.map((row) => row.json).join(',')}]`, `requests of hall ${hallId}`);
    if (requests.length !== requestRows.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored request is damaged`);
  }
  const state = rest as HallState;
  state.config = config;
  state.tickets = tickets;
  state.requests = requests;
  return state;
}
