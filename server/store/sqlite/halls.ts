import type Sqlite from 'better-sqlite3';
import type { HallEvent } from '../../domain/events.js';
import type { HallState, Ticket } from '../../domain/model.js';
import {
  StoreError,
  type HallStore,
  type HallSummary,
  type TicketRecord,
  type UpdateOutcome,
} from '../port.js';
import { checkOutcome } from './checkOutcome.js';
import { parseStored, toStoreError } from './errors.js';

type AnyOutcome = UpdateOutcome<unknown>;

interface PendingUpdate {
  hallId: string;
  fn: (state: HallState) => AnyOutcome;
  resolve: (outcome: AnyOutcome | null) => void;
  reject: (error: unknown) => void;
}

type Settlement = { ok: true; value: AnyOutcome | null } | { ok: false; error: unknown };

interface HallRow {
  state_json: string;
  seq: number;
}

interface SummaryRow {
  id: string;
  name: string;
  nameAlt: string | null;
  timeZone: string | null;
}

interface TicketRow {
  hall_id: string;
  json: string;
}

/**
 * HallStore on one SQLite connection, with group commit.
 *
 * This process is the only writer of the file, so committed hall states are
 * kept in memory (`cache`) and `update` never has to re-read or re-parse them.
 * `update` calls are queued and run together on the next `setImmediate`: each
 * `fn` sees the freshest state of its hall (including changes made earlier in
 * the same batch), then everything is written in ONE transaction and ONE
 * commit (one fsync with synchronous=FULL), and only then are the promises
 * settled. If the transaction fails, nothing of the batch is acknowledged:
 * every promise rejects with StoreError('UNAVAILABLE') and the cache entries of
 * the halls involved are dropped, so the next read comes from disk.
 *
 * For speed, states are not cloned: the state handed to `fn` (and returned by
 * `loadHall`) is the cached object itself. `fn` must treat it as read-only and
 * return a new object (sharing unchanged parts is fine); callers of
 * `loadHall` must not mutate what they get either.
 */
export class SqliteHallStore implements HallStore {
  readonly kind = 'sqlite' as const;

  /** Group-commit counters: transactions committed, and update() calls settled by them. */
  readonly stats = { commits: 0, updates: 0 };

