/**
 * Benchmark 1: call → `ticket:called` at every public socket of the hall.
 *
 * 100 halls × 10 windows × 30 public board sockets (3,000), one admin staff
 * socket per hall. `window:call-next` commands go out over the staff sockets
 * at a fixed rate (100/s), each round touching every hall once (in shuffled
 * order) at the round's window, so one hall/window pair is called every 10 s.
 *
 * Latency of one call = from just before the staff socket's emit until the
 * LAST of the hall's 30 public sockets has applied the `ticket:called` event
 * (after its seq check). Also reported: until the first socket, until the
 * last of the hall's first 3 boards (the "3 boards of a hall" reading of the
 * budget), and the staff acknowledgement.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { BenchContext } from './context.js';
import type { Board, SeqEvent, Staff } from './lib/clients.js';
import { ackedTicket, loginAdmin } from './lib/clients.js';
import { benchWindowId } from './lib/halls.js';
import { type BenchServers, ServerProcess, type StatsInfo } from './lib/server.js';
import type { Percentiles } from './lib/serverProbes.js';
import { closeAll, connectBoards, connectStaff, openWindows, stockQueues } from './lib/setup.js';
import { type Summary, prng, round, roundSummary, shuffle, sleep, summarize } from './lib/stats.js';

export interface LatencyOptions {
  halls: number;
  windows: number;
  boardsPerHall: number;
  callsPerSecond: number;
  warmupCalls: number;
  measuredCalls: number;
}

export interface LatencyResult {
  options: LatencyOptions;
  transport: string;
  boards: number;
  connectSeconds: number;
  stockedTickets: number;
  measuredSeconds: number;
  achievedCallsPerSecond: number;
  /** Call → last of the hall's public sockets (the budgeted figure), ms. */
  callToLastBoard: Summary;
  callToFirstBoard: Summary;
  callToLastOfFirst3Boards: Summary;
  /** First → last board of the same call, ms (mostly the bench process delivering 30 messages). */
  fanoutSpread: Summary;
  callAck: Summary;
  /** How late the bench sent calls versus their schedule, ms (bench-process pressure). */
  sendLag: Summary;
  incompleteCalls: number;
  refusedCalls: Record<string, number>;
  numberMismatches: number;
  boardGaps: number;
  boardDuplicates: number;
  /** Socket frames per measured call: `hall:events` at the hall's boards and at its staff socket, and the events they held. */
  frames: { boardFramesPerCall: number; staffFramesPerCall: number; boardEventsPerFrame: number };
  server: ServerLoad;
  benchProcess: { cpuPercent: number; eventLoopDelayP50Ms: number; eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number };
}

export interface ServerLoad {
  cpuPercent: number;
  eventLoopUtilization: number;
  commits: number;
  updates: number;
  meanBatch: number;
  synchronous: number;
  journalMode: string;
  /** The server's main thread over the measured window: event-loop delay, and each transaction's duration. */
  eventLoopDelayMs?: Percentiles;
  commitMs?: Percentiles | null;
}

export function serverLoad(stats: StatsInfo, before?: StatsInfo): ServerLoad {
  const commits = stats.commits - (before?.commits ?? 0);
  const updates = stats.updates - (before?.updates ?? 0);
  return {
    cpuPercent: round(((stats.cpuUserMs + stats.cpuSystemMs) / stats.wallMs) * 100, 1),
    eventLoopUtilization: round(stats.eventLoopUtilization, 3),
    commits,
    updates,
    meanBatch: round(commits ? updates / commits : 0, 2),
    synchronous: stats.synchronous,
    journalMode: stats.journalMode,
    ...(stats.eventLoopDelayMs ? { eventLoopDelayMs: stats.eventLoopDelayMs } : {}),
    ...(stats.commitMs !== undefined ? { commitMs: stats.commitMs } : {}),
  };
}

interface CallRecord {
  k: number;
  hallId: string;
  windowId: string;
  scheduledAt: number;
  sentAt: number;
  ackAt?: number;
  received: number;
  receivedOfFirst3: number;
  firstAt?: number;
  last3At?: number;
  lastAt?: number;
  eventNumber?: string;
  ackNumber?: string;
  error?: string;
  done: boolean;
}

export const LATENCY_DEFAULTS: LatencyOptions = {
  halls: 100,
  windows: 10,
  boardsPerHall: 30,
  callsPerSecond: 100,
  warmupCalls: 300,
  measuredCalls: 2500,
};

