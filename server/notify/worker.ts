import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { HallEvent } from '../protocol/events.js';
import type { HallState } from '../protocol/model.js';
import { notifySettings } from '../protocol/rules/notify.js';
import { localTime } from '../protocol/rules/time.js';
import type { HallStore } from '../store/port.js';
import type { NotifyGateway } from './gateway.js';
import { aheadDue, decisionsOf, messageFacts, messageId, phoneKey } from './rules.js';
import type { NotifyRecord, NotifyStore } from './store.js';
import { messageText } from './text.js';

export interface NotifyTiming {
  /** How often every hall is looked at without a nudge (retries, a missed nudge). */
  pollMs: number;
  /** First retry after a gateway failure; doubles up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a message is given up (a message about a queue is no use hours later). */
  maxAttempts: number;
  /** How long a process's turn at a hall lasts unless renewed (renewed before every message). */
  leaseMs: number;
  /** When another process has the hall, look again after this long (its messages may end before the next poll). */
  leaseRetryMs: number;
}

/**
 * One process at a time sends a hall's messages (several server processes on Redis). The outbox's
 * lease (OutboxStore.acquireLease under the name NOTIFY_LEASE) is reused rather than a second one.
 */
export interface NotifyLease {
  acquire(hallId: string, holder: string, ttlMs: number): Promise<boolean>;
  release(hallId: string, holder: string): Promise<void>;
}

export const NOTIFY_LEASE = 'notify';

export const DEFAULT_NOTIFY_TIMING: NotifyTiming = { pollMs: 15_000, retryBaseMs: 5_000, retryMaxMs: 120_000, maxAttempts: 8, leaseMs: 30_000, leaseRetryMs: 1_000 };

const PAGE = 200;
const DAY = 86_400_000;

/**
 * 无声叫号: follows each hall's event log with a durable cursor like the outbox (server/outbox), so
 * messages are decided from the record, off the command's path. Each message is a durable record
 * per ticket and kind, made before it is sent and settled after: the gateway gets it at least once
 * (a crash between its answer and the settle sends it again under the same message id), the citizen
 * never twice for one decision, since a settled record is never sent again. What a message says,
 * and whether it may still go, is read from the live hall when it goes out.
 */
export class NotifyWorker {
  private readonly timing: NotifyTiming;
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly active = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private poller: NodeJS.Timeout | undefined;
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /**
   * Halls last seen with text messages off (the default). Their commits need no look (no lease, no
   * hall read, no cursor write per command); the poll still moves their cursor on, and a
   * configuration change brings them back at once.
   */
  private readonly silent = new Set<string>();

  constructor(
    private readonly deps: {
      halls: HallStore;
      store: NotifyStore;
      gateway: NotifyGateway;
      log: Logger;
      now: () => number;
      timing?: Partial<NotifyTiming>;
      /** Without it the process is the only one sending (SQLite). */
      lease?: NotifyLease;
    },
  ) {
    this.timing = { ...DEFAULT_NOTIFY_TIMING, ...deps.timing };
  }

  start(): void {
    this.poller = setInterval(() => void this.pollAll(), this.timing.pollMs);
    this.poller.unref();
    void this.pollAll();
  }

  /** A hall committed events: look at it soon (never on the command's path). */
  notify(hallId: string, events: readonly HallEvent[]): void {
    if (this.silent.has(hallId) && !events.some((event) => event.type === 'hall:configured')) return;
    this.kick(hallId);
  }

