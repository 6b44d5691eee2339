/**
 * Bench clients: public boards that behave like the real board (snapshot on
 * every connect, then the `hall:events` frames' deltas checked by seq, `hall:sync` on a gap) and staff
 * sockets that send commands and wait for the acknowledgement.
 */
import { performance } from 'node:perf_hooks';
import { type Socket, io } from 'socket.io-client';
import { ADMIN_PASSWORD } from './server.js';
import { withTimeout } from './stats.js';

export interface Ack<T = unknown> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: unknown };
}

export interface SeqEvent {
  type: string;
  seq: number;
  hallId: string;
  windowId?: string;
  ticket?: { number: string; id?: string };
}

export interface ReconnectOptions {
  reconnectionDelay: number;
  reconnectionDelayMax: number;
}

export interface BoardHooks {
  /** Every `ticket:called` the board applies (after seq checks), with the receive time. */
  onCalled?: (board: Board, event: SeqEvent, at: number) => void;
  /** Every snapshot (first connect and each reconnect). */
  onSnapshot?: (board: Board, at: number) => void;
}

export class Board {
  /** -1 until the first snapshot. */
  lastSeq = -1;
  snapshots = 0;
  /** Events whose seq jumped ahead (then recovered with hall:sync). */
  gaps = 0;
  syncs = 0;
  /** Events that came with a seq already applied (ignored). */
  duplicates = 0;
  /** `hall:events` frames received, and the events they held. */
  frames = 0;
  events = 0;
  awaitingSnapshot = true;
  disconnects = 0;
  lastDisconnectAt = 0;
  lastSnapshotAt = 0;
  readonly socket: Socket;

  constructor(
    url: string,
    readonly hallId: string,
    readonly index: number,
    private readonly hooks: BoardHooks,
    reconnect: ReconnectOptions | null,
  ) {
    this.socket = io(url, {
      auth: { hallId, client: 'board' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: reconnect !== null,
      ...(reconnect ?? {}),
    });
    this.socket.on('disconnect', () => {
      this.disconnects++;
      this.lastDisconnectAt = performance.now();
      this.awaitingSnapshot = true;
    });
    this.socket.on('hall:snapshot', (snapshot: { view: { seq: number } }) => {
      const at = performance.now();
      const seq = snapshot.view.seq;
      this.lastSeq = Math.max(seq, this.awaitingSnapshot ? seq : this.lastSeq);
      this.awaitingSnapshot = false;
      this.snapshots++;
      this.lastSnapshotAt = at;
      this.hooks.onSnapshot?.(this, at);
    });
    // One frame per command (HallQ and the floor alike); each event goes through the seq check.
    this.socket.on('hall:events', (events: SeqEvent[]) => {
      const at = performance.now();
      this.frames++;
      for (const event of events) this.receive(event, at);
    });
  }

  private receive(event: SeqEvent, at: number): void {
    this.events++;
    if (typeof event?.seq !== 'number' || this.awaitingSnapshot) return;
    if (event.seq <= this.lastSeq) {
      this.duplicates++;
      return;
    }
    if (event.seq > this.lastSeq + 1) {
      this.gaps++;
      void this.sync();
      return;
    }
    this.lastSeq = event.seq;
    if (event.type === 'ticket:called') this.hooks.onCalled?.(this, event, at);
  }

  /** What the real board does on a gap: ask for the missing events (or a snapshot). */
  async sync(): Promise<void> {
    this.syncs++;
    const answer = (await this.socket.timeout(5000).emitWithAck('hall:sync', { sinceSeq: this.lastSeq })) as Ack<{
      kind: 'events' | 'snapshot';
      events?: SeqEvent[];
      snapshot?: { view: { seq: number } };
    }>;
    if (!answer.ok || !answer.data) return;
    if (answer.data.kind === 'snapshot' && answer.data.snapshot) {
      this.lastSeq = Math.max(this.lastSeq, answer.data.snapshot.view.seq);
    } else {
      for (const event of answer.data.events ?? []) if (event.seq === this.lastSeq + 1) this.lastSeq = event.seq;
    }
  }

  /** Resolves at the next snapshot (or at once if it has one and `fresh` is false). */
  whenSynced(timeoutMs: number): Promise<void> {
    if (!this.awaitingSnapshot) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve) => this.socket.once('hall:snapshot', () => resolve())),
      timeoutMs,
      `board ${this.hallId}#${this.index} snapshot`,
    );
  }

  close(): void {
    this.socket.io.reconnection(false);
    this.socket.disconnect();
  }
}

export class Staff {
  readonly socket: Socket;
  /** `hall:events` frames received (the staff room's share of every command's writes). */
  frames = 0;

  constructor(
    url: string,
    readonly hallId: string,
    token: string,
    reconnect: ReconnectOptions | null,
  ) {
    this.socket = io(url, {
      auth: { hallId, token, client: 'supervisor' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: reconnect !== null,
      ...(reconnect ?? {}),
    });
    this.socket.on('hall:events', () => void this.frames++);
  }

  connected(timeoutMs: number): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve, reject) => {
        this.socket.once('connect', () => resolve());
        this.socket.once('connect_error', (error) => {
          if (!this.socket.io.opts.reconnection) reject(error);
        });
      }),
      timeoutMs,
      `staff socket for ${this.hallId}`,
    );
  }

  async command<T = unknown>(event: string, payload: Record<string, unknown>, timeoutMs = 10_000): Promise<Ack<T>> {
    return (await this.socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
  }

  close(): void {
    this.socket.io.reconnection(false);
    this.socket.disconnect();
  }
}

export async function loginAdmin(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!response.ok) throw new Error(`admin login failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function getJson<T>(url: string, token?: string): Promise<T> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The ticket in a `ticket:issue` / `window:call-next` acknowledgement: answered flat
 * ({ id, number, … }); older builds nested it as { ticket: { id, number } }.
 */
export function ackedTicket(data: unknown): { id: string; number: string } | undefined {
  const flat = data as { id?: unknown; number?: unknown; ticket?: { id?: unknown; number?: unknown } } | undefined;
  const t = flat?.ticket ?? flat;
  return typeof t?.id === 'string' && typeof t.number === 'string' ? { id: t.id, number: t.number } : undefined;
}

export function expectOk<T>(ack: Ack<T>, what: string): T {
  if (!ack.ok) throw new Error(`${what} refused: ${ack.error?.code} ${ack.error?.message ?? ''}`);
  return ack.data as T;
}
