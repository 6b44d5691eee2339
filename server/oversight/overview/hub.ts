import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { localTime } from '../../protocol/rules/time.js';
import type { HallEvent } from '../../protocol/events.js';
import type { HallState } from '../../protocol/model.js';
import type { HallOverview } from '../../protocol/overview.js';
import { rangeSpan } from '../../stats/compute.js';
import { readRangeEvents } from '../../stats/eventSource.js';
import type { AccountStore, HallStore } from '../../store/port.js';
import { overviewRow, sameRow } from './row.js';
import { TodayTally } from './today.js';

/** Where rows go: the realtime layer (rooms per hall, through the Redis adapter when there is one). */
export interface OverviewOutlet {
  /** A changed row to every overview socket in scope; `local`: only this process's (each process ticks by itself). */
  publish(row: HallOverview, local: boolean): void;
  /** Ids of the hall's paired devices connected now, on any process. */
  connectedDevices(hallId: string): Promise<ReadonlySet<string>>;
}

export interface OverviewDeps {
  halls: Pick<HallStore, 'listHalls' | 'loadHall' | 'eventsSince'>;
  accounts: Pick<AccountStore, 'listDevices'>;
  now(): number;
  log: Logger;
}

/** Why a row is recomputed: a commit (with its events), a device connecting or dropping, or the minute. */
type Cause = { kind: 'commit'; events: readonly HallEvent[] } | { kind: 'devices' } | { kind: 'tick' };

/**
 * The overview's rows, one per hall, kept in memory and recomputed on the causes above; a row is
 * published only when it differs from the last one (docs/oversight.md). Recomputations of one hall run
 * one after another, and causes that arrive meanwhile are merged into one more run.
 */
export class OverviewHub {
  private readonly rows = new Map<string, HallOverview>();
  private readonly today = new Map<string, TodayTally>();
  private readonly offline = new Map<string, number>();
  private readonly running = new Map<string, Promise<HallOverview | null>>();
  private readonly queued = new Map<string, { devices: boolean; local: boolean; events: HallEvent[] }>();
  private outlet: OverviewOutlet | undefined;
  /** Recomputations done and the time they took, for the benchmark (tests/bench/overview.ts). */
  readonly work = { recomputations: 0, ms: 0 };

  constructor(private readonly deps: OverviewDeps) {}

  attach(outlet: OverviewOutlet): void {
    this.outlet = outlet;
  }

  /** After a commit of this process (the hook that publishes events). */
  committed(hallId: string, events: readonly HallEvent[]): void {
    void this.schedule(hallId, { kind: 'commit', events });
  }

  devicesChanged(hallId: string): void {
    void this.schedule(hallId, { kind: 'devices' });
  }

  /** Another process published this row (Redis): it is the last row here too, so the next tick sends nothing new. */
  learn(row: HallOverview): void {
    this.rows.set(row.hallId, row);
  }

  /** Once a minute: every hall, for the longest wait and devices; halls created since are picked up here. */
  async tick(): Promise<void> {
    const halls = await this.deps.halls.listHalls();
    for (const hall of halls) await this.schedule(hall.id, { kind: 'tick' });
  }

  /**
   * The rows of these halls as of now (a snapshot): recomputed, because a row's longest wait is as old as
   * its last change; a row that changed meanwhile also goes to the sockets already watching.
   */
  async rowsOf(hallIds: readonly string[]): Promise<HallOverview[]> {
    const rows = await Promise.all(hallIds.map((hallId) => this.schedule(hallId, { kind: 'tick' })));
    return rows.filter((row): row is HallOverview => row !== null);
  }

  async allHallIds(): Promise<string[]> {
    return (await this.deps.halls.listHalls()).map((hall) => hall.id);
  }

  private schedule(hallId: string, cause: Cause): Promise<HallOverview | null> {
    const running = this.running.get(hallId);
    const next = this.queued.get(hallId) ?? { devices: false, local: true, events: [] };
    if (cause.kind === 'commit') {
      next.events.push(...cause.events);
      next.local = false;
    } else next.devices = true;
    if (cause.kind === 'devices') next.local = false;
    this.queued.set(hallId, next);
    // The running drain takes this cause on its next turn; one that finished just before it was queued
    // (its promise not yet settled) leaves it queued, and it is drained here.
    if (running) return running.then(() => this.running.get(hallId) ?? (this.queued.has(hallId) ? this.drain(hallId) : (this.rows.get(hallId) ?? null)));
    return this.drain(hallId);
  }

  private drain(hallId: string): Promise<HallOverview | null> {
    const work = (async () => {
      let row: HallOverview | null = null;
      for (let job = this.queued.get(hallId); job; job = this.queued.get(hallId)) {
        this.queued.delete(hallId);
        const started = performance.now();
        try {
          row = await this.recompute(hallId, job);
          this.work.recomputations += 1;
          this.work.ms += performance.now() - started;
        } catch (error) {
          this.deps.log.warn({ err: error, hallId }, 'overview row not recomputed; the next change or minute tries again');
        }
      }
      return row;
    })();
    this.running.set(hallId, work);
    void work.finally(() => {
      if (this.running.get(hallId) === work) this.running.delete(hallId);
    });
    return work;
  }

  private async recompute(hallId: string, job: { devices: boolean; local: boolean; events: HallEvent[] }): Promise<HallOverview | null> {
    const state = await this.deps.halls.loadHall(hallId);
    if (!state) return null;
    const now = this.deps.now();
    const today = await this.todayOf(state, now, job.events);
    if (job.devices || !this.offline.has(hallId)) this.offline.set(hallId, await this.devicesOffline(hallId));
    const row = overviewRow(state, now, { day: today.day, ...today.numbers() }, this.offline.get(hallId)!);
    if (sameRow(this.rows.get(hallId), row)) return this.rows.get(hallId)!;
    this.rows.set(hallId, row);
    this.outlet?.publish(row, job.local);
    return row;
  }

  /** Today's tally, caught up to the state: the commit's events when they follow on, else the log. */
  private async todayOf(state: HallState, now: number, events: readonly HallEvent[]): Promise<TodayTally> {
    const { timeZone } = state.config;
    const day = localTime(now, timeZone).day;
    let tally = this.today.get(state.config.id);
    if (!tally || tally.day !== day || tally.seq > state.seq) {
      // A new day (or a first look): read it from the log once, from its first moment to the state.
      tally = new TodayTally(day, timeZone, 0);
      const span = rangeSpan({ from: day, to: day }, timeZone);
      tally.seed(await readRangeEvents(this.deps.halls, state.config.id, state.seq, span, 0), state.seq);
      this.today.set(state.config.id, tally);
      return tally;
    }
    tally.apply(events.filter((event) => event.seq <= state.seq));
    while (tally.seq < state.seq) {
      const missing = await this.deps.halls.eventsSince(state.config.id, tally.seq, Math.min(5_000, state.seq - tally.seq));
      if (missing.length === 0 || !tally.apply(missing.filter((event) => event.seq <= state.seq))) {
        // The log has a hole (retention) or ends early: start the day over from the log.
        this.today.delete(state.config.id);
        return this.todayOf(state, now, []);
      }
    }
    return tally;
  }

  private async devicesOffline(hallId: string): Promise<number> {
    const devices = (await this.deps.accounts.listDevices(hallId)).filter((device) => device.revokedAt === undefined);
    if (devices.length === 0) return 0;
    const connected = (await this.outlet?.connectedDevices(hallId)) ?? new Set<string>();
    return devices.filter((device) => !connected.has(device.id)).length;
  }
}
