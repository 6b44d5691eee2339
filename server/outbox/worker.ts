import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { HallEvent } from '../protocol/events.js';
import type { HallStore, OutboxEndpointRecord, OutboxStore } from '../store/port.js';
import { DEFAULT_OUTBOX_TIMING, type OutboxTiming, retryDelayMs } from './backoff.js';
import { type FetchLike, type PostResult, postSigned } from './post.js';

/**
 * What one kind of delivery sends (the 好差评 upload is the first; webhooks will be others): which
 * events it takes and the JSON each becomes. The endpoint, secret and cursor are the store's, per
 * hall and subscription name.
 */
export interface OutboxSubscription {
  name: string;
  /**
   * For a family of endpoints (webhooks: `webhook:<id>`, several per hall): whether an endpoint's
   * name is one of this subscription's. Without it the subscription has the one endpoint `name`.
   */
  owns?(endpointName: string): boolean;
  /** `endpoint` is given when known (webhooks filter by its event types). */
  accepts(event: HallEvent, endpoint?: OutboxEndpointRecord): boolean;
  /** The payload of each accepted event of one page, by seq; an event without one is passed over. */
  payloads(hallId: string, events: readonly HallEvent[]): Promise<Map<number, unknown>>;
  /**
   * The idempotency key, raw body and extra headers of one delivery; without it the key is
   * `<hallId>:<seq>` and the body the DeliveryEnvelope around the payload.
   */
  delivery?(endpoint: OutboxEndpointRecord, event: HallEvent, payload: unknown): Delivery;
}

