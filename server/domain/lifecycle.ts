import { type Ctx, snapshot } from './context.js';
import type { HallConfig, HallState, WindowRuntime } from './model.js';
import { waitingCounts } from './queue.js';
import { type LocalTime, clockMinutes, localTime } from './time.js';

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
    // The first screens see the hall as it is now; what the clock changes later is measured from here.
    publishedAt: now,
  };
}

/**
 * At the first command of a new local day, numbering restarts at 001 and the
 * tickets nobody will serve any more expire (recorded). A ticket being served
 * across midnight stays with its window.
 */
export function rollOverDay(ctx: Ctx, local: LocalTime): void {
  const { state } = ctx;
  const today = local.day;
  if (today === state.day) return;
  expireWaiting(ctx);
  delete state.dayClosedAt;
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

/** Tickets nobody will serve any more leave the hall, each recorded as expired. A ticket at a window stays there. */
function expireWaiting(ctx: Ctx): number {
  let expired = 0;
  for (const id in ctx.state.tickets) {
    const ticket = ctx.state.tickets[id]!;
    if (ticket.status === 'waiting' || ticket.status === 'no-show') {
      delete ctx.state.tickets[ticket.id];
      ctx.emit({ type: 'ticket:expired', ticket: { ...snapshot(ticket), status: 'expired', finishedAt: ctx.now } });
      expired += 1;
    }
  }
  return expired;
}

/**
 * End of today's business (日终): the queues are emptied, recorded, and no
 * ticket is issued until the next local day. Kiosks then show every service
 * as closed instead of handing out numbers nobody will call.
 */
export function closeDay(ctx: Ctx, automatic: boolean): { day: string; expired: number } {
  const expired = expireWaiting(ctx);
  ctx.state.dayClosedAt = ctx.now;
  ctx.emit({ type: 'hall:day-closed', day: ctx.state.day, expired, automatic, waiting: waitingCounts(ctx.state) });
  return { day: ctx.state.day, expired };
}

/** The hall's closeDayAt has passed today and the day is still open: close it (the minute tick gets here in an idle hall). */
export function closeDayOnTime(ctx: Ctx, local: LocalTime): void {
  const { closeDayAt } = ctx.state.config;
  if (closeDayAt === undefined || ctx.state.dayClosedAt !== undefined) return;
  if (local.minutes >= clockMinutes(closeDayAt)) closeDay(ctx, true);
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
