import type { Ticket } from '../model.js';
import type { TicketMap } from '../ticketMap.js';

/**
 * What the calling rules and the day's housekeeping ask of a hall's tickets on every command — how many
 * wait per service, who waits for one service, which served tickets have passed their rating window —
 * kept beside an engine draft's ticket map and carried from one command's state to the next, so a
 * command costs what it changed instead of a walk over every ticket of the hall.
 *
 * An index belongs to one ticket map (by identity) and is only made for maps the engine owns
 * (domain/draft.ts): such a map is written only through `noteTicketChange`, and the state holding it
 * is never changed once the command is done. A map without an index (one built by a test, a screen or
 * a store) is simply scanned, as before.
 *
 * Copy on write: a command's index starts as its parent's with the per-service lists shared, and
 * copies a list the first time it changes it (a list holds one service's waiting tickets, so an issue
 * copies one service's list, not the hall).
 */
export interface WaitingIndex {
  /** Waiting tickets of each service, in no particular order (the calling order is the rules'). */
  readonly byService: Map<string, Ticket[]>;
  /** Waiting tickets carrying a transfer (a few at most): a window may have to call them whatever it serves. */
  transferred: Ticket[];
  /** Served tickets still in the hall, by `finishedAt` (none: last), for pruning them after their rating window. */
  served: Ticket[];
  /** The lists this index copied already (a service id, or the two keys below). */
  readonly owned: Set<string>;
}

const TRANSFERRED = '\u0000transferred';
const SERVED = '\u0000served';

const indexes = new WeakMap<TicketMap<Ticket>, WaitingIndex>();

export function waitingIndexOf(tickets: TicketMap<Ticket>): WaitingIndex | undefined {
  return indexes.get(tickets);
}

/** The index of a map the caller owns and will write only through noteTicketChange: its parent's, or built once. */
export function attachWaitingIndex(tickets: TicketMap<Ticket>, parent: WaitingIndex | undefined): void {
  indexes.set(tickets, parent ? { byService: new Map(parent.byService), transferred: parent.transferred, served: parent.served, owned: new Set() } : build(tickets));
}

function build(tickets: TicketMap<Ticket>): WaitingIndex {
  const index: WaitingIndex = { byService: new Map(), transferred: [], served: [], owned: new Set() };
  const served: Ticket[] = [];
  for (const ticket of tickets.values()) {
    if (ticket.status === 'waiting') add(index, ticket);
    else if (ticket.status === 'served') served.push(ticket);
  }
  index.served = served.sort((a, b) => finishKey(a) - finishKey(b));
  for (const key of index.byService.keys()) index.owned.add(key);
  index.owned.add(TRANSFERRED).add(SERVED);
  return index;
}

/** Keeps the index of `tickets` (if it has one) in step with one entry replaced, added or removed. */
export function noteTicketChange(tickets: TicketMap<Ticket>, before: Ticket | undefined, after: Ticket | undefined): void {
  const index = indexes.get(tickets);
  if (!index || before === after) return;
  if (before?.status === 'waiting') {
    without(ownList(index, before.serviceId), before);
    if (before.transfer) without(ownTransferred(index), before);
  } else if (before?.status === 'served') {
    without(ownServed(index), before);
  }
  if (after?.status === 'waiting') add(index, after);
  else if (after?.status === 'served') insertServed(ownServed(index), after);
}

function add(index: WaitingIndex, ticket: Ticket): void {
  ownList(index, ticket.serviceId).push(ticket);
  if (ticket.transfer) ownTransferred(index).push(ticket);
}

function ownList(index: WaitingIndex, serviceId: string): Ticket[] {
  const list = index.byService.get(serviceId);
  if (list && index.owned.has(serviceId)) return list;
  const copy = list ? list.slice() : [];
  index.byService.set(serviceId, copy);
  index.owned.add(serviceId);
  return copy;
}

function ownTransferred(index: WaitingIndex): Ticket[] {
  if (!index.owned.has(TRANSFERRED)) {
    index.transferred = index.transferred.slice();
    index.owned.add(TRANSFERRED);
  }
  return index.transferred;
}

function ownServed(index: WaitingIndex): Ticket[] {
  if (!index.owned.has(SERVED)) {
    index.served = index.served.slice();
    index.owned.add(SERVED);
  }
  return index.served;
}

function without(list: Ticket[], ticket: Ticket): void {
  const at = list.lastIndexOf(ticket);
  if (at >= 0) list.splice(at, 1);
}

/** A served ticket without a finishing time never leaves by the clock (prune counts it as finished now). */
function finishKey(ticket: Ticket): number {
  return ticket.finishedAt ?? Number.POSITIVE_INFINITY;
}

function insertServed(list: Ticket[], ticket: Ticket): void {
  const key = finishKey(ticket);
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (finishKey(list[mid]!) <= key) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, ticket);
}

/** Waiting tickets of one service (from the index, or by a scan of a map without one). */
export function waitingOfService(tickets: TicketMap<Ticket>, serviceId: string): readonly Ticket[] {
  const index = indexes.get(tickets);
  if (index) return index.byService.get(serviceId) ?? [];
  const found: Ticket[] = [];
  for (const ticket of tickets.values()) if (ticket.status === 'waiting' && ticket.serviceId === serviceId) found.push(ticket);
  return found;
}

/**
 * The served tickets whose rating window has closed at `now` (`(finishedAt ?? now) + windowMs <= now`,
 * the rule prune applies), or null when the map has no index (the caller scans).
 */
export function servedExpired(tickets: TicketMap<Ticket>, windowMs: number, now: number): Ticket[] | null {
  const index = indexes.get(tickets);
  if (!index) return null;
  if (windowMs <= 0) return index.served.slice();
  const expired: Ticket[] = [];
  for (const ticket of index.served) {
    if (finishKey(ticket) + windowMs > now) break;
    expired.push(ticket);
  }
  return expired;
}
