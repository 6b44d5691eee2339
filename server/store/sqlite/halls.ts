import type Sqlite from 'better-sqlite3';
import type { HallEvent } from '../../protocol/events.js';
import type { HallState, Ticket } from '../../protocol/model.js';
import {
  StoreError,
  type HallStore,
  type HallSummary,
  type TicketRecord,
  type UpdateOutcome,
} from '../port.js';
import { checkCreationEvents, checkOutcome } from '../checkOutcome.js';
import { TicketMap } from '../../protocol/ticketMap.js';
import { forEachTicketChange, mergeChangedTickets, readEventPage } from '../parts.js';
import type { Checkpointer } from './checkpoint.js';
import { parseStored, toStoreError } from './errors.js';
import {
  NO_REQUESTS,
  ROW_PARTS,
  assembleHall,
  requestColumns,
  splitHall,
  splitRest,
  type RequestEntry,
  type StoredPartRow,
  type StoredRequestRow,
  type StoredTicketRow,
} from './layout.js';

type AnyOutcome = UpdateOutcome<unknown>;

/** A live ticket a batch put (`live`) or removed (`live` undefined), relative to the state before it. */
interface LiveChange {
  hallId: string;
  live: Ticket | undefined;
  wasLive: boolean;
}

interface PendingUpdate {
  hallId: string;
  fn: (state: HallState) => AnyOutcome;
  resolve: (outcome: AnyOutcome | null) => void;
  reject: (error: unknown) => void;
}

type Settlement = { ok: true; value: AnyOutcome | null } | { ok: false; error: unknown };

interface HallRow {
  state_json: string;
  config_json: string | null;
  seq: number;
}

interface SummaryRow {
  id: string;
  name: string;
  nameAlt: string | null;
  timeZone: string | null;
  archivedAt: number | null;
}

interface TicketRow {
  hall_id: string;
  json: string;
}

/**
 * HallStore on one SQLite connection, with group commit.
 *
 * This process is the only writer of the halls it has loaded, so committed hall
 * states are kept in memory (`cache`) and `update` never has to re-read or
 * re-parse them. A hall it has not loaded is read from the file, so one created
 * by another connection (the command line) is found at once.
 * `update` calls are queued and run together on the next `setImmediate`: each
 * `fn` sees the freshest state of its hall (including changes made earlier in
 * the same batch), then everything is written in ONE transaction and ONE
 * commit (one fsync with synchronous=FULL), and only then are the promises
 * settled. If the transaction fails, nothing of the batch is acknowledged:
 * every promise rejects with StoreError('UNAVAILABLE') and the cache entries of
 * the halls involved are dropped, so the next read comes from disk.
 *
 * A hall is stored in five parts (see layout.ts): the hall row's state_json
 * (everything but config, tickets, requests and the seldom changed ROW_PARTS),
 * one hall_parts row per ROW_PART, a hall_configs row, the `tickets` rows marked
 * live (live_ord) and one hall_requests row per remembered request. A committed
 * batch writes, per hall, the state_json, the parts whose JSON changed, the
 * config only if the config OBJECT differs from the one before the batch, only the tickets
 * whose objects differ or are gone, and only the request entries whose objects
 * are new (insert) or gone (delete). A ticket's row is also its projection (the
 * version its latest event carried), so each ticket the batch changed or an
 * event carried is written once (writeTicket). That relies on what
 * was already required of `fn`: it never mutates the state it is given; an
 * unchanged part may be shared (and then is not written) or copied (and then is
 * written again, needlessly but correctly).
 *
 * For speed, states are not cloned: the state handed to `fn` (and returned by
 * `loadHall`) is the cached object itself. `fn` must treat it as read-only and
 * return a new object (sharing unchanged parts is fine); callers of
 * `loadHall` must not mutate what they get either.
 */
