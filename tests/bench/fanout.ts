/**
 * Benchmark: server work per call with N counter panels connected.
 *
 * One hall with 60 windows (all open, held by the admin) and a stocked
 * queue; N counter panels (1, 10, 30, 60) connect, each the app's own
 * `StaffFeed` (counter/src/lib/staffFeed.ts: the same socket client, the
 * same event folding with the protocol's applyStaffEvent, the same REST
 * reads when it would make them). Calls go out at 10/s, panel k % N calling
 * at window k % 60, exactly as a clerk's click does (`command`, then
 * `refresh`, which waits for the call's own events). Measured per N: the
 * server process's CPU time per call over the measured calls, the call →
 * acknowledgement latency, and how many REST reads the panels made.
 * Budget: CPU per call at N = 60 within 1.3× of N = 1.
 */
import { performance } from 'node:perf_hooks';
import type { StaffView } from '../../server/domain/views.js';
import { StaffFeed, type StaffSink } from '../../counter/src/lib/staffFeed.js';
import type { BenchContext } from './context.js';
import { loginAdmin } from './lib/clients.js';
import { benchWindowId } from './lib/halls.js';
import { ServerProcess } from './lib/server.js';
import { connectStaff, openWindows, stockQueues } from './lib/setup.js';
import { type Summary, round, roundSummary, sleep, summarize, withTimeout } from './lib/stats.js';

export interface FanoutOptions {
  panels: number[];
  windows: number;
  callsPerSecond: number;
  warmupCalls: number;
  measuredCalls: number;
}

export interface FanoutRun {
  panels: number;
  calls: number;
  serverCpuMsPerCall: number;
  callAck: Summary;
  /** GET …/staff-view requests the panels made during the measured calls (the real panel makes none). */
  restReads: number;
  failedCalls: number;
  /** Panels whose view did not end on the hall's last seq. */
  panelsBehind: number;
}

export interface FanoutResult {
  options: FanoutOptions;
  runs: FanoutRun[];
  /** CPU per call at the largest N over the smallest. */
  cpuRatio: number;
}

export const FANOUT_DEFAULTS: FanoutOptions = { panels: [1, 10, 30, 60], windows: 60, callsPerSecond: 10, warmupCalls: 40, measuredCalls: 300 };

/** Counts the REST reads of the staff view made through this process's fetch (the feeds' only HTTP client). */
function countStaffViewReads(): { count: () => number; restore: () => void } {
  const original = globalThis.fetch;
  let reads = 0;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/staff-view')) reads++;
    return original(input, init);
  }) as typeof fetch;
  return { count: () => reads, restore: () => void (globalThis.fetch = original) };
}

async function runOne(ctx: BenchContext, options: FanoutOptions, panelCount: number): Promise<FanoutRun> {
  const totalCalls = options.warmupCalls + options.measuredCalls;
  const server = await ServerProcess.start({ dataDir: ctx.newDataDir(`fanout-${panelCount}`), tree: ctx.tree, synchronous: ctx.synchronous, halls: 1, windows: options.windows, label: `fanout-${panelCount}` });
  const feeds: StaffFeed[] = [];
  const reads = countStaffViewReads();
  try {
    const url = server.urls[0]!;
    const hallId = server.halls[0]!;
    const token = await loginAdmin(url);
    const setup = await connectStaff(url, [hallId], token);
    await openWindows(setup, options.windows);
    await stockQueues(setup, totalCalls + 20);
    for (const socket of setup.values()) socket.close();

    const sinks: StaffSink[] = [];
    for (let i = 0; i < panelCount; i++) {
      const sink: StaffSink = { view: null, screens: null, printers: null, online: false, refused: null };
      sinks.push(sink);
      feeds.push(
        new StaffFeed(
          { origin: url, hallId, token, lang: 'zh', expiresAt: Date.now() + 3_600_000, onAuthLost: (code) => ctx.log(`fanout: panel ${i} lost its login (${code})`) },
          sink,
        ),
      );
    }
    await withTimeout(
      (async () => {
        while (sinks.some((sink) => sink.view === null || !sink.online)) await sleep(20);
      })(),
      30_000,
      `${panelCount} panels connecting`,
    );

    const acks: number[] = [];
    let failed = 0;
    let readsBefore = 0;
    const interval = 1000 / options.callsPerSecond;
    const start = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let k = 0; k < totalCalls; k++) {
      if (k === options.warmupCalls) {
        await Promise.all(inFlight.splice(0));
        // stats() counts from the previous request: this one starts the measured window.
        await server.stats();
        readsBefore = reads.count();
      }
      const due = start + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const feed = feeds[k % panelCount]!;
      const windowId = benchWindowId(k % options.windows);
      const measured = k >= options.warmupCalls;
      inFlight.push(
        (async () => {
          const sent = performance.now();
          const answer = await feed.command('window.call-next', { windowId });
          if (measured) acks.push(performance.now() - sent);
          if (!answer.ok) failed++;
          // As the panel does after a click: wait until the view includes this call.
          else await feed.refresh();
        })(),
      );
    }
    await Promise.all(inFlight);
    const stats = await server.stats();
    const restReads = reads.count() - readsBefore;
    await sleep(200);
    const seqs = sinks.map((sink) => (sink.view as StaffView | null)?.seq ?? -1);
    const last = Math.max(...seqs);
    return {
      panels: panelCount,
      calls: options.measuredCalls,
      serverCpuMsPerCall: round((stats.cpuUserMs + stats.cpuSystemMs) / options.measuredCalls, 3),
      callAck: roundSummary(summarize(acks)),
      restReads,
      failedCalls: failed,
      panelsBehind: seqs.filter((seq) => seq !== last).length,
    };
  } finally {
    reads.restore();
    for (const feed of feeds) feed.close();
    await server.stop();
  }
}

export async function runFanout(ctx: BenchContext, overrides: Partial<FanoutOptions> = {}): Promise<FanoutResult> {
  const options: FanoutOptions = { ...FANOUT_DEFAULTS, ...(ctx.quick ? { warmupCalls: 10, measuredCalls: 60 } : {}), ...overrides };
  const runs: FanoutRun[] = [];
  for (const panels of options.panels) {
    ctx.log(`fanout: ${panels} panel(s), ${options.windows} windows, ${options.callsPerSecond} calls/s…`);
    const run = await runOne(ctx, options, panels);
    ctx.log(
      `fanout: N = ${panels}: ${run.serverCpuMsPerCall} CPU-ms/call, ack p50 ${run.callAck.p50} / p99 ${run.callAck.p99} ms, REST reads ${run.restReads}, failed ${run.failedCalls}, behind ${run.panelsBehind}`,
    );
    runs.push(run);
  }
  const first = runs[0]!;
  const lastRun = runs[runs.length - 1]!;
  return { options, runs, cpuRatio: round(lastRun.serverCpuMsPerCall / first.serverCpuMsPerCall, 2) };
}
