/**
 * Diagnostic (not a budget): the engine and the SQLite store alone, in this
 * process, without HTTP, Socket.IO or any client — the floor under the issue
 * benchmark. 100 bench halls, 100 closed-loop `ticket.issue` commands in
 * flight through HallStore.update (group commit, synchronous as configured).
 * `npm run bench -- --only store`.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cryptoIds } from '../../server/app/ids.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { execute } from '../../server/domain/engine.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { Actor } from '../../server/domain/model.js';
import { openSqliteStore, sqliteDiagnostics } from '../../server/store/sqlite/index.js';
import type { BenchContext } from './context.js';
import { benchHallConfig, benchHallId } from './lib/halls.js';
import { SERVICE_IDS } from './lib/setup.js';
import { round } from './lib/stats.js';

export interface StoreResult {
  halls: number;
  inFlight: number;
  measuredSeconds: number;
  issuesPerSecond: number;
  perSecond: number[];
  meanBatch: number;
  /** Size of one hall's stored state (the JSON rewritten on every command) at the start and at the end, KB. */
  hallStateKBAtStart: number;
  hallStateKBAtEnd: number;
  waitingPerHallAtEnd: number;
}

export async function runStore(ctx: BenchContext): Promise<StoreResult> {
  const halls = 100;
  const warmupSeconds = ctx.quick ? 1 : 2;
  const measuredSeconds = ctx.quick ? 2 : 5;
  const store = openSqliteStore({ file: join(ctx.newDataDir('store'), 'hallq.db'), synchronous: ctx.synchronous });
  try {
    const ids = Array.from({ length: halls }, (_, i) => benchHallId(i));
    for (let i = 0; i < halls; i++) await store.halls.createHall(newHallState(benchHallConfig(demoHallConfig, i, 10), Date.now()));
    const sizeKB = async () => round(Buffer.byteLength(JSON.stringify(await store.halls.loadHall(ids[0]!))) / 1024, 1);
    const hallStateKBAtStart = await sizeKB();
    const actor = { kind: 'staff', user: { id: 'bench', name: 'bench', role: 'admin' } } as unknown as Actor;
    ctx.log(`store: engine + SQLite only, ${halls} halls, ${halls} issues in flight, ${warmupSeconds} s warm-up + ${measuredSeconds} s…`);

    const start = performance.now();
    const measureStart = start + warmupSeconds * 1000;
    const measureEnd = measureStart + measuredSeconds * 1000;
    const perSecond = new Array<number>(measuredSeconds).fill(0);
    let before = sqliteDiagnostics(store);
    let marked = false;
    await Promise.all(
      ids.map(async (hallId, h) => {
        let i = 0;
        while (performance.now() < measureEnd) {
          const serviceId = SERVICE_IDS[(h + i++) % SERVICE_IDS.length]!;
          await store.halls.update(hallId, (state) => {
            const outcome = execute(state, { type: 'ticket.issue', serviceId, channel: 'desk', priority: false }, actor, { now: Date.now(), ids: cryptoIds });
            if (!outcome.ok) throw new Error(`issue refused: ${outcome.error.code}`);
            return outcome;
          });
          const at = performance.now();
          if (!marked && at >= measureStart) {
            marked = true;
            before = sqliteDiagnostics(store);
          }
          if (at >= measureStart && at <= measureEnd) perSecond[Math.min(measuredSeconds - 1, Math.floor((at - measureStart) / 1000))]! += 1;
        }
      }),
    );
    const after = sqliteDiagnostics(store);
    const total = perSecond.reduce((n, v) => n + v, 0);
    const state = await store.halls.loadHall(ids[0]!);
    return {
      halls,
      inFlight: halls,
      measuredSeconds,
      issuesPerSecond: round(total / measuredSeconds, 0),
      perSecond,
      meanBatch: round((after.updates - before.updates) / Math.max(1, after.commits - before.commits), 1),
      hallStateKBAtStart,
      hallStateKBAtEnd: await sizeKB(),
      waitingPerHallAtEnd: Object.values(state?.tickets ?? {}).filter((t) => t.status === 'waiting').length,
    };
  } finally {
    await store.close();
  }
}
