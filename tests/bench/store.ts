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
import { readFileSync } from 'node:fs';
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
import { benchHallConfig, benchHallId } from './lib/halls.js';
import { SERVICE_IDS } from './lib/setup.js';
import { round } from './lib/stats.js';

/** One issue in REQUEST_ID_EVERY carries a requestId. */
const REQUEST_ID_EVERY = 2;
/** The engine remembers the answers to this many requests per hall (REMEMBERED_REQUESTS). */
const REQUESTS_REMEMBERED = 200;

export interface StoreResult {
  halls: number;
  inFlight: number;
  measuredSeconds: number;
  issuesPerSecond: number;
  perSecond: number[];
  meanBatch: number;
  /** Share of the issue commands that carry a client requestId. */
  requestIdShare: number;
  /**
   * Bytes this process passed to write(2) over the measured window (WAL frames
   * and checkpoints: whole pages, whatever changed in them), per command settled
   * and per commit, KB. Linux only (/proc/self/io); null elsewhere.
   */
  writtenKBPerCommand: number | null;
  writtenKBPerCommit: number | null;
  /** Size of one hall's row rewritten on every command (halls.state_json) at the start and at the end, KB. */
  hallStateKBAtStart: number;
  hallStateKBAtEnd: number;
  /** Size of one hall's whole state (as loadHall returns it) at the end, KB, most of which a command does not rewrite. */
  hallKBAtEnd: number;
  waitingPerHallAtEnd: number;
}

/** Bytes written so far by this process, or null where /proc/self/io does not exist. */
function bytesWritten(): number | null {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export async function runStore(ctx: BenchContext): Promise<StoreResult> {
  const halls = 100;
  const warmupSeconds = ctx.quick ? 1 : 2;
  const measuredSeconds = ctx.quick ? 2 : 5;
  const file = join(ctx.newDataDir('store'), 'hallq.db');
  const store = openSqliteStore({ file, synchronous: ctx.synchronous });
  let spy: Database.Database | undefined;
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
      const fresh = newHallState(benchHallConfig(demoHallConfig, h, 10), Date.now());
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
    ctx.log(
      `store: engine + SQLite only, ${halls} halls, ${halls} issues in flight, 1 in ${REQUEST_ID_EVERY} with a requestId, ` +
        `${warmupSeconds} s warm-up + ${measuredSeconds} s…`,
    );

    const start = performance.now();
    const measureStart = start + warmupSeconds * 1000;
    const measureEnd = measureStart + measuredSeconds * 1000;
    const perSecond = new Array<number>(measuredSeconds).fill(0);
    let before = sqliteDiagnostics(store);
    let bytesBefore = bytesWritten();
    let marked = false;
    await Promise.all(
      ids.map(async (hallId, h) => {
        let i = 0;
        while (performance.now() < measureEnd) {
          const command = issue(h, i, i % REQUEST_ID_EVERY === 0 ? `bench-${i}` : undefined);
          i++;
          await store.halls.update(hallId, (state) => {
            const outcome = execute(state, command, actor, { now: Date.now(), ids: cryptoIds });
            if (!outcome.ok) throw new Error(`issue refused: ${outcome.error.code}`);
            return outcome;
          });
          const at = performance.now();
          if (!marked && at >= measureStart) {
            marked = true;
            before = sqliteDiagnostics(store);
            bytesBefore = bytesWritten();
          }
          if (at >= measureStart && at <= measureEnd) perSecond[Math.min(measuredSeconds - 1, Math.floor((at - measureStart) / 1000))]! += 1;
        }
      }),
    );
    // Same window for bytes and counts: from the mark to the last commit.
    const bytesAfter = bytesWritten();
    const after = sqliteDiagnostics(store);
    const updates = after.updates - before.updates;
    const commits = after.commits - before.commits;
    const written = bytesBefore === null || bytesAfter === null ? null : bytesAfter - bytesBefore;
    const total = perSecond.reduce((n, v) => n + v, 0);
    const state = await store.halls.loadHall(ids[0]!);
    const hallStateKBAtEnd = rowKB();
    return {
      halls,
      inFlight: halls,
      measuredSeconds,
      issuesPerSecond: round(total / measuredSeconds, 0),
      perSecond,
      meanBatch: round(updates / Math.max(1, commits), 1),
      requestIdShare: round(1 / REQUEST_ID_EVERY, 2),
      writtenKBPerCommand: written === null ? null : round(written / Math.max(1, updates) / 1024, 2),
      writtenKBPerCommit: written === null ? null : round(written / Math.max(1, commits) / 1024, 1),
      hallStateKBAtStart,
      hallStateKBAtEnd,
      hallKBAtEnd: round(Buffer.byteLength(JSON.stringify(state)) / 1024, 1),
      waitingPerHallAtEnd: (state?.tickets.values() ?? []).filter((t) => t.status === 'waiting').length,
    };
  } finally {
    spy?.close();
    await store.close();
  }
}