/** Against `servers` if given (bench:cluster, stopped afterwards), else a fresh SQLite server process. */
export async function runLatency(ctx: BenchContext, overrides: Partial<LatencyOptions> = {}, servers?: BenchServers): Promise<LatencyResult> {
  const options: LatencyOptions = { ...LATENCY_DEFAULTS, ...(ctx.quick ? { warmupCalls: 100, measuredCalls: 500 } : {}), ...overrides };
  const { halls: hallCount, windows, boardsPerHall, callsPerSecond, warmupCalls, measuredCalls } = options;
  const totalCalls = warmupCalls + measuredCalls;
  const server = servers ?? await ServerProcess.start({
    dataDir: ctx.newDataDir('latency'),
    tree: ctx.tree,
    synchronous: ctx.synchronous,
    halls: hallCount,
    windows,
    label: 'latency',
    ...(ctx.profileDir ? { cpuProfDir: ctx.profileDir } : {}),
  });
  const boards: Board[] = [];
  const staffSockets = new Map<string, Staff>();
  try {
    const halls = server.halls;
    const token = await loginAdmin(server.urls[0]!);
    for (const [hallId, socket] of await connectStaff(server.urls, halls, token)) staffSockets.set(hallId, socket);
    await openWindows(staffSockets, windows);
    const perHall = Math.ceil(totalCalls / hallCount) + 10;
    const stocked = await stockQueues(staffSockets, perHall);
    ctx.log(`latency: ${halls.length} halls × ${windows} windows open, ${stocked} tickets waiting; connecting ${hallCount * boardsPerHall} boards…`);

    const pending = new Map<string, CallRecord>();
    const records: CallRecord[] = [];
    let unmatched = 0;
    let doneCount = 0;
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const complete = (record: CallRecord) => {
      record.done = true;
      pending.delete(`${record.hallId}|${record.windowId}`);
      if (++doneCount === totalCalls) allDone();
    };

    const onCalled = (board: Board, event: SeqEvent, at: number) => {
      const record = pending.get(`${event.hallId}|${event.windowId}`);
      if (!record) {
        unmatched++;
        return;
      }
      if (record.received++ === 0) {
        record.firstAt = at;
        record.eventNumber = event.ticket?.number;
      }
      if (board.index < 3 && ++record.receivedOfFirst3 === 3) record.last3At = at;
      if (record.received === boardsPerHall) {
        record.lastAt = at;
        if (record.ackAt !== undefined || record.error !== undefined) complete(record);
      }
    };

    const connectStart = performance.now();
    boards.push(...(await connectBoards(server.urls, halls, boardsPerHall, { onCalled }, null)));
    const connectSeconds = (performance.now() - connectStart) / 1000;
    ctx.log(`latency: ${boards.length} boards connected in ${connectSeconds.toFixed(1)} s; ${totalCalls} calls at ${callsPerSecond}/s (first ${warmupCalls} are warm-up)…`);
    await sleep(500);

    const random = prng(20240601);
    const hallOrder: number[][] = [];
    const rounds = Math.ceil(totalCalls / hallCount);
    for (let r = 0; r < rounds; r++) hallOrder.push(shuffle(Array.from({ length: hallCount }, (_, i) => i), random));

    const intervalMs = 1000 / callsPerSecond;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    let statsBefore: Promise<StatsInfo> | undefined;
    let cpuBefore: NodeJS.CpuUsage | undefined;
    let measureStart = 0;
    const countFrames = () => ({
      board: boards.reduce((n, b) => n + b.frames, 0),
      boardEvents: boards.reduce((n, b) => n + b.events, 0),
      staff: [...staffSockets.values()].reduce((n, s) => n + s.frames, 0),
    });
    let framesBefore = countFrames();
    await server.stats();
    const start = performance.now() + 20;

    const send = (k: number) => {
      const round = Math.floor(k / hallCount);
      const hallId = halls[hallOrder[round]![k % hallCount]!]!;
      const windowId = benchWindowId(round % windows);
      const key = `${hallId}|${windowId}`;
      const stale = pending.get(key);
      if (stale) {
        stale.error ??= 'SUPERSEDED';
        complete(stale);
      }
      const record: CallRecord = {
        k,
        hallId,
        windowId,
        scheduledAt: start + k * intervalMs,
        sentAt: performance.now(),
        received: 0,
        receivedOfFirst3: 0,
        done: false,
      };
      records.push(record);
      pending.set(key, record);
      staffSockets
        .get(hallId)!
        .command('window:call-next', { windowId })
        .then(
          (ack) => {
            record.ackAt = performance.now();
            if (ack.ok) record.ackNumber = ackedTicket(ack.data)?.number;
            else record.error = ack.error?.code ?? 'REFUSED';
          },
          (error: unknown) => {
            record.error = `NO_ACK: ${(error as Error).message}`;
          },
        )
        .finally(() => {
          if (!record.done && (record.error !== undefined || record.received === boardsPerHall)) complete(record);
        });
    };

    await new Promise<void>((resolve) => {
      let k = 0;
      const pump = () => {
        const now = performance.now();
        while (k < totalCalls && start + k * intervalMs <= now) {
          if (k === warmupCalls) {
            statsBefore = server.stats();
            void server.profileStart();
            cpuBefore = process.cpuUsage();
            loopDelay.enable();
            measureStart = performance.now();
            framesBefore = countFrames();
          }
          send(k++);
        }
        if (k < totalCalls) setTimeout(pump, Math.max(0, start + k * intervalMs - performance.now()));
        else resolve();
      };
      setTimeout(pump, Math.max(0, start - performance.now()));
    });
    const lastSentAt = performance.now();
    await Promise.race([finished, sleep(10_000)]);
    const framesAfter = countFrames();
    loopDelay.disable();
    await server.profileStop();
    const cpuBench = process.cpuUsage(cpuBefore);
    // stats() answers the delta since the previous call, so `after` covers the measured calls (and their drain).
    const before = await statsBefore!;
    const after = await server.stats();

    const measured = records.filter((r) => r.k >= warmupCalls);
    const okCalls = measured.filter((r) => r.error === undefined && r.lastAt !== undefined);
    const refused: Record<string, number> = {};
    for (const r of measured) if (r.error !== undefined) refused[r.error.split(':')[0]!] = (refused[r.error.split(':')[0]!] ?? 0) + 1;
    const measuredSeconds = (lastSentAt - measureStart) / 1000;

    const result: LatencyResult = {
      options,
      transport: 'Socket.IO staff socket (websocket), event `window:call-next`',
      boards: boards.length,
      connectSeconds: round(connectSeconds, 2),
      stockedTickets: stocked,
      measuredSeconds: round(measuredSeconds, 2),
      achievedCallsPerSecond: round(measured.length / measuredSeconds, 1),
      callToLastBoard: roundSummary(summarize(okCalls.map((r) => r.lastAt! - r.sentAt))),
      callToFirstBoard: roundSummary(summarize(okCalls.map((r) => r.firstAt! - r.sentAt))),
      callToLastOfFirst3Boards: roundSummary(summarize(okCalls.filter((r) => r.last3At !== undefined).map((r) => r.last3At! - r.sentAt))),
      fanoutSpread: roundSummary(summarize(okCalls.map((r) => r.lastAt! - r.firstAt!))),
      callAck: roundSummary(summarize(measured.filter((r) => r.ackAt !== undefined && r.error === undefined).map((r) => r.ackAt! - r.sentAt))),
      sendLag: roundSummary(summarize(measured.map((r) => r.sentAt - r.scheduledAt))),
      incompleteCalls: measured.filter((r) => r.error === undefined && r.lastAt === undefined).length,
      refusedCalls: refused,
      numberMismatches: okCalls.filter((r) => r.ackNumber !== undefined && r.eventNumber !== r.ackNumber).length,
      boardGaps: boards.reduce((n, b) => n + b.gaps, 0),
      boardDuplicates: boards.reduce((n, b) => n + b.duplicates, 0) + unmatched,
      frames: {
        boardFramesPerCall: round((framesAfter.board - framesBefore.board) / measured.length, 2),
        staffFramesPerCall: round((framesAfter.staff - framesBefore.staff) / measured.length, 2),
        boardEventsPerFrame: round((framesAfter.boardEvents - framesBefore.boardEvents) / Math.max(1, framesAfter.board - framesBefore.board), 2),
      },
      server: serverLoad(after, before),
      benchProcess: {
        cpuPercent: round(((cpuBench.user + cpuBench.system) / 1000 / (performance.now() - measureStart)) * 100, 1),
        eventLoopDelayP50Ms: round(loopDelay.percentile(50) / 1e6, 3),
        eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 3),
        eventLoopDelayMaxMs: round(loopDelay.max / 1e6, 3),
      },
    };
    return result;
  } finally {
    closeAll(boards);
    closeAll(staffSockets.values());
    await server.stop();
  }
}
