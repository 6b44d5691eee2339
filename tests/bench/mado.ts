/**
 * REST issue on the MADO harness shape: 20 keep-alive clients issuing tickets
 * into ONE hall for 10 s (closed loop), HallQ against a small Flask + SQLite
 * peer (floor/flask_peer.py; floor/flaskLikeChild.ts, the same in Node, where
 * python3-flask is missing), the same client code for both, alternating
 * order. Goal (issue 16): HallQ ≥ 3× the Flask peer.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './context.js';
import { loginAdmin } from './lib/clients.js';
import { type Goal, type RatioSummary, type Side, alternatingOrder, formatRatio, goal, ratios } from './lib/compare.js';
import { type MachineLoad, loudDisturbance, processTicksOf, withMachineLoad } from './lib/machine.js';
import { type LoopResult, RestClient, restRefusal, timedLoop } from './lib/rest.js';
import { ADMIN_PASSWORD, REPO_ROOT, ServerProcess } from './lib/server.js';
import { SERVICE_IDS } from './lib/setup.js';
import { round, withTimeout } from './lib/stats.js';

const CLIENTS = 20;
const FLASK_PEER = fileURLToPath(new URL('./floor/flask_peer.py', import.meta.url));
const NODE_PEER = fileURLToPath(new URL('./floor/flaskLikeChild.ts', import.meta.url));

export interface MadoRun extends LoopResult {
  side: Side;
  /** Cores the server process used over the measured window and its warm-up. */
  serverCores: number;
  machine: MachineLoad | null;
}

export interface MadoResult {
  peer: 'flask (python3, werkzeug threaded)' | 'flask-like (Node, floor/flaskLikeChild.ts)';
  options: { clients: number; seconds: number; pairs: number };
  pairs: Array<{ order: [Side, Side]; hallq: MadoRun; peer: MadoRun }>;
  ratio: RatioSummary;
  goal: Goal;
  disturbed: boolean;
}

/** BENCH_REST_PEER=node runs the Node stand-in even where Flask is installed (to compare the two peers). */
export function flaskAvailable(): boolean {
  if (process.env.BENCH_REST_PEER === 'node') return false;
  return spawnSync('python3', ['-c', 'import flask'], { stdio: 'ignore' }).status === 0;
}

/** CPU ticks (1/100 s) of one process and its reaped children; NaN off Linux. */
function ticksOf(pid: number | undefined): number {
  try {
    return processTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')).ticks;
  } catch {
    return Number.NaN;
  }
}

