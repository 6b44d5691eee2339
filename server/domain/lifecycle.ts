import { type Ctx, snapshot } from './context.js';
import { reconcileWindows } from './evolve.js';
import { removeTicket } from './draft.js';
import { servedExpired } from '../protocol/rules/waitingIndex.js';
import type { HallConfig, HallState } from '../protocol/model.js';
import { TicketMap } from '../protocol/ticketMap.js';
import { closedCaseExpired } from '../protocol/rules/ratingCases.js';
import { pruneNoShows } from './handlers/booking.js';
import { withoutPhone } from '../protocol/rules/notify.js';
import { type LocalTime, clockMinutes, localTime } from './time.js';

const MINUTE = 60_000;

export function newHallState(config: HallConfig, now: number): HallState {
  const state: HallState = {
    config,
    seq: 0,
    day: localTime(now, config.timeZone).day,
    counters: {},
    rankCounter: 0,
    tickets: TicketMap.empty(),
    windows: {},
    serviceStats: {},
    appointments: {},
    announcements: [],
    recentCalls: [],
    requests: [],
    // The first screens see the hall as it is now; what the clock changes later is measured from here.
    publishedAt: now,
  };
  reconcileWindows(state);
  return state;
}

/**
 * At the first command of a new local day, numbering restarts at 001 and the
 * tickets nobody will serve any more expire (recorded). A ticket being served
 * across midnight stays with its window.
 *
 * The day only moves forward: when the local date is behind the hall's day
 * (its time zone was changed westwards), the hall stays in its day and keeps
 * counting, so no number is issued twice; it rolls over once the local date
 * passes it. Days are YYYY-MM-DD, so string order is date order.
 */
export function rollOverDay(ctx: Ctx, local: LocalTime): void {
  const { state } = ctx;
  const today = local.day;
  if (today <= state.day) return;
  expireWaiting(ctx);
  ctx.emit({ type: 'hall:day-started', day: today, previousDay: state.day });
}

/** Tickets nobody will serve any more leave the hall, each recorded as expired. A ticket at a window stays there. */
function expireWaiting(ctx: Ctx): number {
  const waiting = ctx.state.tickets.values().filter((ticket) => ticket.status === 'waiting' || ticket.status === 'no-show');
  for (const ticket of waiting) {
    ctx.emit({ type: 'ticket:expired', ticket: { ...withoutPhone(snapshot(ticket)), status: 'expired', finishedAt: ctx.now } });
  }
  return waiting.length;
}

/**
 * End of today's business (日终): the queues are emptied, recorded, and no
 * ticket is issued until the next local day. Kiosks then show every service
 * as closed instead of handing out numbers nobody will call.
 */
export function closeDay(ctx: Ctx, automatic: boolean): { day: string; expired: number } {
  const expired = expireWaiting(ctx);
  ctx.emit({ type: 'hall:day-closed', day: ctx.state.day, expired, automatic });
  return { day: ctx.state.day, expired };
}

/**
 * Retires the hall: the queues are emptied, recorded like the end of a day,
 * and from now on the engine refuses every command (HALL_ARCHIVED). Tickets
 * and events stay in the store for statistics and the retention period.
 */
export function archive(ctx: Ctx): { archivedAt: number; expired: number } {
  const expired = expireWaiting(ctx);
  ctx.emit({ type: 'hall:archived', expired });
  return { archivedAt: ctx.now, expired };
}

/**
 * The hall's closeDayAt has passed today and the day is still open: close it
 * (the minute tick gets here in an idle hall). Only on the hall's own day: a
 * local date behind it (see rollOverDay) is not yet that day. Not on a day for
 * which a configuration change waived it (HallState.closeDayWaivedFor).
 */
export function closeDayOnTime(ctx: Ctx, local: LocalTime): void {
  const { state } = ctx;
  if (state.dayClosedAt !== undefined || local.day !== state.day || state.closeDayWaivedFor === state.day) return;
  if (closingTimePassed(state.config, local)) closeDay(ctx, true);
}

/** Whether the configuration's closing time is behind this local time of day. */
export function closingTimePassed(config: HallConfig, local: LocalTime): boolean {
  return config.closeDayAt !== undefined && local.minutes >= clockMinutes(config.closeDayAt);
}

/** Drops what can no longer change, keeping the hall document small (the event log keeps the history). */
export function prune(state: HallState, now: number): void {
  const ratingWindow = state.config.evaluationMinutes * MINUTE;
  const expired = servedExpired(state.tickets, ratingWindow, now);
  if (expired) for (const ticket of expired) removeTicket(state, ticket.id);
  else {
    for (const ticket of state.tickets.values()) {
      if (ticket.status === 'served' && (ticket.finishedAt ?? now) + ratingWindow <= now) removeTicket(state, ticket.id);
    }
  }
  for (const runtime of Object.values(state.windows)) {
    if (runtime.lastFinishedTicketId && !state.tickets.has(runtime.lastFinishedTicketId)) delete runtime.lastFinishedTicketId;
  }
  for (const appointment of Object.values(state.appointments)) {
    // A 网上预约 booking stays in the day's list until the day rolls over (evolve, hall:day-started).
    const checkedInDone = appointment.status === 'checked-in' && appointment.source === undefined && !(appointment.ticketId && state.tickets.has(appointment.ticketId));
    // Expired bookings stay until the day rolls over (rollOverDay), see there.
    if (checkedInDone) delete state.appointments[appointment.id];
  }
  // 差评 cases stay until closed, across days; a closed one leaves after CLOSED_CASE_KEPT_DAYS (the log keeps it).
  if (state.ratingCases) {
    for (const id in state.ratingCases) {
      if (closedCaseExpired(state.ratingCases[id]!, now)) delete state.ratingCases[id];
    }
  }
  pruneNoShows(state, now);
  if (state.announcements.some((announcement) => announcement.expiresAt !== undefined && announcement.expiresAt <= now)) {
    state.announcements = state.announcements.filter(
      (announcement) => announcement.expiresAt === undefined || announcement.expiresAt > now,
    );
  }
}
