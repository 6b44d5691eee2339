import type { Command } from '../commands.js';
import { type Ctx, liveTicket, ownTicket, requireTicket, requireWindow, snapshot, staffOf } from '../context.js';
import { fail } from '../failure.js';
import type { Channel, ServiceConfig, Ticket } from '../model.js';
import { estimatedWaitMinutes, peopleAhead, serviceConfig, waitingCounts } from '../queue.js';
import { clockMinutes, localTime } from '../time.js';

export interface IssuedTicket {
  ticket: Ticket;
  ahead: number;
  estimatedWaitMinutes: number;
}

export function formatNumber(prefix: string, seqOfDay: number): string {
  return `${prefix}${String(seqOfDay).padStart(3, '0')}`;
}

export function isWithinIssuingHours(service: ServiceConfig, now: number, timeZone: string): boolean {
  if (service.issuingHours.length === 0) return true;
  const local = localTime(now, timeZone);
  return service.issuingHours.some(
    (period) =>
      period.days.includes(local.weekday) &&
      local.minutes >= clockMinutes(period.from) &&
      local.minutes < clockMinutes(period.to),
  );
}

/** Why a service cannot issue a ticket right now, or null. Shared by the engine and the kiosk view. */
export function issuingRefusal(
  ctx: Pick<Ctx, 'state' | 'now'>,
  service: ServiceConfig,
): 'SERVICE_UNAVAILABLE' | 'OUTSIDE_HOURS' | 'CAP_REACHED' | null {
  if (!service.enabled) return 'SERVICE_UNAVAILABLE';
  if (ctx.state.dayClosedAt !== undefined) return 'OUTSIDE_HOURS';
  if (!isWithinIssuingHours(service, ctx.now, ctx.state.config.timeZone)) return 'OUTSIDE_HOURS';
  if (service.dailyCap !== null && (ctx.state.counters[service.id] ?? 0) >= service.dailyCap) return 'CAP_REACHED';
  return null;
}

/** Creates the ticket with the next number of the day; callers have checked whether it may be issued. */
export function createTicket(
  ctx: Ctx,
  service: ServiceConfig,
  options: { channel: Channel; priority: boolean; appointmentId?: string; slotStart?: number },
): IssuedTicket {
  const { state } = ctx;
  const seqOfDay = (state.counters[service.id] ?? 0) + 1;
  state.counters[service.id] = seqOfDay;
  state.rankCounter += 1;
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
    rank: state.rankCounter,
    recallCount: 0,
    noShowCount: 0,
    ...(options.appointmentId !== undefined ? { appointmentId: options.appointmentId } : {}),
    ...(options.slotStart !== undefined ? { slotStart: options.slotStart } : {}),
  };
  state.tickets[ticket.id] = ticket;
  ctx.owned.add(ticket.id);
  const ahead = peopleAhead(state, ticket, ctx.now);
  // A copy: the result is remembered for retries (state.requests) and must not alias the live ticket.
  return { ticket: snapshot(ticket), ahead, estimatedWaitMinutes: estimatedWaitMinutes(state, service.id, ahead) };
}

export function issue(ctx: Ctx, command: Extract<Command, { type: 'ticket.issue' }>): IssuedTicket {
  const service = serviceConfig(ctx.state, command.serviceId);
  if (!service) fail('SERVICE_NOT_FOUND', { serviceId: command.serviceId });
  const refusal = issuingRefusal(ctx, service);
  if (refusal) fail(refusal, { serviceId: service.id });
  const issued = createTicket(ctx, service, { channel: command.channel, priority: command.priority });
  ctx.emit({
    type: 'ticket:issued',
    ticket: snapshot(issued.ticket),
    ahead: issued.ahead,
    estimatedWaitMinutes: issued.estimatedWaitMinutes,
    waiting: waitingCounts(ctx.state),
  });
  return issued;
}

/** The guide desk withdraws a ticket that has not been called (the citizen left). */
export function cancel(ctx: Ctx, command: Extract<Command, { type: 'ticket.cancel' }>): Ticket {
  staffOf(ctx.actor);
  const ticket = requireTicket(ctx, command.ticketId);
  if (ticket.status !== 'waiting' && ticket.status !== 'no-show') {
    fail(ticket.status === 'served' ? 'TICKET_FINISHED' : 'TICKET_NOT_WAITING', { ticketId: ticket.id });
  }
  ticket.status = 'cancelled';
  ticket.finishedAt = ctx.now;
  delete ctx.state.tickets[ticket.id];
  ctx.emit({ type: 'ticket:cancelled', ticket: snapshot(ticket), waiting: waitingCounts(ctx.state) });
  return snapshot(ticket);
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
  let ticket: Ticket | undefined;
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
  ticket = ownTicket(ctx, ticket);
  ticket.rating = command.level;
  ctx.emit({
    type: 'ticket:rated',
    ticket: snapshot(ticket),
    level: command.level,
    ...(ticket.windowId !== undefined ? { windowId: ticket.windowId } : {}),
    ...(ticket.clerkId !== undefined ? { clerkId: ticket.clerkId } : {}),
  });
  return snapshot(ticket);
}
