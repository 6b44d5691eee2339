/**
 * What the SQLite store does per commit, seen from inside the bench process: statements
 * executed (every run/get/all/iterate of any better-sqlite3 statement, counted on the shared
 * Statement prototype), bytes passed to write(2) (/proc/self/io: WAL frames, checkpoints) and
 * the time of each group commit (the store's flush: the engine's fns, the writes and COMMIT).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

/** What happened since the previous mark. */
export interface MeterReading {
  statements: number;
  /** null where /proc/self/io does not exist. */
  bytes: number | null;
  /** One entry per flush (group commit). */
  flushMs: number[];
}

/** Bytes written so far by this process, or null where /proc/self/io does not exist. */
export function bytesWritten(): number | null {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export class SqliteMeter {
  private statements = 0;
  private flushMs: number[] = [];
  private bytes = bytesWritten();
  private readonly restore: Array<() => void> = [];

  /** Counts statements process-wide and times `halls.flush` until `stop`. */
  constructor(halls: { flush(): void }) {
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
    probe.close();
    for (const name of ['run', 'get', 'all', 'iterate'] as const) {
      const original = proto[name]!;
      const meter = this;
      proto[name] = function (this: unknown, ...args: unknown[]) {
        meter.statements++;
        return original.apply(this, args);
      };
      this.restore.push(() => (proto[name] = original));
    }
    const flush = halls.flush;
    halls.flush = () => {
      const t = performance.now();
      flush.call(halls);
      this.flushMs.push(performance.now() - t);
    };
    this.restore.push(() => (halls.flush = flush));
  }

  /** Starts a new window; returns what the previous one counted. */
  mark(): MeterReading {
    const now = bytesWritten();
    const reading = { statements: this.statements, bytes: now === null || this.bytes === null ? null : now - this.bytes, flushMs: this.flushMs };
    this.statements = 0;
    this.flushMs = [];
    this.bytes = now;
    return reading;
  }

  stop(): void {
    for (const undo of this.restore.splice(0)) undo();
  }
}
