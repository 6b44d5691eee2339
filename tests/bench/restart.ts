/**
 * Benchmark 4: kill -9 and restart.
 *
 * 1,000 public boards (10 per hall) and one staff socket per hall, all with
 * Socket.IO reconnection on. While calls and ticket issues are streaming in
 * (calls at 100/s; issues in a closed loop on every staff socket, so that
 * about 100 commands are in flight), the server child gets SIGKILL and the
 * production entry point (`node dist/server/main.js`) is started at once on
 * the same port and data directory; after it is up, a few more
 * tickets are issued and called. Measured from the kill: until every board
 * has resynced (its first `hall:snapshot` after the kill; the server sends
 * one on every connect — boards also `hall:sync` on any seq gap). Checked:
 * every board ends on its hall's current seq, every acknowledged issue and
 * call is in the event log after the restart, no ticket number is reused,
 * and no seq a board saw before the kill is missing afterwards.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './context.js';
import { type Ack, type Board, type ReconnectOptions, type Staff, ackedTicket, getJson, loginAdmin } from './lib/clients.js';
import { benchWindowId } from './lib/halls.js';
import { ServerProcess } from './lib/server.js';
import { SERVICE_IDS, closeAll, connectBoards, connectStaff, openWindows, stockQueues } from './lib/setup.js';
import { type Summary, round, roundSummary, sleep, summarize, withTimeout } from './lib/stats.js';

export interface RestartOptions {
  halls: number;
  boardsPerHall: number;
  reconnect: ReconnectOptions;
  loadSeconds: number;
  callsPerSecond: number;
  /** Closed-loop `ticket:issue` commands kept in flight per staff socket until the kill. */
  issuesInFlightPerHall: number;
  postRestartHalls: number;
}

export interface RestartResult {
  options: RestartOptions;
  boards: number;
  /** kill → old process gone (ms). */
  killToExitMs: number;
  /** kill → new server child listening with its halls loaded (ms). */
  killToServerReadyMs: number;
  /** The restarted process (`node dist/server/main.js`): spawn → "HallQ is serving" (ms). */
  restartedProcessStartupMs: number;
  /** kill → every board resynced (ms): the budgeted figure. */
  killToAllResyncedMs: number;
  /** kill → resync, per board. */
  resync: Summary;
  /** server ready → all boards resynced (ms). */
  readyToAllResyncedMs: number;
  boardsResynced: number;
  boardsNotOnHallSeq: number;
  /** Ticket issues / calls acknowledged before the kill, and after the restart. */
  ackedBeforeKill: { issues: number; calls: number };
  ackedAfterRestart: { issues: number; calls: number };
  /** Sent before the kill but never acknowledged (in doubt: may or may not have committed). */
  inDoubt: number;
  /** Refusals by error code (a healthy run has none). */
  refused: Record<string, number>;
  acknowledgedLost: number;
  numbersReused: number;
  seqHoles: number;
  seqSeenBeforeKillMissing: number;
  boardGaps: number;
}

interface Acked {
  hallId: string;
  kind: 'issue' | 'call';
  ticketId: string;
  number: string;
  windowId?: string;
  after: boolean;
}

interface StaffEvent {
  type: string;
  seq: number;
  windowId?: string;
  ticket?: { id: string; number: string; day: string };
}

