import { io } from 'socket.io-client';
import type { CommandInput, CommandResult, SocketCommandName } from '../../../server/protocol/declarations.js';
import type { HallEvent } from '../../../server/protocol/events.js';
import type { StaffView } from '../../../server/protocol/viewTypes.js';
import type { Ack } from '../../../server/protocol/errors.js';
import { isErrorCode } from '../../../server/protocol/errors.js';
import type { EventFrame, HallSnapshot, SyncAnswer } from '../../../server/protocol/socket.js';
import { reshapesViews } from '../../../server/protocol/views/board.js';
import { applyStaffEvent } from '../../../server/protocol/views/staff.js';
import type { ScreenSummary } from '../../../server/protocol/screens.js';
import type { PrinterState } from '../../../server/protocol/printing.js';
import { type ClientErrorCode, type Result, isAuthLost, request } from '../../../client/api.js';
import { type HallClientSocket, emitCommand } from '../../../client/commands.js';
import { newRequestId } from './panel.js';

/** What the feed keeps up to date: the Svelte class (StaffSync) in the app, a plain object in the bench. */
export interface StaffSink {
  view: StaffView | null;
  screens: ScreenSummary[] | null;
  printers: PrinterState[] | null;
  online: boolean;
  refused: ClientErrorCode | null;
}

export interface StaffFeedOptions {
  /** Where the server is; the page's own origin when absent (the app), a URL in Node (the bench). */
  origin?: string;
  hallId: string;
  token: string;
  lang: 'zh' | 'en';
  /** When the token's expiry has passed: disconnects by the server are then not retried. */
  expiresAt: number;
  /** The login is no longer valid (expired, revoked, account disabled). */
  onAuthLost: (code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED') => void;
  /** What this page declares at the handshake (the supervisor view says `supervisor`); default `counter`. */
  client?: 'counter' | 'supervisor';
  /** Every hall event as it arrives (full staff form), before it is applied to the view. */
  onEvent?: (event: HallEvent) => void;
  /** Every staff snapshot (each connect and reconnect), after the view took it. */
  onSnapshot?: (view: StaffView) => void;
}

/** How long after its own command the panel waits for the command's events before reading the view over REST. */
const SETTLE_MS = 1500;
/** How long a command may go unanswered before it is sent again (same requestId) and then given up. */
const COMMAND_TIMEOUT_MS = 8000;

/**
 * The counter panel's one socket and its copy of the hall's staff view
 * (plain TypeScript, so the bench drives the very same code; the app wraps it
 * in StaffSync, whose reactive fields are the sink).
 *
 * How the view stays live: the staff `hall:snapshot` the server sends on
 * every (re)connect, then every hall event applied in `seq` order with the
 * protocol's `applyStaffEvent` (the engine's queue order, the board change
 * and window runtimes the event carries), like a board. A gap in `seq` is
 * repaired over the socket (`hall:sync`: the missed events, or a snapshot);
 * the staff view is read over REST only when that fails or when an event
 * says the view changed shape (`hall:configured`; the server's snapshot
 * follows too). After its own command the panel waits for that command's
 * events before enabling the buttons again (and reads the view if none come),
 * so what the clerk sees next includes what they just did. Nothing polls; a
 * hall with 60 panels costs the server no read per call.
 * `displays:changed` and `printers:changed` are applied as they come.
 */
export class StaffFeed {
  private readonly socket: HallClientSocket;
  private closed = false;
  /** Events held while there is no view yet, or while a gap is being repaired. */
  private pending: HallEvent[] = [];
  private syncing = false;
  /** The view's seq when the panel's last command was sent; `refresh` waits until the view moved past it. */
  private sentAtSeq = -1;
  private waiters: Array<() => void> = [];
  constructor(
    private readonly options: StaffFeedOptions,
    private readonly sink: StaffSink,
  ) {
    const socketOptions = {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { hallId: options.hallId, token: options.token, client: options.client ?? 'counter', lang: options.lang },
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    };
    this.socket = options.origin ? io(options.origin, socketOptions) : io(socketOptions);
    this.socket.on('connect', () => {
      this.sink.online = true;
      this.sink.refused = null;
      void this.readScreens();
      void this.readPrinters();
    });
    this.socket.on('disconnect', (reason: string) => {
      this.sink.online = false;
      // The server cuts a staff socket off when its login expires; anything else: come back.
      if (reason !== 'io server disconnect' || this.closed) return;
      if (Date.now() >= options.expiresAt) options.onAuthLost('TOKEN_EXPIRED');
      else this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.sink.online = false;
      const code = error.data?.code ?? error.message;
      if (!isErrorCode(code)) return; // a network error: socket.io tries again by itself
      if (isAuthLost(code)) options.onAuthLost(code);
      else this.sink.refused = code;
    });
    this.socket.on('hall:snapshot', (snapshot: HallSnapshot) => {
      if (snapshot.audience !== 'staff') return;
      this.accept(snapshot.view, true);
      options.onSnapshot?.(snapshot.view);
      this.flush();
    });
    this.socket.on('displays:changed', (presence: { hallId: string; screens: ScreenSummary[] }) => {
      if (presence.hallId === options.hallId) this.sink.screens = presence.screens;
    });
    this.socket.on('printers:changed', (update: { hallId: string; printers: PrinterState[] }) => {
      if (update.hallId === options.hallId) this.sink.printers = update.printers;
    });
    // One frame per command, each event through the same seq check. A staff socket gets every event in
    // full (the server redacts only for public sockets).
    this.socket.on('hall:events', (events: EventFrame) => {
      for (const event of events as HallEvent[]) {
        options.onEvent?.(event);
        this.receive(event);
      }
    });
  }

