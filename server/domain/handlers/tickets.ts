import type { Command } from '../../protocol/commands.js';
import { type Ctx, liveTicket, requireTicket, requireWindow, snapshot, staffOf } from '../context.js';
import { fail } from '../failure.js';
import type { Channel, RatingChannel, ServiceConfig, Ticket } from '../../protocol/model.js';
import { present } from '../../protocol/present.js';
import { caseDueDay, isBadRating, ratingSettings } from '../../protocol/rules/ratings.js';
import { estimatedWaitMinutes, peopleAhead, serviceConfig } from '../queue.js';
import { issuingRefusal } from '../../protocol/rules/issuing.js';

export interface IssuedTicket {
  ticket: Ticket;
  ahead: number;
  estimatedWaitMinutes: number;
}

export function formatNumber(prefix: string, seqOfDay: number): string {
  return `${prefix}${String(seqOfDay).padStart(3, '0')}`;
}

/** Shared by the engine and the board view (the kiosk's tiles): one copy, in the protocol. */
export { isWithinIssuingHours, issuingRefusal } from '../../protocol/rules/issuing.js';

/**
 * The ticket with the next number of the day, not yet in the hall: the caller
 * checked that it may be issued and emits the event that adds it.
 */
export function createTicket(
  ctx: Ctx,
  service: ServiceConfig,
  options: { channel: Channel; priority: boolean; appointmentId?: string; slotStart?: number },
): IssuedTicket {
  const { state } = ctx;
  const seqOfDay = (state.counters[service.id] ?? 0) + 1;
  const ticket: Ticket = {
    id: ctx.ids.secretId(),
    number: formatNumber(service.prefix, seqOfDay),
    serviceId: service.id,
    day: state.day,
    seqOfDay,
    channel: options.channel,
    priority: options.priority,
    status: 'waiting',
    issuedAt: ctx.now,
    rank: state.rankCounter + 1,
    recallCount: 0,
    noShowCount: 0,
    ...(options.appointmentId !== undefined ? { appointmentId: options.appointmentId } : {}),
    ...(options.slotStart !== undefined ? { slotStart: options.slotStart } : {}),
  };
  // Not in the hall yet, so nobody is counted twice; issuing changes neither averages nor windows.
  const ahead = peopleAhead(state, ticket, ctx.now);
  return { ticket, ahead, estimatedWaitMinutes: estimatedWaitMinutes(state, service.id, ahead) };
}

export function issue(ctx: Ctx, command: Extract<Command, { type: 'ticket.issue' }>): IssuedTicket {
  const service = serviceConfig(ctx.state, command.serviceId);
  if (!service) fail('SERVICE_NOT_FOUND', { serviceId: command.serviceId });
  const refusal = issuingRefusal(ctx, service);
  if (refusal) fail(refusal, { serviceId: service.id });
  const issued = createTicket(ctx, service, { channel: command.channel, priority: command.priority });
  ctx.emit({ type: 'ticket:issued', ticket: issued.ticket, ahead: issued.ahead, estimatedWaitMinutes: issued.estimatedWaitMinutes });
  // A copy: the result is remembered for retries (state.requests) and must not alias the live ticket.
  return { ...issued, ticket: snapshot(issued.ticket) };
}

/** The guide desk withdraws a ticket that has not been called (the citizen left). */
export function cancel(ctx: Ctx, command: Extract<Command, { type: 'ticket.cancel' }>): Ticket {
  staffOf(ctx.actor);
  const live = requireTicket(ctx, command.ticketId);
  if (live.status !== 'waiting' && live.status !== 'no-show') {
    fail(live.status === 'served' ? 'TICKET_FINISHED' : 'TICKET_NOT_WAITING', { ticketId: live.id });
  }
  const ticket: Ticket = { ...live, status: 'cancelled', finishedAt: ctx.now };
  ctx.emit({ type: 'ticket:cancelled', ticket });
  return snapshot(ticket);
}