export async function runRestart(ctx: BenchContext, overrides: Partial<RestartOptions> = {}): Promise<RestartResult> {
  const options: RestartOptions = {
    halls: 100,
    boardsPerHall: 10,
    reconnect: { reconnectionDelay: 250, reconnectionDelayMax: 1000 },
    loadSeconds: 2,
    callsPerSecond: 100,
    issuesInFlightPerHall: 1,
    postRestartHalls: 20,
    ...overrides,
  };
  const dataDir = ctx.newDataDir('restart');
  let server = await ServerProcess.start({ dataDir, tree: ctx.tree,
    synchronous: ctx.synchronous, halls: options.halls, windows: 10, label: 'restart#1' });
  const port = server.ready.port;
  let staff = new Map<string, Staff>();
  const boards: Board[] = [];
  try {
    const url = server.url;
    const halls = server.ready.halls;
    const token = await loginAdmin(url);
    staff = await connectStaff(url, halls, token, options.reconnect);
    await openWindows(staff, 10);
    await stockQueues(staff, 15);

    let killAt = Number.POSITIVE_INFINITY;
    const resyncAt = new Map<Board, number>();
    const onSnapshot = (board: Board, at: number) => {
      if (at > killAt && !resyncAt.has(board)) resyncAt.set(board, at);
    };
    boards.push(...(await connectBoards(url, halls, options.boardsPerHall, { onSnapshot }, options.reconnect)));
    ctx.log(`restart: ${boards.length} boards and ${staff.size} staff sockets connected (reconnection ${options.reconnect.reconnectionDelay}–${options.reconnect.reconnectionDelayMax} ms); ${options.loadSeconds} s of calls + issues, then SIGKILL…`);

    // Load until the kill: calls and issues, acknowledged ones recorded.
    const acked: Acked[] = [];
    const refused: Record<string, number> = {};
    const note = (ack: Ack<unknown>) => {
      if (!ack.ok) refused[ack.error?.code ?? 'REFUSED'] = (refused[ack.error?.code ?? 'REFUSED'] ?? 0) + 1;
      else if (!ackedTicket(ack.data)) refused.UNEXPECTED_ACK = (refused.UNEXPECTED_ACK ?? 0) + 1;
    };
    let sent = 0;
    let answered = 0;
    let sentBeforeKill = 0;
    let answeredBeforeKill = 0;
    const issue = (hallId: string, serviceId: string, after: boolean) => {
      sent++;
      if (!after) sentBeforeKill++;
      staff
        .get(hallId)!
        .command('ticket:issue', { serviceId }, 5000)
        .then((ack) => {
          if (!after) answeredBeforeKill++;
          note(ack);
          const t = ack.ok ? ackedTicket(ack.data) : undefined;
          if (t) acked.push({ hallId, kind: 'issue', ticketId: t.id, number: t.number, after });
        })
        .catch(() => undefined)
        .finally(() => answered++);
    };
    const call = (hallId: string, windowId: string, after: boolean) => {
      sent++;
      if (!after) sentBeforeKill++;
      staff
        .get(hallId)!
        .command('window:call-next', { windowId }, 5000)
        .then((ack: Ack) => {
          if (!after) answeredBeforeKill++;
          note(ack);
          const t = ack.ok ? ackedTicket(ack.data) : undefined;
          if (t) acked.push({ hallId, kind: 'call', ticketId: t.id, number: t.number, windowId, after });
        })
        .catch(() => undefined)
        .finally(() => answered++);
    };
    // Calls on a timer, and a closed loop of issues on every staff socket, so that commands are in flight at the kill.
    let killed = false;
    const issueLoops = [...staff.keys()].flatMap((hallId, h) => Array.from({ length: options.issuesInFlightPerHall }, async () => {
      let i = 0;
      while (!killed) {
        sent++;
        sentBeforeKill++;
        const serviceId = SERVICE_IDS[(h + i++) % SERVICE_IDS.length]!;
        try {
          const ack = await staff.get(hallId)!.command('ticket:issue', { serviceId }, 5000);
          answeredBeforeKill++;
          note(ack);
          const t = ack.ok ? ackedTicket(ack.data) : undefined;
          if (t) acked.push({ hallId, kind: 'issue', ticketId: t.id, number: t.number, after: false });
        } catch {
          // no answer: in doubt
        } finally {
          answered++;
        }
      }
    }));
    const start = performance.now();
    let k = 0;
    await new Promise<void>((resolve) => {
      const interval = 1000 / options.callsPerSecond;
      const pump = () => {
        if (performance.now() - start >= options.loadSeconds * 1000) return resolve();
        const hallId = halls[k % halls.length]!;
        call(hallId, benchWindowId(Math.floor(k / halls.length) % 10), false);
        k++;
        setTimeout(pump, interval);
      };
      pump();
    });

    // kill -9 while commands are in flight, and restart at once on the same port and data.
    const seenBeforeKill = new Map<string, number>();
    for (const board of boards) seenBeforeKill.set(board.hallId, Math.max(seenBeforeKill.get(board.hallId) ?? 0, board.lastSeq));
    const inFlightAtKill = sent - answered;
    killAt = performance.now();
    killed = true;
    await server.kill();
    const exitAt = performance.now();
    // The restart is the production entry point (dist/server/main.js), as an init system would run it.
    server = await ServerProcess.startMain({ dataDir, port, tree: ctx.tree,
    synchronous: ctx.synchronous, halls: options.halls, windows: 10, label: 'restart#2' });
    const readyAt = performance.now();
    const ackedBefore = acked.filter((a) => !a.after);
    const ackedBeforeCount = { issues: ackedBefore.filter((a) => a.kind === 'issue').length, calls: ackedBefore.filter((a) => a.kind === 'call').length };
    ctx.log(`restart: killed with ${inFlightAtKill} commands in flight; new server ready ${(readyAt - killAt).toFixed(0)} ms after the kill`);

    // A few more commands once the staff sockets are back.
    const post = halls.slice(0, options.postRestartHalls);
    const posted = Promise.all(
      post.map(async (hallId, i) => {
        await staff.get(hallId)!.connected(10_000);
        issue(hallId, SERVICE_IDS[i % SERVICE_IDS.length]!, true);
        call(hallId, benchWindowId(i % 10), true);
      }),
    );

    // Every board resynced?
    const deadline = performance.now() + 15_000;
    while (resyncAt.size < boards.length && performance.now() < deadline) await sleep(10);
    const allResyncedAt = resyncAt.size === boards.length ? Math.max(...resyncAt.values()) : Number.NaN;
    await withTimeout(posted, 10_000, 'post-restart commands');
    await Promise.all(issueLoops);
    const settleDeadline = performance.now() + 10_000;
    while (answered < sent && performance.now() < settleDeadline) await sleep(20);

    // Every board on its hall's seq (the REST board view is the reference).
    let boardsNotOnHallSeq = boards.length;
    const hallSeq = new Map<string, number>();
    for (let attempt = 0; attempt < 50 && boardsNotOnHallSeq > 0; attempt++) {
      if (attempt > 0) await sleep(100);
      await Promise.all(halls.map(async (hallId) => hallSeq.set(hallId, (await getJson<{ seq: number }>(`${server.url}/api/halls/${hallId}/board`)).seq)));
      boardsNotOnHallSeq = boards.filter((b) => b.lastSeq !== hallSeq.get(b.hallId)).length;
    }

    // The event log after the restart against what was acknowledged.
    let acknowledgedLost = 0;
    let numbersReused = 0;
    let seqHoles = 0;
    let seenMissing = 0;
    for (const hallId of halls) {
      const events: StaffEvent[] = [];
      let since = 0;
      for (;;) {
        const page = await getJson<{ events: StaffEvent[]; complete: boolean }>(`${server.url}/api/halls/${hallId}/events?since=${since}`, token);
        events.push(...page.events);
        if (page.complete || page.events.length === 0) break;
        since = page.events[page.events.length - 1]!.seq;
      }
      events.forEach((event, i) => {
        if (event.seq !== i + 1) seqHoles++;
      });
      const lastSeq = events.length ? events[events.length - 1]!.seq : 0;
      if ((seenBeforeKill.get(hallId) ?? 0) > lastSeq) seenMissing++;
      const issued = new Map<string, string>();
      const numbers = new Set<string>();
      const called = new Set<string>();
      for (const event of events) {
        if (event.type === 'ticket:issued' && event.ticket) {
          issued.set(event.ticket.id, event.ticket.number);
          const key = `${event.ticket.day}|${event.ticket.number}`;
          if (numbers.has(key)) numbersReused++;
          numbers.add(key);
        }
        if (event.type === 'ticket:called' && event.ticket) called.add(`${event.windowId}|${event.ticket.id}`);
      }
      for (const a of acked.filter((x) => x.hallId === hallId)) {
        const present = a.kind === 'issue' ? issued.get(a.ticketId) === a.number : called.has(`${a.windowId}|${a.ticketId}`);
        if (!present) acknowledgedLost++;
      }
    }

    const ackedAfter = acked.filter((a) => a.after);
    const resyncTimes = [...resyncAt.values()].map((at) => at - killAt);
    return {
      options,
      boards: boards.length,
      killToExitMs: round(exitAt - killAt, 1),
      killToServerReadyMs: round(readyAt - killAt, 1),
      restartedProcessStartupMs: round(server.ready.uptimeMs, 1),
      killToAllResyncedMs: round(allResyncedAt - killAt, 1),
      resync: roundSummary(summarize(resyncTimes), 1),
      readyToAllResyncedMs: round(allResyncedAt - readyAt, 1),
      boardsResynced: resyncAt.size,
      boardsNotOnHallSeq,
      ackedBeforeKill: ackedBeforeCount,
      ackedAfterRestart: { issues: ackedAfter.filter((a) => a.kind === 'issue').length, calls: ackedAfter.filter((a) => a.kind === 'call').length },
      inDoubt: sentBeforeKill - answeredBeforeKill,
      refused,
      acknowledgedLost,
      numbersReused,
      seqHoles,
      seqSeenBeforeKillMissing: seenMissing,
      boardGaps: boards.reduce((n, b) => n + b.gaps, 0),
    };
  } finally {
    closeAll(boards);
    closeAll(staff.values());
    await server.stop();
  }
}
