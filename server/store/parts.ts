/**
 * The pieces of a hall both adapters store separately (see sqlite/layout.ts
 * and redis/layout.ts), and how a commit finds the tickets that changed, so
 * that neither adapter rewrites the whole hall per command.
 */
import type { HallEvent } from '../protocol/events.js';
import type { HallConfig, HallState, Ticket } from '../protocol/model.js';
import { upcastAll } from '../domain/upcast.js';
import { StoreError } from './port.js';
import { TicketMap } from '../protocol/ticketMap.js';

/** One entry of `HallState.requests`: the answer to a command that carried a client requestId. */
export type RequestEntry = HallState['requests'][number];

/** A hall split for storage: `assembleHall(splitHall(s))` of either adapter deep-equals `s`. */
export interface HallParts {
  /** Everything but config, tickets and requests. */
  rest: Omit<HallState, 'config' | 'tickets' | 'requests'>;
  config: HallConfig;
  tickets: TicketMap<Ticket>;
  requests: readonly RequestEntry[];
}

export function splitHall(state: HallState): HallParts {
  const { config, tickets, requests, ...rest } = state;
  return { rest, config, tickets: tickets ?? TicketMap.empty(), requests: requests ?? NO_REQUESTS };
}

/** `requests` of a state that has none (shared: never written to). */
export const NO_REQUESTS: readonly RequestEntry[] = Object.freeze([]);

/** The state's entry `id` of `tickets`, or undefined. */
export function ownTicket(tickets: TicketMap<Ticket> | undefined, id: string): Ticket | undefined {
  return tickets?.get(id);
}

export interface StoredTicketRow {
  id: string;
  json: string;
}

/** The stored form of a request answer: its id (for people reading the database) and the entry's JSON. */
export function requestColumns(entry: RequestEntry): { id: string; json: string } {
  const id = entry !== null && typeof entry === 'object' && typeof entry.id === 'string' ? entry.id : '';
  // As an element of an array in JSON: a value JSON cannot hold (undefined) becomes null.
  return { id, json: JSON.stringify(entry) ?? 'null' };
}

/** A hall's live tickets from their stored rows, in row order; any damage is StoreError('CORRUPT'). */
export function parseTickets(hallId: string, rows: readonly StoredTicketRow[], parse: <T>(json: string, what: string) => T): TicketMap<Ticket> {
  const tickets = TicketMap.empty<Ticket>();
  if (rows.length === 0) return tickets;
  // One parse for all the hall's tickets instead of one per ticket.
  const parsed = parse<Ticket[]>(`[${rows.map((row) => row.json).join(',')}]`, `live tickets of hall ${hallId}`);
  if (parsed.length !== rows.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored live ticket is damaged`);
  for (let k = 0; k < rows.length; k++) tickets.set(rows[k]!.id, parsed[k]!);
  return tickets;
}

/**
 * Calls `changed` for every ticket of `after` that is not the very object
 * `before` had, and `removed` for every ticket of `before` that `after` lacks.
 * With the ids the engine named (`named`), only those are looked at; otherwise
 * the maps are compared, relying on the engine's copy-on-write: an unchanged
 * ticket is shared. The second pass (for removals) runs only when `after` kept
 * fewer of `before`'s tickets than it had.
 */
export function forEachTicketChange(
  before: TicketMap<Ticket>,
  after: TicketMap<Ticket>,
  changed: (id: string, ticket: Ticket) => void,
  removed: (id: string) => void,
  /** The ids the outcomes named (UpdateOutcome.changedTickets, merged over a batch); null: compare the maps. */
  named: ReadonlySet<string> | null = null,
): void {
  if (after === before) return;
  if (named !== null) {
    // What the engine wrote, and nothing else: no pass over the hall's other tickets.
    for (const id of named) {
      const ticket = after.get(id);
      if (ticket !== undefined) changed(id, ticket);
      else if (before.has(id)) removed(id);
    }
    return;
  }
  let kept = 0; // entries of `after` that `before` has too
  for (const [id, ticket] of after.entries()) {
    const old = before.get(id);
    if (old !== undefined) kept++;
    if (ticket !== old) changed(id, ticket);
  }
  if (kept < before.size) {
    for (const id of before.keys()) if (!after.has(id)) removed(id);
  }
}

/**
 * The tickets named by successive outcomes of one hall within a batch, all relative to the state the
 * batch started from; null once one outcome named none (then the store compares the maps).
 */
export function mergeChangedTickets(sofar: Set<string> | null | undefined, outcome: { changedTickets?: ReadonlySet<string> }): Set<string> | null {
  if (sofar === null || outcome.changedTickets === undefined) return null;
  const merged = sofar ?? new Set<string>();
  for (const id of outcome.changedTickets) merged.add(id);
  return merged;
}


/**
 * A page of the event log as both adapters read it: the stored JSON texts parsed in one go and
 * brought to today's event shape (domain/upcast.ts), whatever version they were written in.
 * An event of a newer version than this server knows is CORRUPT to it (a newer server wrote it).
 */
export function readEventPage(
  hallId: string,
  jsonTexts: readonly string[],
  parseStored: <T>(json: string, what: string) => T,
): HallEvent[] {
  // One parse for the whole page instead of one per event.
  const stored = parseStored<unknown[]>(`[${jsonTexts.join(',')}]`, `events of hall ${hallId}`);
  try {
    return upcastAll(stored);
  } catch (error) {
    throw new StoreError('CORRUPT', `events of hall ${hallId}: ${(error as Error).message}`);
  }
}
