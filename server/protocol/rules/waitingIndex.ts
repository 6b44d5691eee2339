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
  /** Waiting tickets of each service, split as the calling rules need them (see ServiceWaiting). */
  readonly byService: Map<string, ServiceWaiting>;
  /** Waiting tickets carrying a transfer (a few at most): a window may have to call them whatever it serves. */
  transferred: Ticket[];
  /** Served tickets still in the hall, by `finishedAt` (none: last), for pruning them after their rating window. */
  served: Ticket[];
  /** The lists this index copied already (a service id, or the two keys below). */
  readonly owned: Set<string>;
}

/**
 * One service's waiting tickets. `special`: those whose calling class is not decided by rank and wait
 * alone (a transfer, a booking's slot, the green channel, unless a no-show used its turn): few, looked
 * at one by one. Every other ticket is ordinary and in `byRank` (queue order: the first is the one
 * called); those that may still be boosted for a long wait (no no-show yet) are in `byIssue` too, by
 * issue time (the first is boosted first). So the next call looks at the special tickets and at two
 * ordinary ones per service, however long the queue.
 */
export interface ServiceWaiting {
  special: Ticket[];
  byRank: Ticket[];
  byIssue: Ticket[];
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

/** Whether a waiting ticket's calling class is decided by more than its rank and issue time (see ServiceWaiting). */
export function isSpecial(ticket: Ticket): boolean {
  return ticket.transfer !== undefined || (ticket.noShowCount === 0 && (ticket.priority || ticket.slotStart !== undefined));
}

function byRankOrder(a: Ticket, b: Ticket): number {
  return a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byIssueOrder(a: Ticket, b: Ticket): number {
  return a.issuedAt - b.issuedAt || byRankOrder(a, b);
}

function build(tickets: TicketMap<Ticket>): WaitingIndex {
  const index: WaitingIndex = { byService: new Map(), transferred: [], served: [], owned: new Set() };
  const served: Ticket[] = [];
  for (const ticket of tickets.values()) {
    if (ticket.status === 'waiting') add(index, ticket, false);
    else if (ticket.status === 'served') served.push(ticket);
  }
  index.served = served.sort((a, b) => finishKey(a) - finishKey(b));
  for (const [serviceId, waiting] of index.byService) {
    waiting.byRank.sort(byRankOrder);
    waiting.byIssue.sort(byIssueOrder);
    index.owned.add(serviceId);
  }
  index.owned.add(TRANSFERRED).add(SERVED);
  return index;
}

/** Keeps the index of `tickets` (if it has one) in step with one entry replaced, added or removed. */
export function noteTicketChange(tickets: TicketMap<Ticket>, before: Ticket | undefined, after: Ticket | undefined): void {
  const index = indexes.get(tickets);
  if (!index || before === after) return;
  if (before?.status === 'waiting') {
    const waiting = ownList(index, before.serviceId);
    if (isSpecial(before)) without(waiting.special, before);
    else {
      removeSorted(waiting.byRank, before, byRankOrder);
      if (before.noShowCount === 0) removeSorted(waiting.byIssue, before, byIssueOrder);
    }
    if (before.transfer) without(ownTransferred(index), before);
  } else if (before?.status === 'served') {
    without(ownServed(index), before);
  }
  if (after?.status === 'waiting') add(index, after, true);
  else if (after?.status === 'served') insertServed(ownServed(index), after);
}

/** `sorted`: keep the lists in order now (a command's change); otherwise the caller sorts once (building). */
function add(index: WaitingIndex, ticket: Ticket, sorted: boolean): void {
  const waiting = ownList(index, ticket.serviceId);
  if (isSpecial(ticket)) waiting.special.push(ticket);
  else if (sorted) {
    insertSorted(waiting.byRank, ticket, byRankOrder);
    if (ticket.noShowCount === 0) insertSorted(waiting.byIssue, ticket, byIssueOrder);
  } else {
    waiting.byRank.push(ticket);
    if (ticket.noShowCount === 0) waiting.byIssue.push(ticket);
  }
  if (ticket.transfer) ownTransferred(index).push(ticket);
}

function ownList(index: WaitingIndex, serviceId: string): ServiceWaiting {
  const waiting = index.byService.get(serviceId);
  if (waiting && index.owned.has(serviceId)) return waiting;
  const copy: ServiceWaiting = waiting ? { special: waiting.special.slice(), byRank: waiting.byRank.slice(), byIssue: waiting.byIssue.slice() } : { special: [], byRank: [], byIssue: [] };
  index.byService.set(serviceId, copy);
  index.owned.add(serviceId);
  return copy;
}

/** First position whose entry sorts after `ticket` (so equal ones keep their arrival order). */
function upperBound(list: readonly Ticket[], ticket: Ticket, order: (a: Ticket, b: Ticket) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(list[mid]!, ticket) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function insertSorted(list: Ticket[], ticket: Ticket, order: (a: Ticket, b: Ticket) => number): void {
  list.splice(upperBound(list, ticket, order), 0, ticket);
}

/** Removes this very object, found by its sort keys (as they were when it went in: tickets are never changed in place). */
function removeSorted(list: Ticket[], ticket: Ticket, order: (a: Ticket, b: Ticket) => number): void {
  for (let at = upperBound(list, ticket, order) - 1; at >= 0 && order(list[at]!, ticket) === 0; at--) {
    if (list[at] === ticket) {
      list.splice(at, 1);
      return;
    }
  }
  without(list, ticket);
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
  if (index) {
    const waiting = index.byService.get(serviceId);
    return waiting ? [...waiting.special, ...waiting.byRank] : [];
  }
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

/** How many wait for one service (the index holds each waiting ticket once: special or by rank). */
export function waitingCount(waiting: ServiceWaiting | undefined): number {
  return waiting ? waiting.special.length + waiting.byRank.length : 0;
}

/**
 * The tickets among which a window serving `serviceIds` finds its next call, or null when the map has
 * no index: every special ticket of those services (but transferred ones, which come from `transferred`
 * wherever they wait), and of the ordinary ones the first in queue order and the first that a long wait
 * boosts. The calling rules then rank these few as they would rank the whole queue.
 */
export function callCandidates(tickets: TicketMap<Ticket>, serviceIds: readonly string[]): Ticket[] | null {
  const index = indexes.get(tickets);
  if (!index) return null;
  const candidates: Ticket[] = [...index.transferred];
  for (const serviceId of serviceIds) {
    const waiting = index.byService.get(serviceId);
    if (!waiting) continue;
    for (const ticket of waiting.special) if (!ticket.transfer) candidates.push(ticket);
    if (waiting.byRank.length > 0) candidates.push(waiting.byRank[0]!);
    if (waiting.byIssue.length > 0 && waiting.byIssue[0] !== waiting.byRank[0]) candidates.push(waiting.byIssue[0]!);
  }
  return candidates;
}
