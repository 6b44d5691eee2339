import { z } from 'zod';
import { present } from './present.js';
import type { CalledTicketAnswer, IssuedTicketAnswer, RatingAnswer, WindowAnswer } from './answers.js';
import type { Command, CommandType } from './commands.js';
import { configureSchema } from './configSchema.js';
import type { DeviceKind } from './devices.js';
import type { ErrorCode } from './errors.js';
import type { ConfigChange } from './events.js';
import type { Announcement, Appointment, Channel, Role, Ticket } from './model.js';
import { OUTCOMES, PAUSE_REASONS } from './model.js';
import { requestId, schemas, shortText } from './schemas.js';
import type { RatingCaseSummary } from './rules/ratingCases.js';
import type { BookingCreated, BookingStaffRow } from './booking.js';
import { bookingCommandSchemas } from './bookingSchemas.js';

/**
 * One declaration per command: its input schema, who may send it, its REST
 * route, its socket event and its result. The REST routes (server/http), the
 * socket dispatch (server/realtime), the permission check (server/auth), the
 * typed socket event maps (./socket.ts), the apps' typed client (client/) and
 * the command table in docs/api.md are all derived from this table.
 * Adding a command: a member of the Command union (./commands.ts), an entry
 * here, and its handler in the engine (server/domain/engine.ts).
 */

/** Who is sending, as far as the rules below need to know. */
/** `windowId`: the one window a paired window screen belongs to. */
export type Caller = { kind: 'staff'; role: Role } | { kind: 'device'; device: DeviceKind; windowId?: string } | { kind: 'public' };

/** What of the hall's configuration the rules depend on. */
export interface HallOptions {
  phoneTickets: boolean;
}

export interface Who<C> {
  /** For the API table. */
  text: string;
  may(caller: Caller, command: C, hall: HallOptions): boolean;
}

export interface RestRoute {
  method: 'POST' | 'PUT' | 'DELETE';
  /** Under /api; `:hallId` is the hall, any other `:param` is a field of the input. */
  path: `/api/halls/:hallId${string}`;
  status: 200 | 201;
  /** A path id that is not even well-formed is answered with this code instead of VALIDATION_FAILED. */
  malformedPathId?: ErrorCode;
  /** A public caller's phone cookie keys its daily ticket limit (set on first use). */
  phoneCookie?: true;
}

export interface Declaration<K extends CommandType, S extends z.ZodType, R, E extends `${string}:${string}` | null> {
  summary: string;
  input: S;
  who: Who<Extract<Command, { type: K }>>;
  rest: RestRoute;
  socket: E;
  build(input: z.output<S>, caller: Caller): Extract<Command, { type: K }>;
  /** What a successful acknowledgement carries (`data`): its type, and its description for the API table. */
  result: Answer<R>;
}

export interface Answer<R> {
  text: string;
  /** Type only, never set. */
  readonly type?: R;
}

const answer = <R>(text: string): Answer<R> => ({ text });

function declare<K extends CommandType, S extends z.ZodType, R, const E extends `${string}:${string}` | null>(
  _name: K,
  declaration: Declaration<K, S, R, E>,
): Declaration<K, S, R, E> {
  return declaration;
}

const isManager = (caller: Caller) => caller.kind === 'staff' && (caller.role === 'supervisor' || caller.role === 'admin');
const staff: Who<never> = { text: 'staff', may: (caller) => caller.kind === 'staff' };
const managers: Who<never> = { text: 'supervisor, admin', may: isManager };

function withRequestId<T extends Command>(command: T, requestId: string | undefined): T {
  return requestId === undefined ? command : { ...command, requestId };
}

function defaultChannel(caller: Caller): Channel {
  if (caller.kind === 'device') return 'kiosk';
  if (caller.kind === 'public') return 'phone';
  return 'desk';
}

const id = schemas.id;

/** Window commands: REST takes windowId from the path, a socket payload carries it. */
const windowOnly = z.strictObject({ windowId: id, requestId });
const windowPath = (action: string) => `/api/halls/:hallId/windows/:windowId/${action}` as const;

