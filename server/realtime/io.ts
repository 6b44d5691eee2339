import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { type ServerOptions, Server, type Socket } from 'socket.io';
import { type Authenticator, stillValid } from '../auth/authenticator.js';
import { type Principal, mayActInHall } from '../auth/principal.js';
import type { Broadcaster, HallService } from '../app/hallService.js';
import { refusal } from '../app/hallService.js';
import { parseCommand } from '../app/commandCatalog.js';
import { COMMAND_NAMES, declarations } from '../protocol/declarations.js';
import type { HallEvent } from '../protocol/events.js';
import type { Ack, ErrorCode } from '../protocol/errors.js';
import { type Lang, messageFor } from '../protocol/messages.js';
import type { Command } from '../protocol/commands.js';
import { type AccountStore, StoreError } from '../store/port.js';
import { BOARD_LOCKED_GRACE_MS, Presence, presenceOf, summarizeScreens } from './presence.js';
import type { BoardAudioReport } from '../protocol/voice.js';
import type { ConnectedScreen, ScreenSummary } from '../protocol/screens.js';
import { cookieOf } from '../http/support.js';
import { type TrustFn, type TrustProxy, clientAddress, compileTrust } from '../http/clientAddress.js';
import type { AgentChannel } from '../printing/agentPrinter.js';
import type { PrintService } from '../printing/printService.js';
import { publicEvent, staffEvent } from '../protocol/redact.js';
import { reshapesViews } from '../protocol/views/board.js';
import { type BudgetState, ConnectionCounter, spend } from './budgets.js';
import { SYNC_MAX_EVENTS, fitsSyncAnswer } from '../app/syncBounds.js';
import { schemas, validationDetails } from '../protocol/schemas.js';
import {
  type ClientToServerEvents,
  type HallSnapshot,
  type HandshakeAuth,
  type ServerToClientEvents,
  type SyncAnswer,
  hallRoom,
} from '../protocol/socket.js';
import type { HallGroups } from '../auth/hallGroups.js';
import type { OverviewHub } from '../oversight/overview/hub.js';
import {
  type OverviewData,
  type OverviewHandshake,
  type OverviewRealtime,
  overviewHandshakeValid,
  overviewRealtime,
  overviewRefusal,
} from '../oversight/overview/socket.js';

interface SocketData {
  principal: Principal;
  lang: Lang;
  hallId: string;
  audience: 'public' | 'staff';
  client?: HandshakeAuth['client'];
  windowId?: string;
  connectedAt: number;
  /** This socket's request budget (budgets.ts), made on its first request. */
  budget?: BudgetState;
  /** Boards: the last `board:audio` report, and since when it says sound is locked. */
  audio?: BoardAudioReport;
  audioLockedSince?: number;
  /** An overview socket (docs/oversight.md): no hall of its own, rows of every hall in scope. */
  overview?: OverviewData;
}

type HallSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What presence needs of a socket's handshake data (a counter panel counts for its staff user). */
function presenceData(data: SocketData): Parameters<typeof presenceOf>[0] {
  return {
    connectedAt: data.connectedAt,
    ...(data.client !== undefined ? { client: data.client } : {}),
    ...(data.windowId !== undefined ? { windowId: data.windowId } : {}),
    ...(data.principal.kind === 'staff' ? { userId: data.principal.user.id } : {}),
    ...(data.audio !== undefined ? { audio: data.audio } : {}),
    ...(data.audioLockedSince !== undefined ? { audioLockedSince: data.audioLockedSince } : {}),
  };
}
type AnyAck = (answer: Ack<unknown>) => void;

