import type { HallEvent } from '../../protocol/events.js';
import type { Channel } from '../../protocol/model.js';
import { FirstCalls } from '../../stats/waits.js';

/**
 * What a past day was, read from its events: who arrived when for what, how
 * long each ticket held the window that first called it, which windows were
 * open when, and how long each ticket waited (measured as the reports measure
 * it, stats/waits.ts). The replay feeds the arrivals back into the engine.
 */

/** How the ticket's first call ended at the window: served (finished, or handed on by a transfer), a no-show, or never called. */
export type Fate = 'served' | 'no-show' | 'left' | 'unserved';

export interface Arrival {
  /** The ticket's id in the log (the replay's own tickets get other ids). */
  id: string;
  issuedAt: number;
  serviceId: string;
  priority: boolean;
  channel: Channel;
  /** A checked-in booking's slot start: the engine prefers such a ticket once the slot has come. */
  slotStart?: number;
  fate: Fate;
  /** When it was cancelled before a call (fate `left`). */
  leftAt?: number;
  /** First call → start (0 when finished without "start"), and start → the end of the first hold, in ms. */
  walkupMs?: number;
  serviceMs?: number;
}

/** One stretch of a window being open and not paused, in epoch ms. */
export interface OpenInterval {
  windowId: string;
  from: number;
  to: number;
}

/** A held window: one recorded (call → start, start → end) of a served ticket, the unit the drawn times are drawn from. */
export interface ServiceSample {
  walkupMs: number;
  serviceMs: number;
}

export interface DayRecord {
  arrivals: Arrival[];
  staffing: OpenInterval[];
  /** Wait in seconds per ticket id (called tickets only). */
  waits: Map<string, number>;
  /** Ms each window held a ticket (first call → the end of that hold), for the busy share. */
  busyMs: Map<string, number>;
  /** Served tickets' recorded times per service. */
  samples: Map<string, ServiceSample[]>;
}

interface Hold {
  windowId: string;
  calledAt: number;
}

/**
 * Reads the tickets issued inside `span` (and the windows' open time inside it) from `events`, which
 * hold the span's events in seq order (later ones are fine: a ticket finished after midnight).
 */
export function readDay(events: readonly HallEvent[], span: { start: number; end: number }): DayRecord {
  const arrivals = new Map<string, Arrival>();
  const holds = new Map<string, Hold>();
  const waits = new Map<string, number>();
  const busyMs = new Map<string, number>();
  const firstCalls = new FirstCalls();
  const openSince = new Map<string, number>();
  const staffing: OpenInterval[] = [];
  const inDay = (at: number) => at >= span.start && at < span.end;
  const endOpen = (windowId: string, at: number) => {
    const from = openSince.get(windowId);
    if (from === undefined) return;
    openSince.delete(windowId);
    const to = Math.min(at, span.end);
    if (to > from) staffing.push({ windowId, from, to });
  };
  const endHold = (ticketId: string, at: number, fate: Fate, startedAt: number | undefined) => {
    const hold = holds.get(ticketId);
    const arrival = arrivals.get(ticketId);
    if (!hold || !arrival) return;
    holds.delete(ticketId);
    const began = startedAt !== undefined && startedAt >= hold.calledAt ? startedAt : hold.calledAt;
    arrival.walkupMs = began - hold.calledAt;
    arrival.serviceMs = Math.max(0, at - began);
    arrival.fate = fate;
    busyMs.set(hold.windowId, (busyMs.get(hold.windowId) ?? 0) + (at - hold.calledAt));
  };

  for (const event of events) {
    switch (event.type) {
      case 'ticket:issued':
      case 'appointment:checked-in': {
        const { ticket } = event;
        if (!inDay(ticket.issuedAt)) break;
        arrivals.set(ticket.id, {
          id: ticket.id,
          issuedAt: ticket.issuedAt,
          serviceId: ticket.serviceId,
          priority: ticket.priority,
          channel: ticket.channel,
          ...(ticket.slotStart !== undefined ? { slotStart: ticket.slotStart } : {}),
          fate: 'unserved',
        });
        break;
      }
      case 'ticket:called': {
        if (!arrivals.has(event.ticket.id)) break;
        const seconds = firstCalls.waitOf(event);
        if (seconds === undefined) break;
        waits.set(event.ticket.id, seconds);
        holds.set(event.ticket.id, { windowId: event.windowId, calledAt: event.at });
        break;
      }
      case 'ticket:finished':
        endHold(event.ticket.id, event.at, 'served', event.ticket.startedAt);
        break;
      case 'ticket:transferred':
        endHold(event.ticket.id, event.at, 'served', undefined);
        break;
      case 'ticket:no-show':
        endHold(event.ticket.id, event.at, 'no-show', undefined);
        break;
      case 'ticket:cancelled': {
        const arrival = arrivals.get(event.ticket.id);
        if (arrival && !waits.has(arrival.id)) {
          arrival.fate = 'left';
          arrival.leftAt = event.at;
        }
        break;
      }
      case 'window:opened':
      case 'window:resumed':
        if (inDay(event.at)) openSince.set(event.windowId, event.at);
        break;
      case 'window:paused':
      case 'window:closed':
        if (event.at < span.start) break;
        // A window whose opening was before the day (open over midnight) counts from the day's start.
        if (!openSince.has(event.windowId) && !staffing.some((interval) => interval.windowId === event.windowId) && event.at < span.end) {
          openSince.set(event.windowId, span.start);
        }
        endOpen(event.windowId, event.at);
        break;
    }
  }
  for (const windowId of [...openSince.keys()]) endOpen(windowId, span.end);
  staffing.sort((a, b) => a.from - b.from || a.windowId.localeCompare(b.windowId));

  const samples = new Map<string, ServiceSample[]>();
  for (const arrival of arrivals.values()) {
    if (arrival.fate !== 'served' || arrival.serviceMs === undefined) continue;
    const list = samples.get(arrival.serviceId) ?? [];
    list.push({ walkupMs: arrival.walkupMs ?? 0, serviceMs: arrival.serviceMs });
    samples.set(arrival.serviceId, list);
  }
  const ordered = [...arrivals.values()].sort((a, b) => a.issuedAt - b.issuedAt);
  return { arrivals: ordered, staffing, waits, busyMs, samples };
}
