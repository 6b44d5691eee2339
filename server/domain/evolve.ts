import { draftOf, putTicketInto, removeTicket } from './draft.js';
import { RECENT_CALLS_KEPT } from '../protocol/rules/queue.js';
import { caseStepChange } from '../protocol/rules/ratingCases.js';
import { withoutPhone } from '../protocol/rules/notify.js';
import type { ConfigChange, HallEvent } from '../protocol/events.js';
import type { CallRecord, HallConfig, HallState, RatingCase, ServiceConfig, Ticket, WindowConfig, WindowRuntime } from '../protocol/model.js';

/**
 * The one place where an event changes a hall. The engine's handlers decide
 * (check the command against the state, pick the ticket, compute numbers and
 * times) and emit events; every change to the state is made here, from the
 * event alone, as the engine emits it and again whenever the state is rebuilt
 * from the log. So the log is the state: `replay(initial, events)` gives the
 * hall the engine holds, except for what is deliberately not in the log:
 *  - the remembered answers of recent requests (`requests`, for retries);
 *  - bookings' check-in codes, secrets the log must not hold (`appointment:created`);
 *  - housekeeping that depends only on the clock (`prune`: served tickets whose
 *    rating window ended, finished bookings, expired announcements), which the
 *    engine does after each command; a reader prunes at its own time.
 *
 * One entry per event type; the switch is exhaustive, so a new event type
 * does not compile until it says what it changes (if nothing, say so).
 */

/** Service-time samples outside this range are typing mistakes, not service; they would skew the estimate. */
const MIN_SAMPLE_SECONDS = 10;
const MAX_SAMPLE_SECONDS = 4 * 3600;
const AVERAGE_WEIGHT = 0.2;
const MINUTE = 60_000;