export interface RealtimeDeps {
  service: HallService;
  authenticator: Authenticator;
  log: Logger;
  maxPayloadBytes: number;
  /** Behind a reverse proxy, which X-Forwarded-For hops are believed (as over REST). */
  trustProxy: TrustProxy;
  accounts: AccountStore;
  now(): number;
  hallExists(hallId: string): Promise<boolean>;
  print: PrintService;
  /** HALLQ_MAX_CONNECTIONS_PER_IP: open sockets per client address in this process. */
  maxConnectionsPerIp: number;
  /**
   * Several processes (Redis): Socket.IO's Redis adapter, through which room
   * broadcasts and `fetchSockets` reach the sockets of every process.
   */
  adapter?: ServerOptions['adapter'];
  /** The county overview's rows and the hall groups that scope accounts (oversight/overview). */
  overview?: { hub: OverviewHub; groups: HallGroups };
}

const CLIENT_KINDS = new Set(['board', 'window-screen', 'kiosk', 'counter', 'supervisor', 'phone', 'agent']);

/** A store that cannot answer is STORE_UNAVAILABLE to the client, as over REST; anything else is a bug. */
function failureCode(error: unknown): ErrorCode {
  return error instanceof StoreError ? 'STORE_UNAVAILABLE' : 'INTERNAL';
}

/** Socket.IO hands `data` to the client's connect_error handler, so the app can show the same message as REST. */
function handshakeError(code: ErrorCode, lang: Lang): Error {
  return Object.assign(new Error(code), { data: { ...refusal(code).error, message: messageFor(code, lang) } });
}

function clientIp(socket: HallSocket, trust: TrustFn): string {
  return clientAddress(socket.request, trust);
}

/**
 * Socket.IO: authenticate once at the handshake, put the socket in its hall's
 * public or staff room, send a snapshot, then relay commands to the same
 * HallService the REST API uses.
 */
/** setTimeout's limit; a token living longer than ~24 days is re-checked on its next command instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Realtime {
  io: Server;
  broadcaster: Broadcaster;
  /** Cuts a revoked kiosk or print agent off at once. */
  disconnectDevice(deviceId: string): void;
  /** Cuts an account's staff sockets at once, on every process (through the adapter): its tokens were revoked. */
  disconnectUser(userId: string): void;
  /** The hall's boards, window screens, kiosks and agents connected (to any process, with the adapter). */
  screens(hallId: string): Promise<ScreenSummary[]>;
  /**
   * Sends every socket of this process a fresh snapshot (after the broadcast bus was down, events may be
   * missing); rejects, sending nothing, while the store cannot answer.
   */
  resyncAll(): Promise<void>;
  /** Reaches standalone print agents, wherever they are connected. */
  agents: AgentChannel;
  /** Tells the hall's staff the printers' current status. */
  printersChanged(hallId: string): Promise<void>;
  /** The overview's sockets, when the server keeps an overview. */
  overview?: OverviewRealtime;
}