  private readonly cache = new Map<string, HallState>();
  private queue: PendingUpdate[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;

  private readonly selectHall: Sqlite.Statement<[string], HallRow>;
  private readonly selectSummaries: Sqlite.Statement<[], SummaryRow>;
  private readonly insertHall: Sqlite.Statement<[string, string, string, number, number]>;
  private readonly updateHall: Sqlite.Statement<[string, string, number, number, string]>;
  private readonly insertEvent: Sqlite.Statement<[string, number, string, number, string]>;
  private readonly upsertTicket: Sqlite.Statement<[string, string, string, string, string, string]>;
  private readonly selectEvents: Sqlite.Statement<[string, number, number], string>;
  private readonly selectTicket: Sqlite.Statement<[string], TicketRow>;
  private readonly runBatch: (
    batch: PendingUpdate[],
    settlements: Settlement[],
    touched: Set<string>,
  ) => Map<string, HallState>;

  constructor(db: Sqlite.Database) {
    this.selectHall = db.prepare('SELECT state_json, seq FROM halls WHERE id = ?');
    this.selectSummaries = db.prepare(
      `SELECT id, name,
              json_extract(state_json, '$.config.nameAlt') AS nameAlt,
              json_extract(state_json, '$.config.timeZone') AS timeZone
         FROM halls ORDER BY id`,
    );
    this.insertHall = db.prepare(
      'INSERT INTO halls (id, name, state_json, seq, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    this.updateHall = db.prepare(
      'UPDATE halls SET name = ?, state_json = ?, seq = ?, version = version + 1, updated_at = ? WHERE id = ?',
    );
    this.insertEvent = db.prepare('INSERT INTO events (hall_id, seq, type, at, json) VALUES (?, ?, ?, ?, ?)');
    this.upsertTicket = db.prepare(
      `INSERT INTO tickets (id, hall_id, day, number, status, json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET hall_id = excluded.hall_id, day = excluded.day,
         number = excluded.number, status = excluded.status, json = excluded.json`,
    );
    this.selectEvents = db
      .prepare<[string, number, number], string>(
        'SELECT json FROM events WHERE hall_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .pluck();
    this.selectTicket = db.prepare('SELECT hall_id, json FROM tickets WHERE id = ?');
    this.runBatch = db.transaction(this.applyBatch.bind(this)).immediate;
  }

  async listHalls(): Promise<HallSummary[]> {
    this.assertOpen();
    return this.guard('listHalls', () =>
      this.selectSummaries.all().map((row) => {
        const summary: HallSummary = { id: row.id, name: row.name, timeZone: row.timeZone ?? '' };
        if (row.nameAlt != null) summary.nameAlt = row.nameAlt;
        return summary;
      }),
    );
  }

  async loadHall(hallId: string): Promise<HallState | null> {
    this.assertOpen();
    return this.guard(`loadHall(${hallId})`, () => this.read(hallId));
  }

  async createHall(state: HallState): Promise<void> {
    this.assertOpen();
    const hallId = state.config.id;
    const json = JSON.stringify(state);
    this.guard(`createHall(${hallId})`, () => {
      if (this.cache.has(hallId)) throw new StoreError('DUPLICATE', `hall ${hallId} already exists`);
      this.insertHall.run(hallId, state.config.name, json, state.seq, Date.now());
    });
    // Cache exactly what is on disk, not the caller's (mutable) object.
    this.cache.set(hallId, JSON.parse(json) as HallState);
  }

  update<T>(hallId: string, fn: (state: HallState) => UpdateOutcome<T>): Promise<UpdateOutcome<T> | null> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<UpdateOutcome<T> | null>((resolve, reject) => {
      this.queue.push({
        hallId,
        fn: fn as (state: HallState) => AnyOutcome,
        resolve: resolve as (outcome: AnyOutcome | null) => void,
        reject,
      });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  async eventsSince(hallId: string, afterSeq: number, limit: number): Promise<HallEvent[]> {
    this.assertOpen();
    if (!(limit > 0)) return [];
    return this.guard(`eventsSince(${hallId})`, () => {
      const rows = this.selectEvents.all(hallId, afterSeq, Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER));
      if (rows.length === 0) return [];
      // One parse for the whole page instead of one per event.
      return parseStored<HallEvent[]>(`[${rows.join(',')}]`, `events of hall ${hallId}`);
    });
  }

  async getTicket(ticketId: string): Promise<TicketRecord | null> {
    this.assertOpen();
    return this.guard(`getTicket(${ticketId})`, () => {
      const row = this.selectTicket.get(ticketId);
      if (!row) return null;
      return { hallId: row.hall_id, ticket: parseStored<Ticket>(row.json, `ticket ${ticketId}`) };
    });
  }

  /** Runs whatever is queued now (used by close); safe to call at any time. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];

    const settlements: Settlement[] = new Array<Settlement>(batch.length);
    const touched = new Set<string>();
    let committed: Map<string, HallState>;
    try {
      committed = this.runBatch(batch, settlements, touched);
    } catch (error) {
      for (const hallId of touched) this.cache.delete(hallId);
      const failure = new StoreError(
        'UNAVAILABLE',
        `commit of ${batch.length} update(s) failed, nothing of it was saved: ${(error as Error)?.message ?? String(error)}`,
      );
      failure.cause = error;
      for (const op of batch) op.reject(failure);
      return;
    }
    for (const [hallId, state] of committed) this.cache.set(hallId, state);
    this.stats.commits++;
    this.stats.updates += batch.length;
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i]!;
      const settlement = settlements[i]!;
      if (settlement.ok) op.resolve(settlement.value);
      else op.reject(settlement.error);
    }
  }

  /** Flushes the queue and refuses further work; the caller closes the database. */
  shutdown(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.cache.clear();
  }

  /**
   * Body of the batch transaction; `settlements[i]` receives the fate of
   * `batch[i]`. Returns the new state of every hall it wrote.
   */
  private applyBatch(batch: PendingUpdate[], settlements: Settlement[], touched: Set<string>): Map<string, HallState> {
    const staged = new Map<string, HallState>();
    const events: HallEvent[] = [];
    const eventJson: string[] = [];
    const tickets = new Map<string, { hallId: string; ticket: Ticket }>();

    for (let i = 0; i < batch.length; i++) {
      const op = batch[i]!;
      touched.add(op.hallId);
      let state: HallState | null;
      try {
        state = staged.get(op.hallId) ?? this.read(op.hallId);
      } catch (error) {
        settlements[i] = { ok: false, error: toStoreError(error, `update(${op.hallId})`) };
        continue;
      }
      if (!state) {
        settlements[i] = { ok: true, value: null };
        continue;
      }
      try {
        const outcome = op.fn(state);
        if (outcome.ok) {
          checkOutcome(op.hallId, state, outcome);
          // Serialise now so a bad event fails its own update, not the batch.
          const json = outcome.events.map((event) => JSON.stringify(event));
          // An idempotent replay may hand back the very same state: nothing to write.
          if (outcome.state !== state) staged.set(op.hallId, outcome.state);
          for (let k = 0; k < outcome.events.length; k++) {
            const event = outcome.events[k]!;
            events.push(event);
            eventJson.push(json[k]!);
            if ('ticket' in event && event.ticket) tickets.set(event.ticket.id, { hallId: op.hallId, ticket: event.ticket });
          }
        }
        settlements[i] = { ok: true, value: outcome };
      } catch (error) {
        settlements[i] = { ok: false, error };
        // fn broke its contract; in case it also mutated the committed state, re-read it from disk.
        if (!staged.has(op.hallId)) this.cache.delete(op.hallId);
      }
    }

    const now = Date.now();
    for (const [hallId, state] of staged) {
      this.updateHall.run(state.config.name, JSON.stringify(state), state.seq, now, hallId);
    }
    for (let k = 0; k < events.length; k++) {
      const event = events[k]!;
      this.insertEvent.run(event.hallId, event.seq, event.type, event.at, eventJson[k]!);
    }
    for (const [id, { hallId, ticket }] of tickets) {
      this.upsertTicket.run(id, hallId, ticket.day, ticket.number, ticket.status, JSON.stringify(ticket));
    }
    return staged; // flush() caches these once COMMIT has succeeded
  }

  /** The committed state of a hall: from memory, or loaded once from disk. */
  private read(hallId: string): HallState | null {
    const cached = this.cache.get(hallId);
    if (cached) return cached;
    const row = this.selectHall.get(hallId);
    if (!row) return null;
    const state = parseStored<HallState>(row.state_json, `state of hall ${hallId}`);
    if (state.seq !== row.seq) {
      throw new StoreError('CORRUPT', `hall ${hallId}: state seq ${state.seq} differs from the stored seq ${row.seq}`);
    }
    this.cache.set(hallId, state);
    return state;
  }

  private guard<R>(what: string, body: () => R): R {
    try {
      return body();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): StoreError {
  return new StoreError('UNAVAILABLE', 'the SQLite store is closed');
}
