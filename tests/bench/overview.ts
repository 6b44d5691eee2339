/**
 * Benchmark: the county overview with 200 halls (docs/oversight.md).
 *
 * One HallQ server in this process (the source tree: the overview's own counters are read from it), 200
 * halls of 8 windows with 4 open each, and one overview socket of a county admin (socket.io-client, as the
 * page opens it). A busy minute sends commands at a steady rate to random halls over REST, alternating a
 * ticket issued and a call of the next ticket (which finishes the one before). Measured: the overview's
 * recomputation time per command (OverviewHub.work: every row recomputed after a commit), the frames and
 * bytes the one socket received in that minute, the snapshot's size, and the minute tick over every hall
 * (a minute after the busy one, then at once again: a quiet tick, which must push nothing). Every hall
 * starts with a few tickets waiting, so calls find someone.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import { startServer } from '../../server/server.js';
import type { BenchContext } from './context.js';
import { benchHallConfig, benchHallId, benchWindowId } from './lib/halls.js';
import { round, sleep } from './lib/stats.js';

export interface OverviewOptions {
  halls: number;
  windows: number;
  openWindows: number;
  commandsPerSecond: number;
  seconds: number;
  /** Tickets issued in every hall before the busy minute. */
  stockPerHall: number;
}

export interface OverviewResult {
  options: OverviewOptions;
  snapshot: { rows: number; bytes: number; ms: number };
  busy: {
    commands: number;
    refused: number;
    recomputations: number;
    recomputeMsPerCommand: number;
    recomputeMsMean: number;
    frames: number;
    bytes: number;
    bytesPerFrame: number;
  };
  tick: { halls: number; ms: number; frames: number };
  quietTick: { ms: number; frames: number };
}

export const OVERVIEW_DEFAULTS: OverviewOptions = { halls: 200, windows: 8, openWindows: 4, commandsPerSecond: 20, seconds: 60, stockPerHall: 3 };

const ADMIN_PASSWORD = 'bench-admin-password-1';
/** A Friday morning in the halls' zone, moving with real time, so issuing hours are open whatever the hour. */
const BASE = Date.parse('2026-11-27T09:00:00+08:00');

