import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { Command } from '../protocol/commands.js';
import type { CallResult } from '../domain/handlers/calling.js';
import type { IssuedTicket } from '../domain/handlers/tickets.js';
import type { Channel, Ticket } from '../protocol/model.js';
import { type WindowAction, schemas, windowActionSchemas } from '../protocol/schemas.js';
import type { CalledTicketAnswer, IssuedTicketAnswer } from '../protocol/answers.js';

/**
 * Turns validated input into engine commands, in one place for REST and
 * sockets, so both transports accept exactly the same things.
 */

function defaultChannel(principal: Principal): Channel {
  if (principal.kind === 'device') return 'kiosk';
  if (principal.kind === 'public') return 'phone';
  return 'desk';
}

function withRequestId<T extends Command>(command: T, requestId: string | undefined): T {
  return requestId === undefined ? command : { ...command, requestId };
}

type Input<S extends z.ZodType> = z.infer<S>;

export function issueCommand(input: Input<typeof schemas.issueTicket>, principal: Principal): Command {
  return withRequestId(
    {
      type: 'ticket.issue',
      serviceId: input.serviceId,
      channel: input.channel ?? defaultChannel(principal),
      priority: input.priority ?? false,
    },
    input.requestId,
  );
}

export function windowCommand(action: WindowAction, windowId: string, input: Record<string, unknown>): Command {
  const requestId = input.requestId as string | undefined;
  const body: unknown = input;
  switch (action) {
    case 'open':
      return withRequestId({ type: 'window.open', windowId }, requestId);
    case 'take-over':
      return withRequestId({ type: 'window.take-over', windowId }, requestId);
    case 'pause': {
      const { reason, note } = body as Input<typeof schemas.pause>;
      return withRequestId({ type: 'window.pause', windowId, reason, ...(note !== undefined ? { note } : {}) }, requestId);
    }
    case 'resume':
      return withRequestId({ type: 'window.resume', windowId }, requestId);
    case 'close':
      return withRequestId({ type: 'window.close', windowId }, requestId);
    case 'call-next':
      return withRequestId({ type: 'window.call-next', windowId }, requestId);
    case 'call':
      return withRequestId({ type: 'window.call', windowId, ticketId: (body as Input<typeof schemas.call>).ticketId }, requestId);
    case 'recall':
      return withRequestId({ type: 'window.recall', windowId }, requestId);
    case 'start':
      return withRequestId({ type: 'window.start', windowId }, requestId);
    case 'finish': {
      const { outcome, caseNumber } = body as Input<typeof schemas.finish>;
      return withRequestId(
        { type: 'window.finish', windowId, outcome: outcome ?? 'completed', ...(caseNumber !== undefined ? { caseNumber } : {}) },
        requestId,
      );
    }
    case 'no-show':
      return withRequestId({ type: 'window.no-show', windowId }, requestId);
    case 'requeue': {
      const { ticketId, after } = body as Input<typeof schemas.requeue>;
      return withRequestId({ type: 'window.requeue', windowId, ticketId, ...(after !== undefined ? { after } : {}) }, requestId);
    }
    case 'transfer': {
      const { serviceId, toWindowId, note } = body as Input<typeof schemas.transfer>;
      return withRequestId(
        {
          type: 'window.transfer',
          windowId,
          ...(serviceId !== undefined ? { serviceId } : {}),
          ...(toWindowId !== undefined ? { toWindowId } : {}),
          ...(note !== undefined ? { note } : {}),
        },
        requestId,
      );
    }
  }
}

/** Hall-level commands other than issuing, keyed by their socket event name. */
export const hallCommands = {
  'ticket:cancel': {
    schema: schemas.cancelTicket,
    build: (input: Input<typeof schemas.cancelTicket>): Command =>
      withRequestId({ type: 'ticket.cancel', ticketId: input.ticketId }, input.requestId),
  },
  'ticket:rate': {
    schema: schemas.rateTicket,
    build: (input: Input<typeof schemas.rateTicket>): Command =>
      withRequestId(
        {
          type: 'ticket.rate',
          level: input.level,
          ...(input.ticketId !== undefined ? { ticketId: input.ticketId } : {}),
          ...(input.windowId !== undefined ? { windowId: input.windowId } : {}),
        },
        input.requestId,
      ),
  },
  'appointment:create': {
    schema: schemas.createAppointment,
    build: (input: Input<typeof schemas.createAppointment>): Command =>
      withRequestId(
        {
          type: 'appointment.create',
          serviceId: input.serviceId,
          slotStart: input.slotStart,
          slotEnd: input.slotEnd,
          ...(input.externalRef !== undefined ? { externalRef: input.externalRef } : {}),
        },
        input.requestId,
      ),
  },
  'appointment:check-in': {
    schema: schemas.checkIn,
    build: (input: Input<typeof schemas.checkIn>): Command =>
      withRequestId({ type: 'appointment.check-in', code: input.code }, input.requestId),
  },
  'announcement:post': {
    schema: schemas.postAnnouncement,
    build: (input: Input<typeof schemas.postAnnouncement>): Command =>
      withRequestId(
        {
          type: 'announcement.post',
          text: input.text,
          ...(input.textAlt !== undefined ? { textAlt: input.textAlt } : {}),
          ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
        },
        input.requestId,
      ),
  },
  'hall:close-day': {
    schema: schemas.windowOnly,
    build: (input: Input<typeof schemas.windowOnly>): Command => withRequestId({ type: 'hall.close-day' }, input.requestId),
  },
  'announcement:remove': {
    schema: schemas.removeAnnouncement,
    build: (input: Input<typeof schemas.removeAnnouncement>): Command =>
      withRequestId({ type: 'announcement.remove', announcementId: input.announcementId }, input.requestId),
  },
} as const;

export type HallCommandName = keyof typeof hallCommands;

/** Validates then builds; one call site for every hall command. */
export function parseHallCommand(
  name: HallCommandName,
  payload: unknown,
): { ok: true; command: Command } | { ok: false; error: z.ZodError } {
  const entry = hallCommands[name];
  const parsed = entry.schema.safeParse(payload);
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, command: (entry.build as (input: unknown) => Command)(parsed.data) };
}

export function parseWindowCommand(
  action: WindowAction,
  windowId: string,
  payload: unknown,
): { ok: true; command: Command } | { ok: false; error: z.ZodError } {
  const parsed = windowActionSchemas[action].safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, command: windowCommand(action, windowId, parsed.data as Record<string, unknown>) };
}

/**
 * The answer a caller gets for a command, the same over REST and sockets:
 * an issued ticket and a called ticket are answered flat, and a public caller
 * or a device (a window screen or kiosk rating a service) learns nothing beyond what it sent.
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
      const answer: CalledTicketAnswer = { ...ticket, outOfOrder, ...(finished ? { finished } : {}) };
      return answer;
    }
    case 'ticket.rate': {
      if (principal.kind === 'staff') return data;
      const ticket = data as Ticket;
      return { number: ticket.number, level: ticket.rating };
    }
    default:
      return data;
  }
}
