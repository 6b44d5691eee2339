import type { TicketMap } from '../../protocol/ticketMap.js';
import type { HallConfig, HallState, Ticket } from '../../protocol/model.js';
import { parseTickets } from '../parts.js';
import { StoreError, type HallSummary } from '../port.js';
import { parseStored } from './errors.js';

/**
 * How a hall lies in Redis (keys in keys.ts), split like the SQLite adapter's
 * rows so that a command writes what it changed and not the whole hall:
 * - meta hash: `rest` (the state without config, tickets and requests, rewritten
 *   by every commit), `config` and `summary` (only when the config object
 *   changes), `seq`, `v` (the version the compare-and-set checks), `tOrd` and
 *   `reqOrd` (last ords handed out);
 * - tickets hash: `<ord>|<JSON>` per live ticket; ord keeps the engine's order;
 * - requests hash: ord → JSON per remembered answer, read back in ord order.
 */

/** A hall as committed in Redis, with what the next commit needs to write only the difference. */
export interface CommittedHall {
  state: HallState;
  version: string;
  /** The requests-hash field of each entry of state.requests, in order. */
  requestOrds: number[];
  lastRequestOrd: number;
}

export function summaryOf(state: Pick<HallState, 'config' | 'archivedAt'>): HallSummary {
  const { config } = state;
  const summary: HallSummary = { id: config.id, name: config.name, timeZone: config.timeZone ?? '' };
  if (config.nameAlt != null) summary.nameAlt = config.nameAlt;
  if (state.archivedAt !== undefined) summary.archivedAt = state.archivedAt;
  return summary;
}

/** Rebuilds a hall from its three hashes (as HGETALL returns them); null when the meta hash is empty. */
export function assembleHall(
  hallId: string,
  meta: Record<string, string>,
  ticketFields: Record<string, string>,
  requestFields: Record<string, string>,
): CommittedHall | null {
  if (meta.v === undefined) return null;
  const rest = parseStored<unknown>(meta.rest, `state of hall ${hallId}`);
  if (rest === null || typeof rest !== 'object' || Array.isArray(rest)) {
    throw new StoreError('CORRUPT', `hall ${hallId}: stored state is not an object`);
  }
  const state = rest as HallState;
  state.config = parseStored<HallConfig>(meta.config, `config of hall ${hallId}`);
  state.tickets = assembleTickets(hallId, ticketFields);
  const ords = Object.keys(requestFields)
    .map(Number)
    .sort((a, b) => a - b);
  state.requests =
    ords.length === 0 ? [] : parseStored(`[${ords.map((ord) => requestFields[ord]).join(',')}]`, `requests of hall ${hallId}`);
  if (state.requests.length !== ords.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored request is damaged`);
  if (String(state.seq) !== meta.seq) {
    throw new StoreError('CORRUPT', `hall ${hallId}: state seq ${state.seq} differs from the stored seq ${meta.seq}`);
  }
  return { state, version: meta.v, requestOrds: ords, lastRequestOrd: Number(meta.reqOrd ?? 0) };
}

function assembleTickets(hallId: string, fields: Record<string, string>): TicketMap<Ticket> {
  const rows: Array<{ id: string; ord: number; json: string }> = [];
  for (const id in fields) {
    const value = fields[id]!;
    const bar = value.indexOf('|');
    const ord = Number(value.slice(0, bar));
    if (bar < 1 || !Number.isInteger(ord)) throw new StoreError('CORRUPT', `hall ${hallId}: live ticket ${id} is damaged`);
    rows.push({ id, ord, json: value.slice(bar + 1) });
  }
  rows.sort((a, b) => a.ord - b.ord);
  return parseTickets(hallId, rows, parseStored);
}
