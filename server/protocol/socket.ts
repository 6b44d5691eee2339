/**
 * Typed Socket.IO event maps shared by the server and the apps.
 *
 * Connect with `io(origin, { auth: { hallId, token? }, transports: ['websocket'] })`.
 * Without a token the socket is public (boards, window screens, phones) and
 * receives redacted events; so do device sockets (kiosks, print agents),
 * which stand in public places. Staff sockets receive full events. Right after connecting the server sends `hall:snapshot`. Every
 * broadcast carries the hall's `seq`; a client that sees a gap calls
 * `hall:sync` with the last seq it applied.
 */
import type { CalledTicketAnswer, IssuedTicketAnswer } from './answers.js';
import type { EventType, HallEvent } from './events.js';
import type { BoardView, StaffView } from './viewTypes.js';
import type { Ack } from './errors.js';
import type { PublicEvent } from './redact.js';
import type { WindowAction } from './schemas.js';
import type { ScreenSummary } from './screens.js';
import type { PrintResult, PrinterStatus } from './printDocument.js';
import type { AgentJob } from './printing.js';
import type { PrinterState } from './printing.js';

export interface HandshakeAuth {
  hallId: string;
  token?: string;
  /** What kind of screen this is, for the "display offline" alarms. */
  client?: 'board' | 'window-screen' | 'kiosk' | 'counter' | 'supervisor' | 'phone' | 'agent';
  windowId?: string;
  /** Language of error messages in acknowledgements; Chinese by default. */
  lang?: 'zh' | 'en';
}

export type HallSnapshot = { audience: 'public'; view: BoardView } | { audience: 'staff'; view: StaffView };

export type SyncAnswer =
  | { kind: 'events'; events: Array<HallEvent | PublicEvent> }
  | { kind: 'snapshot'; snapshot: HallSnapshot };

type AckFn<T> = (answer: Ack<T>) => void;

export type ServerToClientEvents = {
  'hall:snapshot': (snapshot: HallSnapshot) => void;
  /** Staff only: which boards, window screens and kiosks are connected (for "display offline" alarms). */
  'displays:changed': (presence: { hallId: string; screens: ScreenSummary[] }) => void;
  /** Staff only: printers of the hall and their status (paper out, offline … alarms). */
  'printers:changed': (update: { hallId: string; printers: PrinterState[] }) => void;
  /** To a print agent: print this job (answer from memory if this job id was printed already). */
  'print:job': (job: AgentJob, ack: (result: PrintResult) => void) => void;
  /** To a print agent: probe the printer now. */
  'printer:probe': (ack: (status: PrinterStatus) => void) => void;
} & {
  [K in EventType]: (event: HallEvent | PublicEvent) => void;
};

export type ClientToServerEvents = {
  'hall:sync': (payload: { sinceSeq: number }, ack: AckFn<SyncAnswer>) => void;
  /** From a print agent: its printer's status, sent on connect, on change and every few seconds. */
  'printer:status': (payload: { status: PrinterStatus }, ack: AckFn<null>) => void;
  'ticket:issue': (
    payload: { serviceId: string; priority?: boolean; channel?: string; requestId?: string },
    ack: AckFn<IssuedTicketAnswer>,
  ) => void;
  'ticket:cancel': (payload: { ticketId: string; requestId?: string }, ack: AckFn<unknown>) => void;
  'ticket:rate': (payload: { level: number; ticketId?: string; windowId?: string; requestId?: string }, ack: AckFn<unknown>) => void;
  'appointment:create': (
    payload: { serviceId: string; slotStart: number; slotEnd: number; externalRef?: string; requestId?: string },
    ack: AckFn<unknown>,
  ) => void;
  'appointment:check-in': (payload: { code: string; requestId?: string }, ack: AckFn<IssuedTicketAnswer>) => void;
  'announcement:post': (payload: { text: string; textAlt?: string; expiresAt?: number; requestId?: string }, ack: AckFn<unknown>) => void;
  'announcement:remove': (payload: { announcementId: string; requestId?: string }, ack: AckFn<unknown>) => void;
  'window:call-next': (payload: { windowId: string; requestId?: string }, ack: AckFn<CalledTicketAnswer>) => void;
  'window:call': (payload: { windowId: string; ticketId: string; requestId?: string }, ack: AckFn<CalledTicketAnswer>) => void;
} & {
  [A in Exclude<WindowAction, 'call-next' | 'call'> as `window:${A}`]: (
    payload: { windowId: string } & Record<string, unknown>,
    ack: AckFn<unknown>,
  ) => void;
};

export function hallRoom(hallId: string, audience: 'public' | 'staff'): string {
  return `hall:${hallId}:${audience}`;
}
