/**
 * HallQ benchmark: `npm run bench [-- options]`.
 *
 *   --only latency,issue,memory,restart   run some parts (repeatable; default these four and those marked "default part too")
 *          store                          diagnostic: engine + SQLite store alone, in process (no sockets)
 *          fanout                         one hall, 60 windows, 1/10/30/60 counter panels (the app's StaffFeed): server
 *                                         CPU per call and call → ack at 10 calls/s (default part too)
 *          floor                          HallQ against the floor server (tests/bench/floor) with the same client
 *                                         code, alternating over 3 pairs: HallQ/floor ratios and the issue's goals (default part too)
 *          busy                           one hall at 0 / 500 / 2,000 / 5,000 waiting: issue and call-next per second over
 *                                         REST (keep-alive) and the staff socket, and 5,000 over 0 (default part too)
 *          mado                           REST issue on the MADO harness shape (20 keep-alive clients, one hall, 10 s),
 *                                         HallQ against a Flask + SQLite peer (Node stand-in without python3-flask) (default part too)
 *          paint                          REST call → number painted on the demo board in headless Chromium
 *                                         (needs /usr/bin/chromium or HALLQ_CHROMIUM; builds display/dist if stale)
 *          voice                          a call's event at that board → its chime and words start through Web Audio
 *                                         (no speechSynthesis in the page; goal: chime within 300 ms)
 *          replay                         排班模拟: a recorded 60-window, 1,500-ticket day replayed in the simulation worker
 *                                         (recorded and drawn service times; no budget)
 *          overview                       county overview, 200 halls, one overview socket (in-process, source tree):
 *                                         recomputation per command, frames and bytes in a busy minute, the minute tick
 *   --server dist|src                     server code under test: the compiled dist/ (default; rebuilt
 *                                         with `npm run build` if missing or older than server/) or server/*.ts via tsx
 *   --profile                             CPU-profile the latency, issue and mado servers over their measured
 *                                         window (tests/bench/results/profiles/<date>/*.cpuprofile, summarised
 *                                         in the output), and break the memory figure down with heap snapshots
 *   --quick                               shorter phases (to check the bench itself; figures not comparable)
 *   --strict                              exit 1 if a budget is missed
 *   --synchronous NORMAL                  investigation only: SQLite synchronous=NORMAL instead of FULL
 *                                         (the budgets are defined for FULL)
 *
 * One server process (a child: tests/bench/serverChild.ts) with the SQLite
 * store at synchronous=FULL in a fresh temporary data directory per part;
 * all clients live in this process; loopback only. Results are printed and
 * written to tests/bench/results/latest.json. See docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './context.js';
import { runIssue } from './issue.js';
import { runLatency } from './latency.js';
import { runFanout } from './fanout.js';
import { runFloor } from './floor.js';
import { runBusy } from './busy.js';
import { runMado } from './mado.js';
import { formatProfile, summarizeProfile, type ProfileSummary } from './lib/profile.js';
import { ensureBuilt } from './lib/build.js';
import { type MachineLoad, loudDisturbance, machineLoad, sampleCpu } from './lib/machine.js';
import { REPO_ROOT, killAllServers } from './lib/server.js';
import { round, summarize } from './lib/stats.js';
import { runMemory } from './memory.js';
import { paintSummaryLine, runPaint } from './paint.js';
import { overviewSummaryLine, runOverview } from './overview.js';
import { runVoice, voiceSummaryLine } from './voice.js';
import { runRestart, type RestartResult } from './restart.js';
import { PARTS, type Part, rows, table } from './rows.js';
import { runStore } from './store.js';
import { runReplay } from './replay.js';

/**
 * The budgeted parts and the floor, run by default; `store` (a diagnostic), `paint` and `voice` (no budget; need
 * Chromium), `replay` and `overview` (issue 20, no budget) run only with --only.
 */
const DEFAULT_PARTS: Part[] = ['latency', 'issue', 'memory', 'restart', 'fanout', 'floor', 'busy', 'mado'];