/** One request's key (X-HallQ-Delivery), JSON body and further headers. */
export interface Delivery {
  deliveryId: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** The body of every delivery: the idempotency key (also in X-HallQ-Delivery), where it comes from, and the payload. */
export interface DeliveryEnvelope {
  deliveryId: string;
  hallId: string;
  seq: number | null;
  subscription: string;
  test?: true;
  data: unknown;
}

/** Events read per store call while catching up. */
const PAGE = 200;

/**
 * Delivers every hall's outbox endpoints: reads the events after the endpoint's cursor, POSTs each
 * accepted one in seq order, signed, and moves the cursor durably after a 2xx only; on a failure it
 * waits (exponential back-off, persisted so a restart keeps it) and tries the same event again, so
 * the receiver sees every event in order and, after a crash between its 2xx and the cursor write,
 * at most once more under the same key. It never runs on a command's path: commits only nudge it.
 */
export class OutboxWorker {
  private readonly timing: OutboxTiming;
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<void>>();
  /** Endpoints this process has taken the lease of, given back at close. */
  private readonly leased = new Map<string, { hallId: string; name: string }>();
  /** The endpoints of endpoint families (webhooks) by hall, as last listed: who a commit nudges. */
  private readonly family = new Map<string, Map<string, OutboxEndpointRecord>>();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      outbox: OutboxStore;
      halls: HallStore;
      subscriptions: readonly OutboxSubscription[];
      log: Logger;
      now: () => number;
      timing?: Partial<OutboxTiming>;
      fetch?: FetchLike;
    },
  ) {
    this.timing = { ...DEFAULT_OUTBOX_TIMING, ...deps.timing };
  }

  start(): void {
    this.poller = setInterval(() => void this.pollAll(), this.timing.pollMs);
    this.poller.unref();
    void this.pollAll();
  }

  /** A hall committed events: the subscriptions that take one of them deliver (the others are not bothered). */
  notify(hallId: string, events: readonly HallEvent[]): void {
    for (const subscription of this.deps.subscriptions) {
      if (subscription.owns) continue;
      if (events.some((event) => subscription.accepts(event))) this.kick(hallId, subscription, subscription.name);
    }
    for (const endpoint of this.family.get(hallId)?.values() ?? []) {
      const subscription = this.subscriptionOf(endpoint.name);
      if (subscription && events.some((event) => subscription.accepts(event, endpoint))) this.kick(hallId, subscription, endpoint.name);
    }
  }

  /** Looks at one endpoint now (it was just configured, replayed or deleted). */
  wake(hallId: string, name: string): void {
    const subscription = this.subscriptionOf(name);
    if (!subscription) return;
    if (subscription.owns) void this.refresh(hallId, name);
    else this.kick(hallId, subscription, name);
  }

  /**
   * How many events after `afterSeq` the subscription still has to deliver, read through the log;
   * the read stops after `maxEvents` events (a hall's first upload may have a year before it), and
   * `complete` says whether the count is all of them.
   */
  async pending(
    hallId: string,
    subscription: OutboxSubscription,
    afterSeq: number,
    maxEvents = 20_000,
    endpoint?: OutboxEndpointRecord,
  ): Promise<{ count: number; complete: boolean }> {
    let count = 0;
    let read = 0;
    for (let cursor = afterSeq; ; ) {
      const page = await this.deps.halls.eventsSince(hallId, cursor, 1000);
      count += page.filter((event) => subscription.accepts(event, endpoint)).length;
      read += page.length;
      if (page.length < 1000) return { count, complete: true };
      if (read >= maxEvents) return { count, complete: false };
      cursor = page.at(-1)!.seq;
    }
  }

  /** Stops delivering: no new attempts, the ones under way are aborted, leases given back. */
  async close(): Promise<void> {
    this.stopping.abort();
    if (this.poller) clearInterval(this.poller);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.active]);
    await Promise.allSettled([...this.leased.values()].map(({ hallId, name }) => this.deps.outbox.releaseLease(hallId, name, this.holder)));
  }

  /** One signed test payload to the endpoint as configured, never retried and moving no cursor. */
  async test(endpoint: OutboxEndpointRecord, data: unknown): Promise<PostResult> {
    const deliveryId = `${endpoint.hallId}:test:${this.deps.now()}`;
    const envelope: DeliveryEnvelope = { deliveryId, hallId: endpoint.hallId, seq: null, subscription: endpoint.name, test: true, data };
    return this.sendOnce(endpoint, { deliveryId, body: envelope });
  }

  /** One signed request to the endpoint as configured (a webhook's test), never retried and moving no cursor. */
  async sendOnce(endpoint: OutboxEndpointRecord, delivery: Delivery): Promise<PostResult> {
    return postSigned(endpoint.url, delivery.deliveryId, JSON.stringify(delivery.body), endpoint.secret, {
      timeoutMs: this.timing.timeoutMs,
      signal: this.stopping.signal,
      ...(delivery.headers ? { headers: delivery.headers } : {}),
      ...this.fetchOption(),
    });
  }

  /** When the endpoint's next attempt is due after failures, or null when it is not waiting. */
  nextAttemptAt(progress: { failures: number; lastAttemptAt?: number }): number | null {
    if (progress.failures === 0 || progress.lastAttemptAt === undefined) return null;
    return progress.lastAttemptAt + retryDelayMs(progress.failures, this.timing);
  }

  private fetchOption(): { fetch?: FetchLike } {
    return this.deps.fetch ? { fetch: this.deps.fetch } : {};
  }

  private subscriptionOf(endpointName: string): OutboxSubscription | undefined {
    return this.deps.subscriptions.find((candidate) => (candidate.owns ? candidate.owns(endpointName) : candidate.name === endpointName));
  }

  /** Re-reads one family endpoint into the nudge list and looks at it (another process's edits come with the poll). */
  private async refresh(hallId: string, name: string): Promise<void> {
    try {
      const endpoint = await this.deps.outbox.getEndpoint(hallId, name);
      const hall = this.family.get(hallId) ?? new Map<string, OutboxEndpointRecord>();
      if (endpoint) hall.set(name, endpoint);
      else hall.delete(name);
      this.family.set(hallId, hall);
      const subscription = this.subscriptionOf(name);
      if (endpoint?.enabled && subscription) this.kick(hallId, subscription, name);
    } catch (error) {
      this.deps.log.warn({ err: error, hallId, name }, 'outbox: could not read an endpoint; the next poll will');
    }
  }

  private async pollAll(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      const family = new Map<string, Map<string, OutboxEndpointRecord>>();
      for (const endpoint of await this.deps.outbox.listEndpoints()) {
        const subscription = this.subscriptionOf(endpoint.name);
        if (!subscription) continue;
        if (subscription.owns) {
          const hall = family.get(endpoint.hallId) ?? new Map<string, OutboxEndpointRecord>();
          family.set(endpoint.hallId, hall.set(endpoint.name, endpoint));
        }
        if (endpoint.enabled) this.kick(endpoint.hallId, subscription, endpoint.name);
      }
      this.family.clear();
      for (const [hallId, endpoints] of family) this.family.set(hallId, endpoints);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'outbox: could not list the endpoints; trying again at the next poll');
    }
  }

  private kick(hallId: string, subscription: OutboxSubscription, name: string): void {
    if (this.stopping.signal.aborted) return;
    const key = `${hallId}\u0000${name}`;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.running.add(key);
    const run = (async () => {
      try {
        do {
          this.again.delete(key);
          await this.drain(hallId, subscription, name, key);
        } while (this.again.has(key) && !this.stopping.signal.aborted);
      } catch (error) {
        this.deps.log.warn({ err: error, hallId, subscription: name }, 'outbox: delivery interrupted; trying again at the next poll');
      } finally {
        this.running.delete(key);
      }
    })();
    this.active.add(run);
    void run.finally(() => this.active.delete(run));
  }

  private later(key: string, hallId: string, subscription: OutboxSubscription, name: string, delayMs: number): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.kick(hallId, subscription, name);
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.set(key, timer);
  }

  private async drain(hallId: string, subscription: OutboxSubscription, name: string, key: string): Promise<void> {
    const { outbox, halls, now } = this.deps;
    const progress = await outbox.getProgress(hallId, name);
    const due = this.nextAttemptAt(progress);
    if (due !== null && now() < due) return this.later(key, hallId, subscription, name, due - now());
    let cursor = progress.deliveredSeq;
    for (;;) {
      // Read per page, so a new address, secret or "off" applies from the next page on.
      const endpoint = await outbox.getEndpoint(hallId, name);
      if (!endpoint?.enabled || this.stopping.signal.aborted) return;
      if (!(await outbox.acquireLease(hallId, name, this.holder, this.timing.leaseMs))) return; // another process delivers
      this.leased.set(key, { hallId, name });
      const page = await halls.eventsSince(hallId, cursor, PAGE);
      if (page.length === 0) return;
      const accepted = page.filter((event) => subscription.accepts(event, endpoint));
      const payloads = accepted.length > 0 ? await subscription.payloads(hallId, accepted) : new Map<number, unknown>();
      for (const event of page) {
        if (!payloads.has(event.seq)) continue;
        if (this.stopping.signal.aborted) return;
        // Renewed before each attempt, so a lease outlives the attempt's timeout.
        if (!(await outbox.acquireLease(hallId, name, this.holder, this.timing.leaseMs))) return;
        const delivery = subscription.delivery?.(endpoint, event, payloads.get(event.seq)) ?? this.envelope(hallId, name, event.seq, payloads.get(event.seq));
        const { deliveryId } = delivery;
        const result = await this.sendOnce(endpoint, delivery);
        if (this.stopping.signal.aborted && !result.ok) return; // shutting down: not the endpoint's fault
        if (!result.ok) {
          const at = now();
          await outbox.recordFailure(hallId, name, this.holder, result.error ?? 'failed', at);
          // The failure count is the store's (it survives a restart): the wait follows from it.
          const next = this.nextAttemptAt(await outbox.getProgress(hallId, name)) ?? at + this.timing.retryBaseMs;
          this.deps.log.warn({ hallId, subscription: name, deliveryId, error: result.error, retryInMs: next - at }, 'outbox: delivery failed; will retry');
          return this.later(key, hallId, subscription, name, next - at);
        }
        // With the cursor it started from: a rewind (replay) meanwhile wins, and the next drain starts there.
        if (!(await outbox.advance(hallId, name, this.holder, event.seq, now(), cursor))) return;
        cursor = event.seq;
      }
      const last = page.at(-1)!.seq;
      if (last > cursor) {
        if (!(await outbox.advance(hallId, name, this.holder, last, undefined, cursor))) return;
        cursor = last;
      }
      if (page.length < PAGE) return;
    }
  }

  private envelope(hallId: string, name: string, seq: number, data: unknown): Delivery {
    const deliveryId = `${hallId}:${seq}`;
    const body: DeliveryEnvelope = { deliveryId, hallId, seq, subscription: name, data };
    return { deliveryId, body };
  }
}
