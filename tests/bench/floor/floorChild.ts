/**
 * The floor server, in its own process: `node --import tsx tests/bench/floor/floorChild.ts`,
 * forked by lib/server.ts (ServerProcess with `script`) exactly like the HallQ server child,
 * with the same environment (HALLQ_DATA_DIR, HALLQ_PORT, HALLQ_SQLITE_SYNCHRONOUS,
 * HALLQ_ADMIN_PASSWORD, BENCH_HALLS, BENCH_WINDOWS) and the same IPC (ready, stats, stop,
 * profile-start / profile-stop).
 *
 * What it is: plain Socket.IO + better-sqlite3 (floor/log.ts), one event row and one
 * broadcast (a `hall:events` frame of one event) per command, state in memory (floor/hall.ts), just enough of HallQ's socket and
 * REST protocol for runLatency / runIssue and the REST parts to drive it unchanged: the
 * least a durable queue server must do, so HallQ's figures can be read as a ratio to it.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { demoHallConfig } from '../../../server/demo/demoHall.js';
import { benchHallId, benchWindowId } from '../lib/halls.js';
import { ServerProbes } from '../lib/serverProbes.js';
import { FloorHall } from './hall.js';
import { FloorLog } from './log.js';
import { type Answer, FloorCommands } from './commands.js';
import { floorHttp } from './http.js';

type Request = { type: 'stats' | 'profile-start' | 'stop'; id: number } | { type: 'profile-stop'; id: number; file: string };

const send = (message: Record<string, unknown>) => process.send?.(message);

async function main(): Promise<void> {
  const t0 = performance.now();
  const env = process.env;
  const probes = new ServerProbes();
  const log = new FloorLog(join(env.HALLQ_DATA_DIR ?? '.', 'floor.db'), env.HALLQ_SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL', (ms) => probes.commit(ms));
  const services = demoHallConfig().services.map((s) => s.id);
  const windowIds = Array.from({ length: Number(env.BENCH_WINDOWS ?? 10) }, (_, w) => benchWindowId(w));
  const halls = new Map<string, FloorHall>();
  for (let i = 0; i < Number(env.BENCH_HALLS ?? 100); i++) halls.set(benchHallId(i), new FloorHall(benchHallId(i), services, windowIds));

  const http = createServer({ keepAliveTimeout: 60_000 });
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  const room = (hallId: string) => `hall:${hallId}`;
  // One frame per command, as HallQ sends (`hall:events`): the comparison counts the same writes.
  const commands = new FloorCommands(halls, log, (hallId, event) => void io.to(room(hallId)).emit('hall:events', [event]));
  const password = env.HALLQ_ADMIN_PASSWORD ?? '';
  http.on('request', floorHttp(commands, password));

  io.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { hallId?: unknown; token?: unknown };
    if (typeof auth.hallId !== 'string' || !halls.has(auth.hallId)) return next(new Error('NOT_FOUND'));
    if (auth.token !== undefined && auth.token !== commands.token) return next(new Error('UNAUTHENTICATED'));
    next();
  });
  io.on('connection', (socket) => {
    const { hallId, token } = socket.handshake.auth as { hallId: string; token?: string };
    const staff = token !== undefined;
    void socket.join(room(hallId));
    socket.emit('hall:snapshot', { audience: staff ? 'staff' : 'public', view: commands.view(hallId) });
    socket.onAny((name: string, payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: Answer) => void;
      if (name === 'hall:sync') return reply(commands.sync(hallId, payload));
      if (!staff) return reply({ ok: false, error: { code: 'FORBIDDEN', message: 'staff only' } });
      void commands.run(hallId, name, payload).then(reply);
    });
  });

  await new Promise<void>((resolve) => http.listen(Number(env.HALLQ_PORT ?? 0), '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, port, halls: [...halls.keys()], created: halls.size, tree: 'floor', bootMs: performance.now() - t0, uptimeMs: process.uptime() * 1000 });

  let cpuMark = process.cpuUsage();
  let wallMark = performance.now();
  let elu = performance.eventLoopUtilization();
  let profiler: Session | undefined;
  process.on('message', (raw: Request) => {
    void (async () => {
      if (raw.type === 'stop') {
        await new Promise<void>((resolve) => void io.close(() => resolve()));
        log.close();
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
      // stats: the HallQ child's counters are cumulative, the bench subtracts; the floor answers the same way.
      const cpu = process.cpuUsage(cpuMark);
      const wall = performance.now() - wallMark;
      const loop = performance.eventLoopUtilization(elu);
      cpuMark = process.cpuUsage();
      wallMark = performance.now();
      elu = performance.eventLoopUtilization();
      send({
        type: 'stats',
        id: raw.id,
        wallMs: wall,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        eventLoopUtilization: loop.utilization,
        commits: log.commits,
        updates: log.updates,
        ...log.pragmas,
        heapUsed: process.memoryUsage().heapUsed,
        ...probes.read(),
      });
    })().catch((error: unknown) => send({ type: 'error', message: String((error as Error)?.stack ?? error) }));
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`floor child failed: ${String((error as Error)?.stack ?? error)}\n`);
  send({ type: 'error', message: String((error as Error)?.message ?? error) });
  process.exit(1);
});
