/**
 * The floor's durable log: better-sqlite3, WAL, synchronous=FULL, one row per
 * event, and group commit per event-loop turn (everything appended in one
 * turn is written by one transaction on the next setImmediate; every waiter
 * is answered after it).
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import type { FloorEvent } from './hall.js';

interface Pending {
  event: FloorEvent;
  done: () => void;
}

export class FloorLog {
  commits = 0;
  updates = 0;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, number, number, string, string]>;
  private readonly since: Database.Statement<[string, number, number], string>;
  private readonly writeBatch: (batch: Pending[]) => void;
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    file: string,
    synchronous: 'FULL' | 'NORMAL',
    private readonly onCommit: (ms: number) => void,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.exec('CREATE TABLE IF NOT EXISTS events (hall_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (hall_id, seq))');
    this.insert = this.db.prepare('INSERT INTO events (hall_id, seq, at, type, json) VALUES (?, ?, ?, ?, ?)');
    this.since = this.db.prepare<[string, number, number], string>('SELECT json FROM events WHERE hall_id = ? AND seq > ? ORDER BY seq LIMIT ?').pluck();
    this.writeBatch = this.db.transaction((batch: Pending[]) => {
      for (const { event } of batch) this.insert.run(event.hallId, event.seq, event.at, event.type, JSON.stringify(event));
    }).immediate;
  }

  get pragmas(): { synchronous: number; journalMode: string } {
    return {
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
    };
  }

  /** Resolves once the event is on disk. */
  append(event: FloorEvent): Promise<void> {
    return new Promise<void>((done) => {
      this.queue.push({ event, done });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  flush(): void {
    this.scheduled = null;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const t = performance.now();
    // The hall's state in memory is already ahead of the log: a floor that cannot write has nothing true to answer.
    try {
      this.writeBatch(batch);
    } catch (error) {
      process.stderr.write(`floor: commit failed, stopping: ${String((error as Error)?.message ?? error)}\n`);
      process.exit(1);
    }
    this.onCommit(performance.now() - t);
    this.commits++;
    this.updates += batch.length;
    for (const pending of batch) pending.done();
  }

  eventsSince(hallId: string, seq: number, limit: number): FloorEvent[] {
    return this.since.all(hallId, seq, limit).map((json) => JSON.parse(json) as FloorEvent);
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