/** A window command with no input but the window, answering `R`. */
function windowCommand<K extends Extract<CommandType, `window.${string}`>, R, const E extends `window:${string}`>(
  name: K,
  action: string,
  socket: E,
  summary: string,
  result: Answer<R>,
) {
  return declare(name, {
    summary,
    input: windowOnly,
    who: staff,
    rest: { method: 'POST', path: windowPath(action), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket,
    build: (input) => withRequestId({ type: name, windowId: input.windowId } as Extract<Command, { type: K }>, input.requestId),
    result,
  });
}

/**
 * A 差评整改 step: POST …/rating-cases/:caseId/<action>, socket `rating-case:<action>`, for the hall's
 * supervisors and admins (a clerk never handles a complaint about their own window); answers the case
 * as a list shows it (no phone number).
 */
function caseCommand<K extends Extract<CommandType, `rating-case.${string}`>, S extends z.ZodType, const E extends `rating-case:${string}`>(
  name: K,
  action: string,
  socket: E,
  summary: string,
  parts: { input: S; build: (input: z.output<S>) => Extract<Command, { type: K }> },
) {
  return declare(name, {
    summary,
    input: parts.input,
    who: managers,
    rest: { method: 'POST', path: `/api/halls/:hallId/rating-cases/:caseId/${action}`, status: 200, malformedPathId: 'CASE_NOT_FOUND' },
    socket,
    build: parts.build,
    result: answer<RatingCaseSummary>('the case as the list shows it (`RatingCaseSummary`: no phone number, `overdue`, `nextStep`)'),
  });
}

export const declarations = {
  'ticket.issue': declare('ticket.issue', {
    summary: 'Take a number for a service (guide desk, kiosk, phone).',
    input: schemas.issueTicket,
    who: {
      text: 'staff (any channel, may set `priority`); kiosk (channel `kiosk`, no `priority`); public only if the hall has `phoneTickets` (`phone`, no `priority`)',
      may: (caller, command, hall) => {
        if (caller.kind === 'staff') return true;
        // A kiosk anyone can touch may not hand out the green channel: a guide-desk clerk's login does that.
        // Nor label its tickets as the desk's or appointments (that would skew the statistics by channel).
        if (caller.kind === 'device') return caller.device === 'kiosk' && command.channel === 'kiosk' && !command.priority;
        return hall.phoneTickets && command.channel === 'phone' && !command.priority;
      },
    },
    rest: { method: 'POST', path: '/api/halls/:hallId/tickets', status: 201, phoneCookie: true },
    socket: 'ticket:issue',
    build: (input, caller) =>
      withRequestId(
        { type: 'ticket.issue', serviceId: input.serviceId, channel: input.channel ?? defaultChannel(caller), priority: input.priority ?? false },
        input.requestId,
      ),
    result: answer<IssuedTicketAnswer>('`{ id, number, serviceId, ahead, estimatedWaitMinutes, issuedAt, priority, channel }`'),
  }),
  'ticket.cancel': declare('ticket.cancel', {
    summary: 'Cancel a waiting or no-show ticket.',
    input: schemas.cancelTicket,
    who: staff,
    rest: { method: 'POST', path: '/api/halls/:hallId/tickets/:ticketId/cancel', status: 200 },
    socket: 'ticket:cancel',
    build: (input) => withRequestId({ type: 'ticket.cancel', ticketId: input.ticketId }, input.requestId),
    result: answer<Ticket>('the ticket'),
  }),
  'ticket.rate': declare('ticket.rate', {
    summary: '好差评 (一次一评): rate the service just finished at a window, or a ticket by its link; the guide desk records the citizen\'s word.',
    input: schemas.rateTicket,
    who: {
      text: 'a paired window screen by its own `windowId`; the public (the e-ticket / QR link) by `ticketId`; the guide desk (supervisor, admin) by `ticketId`, recorded as such; never a clerk',
      // The citizen rates: the paired screen at their window (by window, its own only), or their own
      // e-ticket / QR link (by ticket id, which only the ticket's holder knows). The guide desk may record
      // the citizen's word (channel 'desk', with who entered it); the clerk who served never rates.
      may: (caller, command) => {
        if (caller.kind === 'device') return caller.device === 'window-screen' && command.ticketId === undefined && command.windowId === caller.windowId;
        if (caller.kind === 'staff') return isManager(caller) && command.ticketId !== undefined && command.windowId === undefined;
        return caller.kind === 'public' && command.ticketId !== undefined && command.windowId === undefined;
      },
    },
    rest: { method: 'POST', path: '/api/halls/:hallId/ratings', status: 201 },
    socket: 'ticket:rate',
    build: (input) =>
      withRequestId(
        {
          type: 'ticket.rate',
          level: input.level,
          ...present({ ticketId: input.ticketId, windowId: input.windowId, ticketNumber: input.ticketNumber, reasons: input.reasons, note: input.note, followUpPhone: input.followUpPhone }),
        },
        input.requestId,
      ),
    /** The rater gets only the number and the level. */
    result: answer<Ticket | RatingAnswer>('`{ number, level }`'),
  }),
  'window.open': windowCommand('window.open', 'open', 'window:open', 'Sign in at a window (clerks hold one at a time).', answer<WindowAnswer>('`{ windowId, window }`')),
  'window.take-over': windowCommand('window.take-over', 'take-over', 'window:take-over', 'AB岗: take over a window another clerk holds.', answer<WindowAnswer>('`{ windowId, window }`')),
  'window.pause': declare('window.pause', {
    summary: '暂离: stop calling for a while, with a reason shown on the board.',
    input: z.strictObject({ windowId: id, reason: z.enum(PAUSE_REASONS), note: shortText(100).optional(), requestId }),
    who: staff,
    rest: { method: 'POST', path: windowPath('pause'), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket: 'window:pause',
    build: (input) => withRequestId({ type: 'window.pause', windowId: input.windowId, reason: input.reason, ...present({ note: input.note }) }, input.requestId),
    result: answer<WindowAnswer>('`{ windowId, window }`'),
  }),
  'window.resume': windowCommand('window.resume', 'resume', 'window:resume', 'Resume calling after a pause.', answer<WindowAnswer>('`{ windowId, window }`')),
  'window.close': windowCommand('window.close', 'close', 'window:close', 'Sign out of a window.', answer<WindowAnswer>('`{ windowId, window }`')),
  'window.call-next': windowCommand(
    'window.call-next',
    'call-next',
    'window:call-next',
    'Call the next ticket by the calling rules (finishing the current one as completed).',
    answer<CalledTicketAnswer>('the ticket + `outOfOrder`, `finished?` (the ticket finished first)'),
  ),
  'window.call': declare('window.call', {
    summary: 'Call a specific waiting ticket out of order (audited).',
    input: z.strictObject({ windowId: id, ticketId: id, requestId }),
    who: staff,
    rest: { method: 'POST', path: windowPath('call'), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket: 'window:call',
    build: (input) => withRequestId({ type: 'window.call', windowId: input.windowId, ticketId: input.ticketId }, input.requestId),
    result: answer<CalledTicketAnswer>('the ticket + `outOfOrder`, `finished?` (the ticket finished first)'),
  }),
  'window.recall': windowCommand('window.recall', 'recall', 'window:recall', '重呼: call the current ticket again.', answer<Ticket>('the ticket')),
  'window.start': windowCommand('window.start', 'start', 'window:start', 'The citizen arrived: service starts.', answer<Ticket>('the ticket')),
  'window.finish': declare('window.finish', {
    summary: 'Finish the current ticket, with its outcome and case number.',
    input: z.strictObject({ windowId: id, outcome: z.enum(OUTCOMES).optional(), caseNumber: shortText(64).optional(), requestId }),
    who: staff,
    rest: { method: 'POST', path: windowPath('finish'), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket: 'window:finish',
    build: (input) =>
      withRequestId({ type: 'window.finish', windowId: input.windowId, outcome: input.outcome ?? 'completed', ...present({ caseNumber: input.caseNumber }) }, input.requestId),
    result: answer<Ticket>('the ticket'),
  }),
  'window.no-show': windowCommand('window.no-show', 'no-show', 'window:no-show', '过号: the called citizen did not come.', answer<Ticket>('the ticket')),
  'window.requeue': declare('window.requeue', {
    summary: '过号重排: put a no-show ticket back in the queue, `after` tickets from the front.',
    input: z.strictObject({ windowId: id, ticketId: id, after: z.number().int().min(0).max(1000).optional(), requestId }),
    who: staff,
    rest: { method: 'POST', path: windowPath('requeue'), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket: 'window:requeue',
    build: (input) => withRequestId({ type: 'window.requeue', windowId: input.windowId, ticketId: input.ticketId, ...present({ after: input.after }) }, input.requestId),
    result: answer<Ticket>('the ticket'),
  }),
  'window.transfer': declare('window.transfer', {
    summary: '转窗: send the current ticket to another service or window, near the front.',
    input: z
      .strictObject({ windowId: id, serviceId: id.optional(), toWindowId: id.optional(), note: shortText(200).optional(), requestId })
      .refine((value) => value.serviceId !== undefined || value.toWindowId !== undefined, 'serviceId or toWindowId is required'),
    who: staff,
    rest: { method: 'POST', path: windowPath('transfer'), status: 200, malformedPathId: 'WINDOW_NOT_FOUND' },
    socket: 'window:transfer',
    build: (input) =>
      withRequestId(
        { type: 'window.transfer', windowId: input.windowId, ...present({ serviceId: input.serviceId, toWindowId: input.toWindowId, note: input.note }) },
        input.requestId,
      ),
    result: answer<Ticket>('the ticket'),
  }),
  'appointment.create': declare('appointment.create', {
    summary: 'Book an appointment slot; answers the six-digit check-in code.',
    input: schemas.createAppointment,
    who: managers,
    rest: { method: 'POST', path: '/api/halls/:hallId/appointments', status: 201 },
    socket: 'appointment:create',
    build: (input) =>
      withRequestId(
        { type: 'appointment.create', serviceId: input.serviceId, slotStart: input.slotStart, slotEnd: input.slotEnd, ...present({ externalRef: input.externalRef }) },
        input.requestId,
      ),
    result: answer<Appointment>('the appointment, with its `code`'),
  }),
  'appointment.check-in': declare('appointment.check-in', {
    summary: '签到: turn a booking into a ticket.',
    input: schemas.checkIn,
    who: { text: 'staff, kiosk', may: (caller) => caller.kind === 'staff' || (caller.kind === 'device' && caller.device === 'kiosk') },
    rest: { method: 'POST', path: '/api/halls/:hallId/appointments/check-in', status: 201 },
    socket: 'appointment:check-in',
    build: (input) => withRequestId({ type: 'appointment.check-in', code: input.code }, input.requestId),
    result: answer<IssuedTicketAnswer>('`{ id, number, serviceId, ahead, estimatedWaitMinutes, issuedAt, priority, channel }`'),
  }),
  'announcement.post': declare('announcement.post', {
    summary: 'Post a hall announcement (board ticker).',
    input: schemas.postAnnouncement,
    who: managers,
    rest: { method: 'POST', path: '/api/halls/:hallId/announcements', status: 201 },
    socket: 'announcement:post',
    build: (input) =>
      withRequestId({ type: 'announcement.post', text: input.text, ...present({ textAlt: input.textAlt, expiresAt: input.expiresAt }) }, input.requestId),
    result: answer<Announcement>('the announcement'),
  }),
  'announcement.remove': declare('announcement.remove', {
    summary: 'Remove an announcement.',
    input: schemas.removeAnnouncement,
    who: managers,
    rest: { method: 'DELETE', path: '/api/halls/:hallId/announcements/:announcementId', status: 200 },
    socket: 'announcement:remove',
    build: (input) => withRequestId({ type: 'announcement.remove', announcementId: input.announcementId }, input.requestId),
    result: answer<{ announcementId: string }>('`{ announcementId }`'),
  }),
  'hall.close-day': declare('hall.close-day', {
    summary: "End today's business: waiting tickets expire (recorded), no more are issued today.",
    input: schemas.windowOnly,
    who: managers,
    rest: { method: 'POST', path: '/api/halls/:hallId/close-day', status: 200 },
    socket: 'hall:close-day',
    build: (input) => withRequestId({ type: 'hall.close-day' }, input.requestId),
    result: answer<{ day: string; expired: number }>('`{ day, expired }`'),
  }),
  'hall.configure': declare('hall.configure', {
    summary: "Replace the hall's configuration as a whole, atomically.",
    input: configureSchema,
    // Supervisors run the hall; changing what it offers is the administrator's.
    who: { text: 'admin', may: (caller) => caller.kind === 'staff' && caller.role === 'admin' },
    rest: { method: 'PUT', path: '/api/halls/:hallId/config', status: 200 },
    socket: null,
    build: (input) => withRequestId({ type: 'hall.configure', config: input.config }, input.requestId),
    result: answer<{ changes: ConfigChange[] }>('`{ changes }` (before and after of each changed part)'),
  }),
  'hall.archive': declare('hall.archive', {
    summary: 'Retire the hall: waiting tickets expire (recorded), then every command is refused (HALL_ARCHIVED); records stay readable.',
    input: schemas.windowOnly,
    // Retiring a hall is the administrator's, as changing what it offers.
    who: { text: 'admin', may: (caller) => caller.kind === 'staff' && caller.role === 'admin' },
    rest: { method: 'POST', path: '/api/halls/:hallId/archive', status: 200 },
    socket: null,
    build: (input) => withRequestId({ type: 'hall.archive' }, input.requestId),
    result: answer<{ archivedAt: number; expired: number }>('`{ archivedAt, expired }`'),
  }),
  'rating-case.verify': caseCommand('rating-case.verify', 'verify', 'rating-case:verify', '差评整改 核实: the 差评 is true (属实) or not (不属实), with a note.', {
    input: z.strictObject({ caseId: id, substantiated: z.boolean(), note: shortText(500), requestId }),
    build: (input) => withRequestId({ type: 'rating-case.verify', caseId: input.caseId, substantiated: input.substantiated, note: input.note }, input.requestId),
  }),
  'rating-case.fix': caseCommand('rating-case.fix', 'fix', 'rating-case:fix', '差评整改 整改: what was done to put a 属实 case right.', {
    input: z.strictObject({ caseId: id, measures: shortText(500), requestId }),
    build: (input) => withRequestId({ type: 'rating-case.fix', caseId: input.caseId, measures: input.measures }, input.requestId),
  }),
  'rating-case.follow-up': caseCommand('rating-case.follow-up', 'follow-up', 'rating-case:follow-up', '差评整改 回访: the citizen called back (reached or not, satisfied or not), with a note.', {
    input: z
      .strictObject({ caseId: id, reached: z.boolean(), satisfied: z.boolean().optional(), note: shortText(500).optional(), requestId })
      // Only a citizen who was reached can have said whether they are satisfied.
      .refine((value) => value.reached || value.satisfied === undefined, { message: 'satisfied only when reached', path: ['satisfied'] }),
    build: (input) =>
      withRequestId({ type: 'rating-case.follow-up', caseId: input.caseId, reached: input.reached, ...present({ satisfied: input.satisfied, note: input.note }) }, input.requestId),
  }),
  'rating-case.close': caseCommand('rating-case.close', 'close', 'rating-case:close', '差评整改 办结: close the case after its 回访 (note optional).', {
    input: z.strictObject({ caseId: id, note: shortText(500).optional(), requestId }),
    build: (input) => withRequestId({ type: 'rating-case.close', caseId: input.caseId, ...present({ note: input.note }) }, input.requestId),
  }),
  'booking.create': declare('booking.create', {
    summary: '网上预约: book a slot (the hall\'s booking rules); answers the six-digit code and the manage link.',
    input: bookingCommandSchemas.create,
    who: {
      text: 'the public (source `online`, rate-limited per client), staff of the hall (source `desk`), a booking platform token (source `platform`, `externalRef` idempotent)',
      may: (caller) => caller.kind !== 'device' || caller.device === 'platform',
    },
    rest: { method: 'POST', path: '/api/halls/:hallId/bookings', status: 201 },
    socket: null,
    build: (input) =>
      withRequestId(
        {
          type: 'booking.create',
          serviceId: input.serviceId,
          slotStart: input.slotStart,
          name: input.name,
          phone: input.phone,
          ...present({ idTail: input.idTail, externalRef: input.externalRef }),
        },
        input.requestId,
      ),
    result: answer<BookingCreated>('`{ id, code, serviceId, slotStart, slotEnd, manageUrl }`'),
  }),
  'booking.cancel': declare('booking.cancel', {
    summary: '网上预约: cancel a booking before its slot starts.',
    input: bookingCommandSchemas.cancel,
    who: {
      text: 'staff of the hall; the platform token that made it; the public with the manage link\'s `secret`',
      may: (caller) => caller.kind !== 'device' || caller.device === 'platform',
    },
    rest: { method: 'POST', path: '/api/halls/:hallId/bookings/:bookingId/cancel', status: 200, malformedPathId: 'APPOINTMENT_NOT_FOUND' },
    socket: null,
    build: (input) => withRequestId({ type: 'booking.cancel', bookingId: input.bookingId, ...present({ secret: input.secret }) }, input.requestId),
    result: answer<BookingStaffRow | BookingChange>('staff: the row as the list shows it (`BookingStaffRow`, masked); others: `{ id, status, serviceId, slotStart, slotEnd }`'),
  }),
  'booking.move': declare('booking.move', {
    summary: '网上预约: move a booking to another slot of its service (the rules of a new booking).',
    input: bookingCommandSchemas.move,
    who: { text: 'staff of the hall; the public with the manage link\'s `secret`', may: (caller) => caller.kind !== 'device' },
    rest: { method: 'POST', path: '/api/halls/:hallId/bookings/:bookingId/move', status: 200, malformedPathId: 'APPOINTMENT_NOT_FOUND' },
    socket: null,
    build: (input) => withRequestId({ type: 'booking.move', bookingId: input.bookingId, slotStart: input.slotStart, ...present({ secret: input.secret }) }, input.requestId),
    result: answer<BookingStaffRow | BookingChange>('staff: the row as the list shows it (`BookingStaffRow`, masked); others: `{ id, status, serviceId, slotStart, slotEnd }`'),
  }),
} satisfies { [K in Exclude<CommandType, InternalCommand>]: Declaration<K, z.ZodType, unknown, `${string}:${string}` | null> };

/** What a cancel or move answers a caller who is not staff: no personal data, no code. */
export interface BookingChange {
  id: string;
  status: Appointment['status'];
  serviceId: string;
  slotStart: number;
  slotEnd: number;
}

/** Commands no client sends: the server's clock, and its daily default ratings. */
export type InternalCommand = 'hall.tick' | 'ticket.rate-default';

type Declarations = typeof declarations;
export type CommandName = keyof Declarations;
/** What a client sends: the socket payload, or the REST body with the path's ids. */
export type CommandInput<K extends CommandName> = z.input<Declarations[K]['input']>;
export type CommandResult<K extends CommandName> = Declarations[K]['result'] extends Answer<infer R> ? R : never;
export type SocketCommandName = { [K in CommandName]: Declarations[K]['socket'] extends null ? never : K }[CommandName];
export type SocketEventOf<K extends SocketCommandName> = Exclude<Declarations[K]['socket'], null>;

export const COMMAND_NAMES = Object.keys(declarations) as CommandName[];

export function declarationOf(type: CommandType): Declaration<CommandType, z.ZodType, unknown, `${string}:${string}` | null> | undefined {
  return (declarations as Partial<Record<CommandType, Declaration<CommandType, z.ZodType, unknown, `${string}:${string}` | null>>>)[type];
}

/** The `:param` names of a REST path other than the hall. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!).filter((name) => name !== 'hallId');
}

type ActionOf<N> = N extends `window.${infer A}` ? A : never;
/** The window actions: command `window.<action>`, POST …/windows/:windowId/<action>, socket `window:<action>`. */
export type WindowAction = ActionOf<CommandName>;
export const WINDOW_ACTIONS = COMMAND_NAMES.filter((name) => name.startsWith('window.')).map((name) => name.slice('window.'.length)) as WindowAction[];