export function attachRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    maxHttpBufferSize: deps.maxPayloadBytes,
    serveClient: false,
    // Boards reconnect by themselves and resync from a snapshot; the built-in recovery is not relied on.
    connectionStateRecovery: undefined,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

  const connections = new ConnectionCounter(deps.maxConnectionsPerIp);
  io.use(async (socket, next) => {
    const auth = socket.handshake.auth as Partial<HandshakeAuth> | undefined;
    // Counted before any work is done for the handshake; released when the connection closes or is refused.
    const slot = connections.admit(clientIp(socket, trustOf(deps)));
    if (!slot) return next(handshakeError('TOO_MANY_CONNECTIONS', auth?.lang === 'en' ? 'en' : 'zh'));
    socket.conn.once('close', slot.release);
    const settle = (error?: Error) => {
      if (error) slot.release();
      next(error);
    };
    try {
      await admit(socket, deps, settle);
    } catch (error) {
      slot.release();
      // The store (accounts, halls) could not answer: refuse this handshake, the client retries.
      deps.log.warn({ err: error }, 'socket handshake failed');
      next(handshakeError(failureCode(error), auth?.lang === 'en' ? 'en' : 'zh'));
    }
  });

  const presence = new Presence();
  // With the adapter, the sockets of every process answer, each with the data its handshake stored.
  const screensOf = async (hallId: string): Promise<ScreenSummary[]> => {
    if (!deps.adapter) return presence.summary(hallId, deps.now());
    const screens: ConnectedScreen[] = [];
    // Screens are in the public room, counter panels in the staff room.
    for (const audience of ['public', 'staff'] as const) {
      for (const socket of await io.in(hallRoom(hallId, audience)).fetchSockets()) {
        const screen = presenceOf(presenceData(socket.data));
        if (screen) screens.push(screen);
      }
    }
    return summarizeScreens(screens, deps.now());
  };
  const announcePresence = (hallId: string) =>
    void screensOf(hallId)
      .then((screens) => io.to(hallRoom(hallId, 'staff')).emit('displays:changed', { hallId, screens }))
      .catch((error: unknown) => deps.log.warn({ err: error, hallId }, 'could not gather the connected screens'));
  const sendSnapshot = (target: { emit: (event: 'hall:snapshot', snapshot: HallSnapshot) => unknown }, hallId: string, audience: 'public' | 'staff') =>
    snapshotFor(deps.service, hallId, audience)
      .then((snapshot) => void (snapshot && target.emit('hall:snapshot', snapshot)))
      .catch((error: unknown) => deps.log.warn({ err: error, hallId }, 'could not send a snapshot; the client will ask again'));

  // A board left locked turns silent when its grace runs out, with no report to say so: a timer tells staff.
  const lockedTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const clearLockedTimer = (socketId: string) => {
    clearTimeout(lockedTimers.get(socketId));
    lockedTimers.delete(socketId);
  };
  const boardAudio: Handler = async (socket, deps, payload) => {
    const { hallId } = socket.data;
    if (socket.data.client !== 'board') return refusal('FORBIDDEN');
    const parsed = schemas.boardAudio.safeParse(payload);
    if (!parsed.success) return refusal('VALIDATION_FAILED', validationDetails(parsed.error));
    const report: BoardAudioReport = parsed.data;
    const before = JSON.stringify([socket.data.audio, socket.data.audioLockedSince]);
    socket.data.audio = report;
    if (report.unlocked) delete socket.data.audioLockedSince;
    else socket.data.audioLockedSince ??= deps.now();
    if (JSON.stringify([socket.data.audio, socket.data.audioLockedSince]) === before) return { ok: true, data: null };
    clearLockedTimer(socket.id);
    const lockedFor = socket.data.audioLockedSince === undefined ? null : deps.now() - socket.data.audioLockedSince;
    if (report.source !== null && lockedFor !== null && lockedFor < BOARD_LOCKED_GRACE_MS) {
      // Fires just past the grace, so the summary made then counts the board silent.
      const timer = setTimeout(() => {
        lockedTimers.delete(socket.id);
        if (socket.connected) announcePresence(hallId);
      }, BOARD_LOCKED_GRACE_MS - lockedFor + 50);
      timer.unref();
      lockedTimers.set(socket.id, timer);
    }
    const screen = presenceOf(presenceData(socket.data));
    if (screen) presence.update(hallId, socket.id, screen);
    announcePresence(hallId);
    return { ok: true, data: null };
  };
  const handlers = new Map<string, Handler>([...HANDLERS, ['board:audio', boardAudio]]);

  /** Paired devices of the hall connected now (devices are in its public room), on every process with the adapter. */
  const connectedDevices = async (hallId: string): Promise<ReadonlySet<string>> => {
    const room = hallRoom(hallId, 'public');
    const local = () => [...(io.of('/').adapter.rooms.get(room) ?? [])].map((id) => io.of('/').sockets.get(id)).filter((socket) => socket !== undefined);
    const sockets = deps.adapter ? await io.in(room).fetchSockets() : local();
    return new Set(sockets.flatMap((socket) => (socket.data.principal?.kind === 'device' ? [socket.data.principal.device.id] : [])));
  };
  const overview = deps.overview
    ? overviewRealtime(
        io as unknown as Server,
        deps.overview.hub,
        deps.overview.groups,
        connectedDevices,
        // Other processes learn each published row, so their minute tick does not send it again.
        deps.adapter ? (row) => io.serverSideEmit('overview:row' as never, row as never) : undefined,
      )
    : undefined;
  if (overview && deps.overview) {
    const { hub } = deps.overview;
    hub.attach(overview.outlet);
    (io as unknown as Server).on('overview:row', (row: Parameters<OverviewHub['learn']>[0]) => hub.learn(row));
  }
  const noHandlers = new Map<string, Handler>();

  io.on('connection', (socket: HallSocket) => {
    if (socket.data.overview) return void connectOverview(socket);
    const { hallId, audience, principal } = socket.data;
    // Rooms first: with the adapter, presence is read from room membership.
    void socket.join(hallRoom(hallId, audience));
    if (principal.kind === 'device') void socket.join(deviceRoom(principal.device.id));
    if (principal.kind === 'staff') void socket.join(userRoom(principal.user.id));
    const screen = presenceOf(presenceData(socket.data));
    if (screen) {
      presence.add(hallId, socket.id, screen);
      announcePresence(hallId);
      socket.once('disconnect', () => {
        clearLockedTimer(socket.id);
        if (presence.remove(hallId, socket.id)) announcePresence(hallId);
      });
    }
    if (principal.kind === 'device' && deps.overview) {
      const { hub } = deps.overview;
      hub.devicesChanged(hallId);
      socket.once('disconnect', () => hub.devicesChanged(hallId));
    }
    if (principal.kind === 'device' && principal.device.kind === 'printer') {
      const deviceId = principal.device.id;
      socket.once('disconnect', () => {
        // Another connection of the same agent (a reconnect racing the old socket's close) keeps it online.
        void io
          .in(deviceRoom(deviceId))
          .fetchSockets()
          .then((left) => {
            if (left.length === 0) deps.print.agentReported(hallId, deviceId, 'offline');
          })
          // The bus is down: the agent stays "online" until its next probe or job says otherwise.
          .catch((error: unknown) => deps.log.warn({ err: error, hallId, deviceId }, 'could not tell whether the print agent is still connected'));
      });
    }
    disconnectAtExpiry(socket);
    void sendSnapshot(socket, hallId, audience);
    // One listener per socket for every request (a board holds its connection for days): HANDLERS validates each.
    socket.onAny((event: string, ...args: unknown[]) => void dispatch(socket, deps, handlers, event, args));
  });

  function disconnectAtExpiry(socket: HallSocket): void {
    const { principal } = socket.data;
    const expiresIn = principal.kind === 'staff' && principal.expiresAt !== undefined ? principal.expiresAt - deps.now() : undefined;
    if (expiresIn !== undefined && expiresIn <= MAX_TIMER_MS) {
      // An expired login must stop listening to staff events, not only stop sending commands.
      const expiry = setTimeout(() => socket.disconnect(true), expiresIn);
      expiry.unref();
      socket.once('disconnect', () => clearTimeout(expiry));
    }
  }

  /** An overview socket listens only: rooms of its halls and the snapshot; any request is answered NOT_FOUND. */
  async function connectOverview(socket: HallSocket): Promise<void> {
    const { principal } = socket.data;
    if (!overview || principal.kind !== 'staff') return void socket.disconnect(true);
    void socket.join(userRoom(principal.user.id));
    disconnectAtExpiry(socket);
    socket.onAny((event: string, ...args: unknown[]) => void dispatch(socket, deps, noHandlers, event, args));
    try {
      await overview.connected(socket as unknown as Socket, principal);
    } catch (error) {
      // The store could not answer: the page reconnects and asks again.
      deps.log.warn({ err: error }, 'could not send the overview snapshot');
      socket.disconnect(true);
    }
  }

  const broadcaster: Broadcaster = {
    publish(hallId: string, events: HallEvent[]) {
      if (events.length === 0) return;
      // One frame per audience: a call-next's finish and call are applied together, and a hall of 30
      // boards costs 31 writes, not 62. The boards first: they are what the hall watches, and the
      // clerk who sent the command already has the answer.
      io.to(hallRoom(hallId, 'public')).emit('hall:events', events.map(publicEvent));
      io.to(hallRoom(hallId, 'staff')).emit('hall:events', events.map(staffEvent));
      // The events the views cannot fold (a new configuration, the hall retiring: protocol/views) are
      // followed by fresh views; everything else, the day's end and start included, rides on the events.
      if (events.some(reshapesViews)) {
        for (const audience of ['public', 'staff'] as const) {
          void snapshotFor(deps.service, hallId, audience)
            .then((snapshot) => {
              if (snapshot) io.to(hallRoom(hallId, audience)).emit('hall:snapshot', snapshot);
            })
            // The store went away since the commit: the event went out, the views wait for each client's next snapshot.
            .catch((error: unknown) => deps.log.warn({ err: error, hallId }, 'could not send the fresh views after a configuration change'));
        }
      }
    },
  };
  return {
    io,
    broadcaster,
    disconnectDevice(deviceId: string) {
      io.in(deviceRoom(deviceId)).disconnectSockets(true);
    },
    disconnectUser(userId: string) {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    screens: screensOf,
    ...(overview ? { overview } : {}),
    agents: {
      probe: (deviceId, timeoutMs) => io.to(deviceRoom(deviceId)).timeout(timeoutMs).emitWithAck('printer:probe'),
      print: (deviceId, job, timeoutMs) => io.to(deviceRoom(deviceId)).timeout(timeoutMs).emitWithAck('print:job', job),
    },
    async printersChanged(hallId: string) {
      io.to(hallRoom(hallId, 'staff')).emit('printers:changed', { hallId, printers: await deps.print.states(hallId) });
    },
    async resyncAll() {
      const rooms = [...io.of('/').adapter.rooms.keys()].map((room) => /^hall:(.+):(public|staff)$/.exec(room)).filter((match) => match !== null);
      // Rejects if the store cannot answer yet, so the caller can try again.
      const snapshots = await Promise.all(rooms.map((match) => snapshotFor(deps.service, match[1]!, match[2] as 'public' | 'staff')));
      rooms.forEach((match, i) => {
        const snapshot = snapshots[i];
        if (snapshot) io.local.to(match[0]).emit('hall:snapshot', snapshot);
      });
    },
  };
}

