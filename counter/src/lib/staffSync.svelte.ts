import { io } from 'socket.io-client';
import type { CommandInput, CommandResult, SocketCommandName } from '../../../server/protocol/declarations.js';
import { EVENT_TYPES, type HallEvent } from '../../../server/protocol/events.js';
import type { PublicEvent } from '../../../server/protocol/redact.js';
import type { StaffView } from '../../../server/protocol/viewTypes.js';
import type { Ack } from '../../../server/protocol/errors.js';
import { isErrorCode } from '../../../server/protocol/errors.js';
import type { HallSnapshot } from '../../../server/protocol/socket.js';
import type { ScreenSummary } from '../../../server/protocol/screens.js';
import type { PrinterState } from '../../../server/protocol/printing.js';
import { type ClientErrorCode, type Result, isAuthLost, request } from '../../../client/api.js';
import { type HallClientSocket, emitCommand } from '../../../client/commands.js';
import { newRequestId } from './panel.js';

export interface StaffSyncOptions {
  hallId: string;
  token: string;
  lang: 'zh' | 'en';
  /** When the token's expiry has passed: disconnects by the server are then not retried. */
  expiresAt: number;
  /** The login is no longer valid (expired, revoked, account disabled). */
  onAuthLost: (code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED') => void;
  /** What this page declares at the handshake (the supervisor view says `supervisor`); default `counter`. */
  client?: 'counter' | 'supervisor';
  /** Every hall event as it arrives (full staff form), before the view is read again. */
  onEvent?: (event: HallEvent) => void;
  /** Every staff snapshot (each connect and reconnect), after the view took it. */
  onSnapshot?: (view: StaffView) => void;
}

/** Coalesce a burst of events into one read of the staff view. */
const REFRESH_DELAY_MS = 100;
/** How long a command may go unanswered before it is sent again (same requestId) and then given up. */
const COMMAND_TIMEOUT_MS = 8000;

/**
 * The counter panel's one socket and its copy of the hall's staff view.
 *
 * How the view stays live: the panel does not re-implement the engine's queue
 * order on the client. It takes the staff `hall:snapshot` the server sends on
 * every (re)connect, and on every hall event it receives it schedules one
 * `GET /api/halls/:hallId/staff-view`, debounced to 100 ms so that a burst of
 * events costs one read (events arriving while a read is in flight cause one
 * more read afterwards). A view is only replaced by one with a seq at least as
 * high, so an old answer never overwrites a newer one. After its own command
 * the panel reads the view at once and keeps the button disabled until then,
 * so what the clerk sees next always includes what they just did. No timers
 * poll; a quiet hall costs nothing. `displays:changed` is applied as it comes.
 */
export class StaffSync {
  view = $state.raw<StaffView | null>(null);
  /** Boards and window screens connected to the server; null until known. */
  screens = $state.raw<ScreenSummary[] | null>(null);
  /** Kiosk, window and guide-desk printers with their status; null until known. */
  printers = $state.raw<PrinterState[] | null>(null);
  online = $state(false);
  /** The server refused this panel for the hall (FORBIDDEN, HALL_NOT_FOUND); it does not retry. */
  refused = $state<ClientErrorCode | null>(null);