/** What creating a hall writes: its row, configuration, live tickets and remembered answers. */
type NewHallRows = [
  hallId: string,
  name: string,
  stateJson: string,
  configJson: string,
  partRows: StoredPartRow[],
  seq: number,
  ticketRows: StoredTicketRow[],
  ticketColumns: Array<Pick<Ticket, 'day' | 'number' | 'status'>>,
  requestRows: Array<{ id: string; json: string }>,
  events: readonly HallEvent[],
];

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
  private readonly selectLiveTickets: Sqlite.Statement<[string], StoredTicketRow>;
  private readonly selectRequests: Sqlite.Statement<[string], StoredRequestRow>;
  private readonly insertHall: Sqlite.Statement<[string, string, string, number, number]>;
  private readonly insertConfig: Sqlite.Statement<[string, string]>;
  private readonly updateHallState: Sqlite.Statement<[string, number, number, string]>;
  private readonly updateHallName: Sqlite.Statement<[string, string]>;
  private readonly updateConfig: Sqlite.Statement<[string, string]>;
  // The writes of one ticket, by what a batch did to it (see writeTicket).
  private readonly insertLiveTicket: Sqlite.Statement<[string, string, string, string, string, string, number, string | null]>;
  private readonly insertLiveOnly: Sqlite.Statement<[string, string, string, string, string, string, number]>;
  private readonly updateLiveTicket: Sqlite.Statement<[string, string, string | null, string]>;
  private readonly updateLiveCopy: Sqlite.Statement<[string, string]>;
  private readonly endTicket: Sqlite.Statement<[string, string, string]>;
  private readonly dropLiveCopy: Sqlite.Statement<[string]>;
  private readonly deleteUnprojected: Sqlite.Statement<[string]>;
  private readonly upsertProjection: Sqlite.Statement<[string, string, string, string, string, string]>;
  /** Last `tickets.live_ord` handed out; only this process writes the file. */
  private lastOrd: number;
  private readonly insertRequest: Sqlite.Statement<[string, number, number, string, string]>;
  private readonly reuseRequest: Sqlite.Statement<[number, string, string, string, number]>;
  private readonly deleteRequest: Sqlite.Statement<[string, number]>;
  /**
   * For each `HallState.requests` array committed (or loaded), the `hall_requests.slot`
   * of each of its entries, in the same order: the rows that hold them.
   */
  private readonly requestSlots = new WeakMap<readonly RequestEntry[], number[]>();
  /** Last `hall_requests.ord` handed out (a new row's slot too: above every slot). */
  private lastRequestOrd: number;
  private readonly insertEvent: Sqlite.Statement<[string, number, string, number, string]>;
  private readonly selectParts: Sqlite.Statement<[string], StoredPartRow>;
  private readonly upsertPart: Sqlite.Statement<[string, string, string]>;
  private readonly deletePart: Sqlite.Statement<[string, string]>;
  /** For each committed (or loaded) state, the stored JSON of its ROW_PARTS: what writeParts compares with. */
  private readonly partTexts = new WeakMap<HallState, Map<string, string>>();
  private readonly selectEvents: Sqlite.Statement<[string, number, number], string>;
  private readonly selectTicket: Sqlite.Statement<[string], TicketRow>;
  private readonly createTransaction: (...hall: NewHallRows) => number[];
  private readonly runBatch: (
    batch: PendingUpdate[],
    settlements: Settlement[],
    touched: Set<string>,
  ) => Map<string, HallState>;

  /** Rows the batch being written has written so far: the checkpointer's estimate of its pages. */
  private rowsWritten = 0;

  constructor(
    private readonly db: Sqlite.Database,
    private readonly checkpointer?: Checkpointer,
  ) {
    this.selectHall = db.prepare(
      `SELECT h.state_json, c.json AS config_json, h.seq
         FROM halls h LEFT JOIN hall_configs c ON c.hall_id = h.id WHERE h.id = ?`,
    );
    this.selectLiveTickets = db.prepare(
      'SELECT id, coalesce(live_json, json) AS json FROM tickets WHERE hall_id = ? AND live_ord IS NOT NULL ORDER BY live_ord',
    );
    this.selectRequests = db.prepare('SELECT slot, json FROM hall_requests WHERE hall_id = ? ORDER BY ord');
    this.selectSummaries = db.prepare(
      `SELECT h.id, h.name,
              json_extract(c.json, '$.nameAlt') AS nameAlt,
              json_extract(c.json, '$.timeZone') AS timeZone,
              json_extract(h.state_json, '$.archivedAt') AS archivedAt
         FROM halls h LEFT JOIN hall_configs c ON c.hall_id = h.id ORDER BY h.id`,
    );
    this.insertHall = db.prepare(
      'INSERT INTO halls (id, name, state_json, seq, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    this.insertConfig = db.prepare('INSERT INTO hall_configs (hall_id, json) VALUES (?, ?)');
    this.updateHallState = db.prepare(
      'UPDATE halls SET state_json = ?, seq = ?, version = version + 1, updated_at = ? WHERE id = ?',
    );
    this.updateHallName = db.prepare('UPDATE halls SET name = ? WHERE id = ?');
    this.updateConfig = db.prepare('UPDATE hall_configs SET json = ? WHERE hall_id = ?');
    // A ticket that stays live is updated without naming live_ord, so the live index is not rewritten:
    // it keeps its place. The ON CONFLICT branches serve a finished ticket that comes back.
    this.insertLiveTicket = db.prepare(
      `INSERT INTO tickets (id, hall_id, day, number, status, json, live_ord, live_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json,
         live_ord = excluded.live_ord, live_json = excluded.live_json`,
    );
    this.insertLiveOnly = db.prepare(
      `INSERT INTO tickets (id, hall_id, day, number, status, live_json, live_ord) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET live_ord = excluded.live_ord, live_json = excluded.live_json`,
    );
    this.updateLiveTicket = db.prepare('UPDATE tickets SET status = ?, json = ?, live_json = ? WHERE id = ?');
    this.updateLiveCopy = db.prepare('UPDATE tickets SET live_json = ? WHERE id = ?');
    this.endTicket = db.prepare('UPDATE tickets SET status = ?, json = ?, live_ord = NULL, live_json = NULL WHERE id = ?');
    // Gone from the hall without an event saying how it ended: the live copy goes (with any raw
    // 无声叫号 number), and the row with it where no event ever carried the ticket.
    this.dropLiveCopy = db.prepare('UPDATE tickets SET live_ord = NULL, live_json = NULL WHERE id = ?');
    this.deleteUnprojected = db.prepare('DELETE FROM tickets WHERE id = ? AND json IS NULL');
    this.upsertProjection = db.prepare(
      `INSERT INTO tickets (id, hall_id, day, number, status, json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json`,
    );
    this.lastOrd =
      db.prepare<[], number>('SELECT coalesce(max(live_ord), 0) FROM tickets WHERE live_ord IS NOT NULL').pluck().get() ?? 0;
    this.insertRequest = db.prepare('INSERT INTO hall_requests (hall_id, slot, ord, id, json) VALUES (?, ?, ?, ?, ?)');
    this.reuseRequest = db.prepare('UPDATE hall_requests SET ord = ?, id = ?, json = ? WHERE hall_id = ? AND slot = ?');
    this.deleteRequest = db.prepare('DELETE FROM hall_requests WHERE hall_id = ? AND slot = ?');
    // Per hall through the primary key, rather than a scan of every stored answer.
    this.lastRequestOrd =
      db
        .prepare<[], number>(
          'SELECT coalesce(max((SELECT max(ord) FROM hall_requests r WHERE r.hall_id = h.id)), 0) FROM halls h',
        )
        .pluck()
        .get() ?? 0;
    this.insertEvent = db.prepare('INSERT INTO events (hall_id, seq, type, at, json) VALUES (?, ?, ?, ?, ?)');
    this.selectParts = db.prepare('SELECT name, json FROM hall_parts WHERE hall_id = ?');
    this.upsertPart = db.prepare(
      'INSERT INTO hall_parts (hall_id, name, json) VALUES (?, ?, ?) ON CONFLICT (hall_id, name) DO UPDATE SET json = excluded.json',
    );
    this.deletePart = db.prepare('DELETE FROM hall_parts WHERE hall_id = ? AND name = ?');
    this.selectEvents = db
      .prepare<[string, number, number], string>(
        'SELECT json FROM events WHERE hall_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .pluck();
    this.selectTicket = db.prepare('SELECT hall_id, json FROM tickets WHERE id = ? AND json IS NOT NULL');
    this.runBatch = db.transaction(this.applyBatch.bind(this)).immediate;
    this.createTransaction = db.transaction(
      (...[hallId, name, stateJson, configJson, partRows, seq, ticketRows, ticketColumns, requestRows, events]: NewHallRows): number[] => {
        this.insertHall.run(hallId, name, stateJson, seq, Date.now());
        this.insertConfig.run(hallId, configJson);
        for (const part of partRows) this.upsertPart.run(hallId, part.name, part.json);
        for (const event of events) this.insertEvent.run(hallId, event.seq, event.type, event.at, JSON.stringify(event));
        ticketRows.forEach((row, k) => {
          const { day, number, status } = ticketColumns[k]!;
          this.insertLiveOnly.run(row.id, hallId, day, number, status, row.json, ++this.lastOrd);
        });
        return requestRows.map((row) => {
          const ord = ++this.lastRequestOrd;
          this.insertRequest.run(hallId, ord, ord, row.id, row.json);
          return ord;
        });
      },
    ).immediate;
  }

  async listHalls(): Promise<HallSummary[]> {
    this.assertOpen();
    return this.guard('listHalls', () =>
      this.selectSummaries.all().map((row) => {
        const summary: HallSummary = { id: row.id, name: row.name, timeZone: row.timeZone ?? '' };
        if (row.nameAlt != null) summary.nameAlt = row.nameAlt;
        if (row.archivedAt != null) summary.archivedAt = row.archivedAt;
        return summary;
      }),
    );
  }

  async loadHall(hallId: string): Promise<HallState | null> {
    this.assertOpen();
    return this.guard(`loadHall(${hallId})`, () => this.read(hallId));
  }

  async createHall(state: HallState, events: readonly HallEvent[] = []): Promise<void> {
    this.assertOpen();
    const hallId = state.config.id;
    const { rest, config, tickets, requests } = splitHall(state);
    const { head, parts } = splitRest(rest);
    const stateJson = JSON.stringify(head);
    const partRows = Object.entries(parts).map(([name, value]) => ({ name, json: JSON.stringify(value) }));
    const configJson = JSON.stringify(config);
    const ticketRows: StoredTicketRow[] = [];
    const ticketColumns: Array<Pick<Ticket, 'day' | 'number' | 'status'>> = [];
    for (const [id, ticket] of tickets.entries()) {
      ticketRows.push({ id, json: JSON.stringify(ticket) });
      ticketColumns.push(ticket);
    }
    const requestRows = requests.map(requestColumns);
    const ords = this.guard(`createHall(${hallId})`, () => {
      if (this.cache.has(hallId)) throw new StoreError('DUPLICATE', `hall ${hallId} already exists`);
      checkCreationEvents(hallId, state.seq, events);
      return this.createTransaction(hallId, config.name, stateJson, configJson, partRows, state.seq, ticketRows, ticketColumns, requestRows, events);
    });
    // Cache exactly what is on disk, not the caller's (mutable) object.
    const stored = assembleHall(
      hallId,
      stateJson,
      configJson,
      ticketRows,
      requestRows.map((row, k) => ({ slot: ords[k]!, json: row.json })),
      partRows,
    );
    this.partTexts.set(stored, new Map(partRows.map((row) => [row.name, row.json])));
    this.requestSlots.set(stored.requests, ords);
    this.cache.set(hallId, stored);
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
      return readEventPage(hallId, rows, parseStored);
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

  async unratedServed(hallId: string, fromDay: string, toDay: string, limit: number): Promise<Ticket[]> {
    this.assertOpen();
    return this.guard(`unratedServed(${hallId})`, () =>
      this.db
        .prepare<[string, string, string, number], { id: string; json: string }>(
          "SELECT id, json FROM tickets WHERE hall_id = ? AND status = 'served' AND day >= ? AND day <= ? AND json IS NOT NULL AND json_extract(json, '$.rating') IS NULL LIMIT ?",
        )
        .all(hallId, fromDay, toDay, Math.max(0, Math.floor(limit)))
        .map((row) => parseStored<Ticket>(row.json, `ticket ${row.id}`)),
    );
  }

  async pruneHistory(hallId: string, before: number, beforeDay: string): Promise<{ events: number; tickets: number }> {
    this.assertOpen();
    // Queued updates first: their events may be older than the cutoff and must not survive it.
    this.flush();
    return this.guard(`pruneHistory(${hallId})`, () =>
      this.db.transaction(() => {
        const old = "hall_id = ? AND day < ? AND status IN ('served', 'cancelled', 'expired') AND json IS NOT NULL";
        return {
          events: this.db.prepare('DELETE FROM events WHERE hall_id = ? AND at < ?').run(hallId, before).changes,
          tickets:
            this.db.prepare(`DELETE FROM tickets WHERE ${old} AND live_ord IS NULL`).run(hallId, beforeDay).changes +
            // A ticket still live keeps its row for the live copy; only the projection goes.
            this.db
              .prepare(`UPDATE tickets SET live_json = coalesce(live_json, json), json = NULL WHERE ${old} AND live_ord IS NOT NULL`)
              .run(hallId, beforeDay).changes,
        };
      })(),
    );
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
    this.checkpointer?.committed(this.rowsWritten);
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
    this.checkpointer?.stop(); // closing the connection checkpoints
    this.closed = true;
    this.cache.clear();
  }

  /**
   * Body of the batch transaction; `settlements[i]` receives the fate of
   * `batch[i]`. Returns the new state of every hall it wrote.
   */
  private applyBatch(batch: PendingUpdate[], settlements: Settlement[], touched: Set<string>): Map<string, HallState> {
    const staged = new Map<string, HallState>();
    /** Per hall, the committed state the batch started from (what is on disk now). */
    const base = new Map<string, HallState>();
    const events: HallEvent[] = [];
    const eventJson: string[] = [];
    const tickets = new Map<string, { hallId: string; ticket: Ticket }>();
    /** Per hall, the live tickets its outcomes named as changed (null: compare the maps). */
    const named = new Map<string, Set<string> | null>();

    for (let i = 0; i < batch.length; i++) {
      const op = batch[i]!;
      touched.add(op.hallId);
      let state: HallState | null | undefined = staged.get(op.hallId);
      try {
        if (state === undefined) {
          state = this.read(op.hallId);
          if (state) base.set(op.hallId, state);
        }
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
          if (outcome.state !== state) {
            staged.set(op.hallId, outcome.state);
            named.set(op.hallId, mergeChangedTickets(named.get(op.hallId), outcome));
          }
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
    this.rowsWritten = events.length + staged.size;
    const live = new Map<string, LiveChange>();
    for (const [hallId, next] of staged) this.writeHall(hallId, base.get(hallId)!, next, now, named.get(hallId) ?? null, live);
    for (let k = 0; k < events.length; k++) {
      const event = events[k]!;
      this.insertEvent.run(event.hallId, event.seq, event.type, event.at, eventJson[k]!);
    }
    // Each ticket once: its live change and the latest version an event carried, in one row.
    for (const [id, change] of live) {
      const carried = tickets.get(id);
      if (carried) tickets.delete(id);
      this.writeTicket(id, change.hallId, carried?.ticket, change.live, change.wasLive);
    }
    for (const [id, { hallId, ticket }] of tickets) {
      // Not put or removed by the batch: live (unchanged) or not, as before it.
      const current = (staged.get(hallId) ?? base.get(hallId) ?? this.cache.get(hallId))?.tickets.get(id);
      this.writeTicket(id, hallId, ticket, current, current !== undefined);
    }
    return staged; // flush() caches these once COMMIT has succeeded
  }

  /**
   * Writes what differs between `prev` (on disk) and `next`: the state row
   * always, the parts whose JSON changed, the config if its object changed, the
   * request entries that came or went; the tickets whose objects changed are
   * collected in `live`, to be written with the events' tickets (writeTicket).
   */
  private writeHall(
    hallId: string,
    prev: HallState,
    next: HallState,
    now: number,
    named: ReadonlySet<string> | null,
    live: Map<string, LiveChange>,
  ): void {
    const { rest, config, tickets, requests } = splitHall(next);
    const { head, parts } = splitRest(rest);
    this.updateHallState.run(JSON.stringify(head), next.seq, now, hallId);
    this.writeParts(hallId, prev, next, parts);
    this.writeRequests(hallId, prev.requests ?? NO_REQUESTS, requests);
    if (config !== prev.config) {
      this.updateConfig.run(JSON.stringify(config), hallId);
      if (config.name !== prev.config.name) this.updateHallName.run(config.name, hallId);
    }
    const before = prev.tickets ?? NO_TICKETS;
    forEachTicketChange(
      before,
      tickets,
      (id, ticket) => live.set(id, { hallId, live: ticket, wasLive: before.has(id) }),
      (id) => live.set(id, { hallId, live: undefined, wasLive: true }),
      named,
    );
  }

  /**
   * Writes one ticket's row, once per commit: `event` is the latest version an event of the batch
   * carried (what getTicket answers), `live` the hall's live copy after the batch (undefined: not
   * live), `wasLive` whether it was live before. The live copy is stored apart only where it differs
   * from the event's version.
   */
  private writeTicket(id: string, hallId: string, event: Ticket | undefined, live: Ticket | undefined, wasLive: boolean): void {
    this.rowsWritten++;
    if (event === undefined) {
      // A live change no event of the batch carried (functions other than the engine's).
      if (live === undefined) {
        if (this.deleteUnprojected.run(id).changes === 0) this.dropLiveCopy.run(id);
      } else if (wasLive) this.updateLiveCopy.run(JSON.stringify(live), id);
      else this.insertLiveOnly.run(id, hallId, live.day, live.number, live.status, JSON.stringify(live), ++this.lastOrd);
      return;
    }
    const json = JSON.stringify(event);
    if (live === undefined) {
      if (wasLive) this.endTicket.run(event.status, json, id);
      else this.upsertProjection.run(id, hallId, event.day, event.number, event.status, json);
      return;
    }
    let copy: string | null = null;
    if (live !== event) {
      const text = JSON.stringify(live);
      if (text !== json) copy = text;
    }
    if (wasLive) this.updateLiveTicket.run(event.status, json, copy, id);
    else this.insertLiveTicket.run(id, hallId, event.day, event.number, event.status, json, ++this.lastOrd, copy);
  }

  /**
   * Writes the ROW_PARTS of `next` whose JSON differs from what is stored for `prev` (the engine
   * copies them with every command, so only the text tells), deletes those `next` lacks.
   */
  private writeParts(hallId: string, prev: HallState, next: HallState, parts: Partial<Record<string, unknown>>): void {
    const before = this.partTexts.get(prev) ?? this.storedPartTexts(hallId);
    const after = new Map<string, string>();
    for (const name of ROW_PARTS) {
      const value = parts[name];
      const old = before.get(name);
      if (value === undefined) {
        if (old !== undefined) {
          this.deletePart.run(hallId, name);
          this.rowsWritten++;
        }
        continue;
      }
      const text = value === prev[name] && old !== undefined ? old : JSON.stringify(value);
      if (text !== old) {
        this.upsertPart.run(hallId, name, text);
        this.rowsWritten++;
      }
      after.set(name, text);
    }
    this.partTexts.set(next, after);
  }

  private storedPartTexts(hallId: string): Map<string, string> {
    return new Map(this.selectParts.all(hallId).map((row) => [row.name, row.json]));
  }

  /**
   * Brings hall_requests from `before` (on disk) to `after`. An entry of `after`
   * keeps its row if it is the very object `before` had, at a place after the
   * entries kept so far (rows are read back in ord order); any other entry gets
   * an ord above all others, in the row of an entry of `before` not kept if there
   * is one (rewritten in place), else in a new row; the rows left over are
   * deleted. So the engine's append-and-trim-the-oldest rewrites one row per new
   * answer, and any other change (reordered, repeated or copied entries) is
   * still stored exactly.
   */
  private writeRequests(hallId: string, before: readonly RequestEntry[], after: readonly RequestEntry[]): void {
    if (after === before) return;
    const slots = this.requestSlots.get(before) ?? this.storedRequestSlots(hallId, before.length);
    const kept: number[] = new Array<number>(after.length);
    const freed: number[] = [];
    const added: number[] = [];
    let j = 0; // entries of `before` from j on may still be kept
    for (let i = 0; i < after.length; i++) {
      const entry = after[i]!;
      let p = j;
      while (p < before.length && before[p] !== entry) p++;
      // Not found: a new entry, and as its ord goes last, no later entry can keep an older row.
      for (; j < p; j++) freed.push(slots[j]!);
      if (p < before.length) {
        kept[i] = slots[p]!;
        j = p + 1;
      } else {
        added.push(i);
      }
    }
    for (; j < before.length; j++) freed.push(slots[j]!);
    freed.reverse(); // the oldest rows are taken over first
    for (const i of added) {
      const { id, json } = requestColumns(after[i]!);
      const ord = ++this.lastRequestOrd;
      const slot = freed.pop();
      if (slot === undefined) this.insertRequest.run(hallId, ord, ord, id, json);
      else this.reuseRequest.run(ord, id, json, hallId, slot);
      kept[i] = slot ?? ord;
      this.rowsWritten++;
    }
    for (const slot of freed) this.deleteRequest.run(hallId, slot);
    this.rowsWritten += freed.length;
    this.requestSlots.set(after, kept);
  }

  /** The slots of a hall's stored requests (for a committed array whose slots are not remembered). */
  private storedRequestSlots(hallId: string, expected: number): number[] {
    const slots = this.selectRequests.all(hallId).map((row) => row.slot);
    if (slots.length !== expected) {
      throw new StoreError('CORRUPT', `hall ${hallId}: ${slots.length} stored requests, ${expected} in memory`);
    }
    return slots;
  }

  /** The committed state of a hall: from memory, or loaded once from disk. */
  private read(hallId: string): HallState | null {
    const cached = this.cache.get(hallId);
    if (cached) return cached;
    const row = this.selectHall.get(hallId);
    if (!row) return null;
    const ticketRows = this.selectLiveTickets.all(hallId);
    const requestRows = this.selectRequests.all(hallId);
    const partRows = this.selectParts.all(hallId);
    const state = assembleHall(hallId, row.state_json, row.config_json, ticketRows, requestRows, partRows);
    this.partTexts.set(state, new Map(partRows.map((part) => [part.name, part.json])));
    this.requestSlots.set(state.requests, requestRows.map((r) => r.slot));
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

const NO_TICKETS = TicketMap.empty();

function closedError(): StoreError {
  return new StoreError('UNAVAILABLE', 'the SQLite store is closed');
}
