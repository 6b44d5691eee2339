/**
 * A real HallQ server for integration tests: HTTP + Socket.IO on 127.0.0.1,
 * port 0, a fresh temporary data directory (removed on close), and small
 * clients around it:
 *
 *   const t = await startTestServer();
 *   const token = await t.login('clerk1');             // REST login, cached per user
 *   const res = await t.api('POST', '/api/halls/demo/tickets', { token, body: { serviceId } });
 *   const board = await t.connect({ hallId: 'demo' }); // public socket, records every event
 *   await board.waitFor((e) => e.event === 'ticket:called');
 *   await t.close();
 *
 * The server trusts one proxy hop (trustProxy: 1) so a test can act as several
 * client addresses (per-IP limits) by sending X-Forwarded-For; `login` uses a fresh address each time so
 * the per-IP login limit (10/min) never gets in the way of a test's set-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { SignJWT } from 'jose';
import { loadConfig, type AppConfig } from '../../server/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/server.js';
import { StaffTokens } from '../../server/auth/tokens.js';
import { signingSecret } from '../../server/auth/signingSecret.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import { demoHallConfig, DEMO_HALL_ID, DEMO_PASSWORD } from '../../server/demo/demoHall.js';
import type { HallConfig, HallState, Ticket } from '../../server/protocol/model.js';
import type { Ack } from '../../server/protocol/errors.js';
import type { HallSnapshot } from '../../server/protocol/socket.js';

export const ADMIN_PASSWORD = 'test-admin-secret';
export const DEMO = DEMO_HALL_ID;
export { DEMO_PASSWORD };

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw response text (for bodies that are not JSON). */
  text: string;
}

export interface ApiOptions {
  token?: string;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  /** Sent as is (e.g. invalid JSON), with content-type application/json unless headers say otherwise. */
  raw?: string;
  headers?: Record<string, string>;
  /** Client address as seen by the server (X-Forwarded-For). */
  ip?: string;
}

export interface Received {
  event: string;
  data: any;
}

export interface SecondHall {
  hallId: string;
  config: HallConfig;
  clerkUsername: string;
  clerkPassword: string;
  /** Maps a demo id to the second hall's id for the same thing (o-<serviceId>, o<windowId>). */
  serviceId(demoServiceId: string): string;
  windowId(demoWindowId: string): string;
}

/** A hall's state as JSON has it: the live tickets an object keyed by id. */
export type PlainHallState = Omit<HallState, 'tickets'> & { tickets: Record<string, Ticket> };