/** Authenticates a handshake and fills socket.data, or refuses it through `next`. */
async function admit(socket: HallSocket, deps: RealtimeDeps, next: (error?: Error) => void): Promise<void> {
  const auth = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
  const lang: Lang = auth.lang === 'en' ? 'en' : 'zh';
  if ((auth as OverviewHandshake).overview !== undefined) return admitOverview(socket, deps, auth as OverviewHandshake, lang, next);
  const hall = schemas.id.safeParse(auth.hallId);
  if (!hall.success) return next(handshakeError('VALIDATION_FAILED', lang));
  // A token that is present but not a string is refused, never downgraded to public (as over REST).
  if (auth.token !== undefined && auth.token !== null && typeof auth.token !== 'string') {
    return next(handshakeError('UNAUTHENTICATED', lang));
  }
  // An empty token is a client bug, refused as over REST ("Bearer " with nothing after it).
  if (auth.token === '') return next(handshakeError('UNAUTHENTICATED', lang));
  const token = typeof auth.token === 'string' ? auth.token : undefined;
  const authentication = await deps.authenticator.authenticate(token, clientIp(socket, trustOf(deps)));
  if (!authentication.ok) {
    return next(handshakeError(authentication.code, lang));
  }
  // A phone's cookie keys the per-phone daily ticket limit, as over REST.
  const handshakeCookie = cookieOf(socket.handshake.headers.cookie, 'hq_phone');
  const principal =
    authentication.principal.kind === 'public' && handshakeCookie ? { ...authentication.principal, deviceKey: handshakeCookie } : authentication.principal;
  if (!mayActInHall(principal, hall.data)) return next(handshakeError('FORBIDDEN', lang));
  if (!(await deps.hallExists(hall.data))) {
    return next(handshakeError('HALL_NOT_FOUND', lang));
  }
  socket.data.principal = principal;
  socket.data.hallId = hall.data;
  // Kiosks and print agents stand in public places: they get the public view, like boards.
  socket.data.audience = principal.kind === 'staff' ? 'staff' : 'public';
  socket.data.lang = lang;
  if (typeof auth.client === 'string' && CLIENT_KINDS.has(auth.client)) socket.data.client = auth.client;
  if (typeof auth.windowId === 'string' && schemas.id.safeParse(auth.windowId).success) socket.data.windowId = auth.windowId;
  // A paired window screen is the screen of the window it was paired for, whatever the handshake says.
  if (principal.kind === 'device' && principal.device.kind === 'window-screen') {
    socket.data.client = 'window-screen';
    if (principal.device.windowId !== undefined) socket.data.windowId = principal.device.windowId;
  }
  socket.data.connectedAt = deps.now();
  next();
}

