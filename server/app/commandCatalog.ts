import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { callerOf } from '../auth/permissions.js';
import type { CallResult } from '../domain/handlers/calling.js';
import type { IssuedTicket } from '../domain/handlers/tickets.js';
import type { CalledTicketAnswer, IssuedTicketAnswer, RatingAnswer } from '../protocol/answers.js';
import type { Command } from '../protocol/commands.js';
import { type CommandName, declarations } from '../protocol/declarations.js';
import type { Appointment, Ticket } from '../protocol/model.js';
import type { BookingChange } from '../protocol/declarations.js';
import { bookingStaffRow } from '../protocol/bookingViews.js';
import { maskResultPhones, maskTicketPhone } from '../protocol/rules/notify.js';

/**
 * Turns input into engine commands through the command declarations, in one
 * place for REST and sockets, so both transports accept exactly the same things.
 */
export function parseCommand(name: CommandName, payload: unknown, principal: Principal): { ok: true; command: Command } | { ok: false; error: z.ZodError } {
  const declaration = declarations[name];
  const parsed = declaration.input.safeParse(payload);
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, command: (declaration.build as (input: unknown, caller: ReturnType<typeof callerOf>) => Command)(parsed.data, callerOf(principal)) };
}

/**
 * The answer a caller gets for a command, the same over REST and sockets (its
 * type is the declaration's `result`): an issued ticket and a called ticket
 * are answered flat, and a public caller or a device (a window screen or kiosk
 * rating a service) learns nothing beyond what it sent.
 */
export function presentResult(command: Command, data: unknown, principal: Principal): unknown {
  switch (command.type) {
    case 'ticket.issue':
    case 'appointment.check-in': {
      const { ticket, ahead, estimatedWaitMinutes } = data as IssuedTicket;
      const answer: IssuedTicketAnswer = {
        id: ticket.id,
        number: ticket.number,
        serviceId: ticket.serviceId,
        ahead,
        estimatedWaitMinutes,
        issuedAt: ticket.issuedAt,
        priority: ticket.priority,
        channel: ticket.channel,
      };
      return answer;
    }
    case 'window.call-next':
    case 'window.call': {
      const { ticket, outOfOrder, finished } = data as CallResult;
      const answer: CalledTicketAnswer = { ...maskTicketPhone(ticket), outOfOrder, ...(finished ? { finished } : {}) };
      return answer;
    }
    case 'ticket.rate': {
      if (principal.kind === 'staff') return data;
      const ticket = data as Ticket;
      const answer: RatingAnswer = { number: ticket.number, level: ticket.rating };
      return answer;
    }
    case 'booking.cancel':
    case 'booking.move': {
      const appointment = data as Appointment;
      if (principal.kind === 'staff') return bookingStaffRow(appointment);
      const answer: BookingChange = { id: appointment.id, status: appointment.status, serviceId: appointment.serviceId, slotStart: appointment.slotStart, slotEnd: appointment.slotEnd };
      return answer;
    }
    default:
      return maskResultPhones(data);
  }
}

