import { type Ctx, snapshot } from './context.js';
import type { HallConfig, HallState, WindowRuntime } from './model.js';
import { waitingCounts } from './queue.js';
import { localTime } from './time.js';

const MINUTE = 60_000;

export function newHallState(config: HallConfig, now: number): HallState {
  const windows: Record<string, WindowRuntime> = {};
  for (const window of config.windows) windows[window.id] = { status: 'closed', priorityStreak: 0 };
  return {
    config,
    seq: 0,
    day: localTime(now, config.timeZone).day,
    counters: {},
    rankCounter: 0,
    tickets: {},
    windows,
    serviceStats: {},
    appointments: {},
    announcements: [],
    recentCalls: [],
    requests: [],
  };
}

/**
 * At the first command of a new local day, numbering restarts at 001 and the
 * tickets nobody will serve any more expire (recorded). A ticket being served
 * across midnight stays with its window.
 */
export function rollOverDay(ctx: Ctx): void {
  const { state } = ctx;
  const today = localTime(ctx.now, state.config.timeZone).day;
  if (today === state.day) return;
  for (const id in state.tickets) {
    const ticket = state.tickets[id]!;
    if (ticket.status === 'waiting' || ticket.status === 'no-show') {
      delete state.tickets[ticket.id];
      ctx.emit({ type: 'ticket:expired', ticket: { ...snapshot(ticket), status: 'expired', finishedAt: ctx.now } });
    }
  }
  // Bookings whose check-in window has passed are kept through their day so that a late
  // citizen is told APPOINTMENT_EXPIRED rather than "unknown code"; they go with the day.
  const grace = state.config.policy.appointmentGraceMinutes * MINUTE;
  for (const appointment of Object.values(state.appointments)) {
    if (appointment.status === 'booked' && appointment.slotEnd + grace < ctx.now) delete state.appointments[appointment.id];
  }
  const previousDay = state.day;
  state.day = today;
  state.counters = {};
  state.recentCalls = [];
  ctx.emit({ type: 'hall:day-started', day: today, previousDay, waiting: waitingCounts(state) });
}

/** Drops what can no longer change, keeping the hall document small (the event log keeps the history). */
export function prune(state: HallState, now: number): void {
  const ratingWindow = state.config.evaluationMinutes * MINUTE;
  for (const id in state.tickets) {
    const ticket = state.tickets[id]!;
    if (ticket.status === 'served' && (ticket.finishedAt ?? now) + ratingWindow <= now) {
      delete state.tickets[ticket.id];
    }
  }
  for (const runtime of Object.values(state.windows)) {
    if (runtime.lastFinishedTicketId && !state.tickets[runtime.lastFinishedTicketId]) delete runtime.lastFinishedTicketId;
  }
  for (const appointment of Object.values(state.appointments)) {
    const checkedInDone = appointment.status === 'checked-in' && !(appointment.ticketId && state.tickets[appointment.ticketId]);
    // Expired bookings stay until the day rolls over (rollOverDay), see there.
    if (checkedInDone) delete state.appointments[appointment.id];
  }
  if (state.announcements.some((announcement) => announcement.expiresAt !== undefined && announcement.expiresAt <= now)) {
    state.announcements = state.announcements.filter(
      (announcement) => announcement.expiresAt === undefined || announcement.expiresAt > now,
    );
  }
}