  /** Resolves once every hall has been looked at (tests, and start-up). */
  async pollAll(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      const halls = await this.deps.halls.listHalls();
      await Promise.allSettled(halls.map((hall) => this.kick(hall.id)));
      await this.deps.store.prune(this.deps.now() - 2 * DAY);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'notify: could not look at the halls; trying again at the next poll');
    }
  }

  /** Looks at the hall now and resolves when the worker has nothing more under way (tests wait for it). */
  async flush(hallId: string): Promise<void> {
    await this.kick(hallId);
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    if (this.poller) clearInterval(this.poller);
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    await Promise.allSettled([...this.active]);
    await this.deps.store.close();
  }

  private kick(hallId: string): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.running.has(hallId)) {
      this.again.add(hallId);
      return Promise.resolve();
    }
    this.running.add(hallId);
    const run = (async () => {
      try {
        do {
          this.again.delete(hallId);
          await this.turn(hallId);
        } while (this.again.has(hallId) && !this.stopping.signal.aborted);
      } catch (error) {
        this.deps.log.warn({ err: error, hallId }, 'notify: interrupted; trying again at the next poll');
      } finally {
        this.running.delete(hallId);
      }
    })();
    this.active.add(run);
    void run.finally(() => this.active.delete(run));
    return run;
  }

  /** One drain, under the hall's lease when there are several processes; given back after, so a process killed while idle holds none. */
  private async turn(hallId: string): Promise<void> {
    const { lease } = this.deps;
    if (!lease) return this.drain(hallId);
    if (!(await lease.acquire(hallId, this.holder, this.timing.leaseMs))) return this.later(hallId, this.timing.leaseRetryMs);
    try {
      await this.drain(hallId);
    } finally {
      await lease.release(hallId, this.holder).catch(() => undefined);
    }
  }

  private async drain(hallId: string): Promise<void> {
    const { halls, store, now } = this.deps;
    const state = await halls.loadHall(hallId);
    if (!state) return;
    const settings = notifySettings(state.config);
    if (settings) this.silent.delete(hallId);
    else this.silent.add(hallId);
    let cursor = await store.cursor(hallId);
    // A hall met for the first time, or with messages off, starts from now: no messages about the past.
    if (cursor === null || !settings) {
      await store.setCursor(hallId, state.seq);
      if (!settings) return;
      cursor = state.seq;
    }
    while (cursor < state.seq) {
      const read = await halls.eventsSince(hallId, cursor, PAGE);
      // Only up to the state read above: a call committed since (by this or another process) would
      // be claimed and then judged on a hall that does not have it yet, and dropped. Its commit's
      // nudge brings it in the next round.
      const page = read.filter((event) => event.seq <= state.seq);
      if (page.length === 0) break;
      for (const decision of decisionsOf(page, settings)) await store.claim(hallId, decision.ticketId, decision.kind, decision.status, now());
      cursor = page.at(-1)!.seq;
      await store.setCursor(hallId, cursor);
      if (read.length < PAGE) break;
    }
    for (const ticketId of aheadDue(state, settings, now())) await store.claim(hallId, ticketId, 'ahead', 'pending', now());
    for (const record of await store.pending(hallId)) {
      if (this.stopping.signal.aborted) return;
      // Renewed before each message: a process that lost its turn (a long pause) stops sending.
      if (this.deps.lease && !(await this.deps.lease.acquire(hallId, this.holder, this.timing.leaseMs))) return this.later(hallId, this.timing.leaseRetryMs);
      await this.deliver(state, record, settings.perNumberPerDay);
    }
  }

  private async deliver(state: HallState, record: NotifyRecord, perNumberPerDay: number): Promise<void> {
    const { store, gateway, log, now } = this.deps;
    const { hallId, ticketId, kind } = record;
    const facts = messageFacts(state, ticketId, kind, now());
    if (!facts) return store.settle(hallId, ticketId, kind, 'dropped', now());
    if (record.attempts > 0 && now() < record.nextAttemptAt) return this.later(hallId, record.nextAttemptAt - now());
    const key = phoneKey(hallId, facts.phone);
    const day = localTime(now(), state.config.timeZone).day;
    if ((await store.sentCount(key, day)) >= perNumberPerDay) {
      log.info({ hallId, kind }, 'notify: daily limit of the number reached; message not sent');
      return store.settle(hallId, ticketId, kind, 'limited', now());
    }
    const text = messageText(kind, { hall: state.config.name, ...facts });
    const result = await gateway.send({ id: messageId(hallId, ticketId, kind), hallId, kind, ...facts, text }, this.stopping.signal);
    if (result.ok) return store.settle(hallId, ticketId, kind, 'sent', now(), { phoneKey: key, day });
    if (this.stopping.signal.aborted) return;
    const attempts = record.attempts + 1;
    if (attempts >= this.timing.maxAttempts) {
      log.warn({ hallId, kind, error: result.error, attempts }, 'notify: the gateway refused the message too often; given up');
      return store.settle(hallId, ticketId, kind, 'failed', now());
    }
    const delay = Math.min(this.timing.retryMaxMs, this.timing.retryBaseMs * 2 ** (attempts - 1));
    log.warn({ hallId, kind, error: result.error, retryInMs: delay }, 'notify: sending failed; will retry');
    await store.failed(hallId, ticketId, kind, result.error ?? 'failed', now() + delay);
    this.later(hallId, delay);
  }

  /** One retry timer per hall, the earliest asked for. */
  private later(hallId: string, delayMs: number): void {
    const at = this.deps.now() + Math.max(0, delayMs);
    const existing = this.timers.get(hallId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(hallId);
      void this.kick(hallId);
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.set(hallId, { at, timer });
  }
}