/** A 差评's reasons: at least one, each from the hall's list (REASON_REQUIRED names the list to choose from). */
function badRatingReasons(ctx: Ctx, given: string[]): string[] {
  const allowed = ratingSettings(ctx.state.config).reasons;
  if (given.length === 0) fail('REASON_REQUIRED', { reasons: allowed });
  const unknown = given.filter((reason) => !allowed.includes(reason));
  if (unknown.length > 0) fail('VALIDATION_FAILED', { field: 'reasons', unknown, reasons: allowed });
  return [...new Set(given)];
}

/**
 * 好差评, one rating per served ticket, only ever by the citizen (GB/T 39734
 * "一次一评"; no one may enter a rating for them): a paired window screen names
 * its window and rates what was just finished there, the citizen's own e-ticket
 * link names the ticket. Staff never rate. Which device or link may use which
 * route is the permission check's (server/auth/permissions.ts).
 */
export function rate(ctx: Ctx, command: Extract<Command, { type: 'ticket.rate' }>): Ticket {
  if (ctx.actor.kind === 'staff') fail('FORBIDDEN', { reason: 'staff never rate' });
  let ticket: Readonly<Ticket> | undefined;
  if (command.ticketId !== undefined) {
    ticket = liveTicket(ctx.state, command.ticketId);
    if (!ticket) fail('NOT_RATEABLE', { ticketId: command.ticketId });
  } else if (command.windowId !== undefined) {
    const ref = requireWindow(ctx, command.windowId);
    const lastId = ref.runtime.lastFinishedTicketId;
    ticket = lastId ? ctx.state.tickets[lastId] : undefined;
    if (!ticket) fail('NOT_RATEABLE', { windowId: command.windowId });
  } else {
    fail('VALIDATION_FAILED', { reason: 'ticketId or windowId is required' });
  }
  if (ticket.status !== 'served') fail('NOT_RATEABLE', { ticketId: ticket.id });
  // Checked here as well as by pruning, which only runs when a command arrives.
  const ratingEnds = (ticket.finishedAt ?? ctx.now) + ctx.state.config.evaluationMinutes * 60_000;
  if (ctx.now >= ratingEnds) fail('NOT_RATEABLE', { ticketId: ticket.id });
  if (ticket.rating !== undefined) fail('ALREADY_RATED', { ticketId: ticket.id });
  if (command.ticketNumber !== undefined && command.ticketNumber !== ticket.number) {
    // The screen showed another number than the one now due for rating: never rate the wrong service.
    fail('NOT_RATEABLE', { ticketId: ticket.id, shown: command.ticketNumber });
  }
  // The window screen rates by its window; the slip's QR code / the e-ticket by the ticket's secret id.
  const channel: RatingChannel = command.windowId !== undefined ? 'window-screen' : 'qr';
  const bad = isBadRating(command.level);
  const reasons = bad ? badRatingReasons(ctx, command.reasons ?? []) : [];
  const rated: Ticket = { ...ticket, rating: command.level, ratedVia: channel };
  ctx.emit({
    type: 'ticket:rated',
    ticket: rated,
    level: command.level,
    channel,
    ...(rated.windowId !== undefined ? { windowId: rated.windowId } : {}),
    ...(rated.clerkId !== undefined ? { clerkId: rated.clerkId } : {}),
    ...(bad ? { reasons } : {}),
    ...(command.note !== undefined ? { note: command.note } : {}),
  });
  if (bad) {
    ctx.emit({
      type: 'rating-case:opened',
      case: {
        id: rated.id,
        ticketId: rated.id,
        ticketNumber: rated.number,
        serviceId: rated.serviceId,
        ...present({ windowId: rated.windowId, clerkId: rated.clerkId, caseNumber: rated.caseNumber, note: command.note, followUpPhone: command.followUpPhone }),
        level: command.level,
        reasons,
        channel,
        openedAt: ctx.now,
        dueDay: caseDueDay(ctx.state.day, ctx.state.config),
        status: 'open',
      },
    });
  }
  return snapshot(rated);
}
