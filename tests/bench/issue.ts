/**
 * Benchmark 2: durable ticket-issue throughput.
 *
 * One admin staff socket per hall (100 halls); each keeps `inFlightPerSocket`
 * `ticket:issue` commands outstanding (closed loop: send the next as soon as
 * the previous is acknowledged). After a warm-up, every acknowledgement that
 * arrives inside the measured window counts. Every ack means the ticket and
 * its event were committed with synchronous=FULL before the answer.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './context.js';
import type { Board } from './lib/clients.js';
import { type Staff, loginAdmin } from './lib/clients.js';
import { type BenchServers, ServerProcess } from './lib/server.js';
import { SERVICE_IDS, closeAll, connectBoards, connectStaff } from './lib/setup.js';
import { type Summary, round, roundSummary, sleep, summarize } from './lib/stats.js';
import { type ServerLoad, serverLoad } from './latency.js';

export interface IssueOptions {
  halls: number;
  inFlightPerSocket: number;
  warmupSeconds: number;
  measuredSeconds: number;
  /** Public boards per hall listening while tickets are issued (0 = only the issuing staff sockets). */
  boardsPerHall: number;
}

export interface IssueResult {
  options: IssueOptions;
  transport: string;
  concurrency: number;
  issued: number;
  ticketsPerSecond: number;
  /** Tickets acknowledged in each second of the measured window. */
  perSecond: number[];
  ackLatency: Summary;
  refused: Record<string, number>;
  waitingPerHallAtEnd: number;
  server: ServerLoad;
}

export const ISSUE_DEFAULTS: IssueOptions = { halls: 100, inFlightPerSocket: 1, warmupSeconds: 2, measuredSeconds: 10, boardsPerHall: 0 };

/** Against `servers` if given (bench:cluster, stopped afterwards), else a fresh SQLite server process. */
export async function runIssue(ctx: BenchContext, overrides: Partial<IssueOptions> = {}, servers?: BenchServers): Promise<IssueResult> {
  const options: IssueOptions = { ...ISSUE_DEFAULTS, ...(ctx.quick ? { warmupSeconds: 1, measuredSeconds: 3 } : {}), ...overrides };
  const server = servers ?? await ServerProcess.start({
    dataDir: ctx.newDataDir('issue'),
    tree: ctx.tree,
    synchronous: ctx.synchronous,
    halls: options.halls,
    windows: 10,
    label: 'issue',
    ...(ctx.profileDir ? { cpuProfDir: ctx.profileDir } : {}),
  });
  let staff = new Map<string, Staff>();
  const boards: Board[] = [];
  try {
    const token = await loginAdmin(server.urls[0]!);
    staff = await connectStaff(server.urls, server.halls, token);
    if (options.boardsPerHall > 0) boards.push(...(await connectBoards(server.urls, server.halls, options.boardsPerHall, {}, null)));
    const concurrency = staff.size * options.inFlightPerSocket;
    ctx.log(`issue: ${concurrency} issuers in flight over ${staff.size} staff sockets, ${options.warmupSeconds} s warm-up + ${options.measuredSeconds} s…`);

    await server.stats();
    const start = performance.now();
    const measureStart = start + options.warmupSeconds * 1000;
    const measureEnd = measureStart + options.measuredSeconds * 1000;
    const latencies: number[] = [];
    const perSecond = new Array<number>(options.measuredSeconds).fill(0);
    const refused: Record<string, number> = {};
    let statsBefore: ReturnType<typeof server.stats> | undefined;
    const warmupTimer = setTimeout(() => {
      statsBefore = server.stats();
      void server.profileStart();
    }, Math.max(0, measureStart - performance.now()));

    let serviceTurn = 0;
    let acknowledged = 0;
    const issuer = async (socket: Staff) => {
      while (performance.now() < measureEnd) {
        const serviceId = SERVICE_IDS[serviceTurn++ % SERVICE_IDS.length]!;
        const sentAt = performance.now();
        let code: string | undefined;
        try {
          const ack = await socket.command('ticket:issue', { serviceId });
          if (!ack.ok) code = ack.error?.code ?? 'REFUSED';
        } catch {
          code = 'NO_ACK';
        }
        const at = performance.now();
        // Throughput: acknowledgements arriving inside the window; latency: commands sent inside it too.
        if (at < measureStart || at > measureEnd) continue;
        if (code !== undefined) {
          refused[code] = (refused[code] ?? 0) + 1;
          continue;
        }
        acknowledged++;
        if (sentAt >= measureStart) latencies.push(at - sentAt);
        perSecond[Math.min(options.measuredSeconds - 1, Math.floor((at - measureStart) / 1000))]! += 1;
      }
    };
    await Promise.all([...staff.values()].flatMap((socket) => Array.from({ length: options.inFlightPerSocket }, () => issuer(socket))));
    clearTimeout(warmupTimer);
    const before = await statsBefore;
    const after = await server.stats();
    await server.profileStop();
    await sleep(100);
    const hall = server.halls[0]!;
    const board = (await (await fetch(`${server.urls[0]}/api/halls/${hall}/board`)).json()) as { services: Array<{ waiting: number }> };
    const waiting = board.services.reduce((n, s) => n + s.waiting, 0);

    return {
      options,
      transport: 'Socket.IO staff socket (websocket), event `ticket:issue`',
      concurrency,
      issued: acknowledged,
      ticketsPerSecond: round(acknowledged / options.measuredSeconds, 0),
      perSecond,
      ackLatency: roundSummary(summarize(latencies)),
      refused,
      waitingPerHallAtEnd: waiting,
      server: serverLoad(after, before),
    };
  } finally {
    closeAll(boards);
    closeAll(staff.values());
    await server.stop();
  }
}
