/**
 * HallQ scale-out benchmark: `npm run bench:cluster [-- --quick] [--server dist|src] [--processes 1,2,4] [--profile]`.
 *
 * One redis-server (started here on a free port, AOF with appendfsync
 * everysec, as docs/deploy.md recommends) and 1, 2 and 4 server processes on
 * it, in one run, after the same measurements on one process with the
 * default SQLite store (the baseline, under the same machine load). For each
 * count, on a freshly emptied Redis:
 *   - latency: the budget's set-up (100 halls × 10 windows × 3 boards, 100
 *     calls/s): call-next over a staff socket → the call applied by the last of
 *     the hall's 3 boards. Hall i's staff socket is on process i mod n, its
 *     boards on the other processes first, so with n ≥ 2 a call crosses Redis
 *     pub/sub to reach them (tests/bench/latency.ts, lib/setup.ts);
 *   - issue: durable ticket issues per second, one staff socket per hall with
 *     one issue in flight each, sockets spread over the processes (issue.ts);
 *     plus Redis memory per ticket afterwards.
 * Clients, servers and Redis share this machine's cores: see docs/performance.md
 * for what that means for the figures. Results: tests/bench/results/cluster-latest.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { DEFAULT_PREFIX, RedisKeys } from '../../server/store/redis/index.js';
import { startTestRedis } from '../helpers/redisServer.js';
import type { BenchContext } from './context.js';
import { type IssueResult, runIssue } from './issue.js';
import { type LatencyResult, runLatency } from './latency.js';
import { ensureBuilt } from './lib/build.js';
import { formatProfile, summarizeProfile } from './lib/profile.js';
import { REPO_ROOT, ServerGroup, ServerProcess, killAllServers } from './lib/server.js';
import { round } from './lib/stats.js';

interface Args {
  quick: boolean;
  /** CPU profiles of the first server process of each phase, summarised at the end (figures not comparable). */
  profile: boolean;
  tree: 'dist' | 'src';
  processes: number[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, profile: false, tree: 'dist', processes: [1, 2, 4] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--server') {
      const tree = argv[++i];
      if (tree !== 'dist' && tree !== 'src') throw new Error('--server must be dist or src');
      args.tree = tree;
    } else if (arg === '--processes') {
      args.processes = (argv[++i] ?? '').split(',').map(Number);
      if (!args.processes.every((n) => Number.isInteger(n) && n >= 1 && n <= 16)) throw new Error('--processes takes counts like 1,2,4');
    } else throw new Error(`unknown option ${arg}`);
  }
  return args;
}

interface Row {
  processes: number;
  store: 'sqlite' | 'redis';
  latency: LatencyResult | { error: string };
  issue: (IssueResult & { redisMemoryMB: number; redisBytesPerTicket: number }) | { error: string };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (message: string) => process.stdout.write(`[bench:cluster +${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  const tmpRoot = mkdtempSync(join(tmpdir(), 'hallq-bench-cluster-'));
  const redis = await startTestRedis();
  const admin = new Redis(redis.url);
  const cleanup = () => {
    killAllServers();
    admin.disconnect();
    void redis.destroy();
    rmSync(tmpRoot, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const watchdog = setTimeout(() => {
    log('watchdog: the bench ran over 10 minutes; giving up');
    cleanup();
    process.exit(3);
  }, 10 * 60_000);
  watchdog.unref();

  let dirs = 0;
  const profileDir = args.profile ? join(tmpRoot, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir);
  const ctx: BenchContext = {
    ...(profileDir ? { profileDir } : {}),
    tree: args.tree === 'dist' ? ensureBuilt(log) : 'src',
    newDataDir: (name) => {
      const dir = join(tmpRoot, `${String(++dirs).padStart(2, '0')}-${name}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    quick: args.quick,
    synchronous: 'FULL',
    log,
  };
  const machine = { nproc: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: round(loadavg()[0]!, 2) };
  log(`machine: ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart}; redis-server on ${redis.url} (AOF everysec)`);