async function startPeer(dataDir: string, flask: boolean): Promise<{ url: string; child: ChildProcess }> {
  const db = join(dataDir, 'peer.db');
  const child = flask
    ? spawn('python3', [FLASK_PEER, db, ADMIN_PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', NODE_PEER, db, ADMIN_PASSWORD], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exitAlso = () => child.kill('SIGKILL');
  process.once('exit', exitAlso);
  child.once('exit', () => process.off('exit', exitAlso));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /READY (\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      child.once('exit', (code) => reject(new Error(`peer exited (${code}) before it was ready: ${errors}`)));
    }),
    30_000,
    'the REST peer to start',
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

async function measure(ctx: BenchContext, side: Side, flask: boolean, seconds: number, pair: number): Promise<MadoRun> {
  const dataDir = ctx.newDataDir(side === 'hallq' ? 'mado-hallq' : 'mado-peer');
  const hallq =
    side === 'hallq'
      ? await ServerProcess.start({
          dataDir,
          tree: ctx.tree,
          synchronous: ctx.synchronous,
          halls: 1,
          windows: 10,
          // One profile per pair (--profile): the REST issue path alone, over the measured window.
          label: `mado-${pair}`,
          ...(ctx.profileDir ? { cpuProfDir: ctx.profileDir } : {}),
        })
      : null;
  const peer = hallq ? null : await startPeer(dataDir, flask);
  const url = hallq ? hallq.url : peer!.url;
  const hallId = hallq ? hallq.halls[0]! : 'bench-001';
  const client = new RestClient(url, await loginAdmin(url), CLIENTS);
  try {
    let turn = 0;
    const issue = () =>
      client.post(`/api/halls/${hallId}/tickets`, { serviceId: SERVICE_IDS[turn++ % SERVICE_IDS.length] }).then((a) => (a.status === 201 ? undefined : restRefusal(a)));
    if (hallq) await hallq.stats();
    const ticksBefore = peer ? ticksOf(peer.child.pid) : 0;
    const warmedUp = hallq ? setTimeout(() => void hallq.profileStart(), 1000) : undefined;
    const { result, machine } = await withMachineLoad(() => timedLoop(seconds, 1, CLIENTS, issue));
    clearTimeout(warmedUp);
    const wall = seconds + 1;
    const serverCores = hallq
      ? await hallq.stats().then((s) => (s.cpuUserMs + s.cpuSystemMs) / s.wallMs)
      : (ticksOf(peer!.child.pid) - ticksBefore) / 100 / wall;
    if (hallq) await hallq.profileStop();
    return { ...result, side, serverCores: round(serverCores, 2), machine };
  } finally {
    client.close();
    if (hallq) await hallq.stop();
    if (peer) {
      peer.child.kill('SIGTERM');
      await new Promise((resolve) => (peer.child.exitCode !== null ? resolve(null) : peer.child.once('exit', resolve)));
    }
  }
}

export async function runMado(ctx: BenchContext): Promise<MadoResult> {
  const flask = flaskAvailable();
  const seconds = ctx.quick ? 3 : 10;
  const pairs = ctx.quick ? 1 : 3;
  if (!flask) ctx.log('mado: python3-flask not available (or BENCH_REST_PEER=node): the peer is the same server in Node (floor/flaskLikeChild.ts)');
  const done: MadoResult['pairs'] = [];
  for (const [i, order] of alternatingOrder(pairs).entries()) {
    const runs: Partial<Record<Side, MadoRun>> = {};
    for (const side of order) {
      const run = await measure(ctx, side, flask, seconds, i + 1);
      runs[side] = run;
      ctx.log(`mado: pair ${i + 1}, ${side === 'hallq' ? 'HallQ' : 'peer'}: ${run.perSecond} issues/s at ${run.serverCores} cores; refused ${JSON.stringify(run.refused)}`);
      const loud = loudDisturbance(`mado ${side}, pair ${i + 1}`, run.machine);
      if (loud) ctx.log(loud);
    }
    done.push({ order, hallq: runs.hallq!, peer: runs.peer! });
  }
  const ratio = ratios(done.map((p) => ({ hallq: p.hallq.perSecond, peer: p.peer.perSecond })));
  return {
    peer: flask ? 'flask (python3, werkzeug threaded)' : 'flask-like (Node, floor/flaskLikeChild.ts)',
    options: { clients: CLIENTS, seconds, pairs },
    pairs: done,
    ratio,
    goal: goal(ratio.median, '>=', 3),
    disturbed: done.some((p) => p.hallq.machine?.disturbed || p.peer.machine?.disturbed),
  };
}

export function madoRows(result: MadoResult): Array<{ metric: string; measured: string; goal: Goal | null }> {
  const each = result.pairs.map((p) => `${p.hallq.perSecond}/${p.peer.perSecond}`).join(', ');
  const cores = result.pairs.map((p) => `${p.hallq.serverCores}/${p.peer.serverCores}`).join(', ');
  return [
    { metric: `REST issue, 1 hall, ${result.options.clients} clients, ${result.options.seconds} s: HallQ / ${result.peer.split(' ')[0]} peer`, measured: formatRatio(result.ratio), goal: result.goal },
    { metric: '— issues/s, HallQ/peer per pair; server cores', measured: `${each} /s; ${cores}`, goal: null },
  ];
}
