/**
 * The server under test, in its own process: `node [--expose-gc] --import tsx tests/bench/serverChild.ts`.
 *
 * Started by tests/bench/run.ts over IPC (fork). Configuration comes from the
 * usual HALLQ_* environment (loadConfig), plus:
 *   BENCH_SERVER_TREE  'dist' (default; the compiled dist/server) or 'src' (server/*.ts through tsx)
 *   BENCH_HALLS        number of halls bench-001 … to create if missing (default 100)
 *   BENCH_WINDOWS      windows per bench hall (default 10)
 *
 * It calls startServer() exactly as server/main.ts does, creates the bench
 * halls through the running server's own store (before telling the parent it
 * is ready, so no client sees a half-made set), and then answers the parent:
 *   { type: 'heap', id }  -> heap figures after forced GC (needs --expose-gc)
 *   { type: 'stats', id } -> CPU time, event-loop utilisation, group-commit counters, and since the
 *                            previous stats: event-loop delay and transaction-time percentiles (lib/serverProbes)
 *   { type: 'profile-start' | 'profile-stop', id, file } -> V8 CPU profile of exactly the
 *                            measured window (inspector Profiler), written to `file`
 *   { type: 'heap-snapshot', id, file } -> forced GC, then v8.writeHeapSnapshot(file)
 *   { type: 'stop' }      -> graceful close, then exit 0
 * No route or hook is added to the server itself.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { setImmediate as tick } from 'node:timers/promises';
import type * as ServerModule from '../../server/server.js';
import type * as ConfigModule from '../../server/config.js';
import type * as DemoModule from '../../server/demo/demoHall.js';
import type * as LifecycleModule from '../../server/domain/lifecycle.js';
import type * as SqliteModule from '../../server/store/sqlite/sqliteStore.js';
import Database from 'better-sqlite3';
import { benchHallConfig, benchHallId } from './lib/halls.js';
import { ServerProbes } from './lib/serverProbes.js';

type Request =
  | { type: 'heap' | 'stats'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'heap-snapshot'; id: number; file: string }
  | { type: 'stop' };

const tree = process.env.BENCH_SERVER_TREE === 'src' ? 'src' : 'dist';
const base = tree === 'dist' ? '../../dist/server/' : '../../server/';
const ext = tree === 'dist' ? '.js' : '.ts';

const load = <T>(path: string): Promise<T> => import(new URL(`${base}${path}${ext}`, import.meta.url).href) as Promise<T>;

async function main(): Promise<void> {
  const t0 = performance.now();
  // Before the server opens its database, so its transaction functions are the timed ones.
  const probes = new ServerProbes();
  probes.timeTransactions(Database as unknown as Parameters<ServerProbes['timeTransactions']>[0]);
  const [serverMod, configMod, demoMod, lifecycleMod, sqliteMod] = await Promise.all([
    load<typeof ServerModule>('server'),
    load<typeof ConfigModule>('config'),
    load<typeof DemoModule>('demo/demoHall'),
    load<typeof LifecycleModule>('domain/lifecycle'),
    load<typeof SqliteModule>('store/sqlite/sqliteStore'),
  ]);
  const config = configMod.loadConfig([], process.env);
  const server = await serverMod.startServer(config, { announce: () => undefined });
  const hallCount = Number(process.env.BENCH_HALLS ?? 100);
  const windowCount = Number(process.env.BENCH_WINDOWS ?? 10);
  const halls: string[] = [];
  let created = 0;
  for (let i = 0; i < hallCount; i++) {
    const id = benchHallId(i);
    halls.push(id);
    if (await server.store.halls.loadHall(id)) continue;
    await server.store.halls.createHall(lifecycleMod.newHallState(benchHallConfig(demoMod.demoHallConfig, i, windowCount), Date.now()));
    created++;
  }
  // The call voice's warm-up (a few seconds of synthesis in its own thread) is over before anything is measured.
  await server.voice.warmUp;
  let elu = performance.eventLoopUtilization();
  send({ type: 'ready', url: server.url, port: server.port, halls, created, tree, bootMs: performance.now() - t0, uptimeMs: process.uptime() * 1000 });

  let profiler: Session | undefined;
  let cpuMark = process.cpuUsage();
  let wallMark = performance.now();

  process.on('message', (raw: Request) => {
    void (async () => {
      if (raw.type === 'stop') {
        await server.close();
        process.exit(0);
      }
      if (raw.type === 'profile-start') {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
        await profiler.post('Profiler.start');
        return send({ type: 'profile', id: raw.id });
      }
      if (raw.type === 'profile-stop') {
        if (!profiler) return send({ type: 'profile', id: raw.id, error: 'no profile running' });
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = undefined;
        writeFileSync(raw.file, JSON.stringify(profile));
        return send({ type: 'profile', id: raw.id, file: raw.file });
      }
      if (raw.type === 'heap' || raw.type === 'heap-snapshot') {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (!gc) return send({ type: raw.type, id: raw.id, error: 'start the child with --expose-gc' });
        // Several rounds: the first GC can queue finalizers/weak callbacks whose garbage the next one frees.
        for (let i = 0; i < 4; i++) {
          gc();
          await tick();
        }
        if (raw.type === 'heap-snapshot') return send({ type: raw.type, id: raw.id, file: writeHeapSnapshot(raw.file) });
        const m = process.memoryUsage();
        return send({ type: 'heap', id: raw.id, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss });
      }
      if (raw.type === 'stats') {
        // Since the previous stats request (or start-up): CPU seconds and event-loop utilisation.
        const cpu = process.cpuUsage(cpuMark);
        const wall = performance.now() - wallMark;
        const loop = performance.eventLoopUtilization(elu);
        cpuMark = process.cpuUsage();
        wallMark = performance.now();
        elu = performance.eventLoopUtilization();
        // Redis (bench:cluster): the adapter's own counters; there is no synchronous mode or journal.
        const diag =
          server.store.halls.kind === 'sqlite'
            ? sqliteMod.sqliteDiagnostics(server.store)
            : { ...(server.store.halls as unknown as { stats: { commits: number; updates: number } }).stats, synchronous: -1, journalMode: 'redis' };
        return send({
          type: 'stats',
          id: raw.id,
          wallMs: wall,
          cpuUserMs: cpu.user / 1000,
          cpuSystemMs: cpu.system / 1000,
          eventLoopUtilization: loop.utilization,
          commits: diag.commits,
          updates: diag.updates,
          synchronous: diag.synchronous,
          journalMode: diag.journalMode,
          heapUsed: process.memoryUsage().heapUsed,
          ...probes.read(),
        });
      }
    })().catch((error: unknown) => send({ type: 'error', message: String((error as Error)?.stack ?? error) }));
  });
  // If the bench process goes away, so does the server.
  process.on('disconnect', () => process.exit(0));
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server child failed: ${String((error as Error)?.stack ?? error)}\n`);
  send({ type: 'error', message: String((error as Error)?.message ?? error) });
  process.exit(1);
});
