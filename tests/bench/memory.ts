/**
 * Benchmark 3: server heap per connected public board.
 *
 * The server child runs with --expose-gc; on request it runs global.gc()
 * (several rounds) and reports process.memoryUsage(). Baseline after a small
 * warm-up (20 boards connected and closed, so lazily loaded code and caches
 * exist), then after 1,000 and after 3,000 idle boards have their snapshot,
 * then again after they all disconnect (to see that nothing stays behind).
 */
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { type HeapGroup, formatHeapDiff, heapDiff } from './lib/heapDiff.js';
import type { Board } from './lib/clients.js';
import { type HeapInfo, ServerProcess } from './lib/server.js';
import { closeAll, connectBoards } from './lib/setup.js';
import { round, sleep } from './lib/stats.js';

export interface MemoryOptions {
  halls: number;
  boards: number;
  /** An intermediate reading, for the marginal cost between the two. */
  firstStep: number;
}

export interface MemoryResult {
  options: MemoryOptions;
  heapBaselineMB: number;
  heapAtFirstStepMB: number;
  heapAtAllBoardsMB: number;
  heapAfterDisconnectMB: number;
  /** (heap with N boards − baseline) / N, in KB (1 KB = 1024 bytes). */
  heapPerBoardKB: number;
  /** (heap at N − heap at firstStep) / (N − firstStep), KB. */
  heapPerBoardMarginalKB: number;
  /** Off-heap (Buffers, ws) per board, KB: process.memoryUsage().external (which includes arrayBuffers). */
  externalPerBoardKB: number;
  rssPerBoardKB: number;
  /** With --profile: growth per board by kind of object, from heap snapshots (bytes of self size). */
  breakdownPerBoard?: HeapGroup[];
}

const MB = 1024 * 1024;

export async function runMemory(ctx: BenchContext, overrides: Partial<MemoryOptions> = {}): Promise<MemoryResult> {
  const options: MemoryOptions = { halls: 100, boards: 3000, firstStep: 1000, ...(ctx.quick ? { boards: 1000, firstStep: 300 } : {}), ...overrides };
  const server = await ServerProcess.start({ dataDir: ctx.newDataDir('memory'), tree: ctx.tree,
    synchronous: ctx.synchronous, halls: options.halls, windows: 10, label: 'memory', exposeGc: true });
  const boards: Board[] = [];
  try {
    const halls = server.ready.halls;
    const warm = await connectBoards(server.url, halls.slice(0, 20), 1, {}, null);
    closeAll(warm);
    await sleep(1000);
    const baseline = await server.heap();
    // Heap snapshots (with --profile) are large (~100 MB): they go to a temporary directory, only the breakdown is kept.
    const snapshotDir = ctx.profileDir ? ctx.newDataDir('heap-snapshots') : null;
    const snapshots = snapshotDir ? { before: join(snapshotDir, 'baseline.heapsnapshot'), after: join(snapshotDir, 'boards.heapsnapshot') } : null;
    if (snapshots) await server.heapSnapshot(snapshots.before);

    const perHallFirst = Math.round(options.firstStep / halls.length);
    const perHallAll = Math.round(options.boards / halls.length);
    boards.push(...(await connectBoards(server.url, halls, perHallFirst, {}, null)));
    await sleep(1000);
    const first = await server.heap();
    const firstCount = boards.length;

    // The remaining boards, with indexes after the first step's.
    const more = await connectBoards(server.url, halls, perHallAll - perHallFirst, {}, null);
    boards.push(...more);
    await sleep(1000);
    const all = await server.heap();
    const allCount = boards.length;
    ctx.log(`memory: heap ${(baseline.heapUsed / MB).toFixed(1)} MB → ${(first.heapUsed / MB).toFixed(1)} MB (${firstCount} boards) → ${(all.heapUsed / MB).toFixed(1)} MB (${allCount} boards)`);

    let breakdownPerBoard: HeapGroup[] | undefined;
    if (snapshots) {
      await server.heapSnapshot(snapshots.after);
      breakdownPerBoard = heapDiff(snapshots.before, snapshots.after, allCount, 30);
      ctx.log(`memory: heap snapshot diff\n${formatHeapDiff(breakdownPerBoard, allCount)}`);
    }

    closeAll(boards);
    boards.length = 0;
    await sleep(2000);
    const after = await server.heap();

    const per = (a: HeapInfo, b: HeapInfo, n: number, pick: (h: HeapInfo) => number) => round((pick(a) - pick(b)) / n / 1024, 2);
    return {
      options: { ...options, boards: allCount, firstStep: firstCount },
      heapBaselineMB: round(baseline.heapUsed / MB, 2),
      heapAtFirstStepMB: round(first.heapUsed / MB, 2),
      heapAtAllBoardsMB: round(all.heapUsed / MB, 2),
      heapAfterDisconnectMB: round(after.heapUsed / MB, 2),
      heapPerBoardKB: per(all, baseline, allCount, (h) => h.heapUsed),
      heapPerBoardMarginalKB: per(all, first, allCount - firstCount, (h) => h.heapUsed),
      externalPerBoardKB: per(all, baseline, allCount, (h) => h.external),
      rssPerBoardKB: per(all, baseline, allCount, (h) => h.rss),
      ...(breakdownPerBoard ? { breakdownPerBoard } : {}),
    };
  } finally {
    closeAll(boards);
    await server.stop();
  }
}