interface Args {
  only: Part[];
  tree: 'dist' | 'src';
  profile: boolean;
  quick: boolean;
  strict: boolean;
  synchronous: 'FULL' | 'NORMAL';
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: [], tree: 'dist', profile: false, quick: false, strict: false, synchronous: 'FULL' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--only') {
      for (const part of value().split(/[,|]/).map((s) => s.trim()).filter(Boolean)) {
        if (!PARTS.includes(part as Part)) throw new Error(`unknown part "${part}" (expected ${PARTS.join(', ')})`);
        args.only.push(part as Part);
      }
    } else if (flag === '--server') {
      const tree = value();
      if (tree !== 'dist' && tree !== 'src') throw new Error('--server must be dist or src');
      args.tree = tree;
    } else if (flag === '--synchronous') {
      const mode = value().toUpperCase();
      if (mode !== 'FULL' && mode !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
      args.synchronous = mode;
    } else if (flag === '--profile') args.profile = true;
    else if (flag === '--quick') args.quick = true;
    else if (flag === '--strict') args.strict = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (args.only.length === 0) args.only = [...DEFAULT_PARTS];
  return args;
}

/** fdatasync latency of the disk the data directories live on: the floor under every durable commit. */
function fsyncProbe(dir: string): { p50Ms: number; p99Ms: number } {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      writeSync(fd, block);
      const t = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  const s = summarize(times);
  return { p50Ms: round(s.p50, 3), p99Ms: round(s.p99, 3) };
}

