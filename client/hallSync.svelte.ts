import { io } from 'socket.io-client';
import type { CommandInput, CommandResult, SocketCommandName } from '../server/protocol/declarations.js';
import type { BoardView } from '../server/protocol/viewTypes.js';
import type { EventFrame, HallSnapshot } from '../server/protocol/socket.js';
import type { Ack } from '../server/protocol/errors.js';
import type { BoardAudioReport } from '../server/protocol/voice.js';
import { type HallClientSocket, emitCommand } from './commands.js';
import type { PublicEvent as PublicHallEvent } from '../server/protocol/redact.js';
import { applyBoardEvent } from '../server/protocol/views/board.js';

export interface HallSyncOptions {
  hallId: string;
  client: 'board' | 'window-screen' | 'kiosk' | 'phone';
  windowId?: string;
  /** A kiosk's device token; boards, window screens and phones connect without one. */
  token?: string;
  /** Called for every event applied in order, live or caught up after a reconnect. */
  onEvent?: (event: PublicHallEvent, live: boolean) => void;
  /** Called after every snapshot (each connect and reconnect), when the view may have jumped ahead. */
  onSnapshot?: () => void;
}

/**
 * The one socket of a display: snapshot on connect, then events in `seq`
 * order. A gap or a reconnect is repaired with `hall:sync` (the missed events,
 * so missed calls are still shown and, if recent, announced) or a fresh
 * snapshot. While the server is unreachable the last state stays on screen.
 */
export class HallSync {
  view = $state<BoardView | null>(null);
  online = $state(false);
  /** The server's error code when it refused the connection (a revoked kiosk token: UNAUTHENTICATED). */
  refusedCode = $state<string | null>(null);
  private readonly socket: HallClientSocket;
  private syncing = false;
  /** The board's last sound report, sent again on every (re)connect: the server keeps it per connection. */
  private audio: BoardAudioReport | null = null;
  private pending: PublicHallEvent[] = [];

  constructor(private readonly options: HallSyncOptions) {
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth: {
        hallId: options.hallId,
        client: options.client,
        ...(options.windowId ? { windowId: options.windowId } : {}),
        ...(options.token ? { token: options.token } : {}),
      },
      // Come back quickly after a server restart; the budget is every board resynced within 3 s.
      reconnectionDelay: 300,
      reconnectionDelayMax: 1000,
      randomizationFactor: 0.3,
    });
    this.socket.on('connect', () => {
      this.online = true;
      this.refusedCode = null;
      this.sendAudio();
    });
    this.socket.on('disconnect', (reason: string) => {
      this.online = false;
      // The server cut this client off (a kiosk whose token was revoked): ask again, and learn why from the refusal.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.online = false;
      this.refusedCode = error.data?.code ?? null;
    });
    this.socket.on('hall:snapshot', (snapshot: HallSnapshot) => void this.onSnapshot(snapshot));
    // One frame per command, applied in one go: the board never paints a finish without the call after it.
    this.socket.on('hall:events', (events: EventFrame) => {
      for (const event of events) this.receive(event);
    });
  }

  close(): void {
    this.socket.close();
  }

  /** A board tells the server which voice it uses and whether sound is unlocked (the supervisor's silent-board alert). */
  reportAudio(report: BoardAudioReport): void {
    if (this.audio && this.audio.source === report.source && this.audio.unlocked === report.unlocked) return;
    this.audio = { ...report };
    this.sendAudio();
  }

  private sendAudio(): void {
    // The answer is not awaited: a report lost with a dropped connection is sent again on the next connect.
    if (this.audio && this.socket.connected) this.socket.emit('board:audio', this.audio, () => undefined);
  }

  /** Sends a command over the display's socket (the window screen's rating). */
  command<K extends SocketCommandName>(name: K, input: CommandInput<K>): Promise<Ack<CommandResult<K>>> {
    return emitCommand(this.socket, name, input, 5000);
  }

  private async onSnapshot(snapshot: HallSnapshot): Promise<void> {
    const fresh = snapshot.view as BoardView;
    const current = this.view;
    if (current && fresh.seq > current.seq && (await this.catchUp(current.seq))) return;
    if (!this.view || fresh.seq >= this.view.seq) this.view = fresh;
    this.flush();
    this.options.onSnapshot?.();
  }

  /** Events that arrived while no snapshot was there yet, or during a catch-up, in seq order. */
  private flush(): void {
    const queued = this.pending.sort((a, b) => a.seq - b.seq);
    this.pending = [];
    for (const event of queued) this.receive(event);
  }

  private receive(event: PublicHallEvent): void {
    const view = this.view;
    if (!view || this.syncing) {
      this.pending.push(event);
      return;
    }
    if (event.seq <= view.seq) return;
    if (event.seq === view.seq + 1) {
      this.apply(event, true);
      return;
    }
    this.pending.push(event);
    void this.catchUp(view.seq);
  }

  private apply(event: PublicHallEvent, live: boolean): void {
    if (!this.view || event.seq !== this.view.seq + 1) return;
    this.view = applyBoardEvent(this.view, event);
    this.options.onEvent?.(event, live);
  }

  /**
   * Fetches what was missed after `sinceSeq` and applies it; false when the
   * server sent a snapshot instead or could not answer. On failure the socket
   * reconnects, which always brings a fresh snapshot, so a display never
   * stays behind and never spins.
   */
  private async catchUp(sinceSeq: number): Promise<boolean> {
    if (this.syncing) return true;
    this.syncing = true;
    let caughtUp = false;
    try {
      const answer = await this.socket.timeout(5000).emitWithAck('hall:sync', { sinceSeq });
      if (answer.ok && answer.data.kind === 'snapshot') this.view = answer.data.snapshot.view as BoardView;
      if (answer.ok && answer.data.kind === 'events') {
        for (const event of answer.data.events) this.apply(event, false);
        caughtUp = true;
      }
      if (!answer.ok) this.reconnect();
    } catch {
      this.reconnect();
    } finally {
      this.syncing = false;
    }
    if (this.online) this.flush();
    return caughtUp;
  }

  private reconnect(): void {
    this.pending = [];
    this.socket.disconnect().connect();
  }
}
