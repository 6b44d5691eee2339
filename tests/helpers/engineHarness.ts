/**
 * A small, reusable harness around the pure queue engine (server/domain):
 * a test hall, a fake clock, deterministic ids, named actors, and a runner that
 * keeps the hall state and every event the engine has produced.
 *
 * Integration tests may reuse `testHallConfig()` and the actors; nothing here
 * depends on a store or a server.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Command } from '../../server/protocol/commands.js';
import { type EngineEnv, type ExecuteOutcome, type IdSource, execute } from '../../server/domain/engine.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { Failure } from '../../server/domain/failure.js';
import { replay } from '../../server/domain/evolve.js';
import { newHallState, prune } from '../../server/domain/lifecycle.js';
import { upcastAll } from '../../server/domain/upcast.js';
import type { Actor, CallingPolicy, Channel, Clerk, HallConfig, HallState, Outcome, Ticket } from '../../server/protocol/model.js';
import type { CallResult } from '../../server/domain/handlers/calling.js';
import { hallFromJson, plainHall } from './plainHall.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Monday 2026-03-02 09:00 in Asia/Shanghai (01:00 UTC). */
export const T0 = Date.parse('2026-03-02T09:00:00+08:00');

/** Epoch ms of a hall-local (Asia/Shanghai, UTC+8, no DST) wall-clock time, e.g. local('2026-03-02T23:59'). */
export function local(isoWithoutZone: string): number {
  return Date.parse(`${isoWithoutZone}+08:00`);
}

/**
 * The test hall:
 *   A 社保 (prefix A)  no cap, any time
 *   B 医保 (prefix B)  no cap, any time
 *   C 户籍 (prefix C)  daily cap 3
 *   D 不动产 (prefix D) issuing Mon–Fri 08:30–12:00 and 14:00–17:00
 * Windows:
 *   w1 (1号) A tier 1, B tier 2
 *   w2 (2号) B tier 1, A tier 2
 *   w3 (3号) C only
 *   w4 (4号 综合窗口) every service, tier 1 ("一窗式")
 */
