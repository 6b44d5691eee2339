import type { HallConfig, HallState, Ticket } from '../../domain/model.js';
import { StoreError } from '../port.js';
import { parseStored } from './errors.js';

/**
 * How a hall is stored since schema v2, in three parts:
 * - `halls.state_json`: the state WITHOUT `config` and `tickets` (rewritten by every update);
 * - `hall_configs.json`: `config` (written only when the config object changes);
 * - `live_tickets`: one row per entry of `tickets` (written only for entries that change),
 *   with `ord` keeping the entries in the order the engine had them.
 * `assembleHall(splitHall(s))` deep-equals `s`.
 */
export interface HallParts {
  /** Everything but config and tickets. */
  rest: Omit<HallState, 'config' | 'tickets'>;
  config: HallConfig;
  tickets: Record<string, Ticket>;
}

export function splitHall(state: HallState): HallParts {
  const { config, tickets, ...rest } = state;
  return { rest, config, tickets: tickets ?? {} };
}

/** The state's own entry `id` of `tickets`, or undefined (never an inherited property). */
export function ownTicket(tickets: Record<string, Ticket> | undefined, id: string): Ticket | undefined {
  return tickets !== undefined && Object.prototype.hasOwnProperty.call(tickets, id) ? tickets[id] : undefined;
}

export interface StoredTicketRow {
  id: string;
  json: string;
}

/** Rebuilds a hall from its stored parts; any damage is StoreError('CORRUPT'). */
export function assembleHall(
  hallId: string,
  stateJson: string,
  configJson: string | null,
  ticketRows: StoredTicketRow[],
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
    for (let k = 0; k < ticketRows.length; k++) {
      const id = ticketRows[k]!.id;
      if (id === '__proto__') Object.defineProperty(tickets, id, { value: parsed[k], enumerable: true, writable: true, configurable: true });
      else tickets[id] = parsed[k]!;
    }
  }
  const state = rest as HallState;
  state.config = config;
  state.tickets = tickets;
  return state;
}
