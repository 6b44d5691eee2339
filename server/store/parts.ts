/**
 * The pieces of a hall both adapters store separately (see sqlite/layout.ts
 * and redis/layout.ts), and how a commit finds the tickets that changed, so
 * that neither adapter rewrites the whole hall per command.
 */
import type { HallEvent } from '../protocol/events.js';
import type { HallConfig, HallState, Ticket } from '../protocol/model.js';
import { upcastAll } from '../domain/upcast.js';
import { StoreError } from './port.js';

/** One entry of `HallState.requests`: the answer to a command that carried a client requestId. */
export type RequestEntry = HallState['requests'][number];

/** A hall split for storage: `assembleHall(splitHall(s))` of either adapter deep-equals `s`. */
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

/** The stored form of a request answer: its id (for people reading the database) and the entry's JSON. */
export function requestColumns(entry: RequestEntry): { id: string; json: string } {
  const id = entry !== null && typeof entry === 'object' && typeof entry.id === 'string' ? entry.id : '';
  // As an element of an array in JSON: a value JSON cannot hold (undefined) becomes null.
  return { id, json: JSON.stringify(entry) ?? 'null' };
}

/** A hall's live tickets from their stored rows, in row order; any damage is StoreError('CORRUPT'). */
export function parseTickets(hallId: string, rows: readonly StoredTicketRow[], parse: <T>(json: string, what: string) => T): Record<string, Ticket> {
  const tickets: Record<string, Ticket> = {};
  if (rows.length === 0) return tickets;
  // One parse for all the hall's tickets instead of one per ticket.
  const parsed = parse<Ticket[]>(`[${rows.map((row) => row.json).join(',')}]`, `live tickets of hall ${hallId}`);
  if (parsed.length !== rows.length) throw new StoreError('CORRUPT', `hall ${hallId}: a stored live ticket is damaged`);
  for (let k = 0; k < rows.length; k++) {
    const id = rows[k]!.id;
    if (id === '__proto__') Object.defineProperty(tickets, id, { value: parsed[k], enumerable: true, writable: true, configurable: true });
    else tickets[id] = parsed[k]!;
  }
  return tickets;
}

/**
 * Calls `changed` for every ticket of `after` that is not the very object
 * `before` had, and `removed` for every ticket of `before` that `after` lacks.
 * Relies on the engine's copy-on-write: an unchanged ticket is shared. The
 * number of entries of each committed map is remembered in `counts`, so the
 * second pass (for removals) runs only when `after` kept fewer of `before`'s
 * tickets than it had, which is rare.
 */
export function forEachTicketChange(
  before: Record<string, Ticket>,
  after: Record<string, Ticket>,
  counts: WeakMap<Record<string, Ticket>, number>,
  changed: (id: string, ticket: Ticket) => void,
  removed: (id: string) => void,
  /** The ids the outcomes named (UpdateOutcome.changedTickets, merged over a batch); null: compare the maps. */
  named: ReadonlySet<string> | null = null,
): void {
  if (after === before) return;
  if (named !== null) {
    // What the engine wrote, and nothing else: no pass over the hall's other tickets.
    let count = counts.get(before) ?? countTickets(before);
    for (const id of named) {
      const ticket = ownTicket(after, id);
      const had = ownTicket(before, id) !== undefined;
      if (ticket !== undefined) {
        if (!had) count++;
        changed(id, ticket);
      } else if (had) {
        count--;
        removed(id);
      }
    }
    counts.set(after, count);
    return;
  }
  // Hot path (every hall of every commit), hence no hasOwnProperty per key: an
  // entry identical to the one before is an own entry there too (a ticket
  // object is never inherited from Object.prototype). An entry whose value is
  // undefined counts as absent, as in JSON.
  let count = 0; // defined entries of `after`
  let kept = 0; // ... that `before` has too
  for (const id in after) {
    const ticket = after[id];
    if (ticket === undefined) continue;
    count++;
    const old = before[id];
    if (ticket === old) {
      kept++;
      continue;
    }
    if (old !== undefined && ownTicket(before, id) !== undefined) kept++;
    changed(id, ticket);
  }
  counts.set(after, count);
  if (kept < (counts.get(before) ?? countTickets(before))) {
    for (const id in before) {
      if (ownTicket(before, id) !== undefined && ownTicket(after, id) === undefined) removed(id);
    }
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

function countTickets(tickets: Record<string, Ticket>): number {
  let count = 0;
  for (const id in tickets) if (ownTicket(tickets, id) !== undefined) count++;
  return count;
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
