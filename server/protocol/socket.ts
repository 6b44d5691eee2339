/**
 * Typed Socket.IO event maps shared by the server and the apps.
 *
 * Connect with `io(origin, { auth: { hallId, token? }, transports: ['websocket'] })`.
 * Without a token the socket is public (boards, window screens, phones) and
 * receives redacted events; so do device sockets (kiosks, print agents),
 * which stand in public places. Staff sockets receive full events. Right after connecting the server sends `hall:snapshot`.
 * A command's events come as one `hall:events` frame; every event carries the
 * hall's `seq`, and a client that sees a gap calls `hall:sync` with the last
 * seq it applied.
 */
import type { BoardAudioReport } from './voice.js';
import type { CommandInput, CommandResult, SocketCommandName, SocketEventOf } from './declarations.js';
import type { HallEvent } from './events.js';
import type { BoardView, StaffView } from './viewTypes.js';
import type { Ack } from './errors.js';
import type { PublicEvent } from './redact.js';
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

/**
 * The events of one command (or one clock tick) for one audience, in `seq` order, all of one hall:
 * a call-next's `ticket:finished` and `ticket:called` arrive together and are applied at once,
 * so no screen ever shows the finish without the call.
 */
export type EventFrame = HallEvent[] | PublicEvent[];

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
  /** Staff sockets get the events themselves, public ones (boards, phones, kiosks, agents) their redacted copies. */
  'hall:events': (events: EventFrame) => void;
};

/** Every command with a socket event, as declared in ./declarations.ts: its payload and its acknowledgement. */
type CommandEvents = {
  [K in SocketCommandName as SocketEventOf<K>]: (payload: CommandInput<K>, ack: AckFn<CommandResult<K>>) => void;
};

export type ClientToServerEvents = CommandEvents & {
  'hall:sync': (payload: { sinceSeq: number }, ack: AckFn<SyncAnswer>) => void;
  /** From a print agent: its printer's status, sent on connect, on change and every few seconds. */
  'printer:status': (payload: { status: PrinterStatus }, ack: AckFn<null>) => void;
  /** From a board: which voice it uses and whether sound is unlocked, on connect and on change (docs/voice.md). */
  'board:audio': (payload: BoardAudioReport, ack: AckFn<null>) => void;
};

export function hallRoom(hallId: string, audience: 'public' | 'staff'): string {
  return `hall:${hallId}:${audience}`;
}