  /** n server processes on an emptied Redis; the first creates the 100 bench halls. */
  const deployment = async (n: number, label: string): Promise<ServerGroup> => {
    await admin.flushall();
    const members: ServerProcess[] = [];
    for (let i = 0; i < n; i++) {
      members.push(
        await ServerProcess.start({
          dataDir: ctx.newDataDir(`${label}-${n}-${i}`),
          tree: ctx.tree,
          halls: 100,
          windows: 10,
          label: `${label}-${n}.${i}`,
          env: { HALLQ_REDIS_URL: redis.url },
          ...(profileDir && i === 0 ? { cpuProfDir: profileDir } : {}),
        }),
      );
    }
    return new ServerGroup(members);
  };
  const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await run();
    } catch (error) {
      log(`${what} failed: ${String((error as Error)?.message ?? error)}`);
      killAllServers();
      return { error: String((error as Error)?.stack ?? error) };
    }
  };

  const rows: Row[] = [];
  const options = {
    latency: { boardsPerHall: 3, measuredCalls: args.quick ? 500 : 1500 },
    issue: { measuredSeconds: args.quick ? 3 : 8 },
  };
  log('── baseline: 1 process, SQLite (synchronous=FULL) ──');
  rows.push({
    processes: 1,
    store: 'sqlite',
    latency: await attempt('latency', () => runLatency(ctx, options.latency)),
    issue: await attempt('issue', async () => ({ ...(await runIssue(ctx, options.issue)), redisMemoryMB: Number.NaN, redisBytesPerTicket: Number.NaN })),
  });
  for (const n of args.processes) {
    log(`── ${n} process${n > 1 ? 'es' : ''}: latency ──`);
    const latency = await attempt('latency', async () =>
      runLatency(ctx, options.latency, await deployment(n, 'latency')),
    );
    log(`── ${n} process${n > 1 ? 'es' : ''}: issue ──`);
    const issue = await attempt('issue', async () => {
      const result = await runIssue(ctx, options.issue, await deployment(n, 'issue'));
      const usedMemory = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? Number.NaN);
      const tickets = Number(await admin.hlen(new RedisKeys(DEFAULT_PREFIX).ticketHalls)); // the servers' prefix
      return { ...result, redisMemoryMB: round(usedMemory / 1024 ** 2, 1), redisBytesPerTicket: round(usedMemory / Math.max(1, tickets), 0) };
    });
    rows.push({ processes: n, store: 'redis', latency, issue });
  }

  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  const report = {
    date: new Date().toISOString(),
    command: `npm run bench:cluster${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    git: head,
    serverCode: ctx.tree,
    machine: { ...machine, loadAverageAtEnd: round(loadavg()[0]!, 2) },
    durationSeconds: round((performance.now() - started) / 1000, 1),
    rows,
  };
  const resultsDir = join(REPO_ROOT, 'tests/bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const out = join(resultsDir, 'cluster-latest.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  if (profileDir) {
    for (const file of readdirSync(profileDir)) process.stdout.write(`\n${formatProfile(summarizeProfile(join(profileDir, file), 30))}\n`);
  }
  process.stdout.write(`\n${table(rows)}\n\nDetails: ${out} (${report.durationSeconds} s)\n`);
  clearTimeout(watchdog);
  cleanup();
  process.exit(0);
}

function table(rows: Row[]): string {
  const head = ['store, processes', 'call → last of 3 boards p50 / p99', 'call ack p50 / p99', 'calls ok / incomplete', 'issues/s', 'issue ack p50 / p99', 'servers CPU', 'issues per CPU-s', 'Redis B/ticket'];
  const body = rows.map((row) => {
    const l = row.latency;
    const i = row.issue;
    const lat = 'error' in l ? ['FAILED', '', ''] : [`${l.callToLastBoard.p50} / ${l.callToLastBoard.p99} ms`, `${l.callAck.p50} / ${l.callAck.p99} ms`, `${l.callToLastBoard.count} / ${l.incompleteCalls}`];
    // Throughput per CPU-second the servers actually got: less sensitive to other load on the machine.
    const perCpu = 'error' in i ? '' : String(round(i.ticketsPerSecond / (i.server.cpuPercent / 100), 0));
    const iss = 'error' in i ? ['FAILED', '', '', '', ''] : [`${i.ticketsPerSecond}/s`, `${i.ackLatency.p50} / ${i.ackLatency.p99} ms`, `${i.server.cpuPercent} %`, perCpu, Number.isNaN(i.redisBytesPerTicket) ? '—' : String(i.redisBytesPerTicket)];
    return [`${row.store}, ${row.processes}`, ...lat, ...iss];
  });
  const width = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padEnd(width[k]!)).join(' | ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:cluster failed: ${String((error as Error)?.stack ?? error)}\n`);
  killAllServers();
  process.exit(1);
});
