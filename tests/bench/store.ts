/**
 * Diagnostic (not a budget): the engine and the SQLite store alone, in this
 * process, without HTTP, Socket.IO or any client — the floor under the issue
 * benchmark. 100 bench halls, 100 closed-loop `ticket.issue` commands in
 * flight through HallStore.update (group commit, synchronous as configured).
 * Every other issue carries a client requestId, as kiosks and counter panels
 * send with every command, and each hall starts with a full memory of answered
 * requests (as a hall that has been open a while has), so the requests list
 * is at its steady state of appending one answer and dropping the oldest.
 * `npm run bench -- --only store`.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { cryptoIds } from '../../server/app/ids.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import type { Command } from '../../server/protocol/commands.js';
import { execute } from '../../server/domain/engine.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { Actor, HallState } from '../../server/protocol/model.js';
import { openSqliteStore, sqliteDiagnostics } from '../../server/store/sqlite/index.js';
import type { BenchContext } from './context.js';
import { benchHallConfig, benchHallId, benchWindowId } from './lib/halls.js';
import { SERVICE_IDS } from './lib/setup.js';
import { SqliteMeter } from './lib/sqliteMeter.js';
import { round, summarize } from './lib/stats.js';

/** One issue in REQUEST_ID_EVERY carries a requestId. */
const REQUEST_ID_EVERY = 2;
/** The engine remembers the answers to this many requests per hall (REMEMBERED_REQUESTS). */
const REQUESTS_REMEMBERED = 200;

/** One closed-loop phase: the same command kind for every hall, measured over the same window. */
export interface StorePhase {
  perSecond: number;
  meanBatch: number;
  /** Commands the engine refused (an empty queue for a call); they write nothing. */
  refused: number;
  /** SQL statements executed per command settled (hall reads and writes; BEGIN/COMMIT not counted). */
  statementsPerCommand: number;
  /**
   * Bytes this process passed to write(2) over the measured window (WAL frames
   * and checkpoints: whole pages, whatever changed in them), per command settled
   * and per commit, KB. Linux only (/proc/self/io); null elsewhere.
   */
  writtenKBPerCommand: number | null;
  writtenKBPerCommit: number | null;
  /** One group commit: the engine's fns, the writes and COMMIT (fsync), ms. */
  commitMs: { p50: number; p99: number; max: number };
}

export interface StoreResult {
  halls: number;
  inFlight: number;
  measuredSeconds: number;
  issuesPerSecond: number;
  perSecond: number[];
  meanBatch: number;
  /** Share of the issue commands that carry a client requestId. */
  requestIdShare: number;
  writtenKBPerCommand: number | null;
  writtenKBPerCommit: number | null;
  issue: StorePhase;
  /** window.call-next (finishing the window's current ticket, calling the next) on 10 open windows per hall. */
  call: StorePhase;
  /** The same, one hall and one call in flight: one call per commit. */
  callAlone: StorePhase;
  /** Size of one hall's row rewritten on every command (halls.state_json) at the start and at the end, KB. */
  hallStateKBAtStart: number;
  hallStateKBAtEnd: number;
  /** Size of one hall's whole state (as loadHall returns it) at the end, KB, most of which a command does not rewrite. */
  hallKBAtEnd: number;
  waitingPerHallAtEnd: number;
}

