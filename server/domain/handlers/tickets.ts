import type { Command } from '../../protocol/commands.js';
import { type Ctx, requireTicket, snapshot, staffOf } from '../context.js';
import { fail } from '../failure.js';
import type { Channel, ServiceConfig, Ticket } from '../../protocol/model.js';
import { estimatedWaitMinutes, peopleAhead, serviceConfig } from '../queue.js';
import { issuingRefusal } from '../../protocol/rules/issuing.js';
import { notifySettings, withoutPhone } from '../../protocol/rules/notify.js';

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
  options: { channel: Channel; priority: boolean; appointmentId?: string; slotStart?: number; notifyPhone?: string },
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
    // Personal data is kept only where it serves: a hall that sends no messages does not store the number.
    ...(options.notifyPhone !== undefined && notifySettings(state.config) ? { notifyPhone: options.notifyPhone } : {}),
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
  const issued = createTicket(ctx, service, {
    channel: command.channel,
    priority: command.priority,
    ...(command.notifyPhone !== undefined ? { notifyPhone: command.notifyPhone } : {}),
  });
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
  const ticket: Ticket = { ...withoutPhone(live), status: 'cancelled', finishedAt: ctx.now };
  ctx.emit({ type: 'ticket:cancelled', ticket });
  return snapshot(ticket);
}