export interface TestServer {
  server: RunningServer;
  config: AppConfig;
  url: string;
  api<T = any>(method: string, path: string, options?: ApiOptions): Promise<ApiResponse<T>>;
  /** POST /api/auth/login, cached per user name. Demo users default to the demo password, admin to ADMIN_PASSWORD. */
  login(username: string, password?: string): Promise<string>;
  /** A token signed with the server's key but already expired (for TOKEN_EXPIRED). */
  expiredToken(username: string): Promise<string>;
  /** A well-formed JWT for an existing user, signed with a wrong key. */
  forgedToken(username: string): Promise<string>;
  connect(options: ConnectOptions): Promise<TestSocket>;
  /** Resolves with the connect_error's `data` (the refusal {code, message}) or rejects if the socket connects. */
  connectError(auth: Record<string, unknown>): Promise<{ code: string; message: string } & Record<string, unknown>>;
  hallState(hallId?: string): Promise<PlainHallState>;
  /** The hall's state as JSON, for before/after comparisons. */
  stateJson(hallId?: string): Promise<string>;
  createSecondHall(): Promise<SecondHall>;
  /**
   * A window screen paired by the supervisor (POST …/devices, kind window-screen): its device token,
   * cached per hall and window. Only a paired screen may submit its window's 好差评 ratings.
   */
  windowScreenToken(windowId: string, hallId?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  hallId?: string;
  token?: string;
  /** Extra handshake fields (client kind, windowId, or hostile ones). */
  auth?: Record<string, unknown>;
  /** Wait for the hall:snapshot before resolving (default true). */
  waitForSnapshot?: boolean;
  /** Extra HTTP headers of the WebSocket handshake (e.g. X-Forwarded-For). */
  headers?: Record<string, string>;
}

const DEFAULT_WAIT_MS = 3000;

/**
 * A socket.io-client socket that records every event it receives, in order. The hall events of a
 * `hall:events` frame are recorded one by one, as `{ event: type, data: event }`, so a test waits
 * for `ticket:called` whatever the framing; the frames themselves are in `frames`.
 */
export class TestSocket {
  readonly events: Received[] = [];
  /** Every `hall:events` frame as it arrived (one per command and audience). */
  readonly frames: any[][] = [];
  private waiters: Array<{ predicate: (received: Received) => boolean; from: number; resolve: (r: Received) => void }> = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, data: unknown) => {
      if (event !== 'hall:events' || !Array.isArray(data)) return this.record({ event, data });
      this.frames.push(data);
      for (const hallEvent of data) this.record({ event: String(hallEvent?.type), data: hallEvent });
    });
    socket.on('disconnect', (reason) => this.record({ event: 'disconnect', data: reason }));
  }

  private record(received: Received): void {
    this.events.push(received);
    const index = this.events.length - 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (index >= waiter.from && waiter.predicate(received)) {
        waiter.resolve(received);
        return false;
      }
      return true;
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The first snapshot received. */
  get snapshot(): HallSnapshot {
    const found = this.events.find((received) => received.event === 'hall:snapshot');
    if (!found) throw new Error('no hall:snapshot received');
    return found.data as HallSnapshot;
  }

  /** Hall events received (broadcasts carrying a seq), in order. */
  hallEvents(): any[] {
    return this.events.filter((received) => typeof received.data?.seq === 'number' && received.event !== 'hall:snapshot').map((r) => r.data);
  }

  /** Index of the next event to be recorded; pass it to waitFor to ignore what came before. */
  mark(): number {
    return this.events.length;
  }

  /** The first recorded event (from index `from`) matching the predicate, waiting up to `timeoutMs`. */
  waitFor(predicate: (received: Received) => boolean, options: { timeoutMs?: number; from?: number } = {}): Promise<Received> {
    const from = options.from ?? 0;
    const found = this.events.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const waiter = { predicate, from, resolve: (r: Received) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`waitFor timed out after ${timeoutMs} ms; received: ${this.events.map((r) => r.event).join(', ')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  waitForEvent(event: string, options: { timeoutMs?: number; from?: number; where?: (data: any) => boolean } = {}): Promise<any> {
    return this.waitFor((r) => r.event === event && (options.where?.(r.data) ?? true), options).then((r) => r.data);
  }

  /** Emits a command and resolves with its acknowledgement (rejects after `timeoutMs` without one). */
  send<T = any>(event: string, payload?: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<Ack<T>> {
    const args = payload === undefined ? [] : [payload];
    return (this.socket.timeout(timeoutMs) as any).emitWithAck(event, ...args) as Promise<Ack<T>>;
  }

  /** Emits with no acknowledgement function at all. */
  fire(event: string, ...args: unknown[]): void {
    (this.socket as any).emit(event, ...args);
  }

  waitForDisconnect(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    if (!this.socket.connected) return Promise.resolve('already disconnected');
    return this.waitForEvent('disconnect', { timeoutMs, from: this.mark() });
  }

  close(): void {
    this.socket.disconnect();
  }
}

let ipCounter = 0;
/** A fresh client address for X-Forwarded-For. */
export function freshIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export async function startTestServer(overrides: Partial<AppConfig> = {}, startOptions: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-it-'));
  const config: AppConfig = {
    ...loadConfig([], {}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    adminPassword: ADMIN_PASSWORD,
    sqliteSynchronous: 'NORMAL',
    // One hop (the test client stands in for the proxy): X-Forwarded-For's right-most entry is the client.
    trustProxy: 1,
    ...overrides,
  };
  // No call-voice warm-up (a core's worth of synthesis per server) unless a test asks for it.
  const server = await startServer(config, { announce: () => undefined, voiceWarmUp: false, ...startOptions });
  const url = server.url;
  const tokens = new Map<string, Promise<string>>();
  const sockets = new Set<TestSocket>();
  let secondHall: Promise<SecondHall> | undefined;
  // The same key the server signs with (an existing one: the server made it at start).
  const secret = await signingSecret(process.env, server.store.accounts);

  async function api<T = any>(method: string, path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.ip !== undefined) headers['x-forwarded-for'] = options.ip;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  function defaultPassword(username: string): string {
    if (username === 'admin') return ADMIN_PASSWORD;
    return DEMO_PASSWORD;
  }

  function login(username: string, password = defaultPassword(username)): Promise<string> {
    let token = tokens.get(username);
    if (!token) {
      token = api('POST', '/api/auth/login', { body: { username, password }, ip: freshIp() }).then((res) => {
        if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
        return res.body.token as string;
      });
      tokens.set(username, token);
      token.catch(() => tokens.delete(username));
    }
    return token;
  }

  async function userRecord(username: string) {
    const user = await server.store.accounts.findUserByUsername(username);
    if (!user) throw new Error(`no user ${username}`);
    return user;
  }

  async function expiredToken(username: string): Promise<string> {
    return (await new StaffTokens(secret, -1).issue(await userRecord(username))).token;
  }

  async function forgedToken(username: string): Promise<string> {
    const user = await userRecord(username);
    return new SignJWT({ role: 'admin', name: user.displayName, halls: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('hallq')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-server-key-' + randomUUID()));
  }

  function rawSocket(auth: Record<string, unknown>, headers?: Record<string, string>): Socket {
    return io(url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: DEFAULT_WAIT_MS,
      ...(headers ? { extraHeaders: headers } : {}),
    });
  }

  async function connect(options: ConnectOptions): Promise<TestSocket> {
    const auth: Record<string, unknown> = { hallId: options.hallId ?? DEMO, ...(options.auth ?? {}) };
    if (options.token !== undefined) auth.token = options.token;
    const socket = rawSocket(auth, options.headers);
    const client = new TestSocket(socket);
    sockets.add(client);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error: Error & { data?: unknown }) =>
        reject(Object.assign(new Error(`connect_error: ${error.message} ${JSON.stringify(error.data)}`), { data: error.data })),
      );
    });
    if (options.waitForSnapshot !== false) await client.waitForEvent('hall:snapshot');
    return client;
  }

  function connectError(auth: Record<string, unknown>): Promise<any> {
    const socket = rawSocket(auth);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (socket.disconnect(), reject(new Error('neither connect nor connect_error'))), DEFAULT_WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.disconnect();
        reject(new Error(`expected connect_error, but the socket connected (auth ${JSON.stringify(auth).slice(0, 200)})`));
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        clearTimeout(timer);
        socket.disconnect();
        resolve(error.data ?? { code: undefined, message: error.message });
      });
    });
  }

  async function hallState(hallId = DEMO): Promise<PlainHallState> {
    const state = await server.store.halls.loadHall(hallId);
    if (!state) throw new Error(`no hall ${hallId}`);
    // As JSON has it (the live tickets an object keyed by id), and a copy the test may change.
    return JSON.parse(JSON.stringify(state)) as PlainHallState;
  }

  async function stateJson(hallId = DEMO): Promise<string> {
    return JSON.stringify(await server.store.halls.loadHall(hallId));
  }

  async function makeSecondHall(): Promise<SecondHall> {
    const hallId = 'other';
    const demo = demoHallConfig();
    const serviceId = (id: string) => `o-${id}`;
    const windowId = (id: string) => `o${id}`;
    const config: HallConfig = {
      ...demo,
      id: hallId,
      name: '白石乡便民服务中心',
      nameAlt: 'Baishi Township Convenience Service Centre',
      // Unlike the demo hall, this one takes no tickets from phones.
      phoneTickets: false,
      services: demo.services.map((service) => ({ ...service, id: serviceId(service.id) })),
      windows: demo.windows.map((window) => ({
        ...window,
        id: windowId(window.id),
        services: window.services.map((link) => ({ ...link, serviceId: serviceId(link.serviceId) })),
      })),
    };
    await server.store.halls.createHall(newHallState(config, Date.now()));
    const clerkUsername = 'other-clerk';
    const clerkPassword = 'other-pass-1234';
    await server.store.accounts.createUser({
      id: randomUUID(),
      username: clerkUsername,
      displayName: '白石乡窗口员',
      role: 'clerk',
      hallIds: [hallId],
      staffNo: 'BS001',
      post: '综合受理员',
      passwordHash: await hashPassword(clerkPassword),
      disabled: false,
      createdAt: Date.now(),
    });
    return { hallId, config, clerkUsername, clerkPassword, serviceId, windowId };
  }

  const screenTokens = new Map<string, Promise<string>>();
  function windowScreenToken(windowId: string, hallId = DEMO): Promise<string> {
    const key = `${hallId}/${windowId}`;
    let token = screenTokens.get(key);
    if (!token) {
      token = (async () => {
        const manager = await login(hallId === DEMO ? 'zhuren' : 'admin');
        const res = await api('POST', `/api/halls/${hallId}/devices`, { token: manager, body: { kind: 'window-screen', name: `${windowId}号窗口屏`, windowId } });
        if (res.status !== 201) throw new Error(`pairing the window screen of ${key} failed: ${res.status} ${res.text}`);
        return res.body.token as string;
      })();
      screenTokens.set(key, token);
      token.catch(() => screenTokens.delete(key));
    }
    return token;
  }

  return {
    server,
    config,
    url,
    api,
    windowScreenToken,
    login,
    expiredToken,
    forgedToken,
    connect,
    connectError,
    hallState,
    stateJson,
    createSecondHall() {
      secondHall ??= makeSecondHall();
      return secondHall;
    },
    async close() {
      for (const socket of sockets) socket.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Expects an error response: the status and the {"error":{"code"}} body. */
export function errorCodeOf(response: ApiResponse): string | undefined {
  return response.body?.error?.code;
}