  private readonly socket: HallClientSocket;
  /** Transfer marks seen while tickets waited: the engine drops them when the ticket is called. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading = false;
  private stale = false;
  private closed = false;

  constructor(private readonly options: StaffSyncOptions) {
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth: { hallId: options.hallId, token: options.token, client: options.client ?? 'counter', lang: options.lang },
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => {
      this.online = true;
      this.refused = null;
      void this.readScreens();
      void this.readPrinters();
    });
    this.socket.on('disconnect', (reason: string) => {
      this.online = false;
      // The server cuts a staff socket off when its login expires; anything else: come back.
      if (reason !== 'io server disconnect' || this.closed) return;
      if (Date.now() >= options.expiresAt) options.onAuthLost('TOKEN_EXPIRED');
      else this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.online = false;
      const code = error.data?.code ?? error.message;
      if (!isErrorCode(code)) return; // a network error: socket.io tries again by itself
      if (isAuthLost(code)) options.onAuthLost(code);
      else this.refused = code;
    });
    this.socket.on('hall:snapshot', (snapshot: HallSnapshot) => {
      if (snapshot.audience !== 'staff') return;
      this.accept(snapshot.view, true);
      options.onSnapshot?.(snapshot.view);
    });
    this.socket.on('displays:changed', (presence: { hallId: string; screens: ScreenSummary[] }) => {
      if (presence.hallId === options.hallId) this.screens = presence.screens;
    });
    this.socket.on('printers:changed', (update: { hallId: string; printers: PrinterState[] }) => {
      if (update.hallId === options.hallId) this.printers = update.printers;
    });
    // A staff socket gets every event in full (the server redacts only for public sockets).
    const onEvent = (event: HallEvent | PublicEvent) => {
      options.onEvent?.(event as HallEvent);
      this.schedule();
    };
    for (const type of EVENT_TYPES) this.socket.on(type, onEvent);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket.close();
  }

  /** Reads the staff view now (after the panel's own command). */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.read();
  }

  /**
   * Sends one command with a fresh requestId. If no answer comes in time it is
   * sent once more with the same requestId: the server answers a repeat with
   * the first answer and does nothing twice.
   */
  async command<K extends SocketCommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandResult<K>>> {
    if (!this.socket.connected) return { ok: false, error: { code: 'NETWORK' } };
    const body: CommandInput<K> = { ...input, requestId: newRequestId() };
    for (let attempt = 0; attempt < 2; attempt++) {
      let ack: Ack<CommandResult<K>>;
      try {
        ack = await emitCommand(this.socket, name, body, COMMAND_TIMEOUT_MS);
      } catch {
        continue;
      }
      if (ack.ok) return ack;
      if (isAuthLost(ack.error.code)) this.options.onAuthLost(ack.error.code);
      return { ok: false, error: { code: ack.error.code, details: ack.error.details } };
    }
    return { ok: false, error: { code: 'TIMEOUT' } };
  }

  private accept(view: StaffView, force = false): void {
    if (this.closed) return;
    // A snapshot after a reconnect replaces the view even if its seq went back (a restored server).
    if (force || !this.view || view.seq >= this.view.seq) this.view = view;
  }

  private schedule(): void {
    if (this.reading) {
      this.stale = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, REFRESH_DELAY_MS);
  }

  private async read(): Promise<void> {
    this.reading = true;
    this.stale = false;
    try {
      const answer = await request<StaffView>('GET', `/api/halls/${encodeURIComponent(this.options.hallId)}/staff-view`, { token: this.options.token });
      if (answer.ok) this.accept(answer.data);
      else if (isAuthLost(answer.error.code)) this.options.onAuthLost(answer.error.code);
    } finally {
      this.reading = false;
    }
    if (this.stale) this.schedule();
  }

  /** A REST request with this panel's login (notices, which are not socket commands). */
  post<T>(path: string, body: unknown): Promise<Result<T>> {
    return request<T>('POST', `/api/halls/${encodeURIComponent(this.options.hallId)}${path}`, { token: this.options.token, body, timeoutMs: 30_000 });
  }

  private async readPrinters(): Promise<void> {
    const answer = await request<{ hallId: string; printers: PrinterState[] }>(
      'GET',
      `/api/halls/${encodeURIComponent(this.options.hallId)}/printers`,
      { token: this.options.token },
    );
    if (answer.ok) this.printers = answer.data.printers;
  }

  private async readScreens(): Promise<void> {
    const answer = await request<{ hallId: string; screens: ScreenSummary[] }>(
      'GET',
      `/api/halls/${encodeURIComponent(this.options.hallId)}/displays`,
      { token: this.options.token },
    );
    if (answer.ok) this.screens = answer.data.screens;
  }
}