/** Applies one event to a draft (from `draftOf`), in place: handlers keep references to its window runtimes. */
export function applyEvent(state: HallState, event: HallEvent): void {
  state.seq = event.seq;
  // The screens were last told at this event (the board change of the next command is counted from here).
  state.publishedAt = event.at;
  switch (event.type) {
    case 'ticket:issued':
      issued(state, event.ticket);
      return;
    case 'appointment:checked-in': {
      issued(state, event.ticket);
      const appointment = state.appointments[event.appointmentId];
      if (appointment) {
        appointment.status = 'checked-in';
        appointment.ticketId = event.ticket.id;
      }
      return;
    }
    case 'ticket:called': {
      putTicket(state, event.ticket);
      const runtime = runtimeOf(state, event.windowId);
      runtime.currentTicketId = event.ticket.id;
      runtime.priorityStreak = event.reason === 'priority' ? runtime.priorityStreak + 1 : 0;
      pushRecentCall(state, event.ticket, event.windowId, event.windowNumber, event.at, false);
      return;
    }
    case 'ticket:recalled':
      putTicket(state, event.ticket);
      pushRecentCall(state, event.ticket, event.windowId, event.windowNumber, event.at, true);
      return;
    case 'ticket:started':
    case 'ticket:rated':
      putTicket(state, event.ticket);
      return;
    case 'ticket:finished': {
      // The number is kept only until the ticket ends (also when a log from another build carries it).
      putTicket(state, withoutPhone(event.ticket));
      const runtime = runtimeOf(state, event.windowId);
      runtime.lastFinishedTicketId = event.ticket.id;
      delete runtime.currentTicketId;
      recordServiceTime(state, event.ticket.serviceId, event.serviceSeconds);
      return;
    }
    case 'ticket:no-show':
      putTicket(state, event.ticket);
      delete runtimeOf(state, event.windowId).currentTicketId;
      return;
    case 'ticket:requeued':
      putTicket(state, event.ticket);
      state.rankCounter = Math.max(state.rankCounter, event.ticket.rank);
      return;
    case 'ticket:transferred':
      putTicket(state, event.ticket);
      delete runtimeOf(state, event.fromWindowId).currentTicketId;
      return;
    case 'ticket:cancelled':
    case 'ticket:expired':
      removeTicket(state, event.ticket.id);
      return;
    case 'window:opened': {
      const runtime = runtimeOf(state, event.windowId);
      runtime.status = 'open';
      runtime.clerk = { ...event.clerk };
      runtime.openedAt = event.at;
      runtime.priorityStreak = 0;
      clearPause(runtime);
      return;
    }
    case 'window:taken-over':
      runtimeOf(state, event.windowId).clerk = { ...event.clerk };
      return;
    case 'window:paused': {
      const runtime = runtimeOf(state, event.windowId);
      runtime.status = 'paused';
      runtime.pauseReason = event.reason;
      runtime.pausedAt = event.at;
      if (event.note !== undefined) runtime.pauseNote = event.note;
      else delete runtime.pauseNote;
      return;
    }
    case 'window:resumed': {
      const runtime = runtimeOf(state, event.windowId);
      runtime.status = 'open';
      clearPause(runtime);
      return;
    }
    case 'window:closed': {
      for (const ticket of event.released) putTicket(state, ticket);
      const runtime = runtimeOf(state, event.windowId);
      runtime.status = 'closed';
      runtime.priorityStreak = 0;
      delete runtime.clerk;
      delete runtime.openedAt;
      clearPause(runtime);
      return;
    }
    case 'appointment:created':
      // From the log (which never holds the code) the booking replays without one: no code checks it in.
      state.appointments[event.appointment.id] = { ...event.appointment, code: event.code ?? '' };
      return;
    case 'announcement:posted':
      state.announcements.push({ ...event.announcement });
      return;
    case 'announcement:removed':
      state.announcements = state.announcements.filter((announcement) => announcement.id !== event.announcementId);
      return;
    case 'hall:day-started': {
      delete state.dayClosedAt;
      delete state.closeDayWaivedFor;
      // Bookings whose check-in window has passed are kept through their day so that a late
      // citizen is told APPOINTMENT_EXPIRED rather than "unknown code"; they go with the day.
      const grace = state.config.policy.appointmentGraceMinutes * MINUTE;
      for (const appointment of Object.values(state.appointments)) {
        // 网上预约 bookings, whatever became of them, go the same way (the day's list is complete until then);
        // the event log keeps their history for the hall's retention period.
        const settled = appointment.status !== 'checked-in' || appointment.source !== undefined;
        if (settled && appointment.slotEnd + grace < event.at) delete state.appointments[appointment.id];
      }
      state.day = event.day;
      state.counters = {};
      state.recentCalls = [];
      return;
    }
    case 'hall:day-closed':
      state.dayClosedAt = event.at;
      return;
    // The hall's first state is newHallState of its configuration; the event records who created it and from what.
    case 'hall:created':
      return;
    // What the clock alone changed rides on the event as a board change; the state it derives from is already here.
    case 'hall:clock':
      return;
    case 'hall:archived':
      state.archivedAt = event.at;
      return;
    // 差评整改: a case is replaced whole at each step (never written into), kept after closing until pruned.
    case 'rating-case:opened':
      (state.ratingCases ??= {})[event.case.id] = event.case;
      return;
    case 'rating-case:verified':
    case 'rating-case:fixed':
    case 'rating-case:followed-up':
    case 'rating-case:closed': {
      // The same change the supervisor view folds into its list (protocol/rules/ratingCases.ts).
      const step = caseStepChange(event)!;
      updateCase(state, step.caseId, (rc) => ({ ...rc, ...step.change }));
      return;
    }
    case 'hall:configured':
      state.config = event.config ?? patchConfig(state.config, event.changes);
      // Each change decides afresh whether today's closing time is waived.
      if (event.closeDayWaivedFor !== undefined) state.closeDayWaivedFor = event.closeDayWaivedFor;
      else delete state.closeDayWaivedFor;
      reconcileWindows(state);
      return;
    // 网上预约: the booking as made (its code and secret from the engine, absent in a replay from the log), then its changes.
    case 'booking:created':
      state.appointments[event.appointment.id] = {
        ...event.appointment,
        code: event.code ?? '',
        ...(event.secret !== undefined ? { secret: event.secret } : {}),
      };
      return;
    case 'booking:cancelled': {
      const booking = state.appointments[event.appointmentId];
      if (booking) {
        booking.status = 'cancelled';
        booking.cancelledAt = event.at;
      }
      return;
    }
    case 'booking:moved': {
      const booking = state.appointments[event.appointmentId];
      if (booking) {
        booking.slotStart = event.to.slotStart;
        booking.slotEnd = event.to.slotEnd;
        booking.movedFrom = { ...event.from };
      }
      return;
    }
    case 'booking:no-show': {
      const booking = state.appointments[event.appointmentId];
      if (booking) {
        booking.status = 'no-show';
        booking.noShowAt = event.at;
      }
      // Replaced, never written into (the draft shares the record); prune drops what the rule no longer counts.
      if (event.phoneKey !== undefined) {
        const record = state.bookingNoShows ?? {};
        state.bookingNoShows = { ...record, [event.phoneKey]: [...(record[event.phoneKey] ?? []), event.at] };
      }
      return;
    }
    default:
      return unknownEvent(event);
  }
}

/** A new immutable state from one event (the input is not changed). */
export function evolve(state: HallState, event: HallEvent): HallState {
  const draft = draftOf(state);
  applyEvent(draft, event);
  return draft;
}

