/**
 * Probes a server child runs on itself (HallQ's serverChild and the floor):
 * event-loop delay, and how long each SQLite transaction holds the main
 * thread. HallQ does not expose its commit times, so the child times every
 * better-sqlite3 transaction function from outside (one clock read at each
 * end): for HallQ's group commit that is the whole batch, the commands'
 * engine work and the fsync of COMMIT included, which is what a p99 waits on.
 */
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { percentile, round } from './stats.js';

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ProbeStats {
  /** Event-loop delay of the server's main thread since the previous read, ms (1 ms resolution). */
  eventLoopDelayMs: Percentiles;
  /** Transactions since the previous read, ms; null where nothing was timed. */
  commitMs: Percentiles | null;
}

/** Bounded so a long phase cannot grow the child's heap without end; beyond it we keep every k-th sample. */
const MAX_SAMPLES = 200_000;

export function percentilesOf(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, 3),
  };
}

type TxFn = ((...args: unknown[]) => unknown) & Record<'deferred' | 'immediate' | 'exclusive', (...args: unknown[]) => unknown>;
interface DatabaseClass {
  prototype: { transaction: (fn: (...args: unknown[]) => unknown) => TxFn };
}

export class ServerProbes {
  private readonly loop: IntervalHistogram;
  private commits: number[] = [];
  private seen = 0;
  private timing = false;

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 1 });
    this.loop.enable();
  }

  /** Records one transaction's duration (the floor calls this itself). */
  commit(ms: number): void {
    this.timing = true;
    this.seen++;
    if (this.commits.length < MAX_SAMPLES) this.commits.push(ms);
    else this.commits[this.seen % MAX_SAMPLES] = ms;
  }

  /** Wraps better-sqlite3's transaction() so every transaction function (and its .immediate etc.) is timed. */
  timeTransactions(Database: DatabaseClass): void {
    const original = Database.prototype.transaction;
    const probes = this;
    Database.prototype.transaction = function (this: unknown, fn: (...args: unknown[]) => unknown): TxFn {
      const tx = original.call(this, fn);
      const timed = (run: (...args: unknown[]) => unknown) =>
        function (this: unknown, ...args: unknown[]) {
          const t = performance.now();
          try {
            return run.apply(this, args);
          } finally {
            probes.commit(performance.now() - t);
          }
        };
      const wrapped = timed(tx) as TxFn;
      wrapped.deferred = timed(tx.deferred);
      wrapped.immediate = timed(tx.immediate);
      wrapped.exclusive = timed(tx.exclusive);
      return wrapped;
    };
  }

  /** Figures since the previous read; resets both. */
  read(): ProbeStats {
    const h = this.loop;
    const eventLoopDelayMs: Percentiles = {
      count: h.count,
      p50: round(h.percentile(50) / 1e6, 3),
      p99: round(h.percentile(99) / 1e6, 3),
      max: round(h.max / 1e6, 3),
    };
    h.reset();
    const commitMs = this.timing ? percentilesOf(this.commits) : null;
    this.commits = [];
    this.seen = 0;
    return { eventLoopDelayMs, commitMs };
  }
}