export async function runStore(ctx: BenchContext): Promise<StoreResult> {
  const halls = 100;
  const windows = 10;
  const warmupSeconds = ctx.quick ? 1 : 2;
  const measuredSeconds = ctx.quick ? 2 : 5;
  // Calls use up the queue the issues built: a shorter phase, so that it does not run dry.
  const callWarmupSeconds = ctx.quick ? 0.5 : 1;
  const callSeconds = ctx.quick ? 1 : 2;
  const file = join(ctx.newDataDir('store'), 'hallq.db');
  const store = openSqliteStore({ file, synchronous: ctx.synchronous });
  let spy: Database.Database | undefined;
  let meter: SqliteMeter | undefined;
  try {
    const ids = Array.from({ length: halls }, (_, i) => benchHallId(i));
    const actor = { kind: 'staff', user: { id: 'bench', name: 'bench', role: 'admin' } } as unknown as Actor;
    const issue = (hallIndex: number, i: number, requestId?: string): Command => ({
      type: 'ticket.issue',
      serviceId: SERVICE_IDS[(hallIndex + i) % SERVICE_IDS.length]!,
      channel: requestId === undefined ? 'desk' : 'kiosk',
      priority: false,
      ...(requestId === undefined ? {} : { requestId }),
    });
    for (let h = 0; h < halls; h++) {
      const fresh = newHallState(benchHallConfig(demoHallConfig, h, windows), Date.now());
      // Real answers to earlier issues, kept without their tickets: a full retry memory, an empty queue.
      let earlier: HallState = fresh;
      for (let i = 0; i < REQUESTS_REMEMBERED; i++) {
        const outcome = execute(earlier, issue(h, i, `earlier-${i}`), actor, { now: Date.now(), ids: cryptoIds });
        if (!outcome.ok) throw new Error(`issue refused: ${outcome.error.code}`);
        earlier = outcome.state;
      }
      await store.halls.createHall({ ...fresh, requests: earlier.requests });
    }
    // What is on disk, whatever the layout: a second connection sees each commit.
    spy = new Database(file, { readonly: true });
    const rowBytes = spy.prepare<[string], number>('SELECT length(CAST(state_json AS BLOB)) FROM halls WHERE id = ?').pluck();
    const rowKB = () => round(rowBytes.get(ids[0]!)! / 1024, 1);
    const hallStateKBAtStart = rowKB();
    meter = new SqliteMeter(store.halls as unknown as { flush(): void });
    const run = (command: Command) => (state: HallState) => execute(state, command, actor, { now: Date.now(), ids: cryptoIds });

    /** Closed loop, one command in flight per hall; counts over [warm-up end, end]. */
    const phase = async (warmup: number, measured: number, commandFor: (h: number, i: number) => Command, inFlight = ids, maxPerHall = Infinity) => {
      const start = performance.now();
      const measureStart = start + warmup * 1000;
      const measureEnd = measureStart + measured * 1000;
      const perSecond = new Array<number>(Math.ceil(measured)).fill(0);
      let before = sqliteDiagnostics(store);
      let marked = false;
      let refused = 0;
      let lastAt = measureStart;
      await Promise.all(
        inFlight.map(async (hallId, h) => {
          let i = 0;
          while (performance.now() < measureEnd && i < maxPerHall) {
            const outcome = await store.halls.update(hallId, run(commandFor(h, i++)));
            const at = performance.now();
            if (!marked && at >= measureStart) {
              marked = true;
              before = sqliteDiagnostics(store);
              meter!.mark();
            }
            if (at >= measureStart && at <= measureEnd) {
              perSecond[Math.min(perSecond.length - 1, Math.floor((at - measureStart) / 1000))]! += 1;
              lastAt = at;
              if (!outcome?.ok) refused++;
            }
          }
        }),
      );
      // Same window for bytes, statements and counts: from the mark to the last commit.
      const reading = meter!.mark();
      const after = sqliteDiagnostics(store);
      const updates = Math.max(1, after.updates - before.updates);
      const commits = Math.max(1, after.commits - before.commits);
      const commitMs = summarize(reading.flushMs);
      const result: StorePhase = {
        // A phase bounded by maxPerHall may end before its time.
        perSecond: round(perSecond.reduce((n, v) => n + v, 0) / (Math.min(measured * 1000, lastAt - measureStart) / 1000 || 1), 0),
        meanBatch: round(updates / commits, 1),
        refused,
        statementsPerCommand: round(reading.statements / updates, 2),
        writtenKBPerCommand: reading.bytes === null ? null : round(reading.bytes / updates / 1024, 2),
        writtenKBPerCommit: reading.bytes === null ? null : round(reading.bytes / commits / 1024, 1),
        commitMs: { p50: round(commitMs.p50, 2), p99: round(commitMs.p99, 2), max: round(commitMs.max, 2) },
      };
      return { result, perSecond };
    };

    ctx.log(
      `store: engine + SQLite only, ${halls} halls, ${halls} issues in flight, 1 in ${REQUEST_ID_EVERY} with a requestId, ` +
        `${warmupSeconds} s warm-up + ${measuredSeconds} s; then calls on ${windows} windows per hall, ${callWarmupSeconds} s + ${callSeconds} s…`,
    );
    const issued = await phase(warmupSeconds, measuredSeconds, (h, i) => issue(h, i, i % REQUEST_ID_EVERY === 0 ? `bench-${i}` : undefined));
    const hallStateKBAtEnd = rowKB();
    const state = await store.halls.loadHall(ids[0]!);
    const waitingPerHallAtEnd = (state?.tickets.values() ?? []).filter((t) => t.status === 'waiting').length;

    for (const hallId of ids) {
      for (let w = 0; w < windows; w++) {
        const opened = await store.halls.update(hallId, run({ type: 'window.open', windowId: benchWindowId(w) }));
        if (!opened?.ok) throw new Error(`window.open refused: ${opened ? opened.error.code : 'no hall'}`);
      }
    }
    const callNext = (_h: number, i: number): Command => ({ type: 'window.call-next', windowId: benchWindowId(i % windows) });
    const called = await phase(callWarmupSeconds, callSeconds, callNext);
    // One call per commit, as a hall's counters make them (the busy bench's 100 calls/s): the cost of one alone.
    // Its queue, issued first (not measured), is what bounds it.
    const last = ids.slice(-1);
    const aloneCalls = ctx.quick ? 300 : 1000;
    await phase(0, 60, (h, i) => issue(h, i), last, aloneCalls + 100);
    const alone = await phase(0.1, 60, callNext, last, aloneCalls);
    return {
      halls,
      inFlight: halls,
      measuredSeconds,
      issuesPerSecond: issued.result.perSecond,
      perSecond: issued.perSecond,
      meanBatch: issued.result.meanBatch,
      requestIdShare: round(1 / REQUEST_ID_EVERY, 2),
      writtenKBPerCommand: issued.result.writtenKBPerCommand,
      writtenKBPerCommit: issued.result.writtenKBPerCommit,
      issue: issued.result,
      call: called.result,
      callAlone: alone.result,
      hallStateKBAtStart,
      hallStateKBAtEnd,
      hallKBAtEnd: round(Buffer.byteLength(JSON.stringify(state)) / 1024, 1),
      waitingPerHallAtEnd,
    };
  } finally {
    meter?.stop();
    spy?.close();
    await store.close();
  }
}