/** The overview's handshake (docs/oversight.md): a supervisor's or admin's token, no hall. */
async function admitOverview(socket: HallSocket, deps: RealtimeDeps, auth: OverviewHandshake, lang: Lang, next: (error?: Error) => void): Promise<void> {
  if (!deps.overview) return next(handshakeError('NOT_FOUND', lang));
  if (!overviewHandshakeValid(auth)) return next(handshakeError('VALIDATION_FAILED', lang));
  const authentication = await deps.authenticator.authenticate(auth.token as string, clientIp(socket, trustOf(deps)));
  if (!authentication.ok) return next(handshakeError(authentication.code, lang));
  const { principal } = authentication;
  const refused = overviewRefusal(principal);
  if (refused || principal.kind !== 'staff') return next(handshakeError(refused ?? 'FORBIDDEN', lang));
  const user = await deps.accounts.getUser(principal.user.id);
  socket.data.principal = principal;
  socket.data.overview = { entries: user?.hallIds ?? [...principal.hallIds] };
  // Budgets and error messages as for any staff socket; there is no hall of its own.
  socket.data.hallId = '';
  socket.data.audience = 'staff';
  socket.data.lang = lang;
  socket.data.connectedAt = deps.now();
  next();
}

const compiledTrust = new WeakMap<RealtimeDeps, TrustFn>();
function trustOf(deps: RealtimeDeps): TrustFn {
  let trust = compiledTrust.get(deps);
  if (!trust) compiledTrust.set(deps, (trust = compileTrust(deps.trustProxy)));
  return trust;
}

