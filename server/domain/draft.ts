import type { HallState, Ticket } from '../protocol/model.js';
import type { TicketMap } from '../protocol/ticketMap.js';
import { attachWaitingIndex, noteTicketChange, waitingIndexOf } from '../protocol/rules/waitingIndex.js';

/**
 * A private copy of a hall for one command (or one replay), made only as deep
 * as evolve writes: small records it changes field by field (window runtimes,
 * appointments, service stats) are copied one level; lists are copied; the
 * configuration, which only `hall:configured` replaces, is shared. Tickets,
 * the bulk of a busy hall, are shared too: evolve replaces a ticket it changes
 * and never writes into one, and the ticket map is persistent (TicketMap.edit:
 * a command's copy costs what it writes), so a ticket a command did not touch
 * keeps its identity. The property tests check that the input state is never
 * changed.
 */
export function draftOf(state: HallState): HallState {
  const draft: HallState = {
    ...state,
    counters: { ...state.counters },
    tickets: state.tickets.edit(),
    windows: copyRecords(state.windows),
    serviceStats: copyRecords(state.serviceStats),
    appointments: copyRecords(state.appointments),
    // Cases are replaced whole by evolve, like tickets.
    ...(state.ratingCases !== undefined ? { ratingCases: copyMap(state.ratingCases) } : {}),
    announcements: [...state.announcements],
    recentCalls: [...state.recentCalls],
    requests: [...state.requests],
  };
  changed.set(draft.tickets, new Set());
  attachWaitingIndex(draft.tickets, waitingIndexOf(state.tickets));
  return draft;
}

/** Per draft's ticket map, the ids written into it (put or deleted); a map not made by draftOf has none. */
const changed = new WeakMap<TicketMap<Ticket>, Set<string>>();

/** Every write of a live ticket goes through here or `removeTicket`, so the store learns what changed. */
export function putTicketInto(state: HallState, ticket: Ticket): void {
  noteTicketChange(state.tickets, ownEntry(state, ticket.id), ticket);
  state.tickets.set(ticket.id, ticket);
  changed.get(state.tickets)?.add(ticket.id);
}

export function removeTicket(state: HallState, ticketId: string): void {
  noteTicketChange(state.tickets, ownEntry(state, ticketId), undefined);
  state.tickets.delete(ticketId);
  changed.get(state.tickets)?.add(ticketId);
}

function ownEntry(state: HallState, ticketId: string): Ticket | undefined {
  return state.tickets.get(ticketId);
}

/** The ids of the live tickets a draft put or removed since draftOf (undefined for a state not made so). */
export function changedTicketsOf(state: HallState): ReadonlySet<string> | undefined {
  return changed.get(state.tickets);
}

/**
 * A shallow copy of a map keyed by random ids. A for-in copy is about twice as
 * fast as object spread on such (dictionary-mode) objects.
 */
function copyMap<T>(records: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in records) copy[key] = records[key]!;
  return copy;
}

function copyRecords<T extends object>(records: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in records) copy[key] = { ...records[key]! };
  return copy;
}
