import type { HallEvent } from '../../protocol/events.js';
import type { HallState, Ticket } from '../../protocol/model.js';
import { checkCreationEvents, checkOutcome } from '../checkOutcome.js';
import { TicketMap } from '../../protocol/ticketMap.js';
import { StoreError, type HallStore, type HallSummary, type TicketRecord, type UpdateOutcome } from '../port.js';
import { NO_REQUESTS, forEachTicketChange, mergeChangedTickets, readEventPage, requestColumns, splitHall } from '../parts.js';
import { closedError, parseStored, toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';
import { type CommittedHall, assembleHall, summaryOf } from './layout.js';
import { diffRequests } from './requests.js';
import type { ScriptedPipeline, ScriptedRedis } from './scripts.js';

type AnyOutcome = UpdateOutcome<unknown>;

interface PendingUpdate {
  fn: (state: HallState) => AnyOutcome;
  resolve: (outcome: AnyOutcome | null) => void;
  reject: (error: unknown) => void;
}

type Settlement = { ok: true; value: AnyOutcome } | { ok: false; error: unknown };

/** What running a batch's functions on one base state produced. */
interface Plan {
  settlements: Settlement[];
  staged: HallState;
  events: HallEvent[];
  eventJson: string[];
  records: Map<string, Ticket>;
  /** The live tickets the outcomes named as changed since `base` (null: compare the maps; undefined: none yet). */
  named?: Set<string> | null;
  /** A function threw: it may have mutated what it was given, so the cache entry is not trusted. */
  threw: boolean;
}

const COMMIT_CONFLICT = -1;
const HALL_MISSING = -2;

/**
 * HallStore on Redis, shared by several server processes.
 *
 * `update` is an optimistic read-modify-write: the functions run on the hall
 * as this process last saw it, and the hallqCommitHall script writes the
 * result only if the hall's version is still that one. If another process
 * committed in between, the hall is re-read and the functions run again on
 * the fresher state (the port requires them to be pure).
 *
 * Round trips (issue 16): a committed batch costs one, the script call, which
 * checks the version and writes state, tickets, requests, events, records,
 * counters and the ticket → hall index together (the outbox needs no row: its
 * deliverers read the event stream after their cursor). A batch that writes
 * nothing (refusals, idempotent replays) is answered only after one cheap
 * check, `HGET meta v`, when it was computed on the cached hall: that is how
 * a refusal notices another process's commit, and a refusal has no script to
 * carry the check. (Letting the check ride on the next commit instead would
 * answer a refusal that may be wrong and cannot be taken back.) `cachedHall`
 * lets the command path read the hall without a round trip before it
 * updates; whatever it decides there is decided again inside the update.
 *
 * Within a process, the updates of one hall run one batch at a time, and all
 * those requested while a batch was running form the next batch: one script
 * call commits them all (the SQLite adapter's group commit, per hall), and a
 * process never races itself. Nothing is acknowledged before Redis has
 * answered the script; any Redis error rejects the whole batch with
 * StoreError('UNAVAILABLE') and drops the cached hall.
 */
export class RedisHallStore implements HallStore {
  readonly kind = 'redis' as const;
  /** Script calls that committed, updates they settled, and compare-and-set attempts lost to other processes. */
  readonly stats = { commits: 0, updates: 0, conflicts: 0 };

  private readonly cache = new Map<string, CommittedHall>();
  private readonly queued = new Map<string, PendingUpdate[]>();
  private readonly running = new Map<string, Promise<void>>();
    private closed = false;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly maxAttempts = 50,
  ) {}

  async listHalls(): Promise<HallSummary[]> {
    this.assertOpen();
    return this.guard('listHalls', async () => {
      const ids = (await this.redis.smembers(this.keys.hallIds)).sort();
      if (ids.length === 0) return [];
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.hget(this.keys.hall(id).meta, 'summary');
      const answers = await execAll(pipeline);
      // An id whose hall is missing was added by a createHall that did not complete: not a hall.
      return answers.filter((json): json is string => typeof json === 'string').map((json) => parseStored<HallSummary>(json, 'hall summary'));
    });
  }

  /** The hall as this process last read or committed it, without asking Redis: maybe behind another process. */
  cachedHall(hallId: string): HallState | undefined {
    return this.cache.get(hallId)?.state;
  }

  async loadHall(hallId: string): Promise<HallState | null> {
    this.assertOpen();
    return this.guard(`loadHall(${hallId})`, async () => (await this.fresh(hallId))?.state ?? null);
  }

  async createHall(state: HallState, events: readonly HallEvent[] = []): Promise<void> {
    this.assertOpen();
    checkCreationEvents(state.config.id, state.seq, events);
    const hallId = state.config.id;
    const { rest, config, tickets, requests } = splitHall(state);
    const ticketArgs: string[] = [];
    for (const [id, ticket] of tickets.entries()) ticketArgs.push(id, JSON.stringify(ticket));
    const requestJson = requests.map((entry) => requestColumns(entry).json);
    const k = this.keys.hall(hallId);
    const created = await this.guard(`createHall(${hallId})`, async () => {
      // The id goes into the set first: a crash between the two leaves an id without a hall, which listHalls skips.
      const pipeline = this.redis.pipeline() as ScriptedPipeline;
      pipeline.sadd(this.keys.hallIds, hallId);
      // Its live tickets (a hall is created empty in production, but a store keeps whatever it is given).
      const index = ticketArgs.flatMap((arg, i) => (i % 2 === 0 ? [arg, hallId] : []));
      if (index.length > 0) pipeline.hset(this.keys.ticketHalls, ...index);
      const eventArgs = events.flatMap((event) => [String(event.seq), JSON.stringify(event)]);
      pipeline.hallqCreateHall(k.meta, k.tickets, k.requests, k.events, state.seq, JSON.stringify(rest), JSON.stringify(config),
        JSON.stringify(summaryOf(state)), ticketArgs.length / 2, requestJson.length, events.length, ...ticketArgs, ...requestJson, ...eventArgs);
      return (await execAll(pipeline)).at(-1);
    });
    if (created !== 1) throw new StoreError('DUPLICATE', `hall ${hallId} already exists`);
  }

  update<T>(hallId: string, fn: (state: HallState) => UpdateOutcome<T>): Promise<UpdateOutcome<T> | null> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<UpdateOutcome<T> | null>((resolve, reject) => {
      const pending: PendingUpdate = { fn: fn as PendingUpdate['fn'], resolve: resolve as PendingUpdate['resolve'], reject };
      const queue = this.queued.get(hallId);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queued.set(hallId, [pending]);
      // Wait for the rest of this event-loop turn, so that updates requested together commit together.
      if (!this.running.has(hallId)) setImmediate(() => this.drain(hallId));
    });
  }

  async eventsSince(hallId: string, afterSeq: number, limit: number): Promise<HallEvent[]> {
    this.assertOpen();
    if (!(limit > 0) || !(afterSeq < Number.MAX_SAFE_INTEGER)) return [];
    const from = Math.max(0, Math.floor(afterSeq)) + 1;
    const count = Math.min(Math.floor(limit), 1_000_000);
    return this.guard(`eventsSince(${hallId})`, async () => {
      const entries = await this.redis.xrange(this.keys.hall(hallId).events, String(from), '+', 'COUNT', count);
      if (entries.length === 0) return [];
      return readEventPage(hallId, entries.map(([, fields]) => fields[1]!), parseStored);
    });
  }

  async getTicket(ticketId: string): Promise<TicketRecord | null> {
    this.assertOpen();
    return this.guard(`getTicket(${ticketId})`, async () => {
      const hallId = await this.redis.hget(this.keys.ticketHalls, ticketId);
      if (hallId === null) return null;
      const json = await this.redis.hget(this.keys.hall(hallId).records, ticketId);
      // A ticket the hall was created with and no event has touched since (as in SQLite, records come
      // from the events), or the index entry of a createHall that did not complete.
      if (json === null) return null;
      return { hallId, ticket: parseStored<Ticket>(json, `ticket ${ticketId}`) };
    });
  }

  async unratedServed(hallId: string, fromDay: string, toDay: string, limit: number): Promise<Ticket[]> {
    this.assertOpen();
    const keys = this.keys.hall(hallId);
    return this.guard(`unratedServed(${hallId})`, async () => {
      // Once a day per hall: a scan of the records (kept only for the retention period) is affordable.
      const found: Ticket[] = [];
      let scan = '0';
      do {
        const [next, flat] = await this.redis.hscan(keys.records, scan, 'COUNT', 500);
        scan = next;
        for (let i = 0; i < flat.length && found.length < limit; i += 2) {
          const ticket = parseStored<Ticket>(flat[i + 1]!, `ticket ${flat[i]}`);
          if (ticket.status === 'served' && ticket.rating === undefined && ticket.day >= fromDay && ticket.day <= toDay) found.push(ticket);
        }
      } while (scan !== '0' && found.length < limit);
      return found;
    });
  }

  async pruneHistory(hallId: string, before: number, beforeDay: string): Promise<{ events: number; tickets: number }> {
    this.assertOpen();
    const keys = this.keys.hall(hallId);
    return this.guard(`pruneHistory(${hallId})`, async () => {
      // Stream ids are seqs and events come in time order: find the first one young enough, trim below it.
      let events = 0;
      let keepFrom: string | null = null;
      let cursor = '-';
      for (;;) {
        const page = await this.redis.xrange(keys.events, cursor, '+', 'COUNT', 1000);
        for (const [id, fields] of page) {
          if (parseStored<HallEvent>(fields[1]!, `event ${id} of hall ${hallId}`).at >= before) {
            keepFrom = id;
            break;
          }
          events += 1;
        }
        if (keepFrom !== null || page.length < 1000) break;
        cursor = `(${page.at(-1)![0]}`;
      }
      if (events > 0) {
        const last = await this.redis.xrevrange(keys.events, '+', '-', 'COUNT', 1);
        const threshold = keepFrom ?? `${Number(last[0]![0].split('-')[0]) + 1}-0`;
        await this.redis.xtrim(keys.events, 'MINID', threshold);
      }
      let tickets = 0;
      let scan = '0';
      do {
        const [next, flat] = await this.redis.hscan(keys.records, scan, 'COUNT', 500);
        scan = next;
        const old: string[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          const ticket = parseStored<Ticket>(flat[i + 1]!, `ticket ${flat[i]}`);
          if (ticket.day < beforeDay && (ticket.status === 'served' || ticket.status === 'cancelled' || ticket.status === 'expired')) old.push(flat[i]!);
        }
        if (old.length > 0) {
          await this.redis.hdel(keys.records, ...old);
          await this.redis.hdel(this.keys.ticketHalls, ...old);
          tickets += old.length;
        }
      } while (scan !== '0');
      return { events, tickets };
    });
  }

  /** Refuses new calls, then waits until every update already requested is settled. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const hallId of this.queued.keys()) this.drain(hallId);
    while (this.running.size > 0) await Promise.all(this.running.values());
    this.cache.clear();
  }

  /** Runs the hall's queued updates as one batch, then the next batch if more came meanwhile. */
  private drain(hallId: string): void {
    const batch = this.queued.get(hallId);
    if (!batch || this.running.has(hallId)) return;
    this.queued.delete(hallId);
    const run = this.runBatch(hallId, batch).finally(() => {
      this.running.delete(hallId);
      this.drain(hallId);
    });
    this.running.set(hallId, run);
  }

  private async runBatch(hallId: string, batch: PendingUpdate[]): Promise<void> {
    try {
      for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
        if (attempt > 1) await backOff(attempt);
        const cached = attempt === 0 ? this.cache.get(hallId) : undefined;
        const base = cached ?? (await this.read(hallId));
        if (!base) {
          for (const op of batch) op.resolve(null);
          return;
        }
        const plan = runFunctions(hallId, base.state, batch);
        let committed: CommittedHall | null = base;
        if (plan.staged !== base.state) {
          committed = await this.commit(hallId, base, plan);
        } else if (cached && (await this.redis.hget(this.keys.hall(hallId).meta, 'v')) !== cached.version) {
          // Refusals and replays answered from a hall another process has changed since: answer again.
          committed = null;
        }
        if (!committed) {
          this.stats.conflicts++;
          this.cache.delete(hallId);
          continue;
        }
        if (plan.threw) this.cache.delete(hallId);
        else this.cache.set(hallId, committed);
        this.stats.updates += batch.length;
        batch.forEach((op, i) => {
          const settlement = plan.settlements[i]!;
          if (settlement.ok) op.resolve(settlement.value);
          else op.reject(settlement.error);
        });
        return;
      }
      throw new StoreError('UNAVAILABLE', `update(${hallId}): lost the compare-and-set ${this.maxAttempts} times to other processes`);
    } catch (error) {
      this.cache.delete(hallId);
      const failure = toStoreError(error, `update(${hallId}) of ${batch.length} command(s), nothing of it acknowledged`);
      for (const op of batch) op.reject(failure);
    }
  }

  /** Writes the plan if the hall is still at `base.version`; null if another process got there first. */
  private async commit(hallId: string, base: CommittedHall, plan: Plan): Promise<CommittedHall | null> {
    const { staged, events, eventJson, records } = plan;
    const before = base.state;
    const { rest, config, tickets, requests } = splitHall(staged);
    const configJson = config !== before.config ? JSON.stringify(config) : '';
    // The summary (listHalls) shows the name, time zone and whether the hall is retired.
    const summaryJson = configJson || staged.archivedAt !== before.archivedAt ? JSON.stringify(summaryOf(staged)) : '';

    const upserts: string[] = [];
    const deletes: string[] = [];
    forEachTicketChange(
      before.tickets ?? TicketMap.empty(),
      tickets,
      (id, ticket) => upserts.push(id, JSON.stringify(ticket)),
      (id) => deletes.push(id),
      plan.named ?? null,
    );
    const diff =
      requests === before.requests
        ? { inserts: [], deletes: [], ords: base.requestOrds, lastOrd: base.lastRequestOrd }
        : diffRequests(before.requests ?? NO_REQUESTS, base.requestOrds, requests, base.lastRequestOrd);
    const requestInserts = diff.inserts.flatMap(([ord, entry]) => [String(ord), requestColumns(entry).json]);

    const k = this.keys.hall(hallId);
    const dayKeys: string[] = [];
    const issued: string[] = [];
    const eventArgs: string[] = [];
    const indexed: string[] = []; // ticket id, hall id: tickets issued by this commit
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      eventArgs.push(String(event.seq), eventJson[i]!);
      if (event.type !== 'ticket:issued') continue;
      indexed.push(event.ticket.id, hallId);
      const key = this.keys.issuedOn(hallId, event.ticket.day);
      let index = dayKeys.indexOf(key);
      if (index < 0) index = dayKeys.push(key) - 1;
      issued.push(String(7 + index), event.ticket.serviceId);
    }
    const recordArgs: string[] = [];
    for (const [id, ticket] of records) recordArgs.push(id, JSON.stringify(ticket));

    // One call, no pipeline around it: the auto-pipelining connection sends it in the same write as
    // the other halls' commits of this event-loop turn.
    const version = Number(
      await this.redis.hallqCommitHall(
        6 + dayKeys.length,
        k.meta, k.tickets, k.requests, k.events, k.records, this.keys.ticketHalls, ...dayKeys,
        base.version, staged.seq, JSON.stringify(rest), configJson, summaryJson, diff.lastOrd,
        upserts.length / 2, deletes.length, requestInserts.length / 2, diff.deletes.length, events.length, records.size, issued.length / 2, indexed.length / 2,
        ...upserts, ...deletes, ...requestInserts, ...diff.deletes.map(String), ...eventArgs, ...recordArgs, ...issued, ...indexed,
      ),
    );
    if (version === COMMIT_CONFLICT) return null;
    if (version === HALL_MISSING) throw new StoreError('CORRUPT', `hall ${hallId} disappeared from Redis during an update`);
    this.stats.commits++;
    return { state: staged, version: String(version), requestOrds: diff.ords, lastRequestOrd: diff.lastOrd };
  }

  /** The hall as stored now: the cached copy if its version is still current (one HGET), else read again. */
  private async fresh(hallId: string): Promise<CommittedHall | null> {
    const cached = this.cache.get(hallId);
    if (cached && (await this.redis.hget(this.keys.hall(hallId).meta, 'v')) === cached.version) return cached;
    return this.read(hallId);
  }

  /** Reads the hall's three hashes in one transaction (a consistent snapshot) and caches it. */
  private async read(hallId: string): Promise<CommittedHall | null> {
    const k = this.keys.hall(hallId);
    const [meta, tickets, requests] = (await execAll(this.redis.multi().hgetall(k.meta).hgetall(k.tickets).hgetall(k.requests))) as Array<
      Record<string, string>
    >;
    const hall = assembleHall(hallId, meta!, tickets!, requests!);
    if (hall) this.cache.set(hallId, hall);
    else this.cache.delete(hallId);
    return hall;
  }

  private async guard<R>(what: string, body: () => Promise<R>): Promise<R> {
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

/** Runs each function on the state the previous one left, as the SQLite adapter's batch does. */
function runFunctions(hallId: string, base: HallState, batch: PendingUpdate[]): Plan {
  const plan: Plan = { settlements: [], staged: base, events: [], eventJson: [], records: new Map(), threw: false };
  for (const op of batch) {
    try {
      const outcome = op.fn(plan.staged);
      if (outcome.ok) {
        checkOutcome(hallId, plan.staged, outcome);
        // Serialise now so a bad event fails its own update, not the batch.
        const json = outcome.events.map((event) => JSON.stringify(event));
        if (outcome.state !== plan.staged) plan.named = mergeChangedTickets(plan.named, outcome);
        plan.staged = outcome.state;
        for (let k = 0; k < outcome.events.length; k++) {
          const event = outcome.events[k]!;
          plan.events.push(event);
          plan.eventJson.push(json[k]!);
          if ('ticket' in event && event.ticket) plan.records.set(event.ticket.id, event.ticket);
        }
      }
      plan.settlements.push({ ok: true, value: outcome });
    } catch (error) {
      plan.settlements.push({ ok: false, error });
      plan.threw = true;
    }
  }
  return plan;
}

/** Results of a pipeline or transaction; the first command error rejects. */
async function execAll(pipeline: { exec(): Promise<Array<[Error | null, unknown]> | null> }): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (!results) throw new Error('transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** Several processes hammering one hall: spread their retries so that one of them wins each round. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
}