  close(): void {
    this.closed = true;
    this.socket.close();
    this.wake();
  }

  /**
   * Resolves once the view includes the panel's last command: when an event
   * after it has been applied, or, if none comes in time (a command that
   * changed nothing), after reading the view over REST.
   */
  async refresh(): Promise<void> {
    if (this.sink.view && this.sink.view.seq > this.sentAtSeq) return;
    const moved = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, SETTLE_MS);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
    if (!moved) await this.read();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private receive(event: HallEvent): void {
    const view = this.sink.view;
    if (!view || this.syncing) {
      this.pending.push(event);
      return;
    }
    if (event.seq <= view.seq) return;
    if (event.seq !== view.seq + 1) {
      this.pending.push(event);
      void this.catchUp(view.seq);
      return;
    }
    this.apply(event);
  }

  private apply(event: HallEvent): void {
    if (!this.sink.view || event.seq !== this.sink.view.seq + 1) return;
    if (reshapesViews(event)) {
      // Services or windows changed: the fold cannot know the new shape; take the whole view.
      this.sink.view = { ...this.sink.view, seq: event.seq };
      void this.read();
    } else {
      this.sink.view = applyStaffEvent(this.sink.view, event);
    }
    if (this.sink.view.seq > this.sentAtSeq) this.wake();
  }

  /** Events that arrived while no view was there yet, or during a catch-up, in seq order. */
  private flush(): void {
    const queued = this.pending.sort((a, b) => a.seq - b.seq);
    this.pending = [];
    for (const event of queued) this.receive(event);
  }

  /** What was missed after `sinceSeq`, over the socket; a REST read of the whole view if that fails. */
  private async catchUp(sinceSeq: number): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const answer = (await this.socket.timeout(COMMAND_TIMEOUT_MS).emitWithAck('hall:sync', { sinceSeq })) as Ack<SyncAnswer>;
      if (answer.ok && answer.data.kind === 'snapshot' && answer.data.snapshot.audience === 'staff') this.accept(answer.data.snapshot.view, true);
      else if (answer.ok && answer.data.kind === 'events') for (const event of answer.data.events as HallEvent[]) this.apply(event);
      else await this.read();
    } catch {
      await this.read();
    } finally {
      this.syncing = false;
    }
    this.flush();
  }

  /**
   * Sends one command with a fresh requestId. If no answer comes in time it is
   * sent once more with the same requestId: the server answers a repeat with
   * the first answer and does nothing twice.
   */
  async command<K extends SocketCommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandResult<K>>> {
    if (!this.socket.connected) return { ok: false, error: { code: 'NETWORK' } };
    const body: CommandInput<K> = { ...input, requestId: newRequestId() };
    this.sentAtSeq = this.sink.view?.seq ?? -1;
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
    if (force || !this.sink.view || view.seq >= this.sink.view.seq) this.sink.view = view;
    if (this.sink.view && this.sink.view.seq > this.sentAtSeq) this.wake();
  }

  private async read(): Promise<void> {
    const answer = await request<StaffView>('GET', `${this.options.origin ?? ''}/api/halls/${encodeURIComponent(this.options.hallId)}/staff-view`, { token: this.options.token });
    if (answer.ok) this.accept(answer.data);
    else if (isAuthLost(answer.error.code)) this.options.onAuthLost(answer.error.code);
    this.flush();
  }

  /** A REST request with this panel's login (notices, which are not socket commands). */
  post<T>(path: string, body: unknown): Promise<Result<T>> {
    return request<T>('POST', `${this.options.origin ?? ''}/api/halls/${encodeURIComponent(this.options.hallId)}${path}`, { token: this.options.token, body, timeoutMs: 30_000 });
  }

  private async readPrinters(): Promise<void> {
    const answer = await request<{ hallId: string; printers: PrinterState[] }>(
      'GET',
      `${this.options.origin ?? ''}/api/halls/${encodeURIComponent(this.options.hallId)}/printers`,
      { token: this.options.token },
    );
    if (answer.ok) this.sink.printers = answer.data.printers;
  }

  private async readScreens(): Promise<void> {
    const answer = await request<{ hallId: string; screens: ScreenSummary[] }>(
      'GET',
      `${this.options.origin ?? ''}/api/halls/${encodeURIComponent(this.options.hallId)}/displays`,
      { token: this.options.token },
    );
    if (answer.ok) this.sink.screens = answer.data.screens;
  }
}
