import { MOBILE_PATTERN } from '../protocol/rules/personalData.js';
import { createHash } from 'node:crypto';
import type { HallEvent } from '../protocol/events.js';
import type { HallState, Ticket } from '../protocol/model.js';
import type { ResolvedNotify } from '../protocol/rules/notify.js';
import { peopleAhead, windowConfig } from '../protocol/rules/queue.js';
import type { NotifyKind } from './store.js';

/** What the log says about messages: a call to announce, or a ticket that was already near when issued. */
export interface LogDecision {
  ticketId: string;
  kind: NotifyKind;
  status: 'pending' | 'skipped';
}

/**
 * The messages a page of events decides: "called" for a called ticket with a number (when the hall
 * sends on the call); "ahead" is marked skipped for a ticket issued already within `aheadAt` (the
 * citizen saw it on the slip; a message would cost the hall and tell nothing). A recall sends
 * nothing more: one message per ticket and kind.
 */
export function decisionsOf(events: readonly HallEvent[], settings: ResolvedNotify): LogDecision[] {
  const decisions: LogDecision[] = [];
  for (const event of events) {
    if (event.type === 'ticket:issued' && event.ticket.notifyPhone !== undefined && event.ahead <= settings.aheadAt) {
      decisions.push({ ticketId: event.ticket.id, kind: 'ahead', status: 'skipped' });
    }
    if (event.type === 'ticket:called' && settings.onCall && event.ticket.notifyPhone !== undefined) {
      decisions.push({ ticketId: event.ticket.id, kind: 'called', status: 'pending' });
    }
  }
  return decisions;
}

/** Waiting tickets with a number that have `aheadAt` people or fewer in front of them now. */
export function aheadDue(state: HallState, settings: ResolvedNotify, now: number): string[] {
  const due: string[] = [];
  for (const ticket of state.tickets.values()) {
    if (ticket.status !== 'waiting' || ticket.notifyPhone === undefined) continue;
    if (peopleAhead(state, ticket, now) <= settings.aheadAt) due.push(ticket.id);
  }
  return due;
}

export interface MessageFacts {
  phone: string;
  number: string;
  window: string;
  ahead: number;
}

/**
 * What a message says, read from the hall as it is when it goes out, or null when it must not go:
 * "ahead" only while the ticket still waits (never once called), "called" only while it is at the
 * window; a ticket that ended has left the hall, and its number with it.
 */
export function messageFacts(state: HallState, ticketId: string, kind: NotifyKind, now: number): MessageFacts | null {
  const ticket: Ticket | undefined = state.tickets.get(ticketId);
  // A hall rebuilt from its log has the numbers masked (the log keeps no raw number): nothing to send to.
  if (!ticket?.notifyPhone || !MOBILE_PATTERN.test(ticket.notifyPhone)) return null;
  if (kind === 'ahead') {
    if (ticket.status !== 'waiting') return null;
    return { phone: ticket.notifyPhone, number: ticket.number, window: '', ahead: peopleAhead(state, ticket, now) };
  }
  if (ticket.status !== 'called' && ticket.status !== 'serving') return null;
  const window = ticket.windowId ? windowConfig(state, ticket.windowId) : undefined;
  return { phone: ticket.notifyPhone, number: ticket.number, window: window ? String(window.number) : '', ahead: 0 };
}

/** The rate limit's key for a number in a hall: a hash, so the record does not hold the number. */
export function phoneKey(hallId: string, phone: string): string {
  return createHash('sha256').update(`hallq-notify\u0000${hallId}\u0000${phone}`).digest('hex').slice(0, 32);
}

/** The message id the gateway sees: stable per ticket and kind, and not the ticket id (that is the e-ticket link). */
export function messageId(hallId: string, ticketId: string, kind: NotifyKind): string {
  return createHash('sha256').update(`hallq-notify-id\u0000${hallId}\u0000${ticketId}\u0000${kind}`).digest('hex').slice(0, 24);
}