/** Which code was measured: HEAD, and how many files under server/ differ from it. */
function gitState(): { head: string; serverFilesChanged: number } | null {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--', 'server'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (head.status !== 0) return null;
  return { head: head.stdout.trim(), serverFilesChanged: status.stdout.split('\n').filter(Boolean).length };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (message: string) => process.stdout.write(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  const tmpRoot = mkdtempSync(join(tmpdir(), 'hallq-bench-'));
  const resultsDir = join(REPO_ROOT, 'tests/bench/results');
  mkdirSync(resultsDir, { recursive: true });

  const cleanup = () => {
    killAllServers();
    rmSync(tmpRoot, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      process.exit(130);
    });
  }
  // Bounded in time whatever happens (the fan-out part, four servers at 10 calls/s, adds its own few minutes).
  const limitMinutes = 5 + (args.only.includes('fanout') ? 4 : 0) + (args.only.includes('floor') ? (args.quick ? 4 : 12) : 0) + (args.only.includes('busy') ? 3 : 0) + (args.only.includes('mado') ? 3 : 0) + (args.only.includes('voice') ? 4 : 0) + (args.only.includes('replay') ? 5 : 0) + (args.only.includes('overview') ? 4 : 0);
  const watchdog = setTimeout(() => {
    log(`watchdog: the bench ran over ${limitMinutes} minutes; giving up`);
    process.exit(3);
  }, limitMinutes * 60_000);
  watchdog.unref();

  const tree = args.tree === 'dist' ? ensureBuilt(log) : 'src';
  let profileDir: string | undefined;
  if (args.profile) {
    profileDir = join(resultsDir, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(profileDir, { recursive: true });
  }
  let dirs = 0;
  const ctx: BenchContext = {
    tree,
    newDataDir: (name) => {
      const dir = join(tmpRoot, `${String(++dirs).padStart(2, '0')}-${name}`);
      // Owner-only, as the server asks of a data directory (it warns otherwise).
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
    quick: args.quick,
    synchronous: args.synchronous,
    log,
    ...(profileDir ? { profileDir } : {}),
  };

  const cpuList = cpus();
  const machine = {
    nproc: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    freeMemoryGB: round(freemem() / 1024 ** 3, 1),
    node: process.version,
    os: `${process.platform} ${release()}`,
    dataDirFsync: fsyncProbe(tmpRoot),
    dataDirFsyncAtEnd: { p50Ms: Number.NaN, p99Ms: Number.NaN },
    /** 1-minute load average before and after: other work on the machine skews every figure. */
    loadAverageAtStart: round(loadavg()[0]!, 2),
    loadAverageAtEnd: Number.NaN,
  };
  log(`machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; fsync p50 ${machine.dataDirFsync.p50Ms} ms; load average ${machine.loadAverageAtStart}; server code: ${tree}; SQLite synchronous=${args.synchronous}`);
  if (args.synchronous !== 'FULL') log('NOTE: synchronous=NORMAL is not the budgeted configuration; use these figures for comparison only');
  if (args.profile) log('NOTE: the CPU profiler slows the server; figures from a --profile run are not the budget figures');

  const results: Partial<Record<Part, unknown>> = {};
  const runners: Record<Part, () => Promise<unknown>> = {
    latency: () => runLatency(ctx),
    fanout: () => runFanout(ctx),
    floor: () => runFloor(ctx),
    busy: () => runBusy(ctx),
    mado: () => runMado(ctx),
    issue: () => runIssue(ctx),
    memory: () => runMemory(ctx),
    store: () => runStore(ctx),
    replay: () => runReplay(ctx),
    paint: async () => {
      const result = await runPaint(ctx);
      ctx.log(paintSummaryLine(result));
      return result;
    },
    overview: async () => {
      const result = await runOverview(ctx);
      ctx.log(overviewSummaryLine(result));
      return result;
    },
    voice: async () => {
      const result = await runVoice(ctx);
      ctx.log(voiceSummaryLine(result));
      return result;
    },
    restart: async () => {
      const tuned = await runRestart(ctx);
      // For comparison: the same with socket.io-client's default back-off (1 s, up to 5 s), what a board gets if it sets nothing.
      ctx.log('restart: again with socket.io-client default reconnection (1000–5000 ms)…');
      let withClientDefaults: RestartResult | { error: string };
      try {
        withClientDefaults = await runRestart(ctx, { reconnect: { reconnectionDelay: 1000, reconnectionDelayMax: 5000 } });
      } catch (error) {
        withClientDefaults = { error: String((error as Error)?.message ?? error) };
      }
      return { ...tuned, withClientDefaults };
    },
  };
  const runStart = sampleCpu();
  const partLoads: Partial<Record<Part, MachineLoad>> = {};
  for (const part of args.only) {
    const t = performance.now();
    const partStart = sampleCpu();
    log(`── ${part} ──`);
    try {
      results[part] = await runners[part]();
    } catch (error) {
      results[part] = { error: String((error as Error)?.stack ?? error) };
      log(`${part} failed: ${String((error as Error)?.message ?? error)}`);
    }
    killAllServers();
    const partEnd = sampleCpu();
    if (partStart && partEnd) partLoads[part] = machineLoad(partStart, partEnd);
    log(`${part} done in ${((performance.now() - t) / 1000).toFixed(1)} s; other processes ${partLoads[part]?.otherCores ?? '?'} cores`);
    const loud = loudDisturbance(part, partLoads[part] ?? null);
    if (loud) log(loud);
  }
  const runEnd = sampleCpu();
  // The whole run also counts the load average before we started: other people's work already queued.
  const runLoad = runStart && runEnd ? machineLoad(runStart, runEnd, { judgeLoadBefore: true }) : null;
  const disturbed = runLoad === null ? null : runLoad.disturbed || Object.values(partLoads).some((l) => l?.disturbed);

  let profiles: ProfileSummary[] = [];
  if (profileDir) {
    profiles = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => summarizeProfile(join(profileDir, f), 30));
    for (const p of profiles) process.stdout.write(`\n${formatProfile(p)}\n`);
  }

  machine.dataDirFsyncAtEnd = fsyncProbe(tmpRoot);
  machine.loadAverageAtEnd = round(loadavg()[0]!, 2);
  const list = rows(results);
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    serverCode: tree,
    git: gitState(),
    store: `SQLite, WAL, synchronous=${args.synchronous}`,
    machine,
    /** true: the machine was busy with other work while we measured; read p99s as noise (see machineLoad). */
    disturbed,
    machineLoad: { run: runLoad, parts: partLoads },
    durationSeconds: round((performance.now() - started) / 1000, 1),
    budgets: list,
    results,
    ...(profiles.length ? { profiles } : {}),
  };
  const out = join(resultsDir, 'latest.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table(list)}\n\nDetails: ${out} (${report.durationSeconds} s)\n`);
  if (disturbed) {
    const why = [...(runLoad?.reasons ?? []), ...Object.entries(partLoads).flatMap(([part, l]) => (l?.disturbed ? [`${part}: ${l.reasons.join('; ')}`] : []))];
    process.stdout.write(`\n${'!'.repeat(72)}\n!!! DISTURBED RUN: the machine was busy with other work (disturbed: true).\n!!! ${why.join('\n!!! ')}\n!!! Ratios may hold; p99s are the machine's, not HallQ's.\n${'!'.repeat(72)}\n`);
  } else if (disturbed === false) {
    process.stdout.write(`Machine quiet: other processes used ${runLoad?.otherCores} of ${runLoad?.nproc} cores on average (disturbed: false).\n`);
  }
  const failed = list.some((r) => r.pass === false);
  process.exit(args.strict && failed ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