/** The hall rebuilt from its initial state and its log, in seq order (one draft for the whole log). */
export function replay(initial: HallState, events: readonly HallEvent[]): HallState {
  const draft = draftOf(initial);
  for (const event of events) applyEvent(draft, event);
  return draft;
}

function updateCase(state: HallState, caseId: string, change: (rc: RatingCase) => RatingCase): void {
  const existing = state.ratingCases?.[caseId];
  // A step on a case the state no longer holds (pruned) changes nothing; the handler refuses such steps.
  if (existing !== undefined) state.ratingCases![caseId] = change(existing);
}

function unknownEvent(event: never): never {
  throw new Error(`evolve: no entry for event type ${(event as HallEvent).type}`);
}

/** Whether every window of the configuration has a live entry and no other window has one. */
export function windowsMatchConfig(state: HallState): boolean {
  let configured = 0;
  for (const window of state.config.windows) {
    if (!Object.hasOwn(state.windows, window.id)) return false;
    configured += 1;
  }
  return Object.keys(state.windows).length === configured;
}

/** Makes the live state match the configuration: a closed entry for each new window, none for removed ones. */
export function reconcileWindows(state: HallState): void {
  const configured = new Set<string>();
  for (const window of state.config.windows) {
    configured.add(window.id);
    if (!Object.hasOwn(state.windows, window.id)) state.windows[window.id] = { status: 'closed', priorityStreak: 0 };
  }
  for (const id of Object.keys(state.windows)) if (!configured.has(id)) delete state.windows[id];
}

function issued(state: HallState, ticket: Ticket): void {
  putTicket(state, ticket);
  state.counters[ticket.serviceId] = Math.max(state.counters[ticket.serviceId] ?? 0, ticket.seqOfDay);
  state.rankCounter = Math.max(state.rankCounter, ticket.rank);
}

/** The state keeps its own copy: the event's ticket goes to the store and the screens. */
function putTicket(state: HallState, ticket: Ticket): void {
  putTicketInto(state, { ...ticket, ...(ticket.transfer ? { transfer: { ...ticket.transfer } } : {}) });
}

function runtimeOf(state: HallState, windowId: string): WindowRuntime {
  let runtime = state.windows[windowId];
  // Only a log that does not match its configuration gets here; keep it replayable rather than throw.
  if (!runtime) state.windows[windowId] = runtime = { status: 'closed', priorityStreak: 0 };
  return runtime;
}

function clearPause(runtime: WindowRuntime): void {
  delete runtime.pauseReason;
  delete runtime.pauseNote;
  delete runtime.pausedAt;
}

function pushRecentCall(state: HallState, ticket: Ticket, windowId: string, windowNumber: number, at: number, recall: boolean): void {
  const call: CallRecord = { ticketNumber: ticket.number, serviceId: ticket.serviceId, windowId, windowNumber, at, recall };
  state.recentCalls.unshift(call);
  state.recentCalls.length = Math.min(state.recentCalls.length, RECENT_CALLS_KEPT);
}

function recordServiceTime(state: HallState, serviceId: string, seconds: number): void {
  if (seconds < MIN_SAMPLE_SECONDS || seconds > MAX_SAMPLE_SECONDS) return;
  const stats = state.serviceStats[serviceId];
  if (!stats) {
    state.serviceStats[serviceId] = { avgServiceSeconds: seconds, samples: 1 };
    return;
  }
  stats.avgServiceSeconds = stats.avgServiceSeconds * (1 - AVERAGE_WEIGHT) + seconds * AVERAGE_WEIGHT;
  stats.samples += 1;
}

/**
 * The configuration after a change, from the audit alone: only for events
 * written before they carried the whole configuration (v1). Services and
 * windows keep their places; added ones go at the end.
 */
function patchConfig(config: HallConfig, changes: ConfigChange[]): HallConfig {
  const next: HallConfig = { ...config };
  for (const change of changes) {
    if (change.section === 'hall') {
      for (const key of new Set([...Object.keys(change.before), ...Object.keys(change.after)]) as Set<keyof HallConfig>) {
        if (Object.hasOwn(change.after, key) && change.after[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = change.after[key];
        else delete next[key];
      }
    } else if (change.section === 'service') {
      next.services = patchList<ServiceConfig>(next.services, change.id, change.after);
    } else {
      next.windows = patchList<WindowConfig>(next.windows, change.id, change.after);
    }
  }
  return next;
}

function patchList<T extends { id: string }>(items: T[], id: string, after: T | null): T[] {
  const index = items.findIndex((item) => item.id === id);
  if (after === null) return items.filter((item) => item.id !== id);
  if (index < 0) return [...items, after];
  return items.map((item, at) => (at === index ? after : item));
}