function deviceRoom(deviceId: string): string {
  return `device:${deviceId}`;
}

function userRoom(userId: string): string {
  return `user:${userId}`;
}

async function snapshotFor(service: HallService, hallId: string, audience: 'public' | 'staff'): Promise<HallSnapshot | null> {
  if (audience === 'staff') {
    const view = await service.staff(hallId);
    return view ? { audience, view } : null;
  }
  const view = await service.board(hallId);
  return view ? { audience, view } : null;
}

/** Error messages in the language the client asked for at its handshake. */
function localized(answer: Ack<unknown>, lang: Lang): Ack<unknown> {
  return answer.ok ? answer : { ok: false, error: { ...answer.error, message: messageFor(answer.error.code, lang) } };
}

type Handler = (socket: HallSocket, deps: RealtimeDeps, payload: unknown) => Promise<Ack<unknown>>;

const run = (socket: HallSocket, deps: RealtimeDeps, command: Command): Promise<Ack<unknown>> =>
  deps.service.run(socket.data.principal, socket.data.hallId, command);

/**
 * Every socket request, by event name. One table for the whole server rather
 * than listeners per socket: a wall board holds a connection for days and
 * should cost as little memory as possible.
 */
const HANDLERS = new Map<string, Handler>([
  [
    'hall:sync',
    async (socket, deps, payload): Promise<Ack<SyncAnswer>> => {
      const parsed = schemas.sync.safeParse(payload);
      if (!parsed.success) return refusal('VALIDATION_FAILED', validationDetails(parsed.error));
      const { hallId, audience } = socket.data;
      const events = await deps.service.catchUp(hallId, parsed.data.sinceSeq, SYNC_MAX_EVENTS);
      const shown = events && (audience === 'staff' ? events.map(staffEvent) : events.map(publicEvent));
      // Far behind (or a large gap in bytes): one snapshot, never thousands of events.
      if (!shown || !fitsSyncAnswer(shown)) {
        const snapshot = await snapshotFor(deps.service, hallId, audience);
        return snapshot ? { ok: true, data: { kind: 'snapshot', snapshot } } : refusal('HALL_NOT_FOUND');
      }
      return { ok: true, data: { kind: 'events', events: shown } };
    },
  ],
  [
    'printer:status',
    async (socket, deps, payload) => {
      const { principal, hallId } = socket.data;
      if (principal.kind !== 'device' || principal.device.kind !== 'printer') return refusal('FORBIDDEN');
      const parsed = schemas.printerReport.safeParse(payload);
      if (!parsed.success) return refusal('VALIDATION_FAILED', validationDetails(parsed.error));
      deps.print.agentReported(hallId, principal.device.id, parsed.data.status);
      return { ok: true, data: null };
    },
  ],
  // Every command with a socket event, from its declaration (server/protocol/declarations.ts).
  ...COMMAND_NAMES.flatMap((name): Array<[string, Handler]> => {
    const event = declarations[name].socket;
    if (event === null) return [];
    return [
      [
        event,
        async (socket, deps, payload) => {
          const parsed = parseCommand(name, payload, socket.data.principal);
          if (!parsed.ok) return refusal('VALIDATION_FAILED', validationDetails(parsed.error));
          return run(socket, deps, parsed.command);
        },
      ],
    ];
  }),
]);