export function testHallConfig(overrides: Partial<Omit<HallConfig, 'policy'>> & { policy?: Partial<CallingPolicy> } = {}): HallConfig {
  const base: HallConfig = {
    id: 'test-hall',
    name: '测试街道便民服务中心',
    nameAlt: 'Test Street Service Hall',
    timeZone: 'Asia/Shanghai',
    secondLanguage: 'en',
    complaintPhone: '12345',
    maxWaitMinutes: 30,
    evaluationMinutes: 10,
    policy: {
      priorityStreakCap: 2,
      boostAfterMinutes: 30,
      requeueAfter: 2,
      appointmentEarlyMinutes: 10,
      appointmentGraceMinutes: 15,
    },
    services: [
      {
        id: 'svc-a',
        name: '社保业务',
        nameAlt: 'Social insurance',
        prefix: 'A',
        department: '劳动保障所',
        dailyCap: null,
        issuingHours: [],
        timeLimit: { kind: 'immediate' },
        materials: ['居民身份证'],
        initialServiceMinutes: 5,
        enabled: true,
      },
      {
        id: 'svc-b',
        name: '医保业务',
        nameAlt: 'Medical insurance',
        prefix: 'B',
        dailyCap: null,
        issuingHours: [],
        timeLimit: { kind: 'immediate' },
        materials: ['居民身份证', '社保卡'],
        initialServiceMinutes: 6,
        enabled: true,
      },
      {
        id: 'svc-c',
        name: '户籍业务',
        nameAlt: 'Household registration',
        prefix: 'C',
        dailyCap: 3,
        issuingHours: [],
        timeLimit: { kind: 'working-days', days: 5 },
        materials: ['户口簿'],
        initialServiceMinutes: 10,
        enabled: true,
      },
      {
        id: 'svc-d',
        name: '不动产登记',
        nameAlt: 'Real estate registration',
        prefix: 'D',
        dailyCap: null,
        issuingHours: [
          { days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' },
          { days: [1, 2, 3, 4, 5], from: '14:00', to: '17:00' },
        ],
        timeLimit: { kind: 'working-days', days: 21 },
        materials: ['不动产权证书'],
        initialServiceMinutes: 20,
        enabled: true,
      },
    ],
    windows: [
      { id: 'w1', number: 1, name: '1号窗口', services: [{ serviceId: 'svc-a', tier: 1 }, { serviceId: 'svc-b', tier: 2 }] },
      { id: 'w2', number: 2, name: '2号窗口', services: [{ serviceId: 'svc-b', tier: 1 }, { serviceId: 'svc-a', tier: 2 }] },
      { id: 'w3', number: 3, name: '3号窗口', services: [{ serviceId: 'svc-c', tier: 1 }] },
      {
        id: 'w4',
        number: 4,
        name: '4号综合窗口',
        nameAlt: 'Window 4 (all services)',
        services: [
          { serviceId: 'svc-a', tier: 1 },
          { serviceId: 'svc-b', tier: 1 },
          { serviceId: 'svc-c', tier: 1 },
          { serviceId: 'svc-d', tier: 1 },
        ],
      },
    ],
  };
  return { ...base, ...overrides, policy: { ...base.policy, ...(overrides.policy ?? {}) } };
}

// ---- actors ---------------------------------------------------------------

export function staff(user: Clerk): Actor {
  return { kind: 'staff', user };
}

export const clerk1 = staff({ id: 'clerk1', name: '张三', role: 'clerk', staffNo: 'S001', post: '窗口受理' });
export const clerk2 = staff({ id: 'clerk2', name: '李四', role: 'clerk', staffNo: 'S002', post: '窗口受理' });
export const clerk3 = staff({ id: 'clerk3', name: '赵六', role: 'clerk', staffNo: 'S003' });
export const supervisor = staff({ id: 'sup1', name: '王主任', role: 'supervisor', post: '中心主任' });
export const admin = staff({ id: 'admin1', name: '管理员', role: 'admin' });
export const kiosk: Actor = { kind: 'device', deviceId: 'kiosk-1', deviceKind: 'kiosk' };
export const publicActor: Actor = { kind: 'public' };

// ---- clock and ids ----------------------------------------------------------

export class FakeClock {
  constructor(public now: number = T0) {}
  advance(minutes: number): number {
    this.now += minutes * MINUTE;
    return this.now;
  }
  advanceSeconds(seconds: number): number {
    this.now += seconds * 1000;
    return this.now;
  }
  set(epochMs: number): number {
    this.now = epochMs;
    return this.now;
  }
}

/** Deterministic ids: tickets t1, t2 …; records id1, id2 …; check-in codes 000001, 000002 … */
export class CountingIds implements IdSource {
  tickets = 0;
  records = 0;
  codes = 0;
  secretId(): string {
    return `t${++this.tickets}`;
  }
  id(): string {
    return `id${++this.records}`;
  }
  checkInCode(): string {
    return String(++this.codes).padStart(6, '0');
  }
}

// ---- runner -------------------------------------------------------------------

export class CommandFailed extends Error {
  constructor(readonly command: Command, readonly failure: Failure) {
    super(`${command.type} failed: ${failure.code} ${JSON.stringify(failure.details ?? {})}`);
  }
}

export interface HarnessOptions {
  config?: HallConfig;
  start?: number;
  ids?: IdSource;
  /** Check on every command, failed or not, that the input state was left deep-equal (default true). */
  checkFailuresArePure?: boolean;
}

export class Harness {
  readonly clock: FakeClock;
  readonly ids: IdSource;
  state: HallState;
  /** Every event the engine produced, in order. */
  readonly events: HallEvent[] = [];
  /** Events of the last successful command. */
  lastEvents: HallEvent[] = [];
  /** The hall as it was created, before any event. */
  readonly initial: HallState;
  /** When a command last produced a new state (and the engine last pruned it). */
  lastChangeAt: number;
  private readonly checkPurity: boolean;

  constructor(options: HarnessOptions = {}) {
    this.clock = new FakeClock(options.start ?? T0);
    this.ids = options.ids ?? new CountingIds();
    this.state = newHallState(options.config ?? testHallConfig(), this.clock.now);
    this.initial = this.state;
    this.lastChangeAt = this.clock.now;
    this.checkPurity = options.checkFailuresArePure ?? true;
  }

  get env(): EngineEnv {
    return { now: this.clock.now, ids: this.ids };
  }

  advance(minutes: number): this {
    this.clock.advance(minutes);
    return this;
  }

  /** Executes a command; on success keeps the new state and its events. */
  run(command: Command, actor: Actor = supervisor): ExecuteOutcome {
    const input = this.state;
    const before = this.checkPurity ? plainHall(input) : undefined;
    const outcome = execute(input, command, actor, this.env);
    if (before !== undefined && !isDeepStrictEqual(before, plainHall(input))) {
      throw new Error(`${command.type} (${outcome.ok ? 'ok' : outcome.error.code}) mutated its input state`);
    }
    if (outcome.ok) this.keep(input, outcome);
    return outcome;
  }

  /** Takes a successful outcome of `execute` on `input` as the hall's new state (for callers that run the engine themselves). */
  keep(input: HallState, outcome: Extract<ExecuteOutcome, { ok: true }>): void {
    this.state = outcome.state;
    this.events.push(...outcome.events);
    this.lastEvents = outcome.events;
    // A replayed answer returns the input itself: nothing changed, nothing was pruned.
    if (outcome.state !== input) this.lastChangeAt = this.clock.now;
  }

  /**
   * The hall rebuilt from its initial state and its log, as a store would give it back (JSON, upcast
   * on read), pruned when the engine last pruned, in the form `comparable` makes of the live state.
   */
  rebuilt(): unknown {
    const events = upcastAll(JSON.parse(JSON.stringify(this.events)) as unknown[]);
    const state = replay(hallFromJson(JSON.stringify(this.initial)), events);
    prune(state, this.lastChangeAt);
    return comparable(state);
  }

  /** Runs a command that must succeed and returns its result. */
  ok<T = any>(command: Command, actor: Actor = supervisor): T {
    const outcome = this.run(command, actor);
    if (!outcome.ok) throw new CommandFailed(command, outcome.error);
    return outcome.result as T;
  }

  /** Runs a command that must fail and returns the failure. */
  fail(command: Command, actor: Actor = supervisor): Failure {
    const outcome = this.run(command, actor);
    if (outcome.ok) throw new Error(`expected ${command.type} to fail, it succeeded`);
    return outcome.error;
  }

  // ---- shorthands ----

  issue(serviceId: string, options: { priority?: boolean; channel?: Channel; actor?: Actor } = {}): Ticket {
    const result = this.ok<{ ticket: Ticket }>(
      { type: 'ticket.issue', serviceId, channel: options.channel ?? 'kiosk', priority: options.priority ?? false },
      options.actor ?? kiosk,
    );
    return result.ticket;
  }

  open(windowId: string, actor: Actor): void {
    this.ok({ type: 'window.open', windowId }, actor);
  }

  callNext(windowId: string, actor: Actor = supervisor): CallResult {
    return this.ok({ type: 'window.call-next', windowId }, actor);
  }

  finish(windowId: string, actor: Actor = supervisor, outcome: Outcome = 'completed'): Ticket {
    return this.ok({ type: 'window.finish', windowId, outcome }, actor);
  }

  ticket(id: string): Ticket {
    const ticket = this.state.tickets.get(id);
    if (!ticket) throw new Error(`ticket ${id} is not live`);
    return ticket;
  }

  /** Numbers called at a window by repeated call-next (finishing each), e.g. ['A001', 'B001']. */
  drain(windowId: string, count: number, actor: Actor = supervisor): Array<{ number: string; reason: string }> {
    const called: Array<{ number: string; reason: string }> = [];
    for (let i = 0; i < count; i++) {
      const result = this.callNext(windowId, actor);
      called.push({ number: result.ticket.number, reason: result.reason });
    }
    return called;
  }

  eventsOfType<T extends HallEvent['type']>(type: T): Array<Extract<HallEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<HallEvent, { type: T }> => event.type === type);
  }
}

export function harness(options: HarnessOptions = {}): Harness {
  return new Harness(options);
}

/**
 * A hall state as stored (JSON) without what the log deliberately does not
 * rebuild (server/domain/evolve.ts): the remembered request answers and the
 * bookings' check-in codes (and 网上预约 manage-link secrets).
 */
export function comparable(state: HallState): unknown {
  const { requests: _requests, ...rest } = state;
  // 网上预约's manage-link secret is not in the log either (evolve.ts).
  const appointments = Object.fromEntries(Object.entries(rest.appointments).map(([id, { secret: _secret, ...appointment }]) => [id, { ...appointment, code: '' }]));
  return JSON.parse(JSON.stringify({ ...rest, appointments }));
}