export async function runOverview(ctx: BenchContext): Promise<OverviewResult> {
  const options: OverviewOptions = ctx.quick ? { ...OVERVIEW_DEFAULTS, seconds: 10 } : OVERVIEW_DEFAULTS;
  const started = Date.now();
  const clock = () => BASE + (Date.now() - started);
  const config = {
    ...loadConfig([], {}),
    port: 0,
    host: '127.0.0.1',
    dataDir: ctx.newDataDir('overview'),
    logLevel: 'silent' as const,
    adminPassword: ADMIN_PASSWORD,
    sqliteSynchronous: ctx.synchronous,
    demo: false,
  };
  // The minute tick is run by hand below, so that it is measured alone.
  const server = await startServer(config, { announce: () => undefined, voiceWarmUp: false, clock, overviewTickMs: 3_600_000 });
  const socketBox: { socket?: Socket } = {};
  try {
    for (let i = 0; i < options.halls; i++) await server.store.halls.createHall(newHallState(benchHallConfig(demoHallConfig, i, options.windows), clock()));
    const post = async (path: string, token: string, body: unknown = {}) => {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;
    ctx.log(`overview: ${options.halls} halls created; opening ${options.openWindows} windows each…`);
    for (let i = 0; i < options.halls; i++) {
      for (let w = 0; w < options.openWindows; w++) await post(`/api/halls/${benchHallId(i)}/windows/${benchWindowId(w)}/open`, token);
    }

    // A few people in every queue, so that calls in the busy minute find someone to call.
    const services = demoHallConfig().services.map((service) => service.id);
    for (let i = 0; i < options.halls; i++) {
      for (let k = 0; k < options.stockPerHall; k++) await post(`/api/halls/${benchHallId(i)}/tickets`, token, { serviceId: services[(i + k) % services.length] });
    }

    let frames = 0;
    let bytes = 0;
    const snapshotAt = performance.now();
    const socket = io(server.url, { transports: ['websocket'], auth: { overview: true, token }, reconnection: false });
    socketBox.socket = socket;
    const snapshot = await new Promise<{ rows: unknown[] }>((resolve, reject) => {
      socket.once('overview:snapshot', resolve);
      socket.once('connect_error', reject);
    });
    const snapshotMs = performance.now() - snapshotAt;
    const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
    socket.on('overview:hall', (row: unknown) => {
      frames += 1;
      bytes += Buffer.byteLength(JSON.stringify(row));
    });
    // Rows the snapshot recomputed are published to the socket too: let them arrive before counting.
    await sleep(500);
    frames = 0;
    bytes = 0;

    ctx.log(`overview: busy phase, ${options.commandsPerSecond} commands/s for ${options.seconds} s…`);
    const before = { ...server.overview.work };
    let commands = 0;
    let refused = 0;
    const total = options.commandsPerSecond * options.seconds;
    const phaseStart = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let n = 0; n < total; n++) {
      const due = phaseStart + (n * 1000) / options.commandsPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const hall = benchHallId(Math.floor(Math.random() * options.halls));
      const path = n % 2 === 0 ? `/api/halls/${hall}/tickets` : `/api/halls/${hall}/windows/${benchWindowId(Math.floor(Math.random() * options.openWindows))}/call-next`;
      const body = n % 2 === 0 ? { serviceId: services[n % services.length] } : {};
      inFlight.push(
        post(path, token, body).then((res) => {
          commands += 1;
          // An empty queue at that window is a refusal the overview never sees (nothing committed).
          if (res.status >= 300) refused += 1;
        }),
      );
    }
    await Promise.all(inFlight);
    await sleep(500);
    const busyWork = { recomputations: server.overview.work.recomputations - before.recomputations, ms: server.overview.work.ms - before.ms };
    const busy = {
      commands,
      refused,
      recomputations: busyWork.recomputations,
      recomputeMsPerCommand: round(busyWork.ms / Math.max(1, commands - refused), 3),
      recomputeMsMean: round(busyWork.ms / Math.max(1, busyWork.recomputations), 3),
      frames,
      bytes,
      bytesPerFrame: frames === 0 ? 0 : Math.round(bytes / frames),
    };

    // The minute tick a minute later: longest waits have grown, so rows with people waiting change.
    await sleep(61_000);
    const tickOf = async () => {
      const framesBefore = frames;
      const at = performance.now();
      await server.overview.tick();
      await sleep(300);
      return { ms: round(performance.now() - at - 300, 1), frames: frames - framesBefore };
    };
    const tick = await tickOf();
    const quietTick = await tickOf();
    return {
      options,
      snapshot: { rows: snapshot.rows.length, bytes: snapshotBytes, ms: round(snapshotMs, 1) },
      busy,
      tick: { halls: options.halls, ...tick },
      quietTick,
    };
  } finally {
    socketBox.socket?.close();
    await server.close();
  }
}

export function overviewSummaryLine(result: OverviewResult): string {
  const { busy, tick, quietTick, snapshot } = result;
  return (
    `overview: ${result.options.halls} halls; snapshot ${snapshot.rows} rows, ${snapshot.bytes} B in ${snapshot.ms} ms; ` +
    `busy ${busy.commands} commands (${busy.refused} refused): ${busy.recomputeMsPerCommand} ms recomputation per committed command ` +
    `(${busy.recomputations} recomputations, ${busy.recomputeMsMean} ms each), ${busy.frames} frames / ${busy.bytes} B to one socket ` +
    `(${busy.bytesPerFrame} B a frame); minute tick ${tick.ms} ms, ${tick.frames} frames; quiet tick ${quietTick.ms} ms, ${quietTick.frames} frames`
  );
}