/**
 * Answers one socket request so that a missing ack, a throw or garbage never
 * takes the server down. The ack is the last argument when the client asked
 * for one, also when it sent no payload (then it comes first) or extra
 * arguments (refused, like unknown keys). The caller is re-checked first, so
 * revoked devices and expired or disabled logins stop at once; an unknown
 * event is answered, not left to time out.
 */
async function dispatch(socket: HallSocket, deps: RealtimeDeps, handlers: ReadonlyMap<string, Handler>, event: string, args: unknown[]): Promise<void> {
  const last = args[args.length - 1];
  const reply: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => undefined;
  const answer = (ack: Ack<unknown>) => reply(localized(ack, socket.data.lang));
  // A flooder cut off below may still have packets decoded from its last read: no work, no answer.
  if (socket.disconnected) return;
  // Real time, not the injected clock: the budget is about load, not about the hall's day.
  const spent = spend(socket.data, socket.data.audience, event, Date.now());
  if (!spent.ok) {
    if (spent.disconnect) return void socket.disconnect(true);
    return answer(refusal('RATE_LIMITED', { retryAfterSeconds: spent.retryAfterSeconds, event: String(event).slice(0, 64) }));
  }
  try {
    const handler = handlers.get(event);
    if (!handler) return answer(refusal('NOT_FOUND', { event: String(event).slice(0, 64) }));
    const payloads = typeof last === 'function' ? args.slice(0, -1) : args;
    if (payloads.length > 1) return answer(refusal('VALIDATION_FAILED', { reason: 'one payload object expected' }));
    const invalid = await stillValid(deps.accounts, socket.data.principal, deps.now());
    if (invalid) {
      setImmediate(() => socket.disconnect(true));
      return answer(refusal(invalid));
    }
    answer(await handler(socket, deps, payloads[0]));
  } catch (error) {
    deps.log.error({ err: error, socket: socket.id }, 'socket handler failed');
    answer(refusal(failureCode(error)));
  }
}
