/**
 * Property tests of the queue engine: random command sequences by several
 * clerks, a supervisor, kiosks and citizens, with clock jumps across local
 * midnight, checking after every step:
 *  - event seqs contiguous from 1, state.seq = last seq;
 *  - no ticket lost or duplicated: every issued id is live with the status its
 *    events imply, or has a terminal event (finished then pruned after the
 *    rating window, cancelled, expired);
 *  - numbers gap-free per (service, local day), counters agree;
 *  - windows: ≤1 current ticket, called/serving there; no ticket current at two
 *    windows; every called/serving ticket is its window's current; a clerk holds
 *    one window;
 *  - the input state is never mutated (failed or not), refusals use known codes;
 *  - retries with the same requestId answer alike and change nothing;
 *  - the priority cap: no priority call beyond the cap while an ordinary ticket waits;
 *  - with `hall.configure` (random valid edits of the running hall: windows and
 *    services added, removed, renamed, renumbered; tiers, caps, periods, time
 *    zone, closing time) and `hall.close-day` in the mix: every window of the
 *    configuration has live state and no other window has; no number is issued
 *    twice, per service or per hall, across days and time-zone changes (the
 *    day only moves forward);
 *  - the log is the state: the initial hall plus every event, read back as a
 *    store gives it (JSON, upcast), rebuilds the engine's state (evolve.ts).
 * HALLQ_PROPERTY_RUNS=5000 runs more sequences when hunting.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import { execute } from '../../server/domain/engine.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { CallResult } from '../../server/domain/handlers/calling.js';
import { formatNumber } from '../../server/domain/handlers/tickets.js';
import { EVENT_VERSION } from '../../server/protocol/events.js';
import {
  type Actor,
  CHANNELS,
  type HallState,
  type Ticket,
  OUTCOMES,
  PAUSE_REASONS,
  type RatingLevel,
  TERMINAL_STATUSES,
  type TicketStatus,
} from '../../server/protocol/model.js';
import { classOf, windowCanServe } from '../../server/domain/queue.js';
import { localTime } from '../../server/domain/time.js';
import { isSpecial, waitingIndexOf } from '../../server/protocol/rules/waitingIndex.js';
import { selectNext } from '../../server/protocol/rules/queue.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';
import { plainHall } from '../helpers/plainHall.js';
import { ErrorCode } from '../../server/protocol/errors.js';
import {
  MINUTE,
  T0,
  clerk1,
  clerk2,
  clerk3,
  harness,
  kiosk,
  local,
  publicActor,
  supervisor,
  type Harness,
  admin,
  comparable,
} from '../helpers/engineHarness.js';
import { EDIT_KINDS, randomEdit } from '../helpers/configEdits.js';

const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'svc-d'] as const;
const WINDOWS = ['w1', 'w2', 'w3', 'w4'] as const;
const STAFF: readonly Actor[] = [clerk1, clerk2, clerk3, supervisor];

// ---- the operations a random sequence is made of ------------------------------------------------

type Who = number | 'holder';

type Op =
  | { k: 'issue'; svc: number; priority: boolean; channel: number; byDesk: boolean }
  | { k: 'open' | 'close' | 'resume' | 'takeOver' | 'callNext' | 'recall' | 'start' | 'noShow'; win: number; who: Who }
  | { k: 'pause'; win: number; who: Who; reason: number }
  | { k: 'call'; win: number; who: Who; ticket: number }
  | { k: 'finish'; win: number; who: Who; outcome: number; caseNumber: boolean }
  | { k: 'requeue'; win: number; who: Who; ticket: number; after: number | null }
  | { k: 'transfer'; win: number; who: Who; svc: number | null; toWin: number | null }
  | { k: 'cancel'; who: number; ticket: number }
  | { k: 'rate'; byWindow: boolean; win: number; ticket: number; level: number; who: number }
  | { k: 'book'; svc: number; offset: number }
  | { k: 'checkIn'; code: number }
  | { k: 'configure'; edit: number; a: number; b: number; c: number }
  | { k: 'closeDay' }
  | { k: 'advance'; seconds: number }
  | { k: 'retry' };

/** Indices into the hall's current windows and services (modulo how many there are, as edits add and remove them). */
const win = fc.integer({ min: 0, max: 2 * WINDOWS.length - 1 });
const who: fc.Arbitrary<Who> = fc.oneof({ arbitrary: fc.constant('holder' as const), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: STAFF.length - 1 }), weight: 1 });
const ticketRef = fc.nat({ max: 1000 });
const simple = (k: Extract<Op, { win: number; who: Who }>['k']) => fc.record({ k: fc.constant(k), win, who }) as fc.Arbitrary<Op>;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('issue' as const),
      svc: fc.integer({ min: 0, max: 2 * SERVICES.length - 1 }),
      priority: fc.boolean(),
      channel: fc.integer({ min: 0, max: CHANNELS.length - 2 }),
      byDesk: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: simple('open') },
  { weight: 1, arbitrary: simple('close') },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), win, who, reason: fc.integer({ min: 0, max: PAUSE_REASONS.length - 1 }) }) },
  { weight: 1, arbitrary: simple('resume') },
  { weight: 1, arbitrary: simple('takeOver') },
  { weight: 8, arbitrary: simple('callNext') },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('call' as const), win, who, ticket: ticketRef }) },
  { weight: 1, arbitrary: simple('recall') },
  { weight: 3, arbitrary: simple('start') },
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant('finish' as const), win, who, outcome: fc.integer({ min: 0, max: OUTCOMES.length - 1 }), caseNumber: fc.boolean() }),
  },
  { weight: 2, arbitrary: simple('noShow') },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('requeue' as const), win, who, ticket: ticketRef, after: fc.option(fc.integer({ min: 0, max: 5 })) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('transfer' as const),
      win,
      who,
      svc: fc.option(fc.integer({ min: 0, max: 2 * SERVICES.length - 1 })),
      toWin: fc.option(win),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), who: fc.integer({ min: 0, max: STAFF.length - 1 }), ticket: ticketRef }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('rate' as const),
      byWindow: fc.boolean(),
      win,
      ticket: ticketRef,
      level: fc.integer({ min: 1, max: 5 }),
      who: fc.integer({ min: 0, max: STAFF.length - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('book' as const), svc: fc.integer({ min: 0, max: 2 * SERVICES.length - 1 }), offset: fc.integer({ min: -60, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('checkIn' as const), code: fc.nat({ max: 100 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 20 * 60 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('advance' as const), seconds: fc.integer({ min: 3600, max: 16 * 3600 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'retry' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('configure' as const),
      edit: fc.integer({ min: 0, max: EDIT_KINDS - 1 }),
      a: fc.nat({ max: 50 }),
      b: fc.nat({ max: 50 }),
      c: fc.nat({ max: 1000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'closeDay' as const }) },
);

/** 300 sequences by default; raise with HALLQ_PROPERTY_RUNS=5000 to hunt. */
const RUNS = Number(process.env.HALLQ_PROPERTY_RUNS ?? 300);

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** Monday morning, just before local midnight (16:00 UTC), Friday afternoon before a weekend, before opening. */
const startArb = fc.constantFrom(T0, local('2026-03-02T23:40'), local('2026-03-02T23:58'), local('2026-03-06T16:30'), local('2026-03-02T07:50'));

// ---- turning ops into commands --------------------------------------------------------------------

interface World {
  h: Harness;
  /** Every ticket id ever issued, in order. */
  issued: string[];
  codes: string[];
  step: number;
  /** Every prefix the hall has had, so that random edits never give one to another service. */
  prefixes: Set<string>;
  /** Whether the time zone has been changed in this run (a ticket's day may then be ahead of its local date). */
  zoneChanged: boolean;
  last?: { command: Command; actor: Actor; outcome: ReturnType<typeof execute>; at: number };
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function windowAt(world: World, index: number): string {
  return pick(world.h.state.config.windows, index)?.id ?? 'no-window';
}

function serviceAt(world: World, index: number): string {
  return pick(world.h.state.config.services, index)?.id ?? 'no-service';
}

function actorFor(world: World, windowIndex: number, w: Who): Actor {
  if (w !== 'holder') return STAFF[w]!;
  const holder = world.h.state.windows[windowAt(world, windowIndex)]?.clerk;
  return holder ? { kind: 'staff', user: holder } : pick(STAFF, windowIndex)!;
}

function toCommand(world: World, op: Exclude<Op, { k: 'advance' } | { k: 'retry' }>): [Command, Actor] {
  const requestId = `r${world.step}`;
  const ticketId = (index: number) => pick(world.issued, index) ?? 'no-ticket';
  switch (op.k) {
    case 'issue':
      return [
        { type: 'ticket.issue', serviceId: serviceAt(world, op.svc), channel: CHANNELS[op.channel]!, priority: op.priority, requestId },
        op.byDesk ? clerk1 : op.channel === 2 ? publicActor : kiosk,
      ];
    case 'book':
      return [
        {
          type: 'appointment.create',
          serviceId: serviceAt(world, op.svc),
          slotStart: world.h.clock.now + op.offset * MINUTE,
          slotEnd: world.h.clock.now + (op.offset + 30) * MINUTE,
          requestId,
        },
        supervisor,
      ];
    case 'checkIn':
      return [{ type: 'appointment.check-in', code: pick(world.codes, op.code) ?? 'no-code', requestId }, kiosk];
    case 'cancel':
      return [{ type: 'ticket.cancel', ticketId: ticketId(op.ticket), requestId }, STAFF[op.who]!];
    case 'rate':
      return op.byWindow
        ? [{ type: 'ticket.rate', windowId: windowAt(world, op.win), level: op.level as RatingLevel, requestId }, publicActor]
        : [{ type: 'ticket.rate', ticketId: ticketId(op.ticket), level: op.level as RatingLevel, requestId }, publicActor];
    case 'configure': {
      const { config } = randomEdit(world.h.state.config, op, world.step, world.prefixes);
      return [{ type: 'hall.configure', config, requestId }, admin];
    }
    case 'closeDay':
      return [{ type: 'hall.close-day', requestId }, supervisor];
    default: {
      const windowId = windowAt(world, op.win);
      const actor = actorFor(world, op.win, op.who);
      switch (op.k) {
        case 'open':
          return [{ type: 'window.open', windowId, requestId }, actor];
        case 'close':
          return [{ type: 'window.close', windowId, requestId }, actor];
        case 'pause':
          return [{ type: 'window.pause', windowId, reason: PAUSE_REASONS[op.reason]!, requestId }, actor];
        case 'resume':
          return [{ type: 'window.resume', windowId, requestId }, actor];
        case 'takeOver':
          return [{ type: 'window.take-over', windowId, requestId }, op.who === 'holder' ? pick(STAFF, world.step)! : actor];
        case 'callNext':
          return [{ type: 'window.call-next', windowId, requestId }, actor];
        case 'call':
          return [{ type: 'window.call', windowId, ticketId: ticketId(op.ticket), requestId }, actor];
        case 'recall':
          return [{ type: 'window.recall', windowId, requestId }, actor];
        case 'start':
          return [{ type: 'window.start', windowId, requestId }, actor];
        case 'finish':
          return [
            { type: 'window.finish', windowId, outcome: OUTCOMES[op.outcome]!, ...(op.caseNumber ? { caseNumber: `case-${world.step}` } : {}), requestId },
            actor,
          ];
        case 'noShow':
          return [{ type: 'window.no-show', windowId, requestId }, actor];
        case 'requeue':
          return [{ type: 'window.requeue', windowId, ticketId: ticketId(op.ticket), ...(op.after !== null ? { after: op.after } : {}), requestId }, actor];
        case 'transfer':
          return [
            {
              type: 'window.transfer',
              windowId,
              ...(op.svc !== null ? { serviceId: serviceAt(world, op.svc) } : {}),
              ...(op.toWin !== null ? { toWindowId: windowAt(world, op.toWin) } : {}),
              requestId,
            },
            actor,
          ];
      }
    }
  }
}

/** A cheap assertion for the hot loops (vitest's expect costs microseconds per call). */
function check(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

// ---- the model kept from the event log --------------------------------------------------------------

interface Model {
  /** Status each ticket must have according to the events so far. */
  status: Map<string, TicketStatus>;
  /** (serviceId at issue | day) → seqOfDay values issued. */
  numbers: Map<string, number[]>;
  eventCount: number;
  /** Served tickets seen live, with the end of their rating window. */
  servedLive: Map<string, number>;
  /** Every number issued, as "day|number" (the hall prints it) and "service|day|number". */
  printed: Set<string>;
}

const IMPLIED: Partial<Record<HallEvent['type'], TicketStatus>> = {
  'ticket:issued': 'waiting',
  'appointment:checked-in': 'waiting',
  'ticket:called': 'called',
  'ticket:recalled': 'called',
  'ticket:started': 'serving',
  'ticket:finished': 'served',
  'ticket:no-show': 'no-show',
  'ticket:requeued': 'waiting',
  'ticket:transferred': 'waiting',
  'ticket:cancelled': 'cancelled',
  'ticket:expired': 'expired',
  'ticket:rated': 'served',
};

function absorb(model: Model, world: World, events: HallEvent[]): void {
  const config = world.h.state.config;
  for (const event of events) {
    model.eventCount += 1;
    check(event.seq === model.eventCount, () => `event seq ${event.seq}, expected ${model.eventCount} (contiguous from 1)`);
    check(event.hallId === config.id, 'event hallId');
    check(event.v === EVENT_VERSION, () => `${event.type} has version ${event.v}`);
    if (!('ticket' in event)) continue;
    const { ticket } = event;
    const implied = IMPLIED[event.type]!;
    check(ticket.status === implied, () => `${event.type} carries ticket status ${ticket.status}, expected ${implied}`);
    if (event.type === 'ticket:issued' || event.type === 'appointment:checked-in') {
      check(!model.status.has(ticket.id), () => `ticket id ${ticket.id} issued twice`);
      world.issued.push(ticket.id);
      const service = config.services.find((candidate) => candidate.id === ticket.serviceId)!;
      check(ticket.number === formatNumber(service.prefix, ticket.seqOfDay), () => `number ${ticket.number} for seq ${ticket.seqOfDay}`);
      const localDay = localTime(ticket.issuedAt, config.timeZone).day;
      if (!world.zoneChanged) check(ticket.day === localDay, () => `ticket day ${ticket.day} is not the local day of issue`);
      // After a time-zone change the hall may stay in a day its new local date has not reached: never behind it.
      check(ticket.day === world.h.state.day && ticket.day >= localDay, () => `ticket day ${ticket.day}, hall day ${world.h.state.day}, local ${localDay}`);
      for (const printed of [`${ticket.day}|${ticket.number}`, `${ticket.serviceId}|${ticket.day}|${ticket.number}`]) {
        check(!model.printed.has(printed), () => `number ${printed} issued twice`);
        model.printed.add(printed);
      }
      const key = `${ticket.serviceId}|${ticket.day}`;
      model.numbers.set(key, [...(model.numbers.get(key) ?? []), ticket.seqOfDay]);
    } else {
      const previous = model.status.get(ticket.id);
      check(previous !== undefined, () => `${event.type} for unknown ticket ${ticket.id}`);
      check(previous !== 'cancelled' && previous !== 'expired', () => `${event.type} after ${previous} for ${ticket.number}`);
      check(previous !== 'served' || event.type === 'ticket:rated', () => `${event.type} after served for ${ticket.number}`);
    }
    model.status.set(ticket.id, implied);
  }
}

function checkState(model: Model, world: World, lastChangeAt: number): void {
  const { state } = world.h;
  check(state.seq === model.eventCount, () => `state.seq ${state.seq} is not the last event seq ${model.eventCount}`);

  // no ticket lost or duplicated
  for (const id of state.tickets.keys()) check(model.status.has(id), () => `live ticket ${id} was never issued`);
  const ratingWindow = state.config.evaluationMinutes * MINUTE;
  for (const [id, implied] of model.status) {
    const live = state.tickets.get(id);
    if (live) {
      check(live.id === id, 'ticket keyed by its id');
      check(live.status === implied, () => `ticket ${live.number} is ${live.status}, its events say ${implied}`);
      check(live.status !== 'cancelled' && live.status !== 'expired', () => `${live.status} ticket ${live.number} is still live`);
      check(live.status !== 'served' || live.finishedAt! + ratingWindow > lastChangeAt, () => `served ${live.number} kept past the rating window`);
      if (live.status === 'served') model.servedLive.set(id, live.finishedAt! + ratingWindow);
    } else {
      check(TERMINAL_STATUSES.includes(implied), () => `ticket ${id} gone without a terminal event (last: ${implied})`);
      const servedUntil = model.servedLive.get(id);
      if (servedUntil !== undefined) {
        // pruned in this step: only once its rating window is over
        check(servedUntil <= lastChangeAt, () => `served ticket ${id} pruned before its rating window ended`);
        model.servedLive.delete(id);
      }
    }
  }

  // numbers gap-free per (service, day), counters agree
  for (const [key, seqs] of model.numbers) {
    const sorted = [...seqs].sort((a, b) => a - b);
    check(sorted.every((seq, index) => seq === index + 1), () => `numbers of ${key} are not 1..n: ${sorted.join(',')}`);
    const [serviceId, day] = key.split('|');
    if (day === state.day) check(state.counters[serviceId!] === sorted.length, () => `counter of ${key}`);
  }

  // the live state matches the configuration: every configured window has live state, no other window has
  const configured = state.config.windows.map((window) => window.id);
  check(
    isDeepStrictEqual([...configured].sort(), Object.keys(state.windows).sort()),
    () => `configured windows ${configured.join(',')} but live state for ${Object.keys(state.windows).join(',')}`,
  );

  // windows and their current tickets
  const currentAt = new Map<string, string>();
  const heldBy = new Map<string, number>();
  for (const windowId of configured) {
    const runtime = state.windows[windowId]!;
    if (runtime.status === 'closed') {
      check(runtime.clerk === undefined && runtime.currentTicketId === undefined, () => `closed ${windowId} has a clerk or ticket`);
      continue;
    }
    check(runtime.clerk !== undefined, () => `open window ${windowId} has no clerk`);
    if (runtime.clerk.role === 'clerk') heldBy.set(runtime.clerk.id, (heldBy.get(runtime.clerk.id) ?? 0) + 1);
    const currentId = runtime.currentTicketId;
    if (currentId === undefined) continue;
    check(!currentAt.has(currentId), () => `ticket ${currentId} is current at ${currentAt.get(currentId)} and ${windowId}`);
    currentAt.set(currentId, windowId);
    const ticket = state.tickets.get(currentId);
    check(ticket !== undefined, () => `current ticket of ${windowId} is not live`);
    check(ticket.status === 'called' || ticket.status === 'serving', () => `current ticket of ${windowId} is ${ticket.status}`);
    check(ticket.windowId === windowId, () => `current ticket of ${windowId} says window ${ticket.windowId}`);
  }
  for (const [clerkId, count] of heldBy) check(count === 1, () => `${clerkId} holds ${count} windows`);
  for (const ticket of state.tickets.values()) {
    if (ticket.status === 'called' || ticket.status === 'serving') {
      check(currentAt.get(ticket.id) === ticket.windowId, () => `${ticket.status} ${ticket.number} is not current at its window ${ticket.windowId}`);
    }
    if (ticket.status === 'waiting') check(ticket.windowId === undefined, () => `waiting ${ticket.number} still names a window`);
  }
}

/** After `priorityStreakCap` priority calls in a row, a window calls an ordinary ticket if one waits for it. */
function checkNoStarvation(before: HallState, windowId: string, call: CallResult, events: HallEvent[], now: number): void {
  if (call.reason !== 'priority' || events.some((event) => event.type === 'hall:day-started')) return;
  const streak = before.windows[windowId]!.priorityStreak;
  if (streak < before.config.policy.priorityStreakCap) return;
  const window = before.config.windows.find((candidate) => candidate.id === windowId)!;
  const ordinary = before.tickets.values().find((ticket) => {
    if (ticket.status !== 'waiting' || !windowCanServe(window, ticket)) return false;
    const cls = classOf(before, ticket, now);
    return cls === 'long-wait' || cls === 'queue-order';
  });
  check(ordinary === undefined, () => `${windowId} made priority call #${streak + 1} while ${ordinary!.number} waited`);
}

// ---- the property -------------------------------------------------------------------------------------

function runSequence(start: number, ops: Op[]): void {
  const h = harness({ start, checkFailuresArePure: false });
  const world: World = { h, issued: [], codes: [], step: 0, prefixes: new Set(h.state.config.services.map((service) => service.prefix)), zoneChanged: false };
  const model: Model = { status: new Map(), numbers: new Map(), eventCount: 0, servedLive: new Map(), printed: new Set() };
  let lastChangeAt = start;
  for (const op of ops) {
    world.step += 1;
    if (op.k === 'advance') {
      h.clock.advanceSeconds(op.seconds);
      continue;
    }
    let command: Command;
    let actor: Actor;
    if (op.k === 'retry') {
      if (!world.last) continue;
      ({ command, actor } = world.last);
    } else {
      [command, actor] = toCommand(world, op);
    }
    const before = plainHall(h.state);
    const inputState = h.state;
    const outcome = execute(inputState, command, actor, h.env);
    if (outcome.ok) {
      h.keep(inputState, outcome);
      lastChangeAt = h.lastChangeAt; // a replayed answer changes (and prunes) nothing
      if (h.state.config.timeZone !== inputState.config.timeZone) world.zoneChanged = true;
      absorb(model, world, outcome.events);
      if (command.type === 'appointment.create' && outcome.events.length > 0) {
        world.codes.push((outcome.result as { code: string }).code);
      }
    } else {
      check(KNOWN_CODES.has(outcome.error.code), () => `unknown error code ${outcome.error.code}`);
    }
    check(isDeepStrictEqual(plainHall(inputState), before), () =>
      outcome.ok ? `${command.type} mutated its input state` : `failed ${command.type} (${outcome.error.code}) changed the state`,
    );

    if (outcome.ok && outcome.state !== inputState) {
      // The store writes the tickets the engine names and reads no other: every ticket put or removed is named.
      const differ = new Set<string>();
      for (const id of new Set([...inputState.tickets.keys(), ...outcome.state.tickets.keys()])) {
        if (inputState.tickets.get(id) !== outcome.state.tickets.get(id)) differ.add(id);
      }
      const named = outcome.changedTickets ?? new Set<string>();
      check([...differ].every((id) => named.has(id)), () => `${command.type} changed tickets it did not name: ${[...differ].filter((id) => !named.has(id)).join(', ')}`);
    }

    if (outcome.ok) checkWaitingIndex(outcome.state, command.type);

    if (outcome.ok && command.type === 'window.call-next' && outcome.state !== inputState) {
      checkNoStarvation(inputState, command.windowId, outcome.result as CallResult, outcome.events, h.clock.now);
    }

    if (op.k === 'retry' && world.last) {
      const first = world.last.outcome;
      if (first.ok && actor.kind !== 'public') {
        // a retry with the same requestId from the same actor: the first answer, nothing new
        check(outcome.ok, () => `retry of ${command.type} failed`);
        check(outcome.events.length === 0, () => `retry of ${command.type} emitted events`);
        check(outcome.state === inputState, () => `retry of ${command.type} changed the state`);
        check(isDeepStrictEqual(outcome.result, first.result), () => `retry of ${command.type} answered differently`);
      } else if (!first.ok && world.last.at === h.clock.now) {
        // nothing changed since the refusal, so the same refusal
        check(!outcome.ok && outcome.error.code === first.error.code, () => `retry of refused ${command.type} was not refused alike`);
      }
    }
    world.last = { command, actor, outcome, at: h.clock.now };
    checkState(model, world, lastChangeAt);
    if (world.step % 10 === 0) checkReplay(h);
  }
  checkReplay(h);
}

/** The log is the state: what the store would give back of the log rebuilds the engine's hall. */
function checkReplay(h: Harness): void {
  const rebuilt = h.rebuilt();
  const live = comparable(h.state);
  check(isDeepStrictEqual(rebuilt, live), () => `the log rebuilds another hall than the engine's:\n${firstDifference(rebuilt, live)}`);
}

function firstDifference(a: unknown, b: unknown, path = 'state'): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return path;
}

describe('engine properties over random command sequences', () => {
  it('keeps the hall consistent after every step', () => {
    fc.assert(
      fc.property(startArb, fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }), (start, ops) => {
        runSequence(start, ops);
      }),
      { numRuns: RUNS },
    );
  });

  it('busy mornings: many tickets, every window staffed, callers working fast', () => {
    const holder = fc.constant('holder' as const);
    const morningOp: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: opArb.filter((op) => op.k === 'issue') },
      { weight: 5, arbitrary: fc.record({ k: fc.constant('callNext' as const), win, who: holder }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('start' as const), win, who: holder }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('finish' as const), win, who: holder, outcome: fc.integer({ min: 0, max: 3 }), caseNumber: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('rate' as const), byWindow: fc.constant(true), win, ticket: ticketRef, level: fc.integer({ min: 1, max: 5 }), who: fc.constant(0) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('recall' as const), win, who: holder }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('noShow' as const), win, who: holder }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('requeue' as const), win, who: holder, ticket: ticketRef, after: fc.option(fc.integer({ min: 0, max: 5 })) }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('transfer' as const), win, who: holder, svc: fc.option(fc.integer({ min: 0, max: 3 })), toWin: fc.option(win) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('call' as const), win, who: holder, ticket: ticketRef }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), win, who: holder, reason: fc.integer({ min: 0, max: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('resume' as const), win, who: holder }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('takeOver' as const), win, who: fc.integer({ min: 0, max: STAFF.length - 1 }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), who: fc.constant(3), ticket: ticketRef }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 8 * 60 }) }) },
      { weight: 1, arbitrary: fc.constant({ k: 'retry' as const }) },
      // The administrator edits the hall while it is busy.
      { weight: 1, arbitrary: opArb.filter((op) => op.k === 'configure') },
    );
    const staffed: Op[] = WINDOWS.map((_, index) => ({ k: 'open', win: index, who: index }));
    fc.assert(
      fc.property(fc.array(morningOp, { minLength: 10, maxLength: 60, size: 'max' }), (ops) => {
        runSequence(T0, [...staffed, ...ops]);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

/**
 * The index the engine carries from command to command (protocol/rules/waitingIndex.ts) holds exactly
 * what a walk over the tickets finds: each service's waiting tickets, the transferred ones, the served
 * ones in finishing order. Checked after every step, so one missed or doubled update shows at once.
 */
function checkWaitingIndex(state: HallState, after: string): void {
  const index = waitingIndexOf(state.tickets);
  if (!index) return;
  const ids = (tickets: readonly Ticket[]) => tickets.map((ticket) => ticket.id).sort();
  const inOrder = (tickets: readonly Ticket[]) => tickets.map((ticket) => ticket.id);
  const all = state.tickets.values();
  const services = new Set([...index.byService.keys(), ...all.map((ticket) => ticket.serviceId)]);
  for (const serviceId of services) {
    const waiting = index.byService.get(serviceId) ?? { special: [], byRank: [], byIssue: [] };
    const expected = all.filter((ticket) => ticket.status === 'waiting' && ticket.serviceId === serviceId);
    const ordinary = expected.filter((ticket) => !isSpecial(ticket));
    check(isDeepStrictEqual(ids(waiting.special), ids(expected.filter(isSpecial))), () => `after ${after}: the index's special list of ${serviceId} differs from the tickets`);
    const byRank = [...ordinary].sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
    check(isDeepStrictEqual(inOrder(waiting.byRank), inOrder(byRank)), () => `after ${after}: the index's queue of ${serviceId} is not the ordinary tickets in rank order`);
    const byIssue = ordinary.filter((ticket) => ticket.noShowCount === 0).sort((a, b) => a.issuedAt - b.issuedAt || a.rank - b.rank || (a.id < b.id ? -1 : 1));
    check(isDeepStrictEqual(inOrder(waiting.byIssue), inOrder(byIssue)), () => `after ${after}: the index's issue order of ${serviceId} differs`);
    for (const ticket of [...waiting.special, ...waiting.byRank, ...waiting.byIssue]) check(state.tickets.get(ticket.id) === ticket, () => `after ${after}: the index holds an old copy of ${ticket.id}`);
  }
  check(isDeepStrictEqual(ids(index.transferred), ids(all.filter((ticket) => ticket.status === 'waiting' && ticket.transfer))), () => `after ${after}: the index's transferred list differs`);
  const served = all.filter((ticket) => ticket.status === 'served');
  check(isDeepStrictEqual(ids(index.served), ids(served)), () => `after ${after}: the index's served list differs`);
  const finished = index.served.map((ticket) => ticket.finishedAt ?? Number.POSITIVE_INFINITY);
  check(finished.every((at, k) => k === 0 || finished[k - 1]! <= at), () => `after ${after}: the index's served list is out of finishing order`);
  // The next call from the index's few candidates is the one a walk over every ticket finds, at every window.
  const unindexed = { ...state, tickets: TicketMap.fromTickets(all) };
  for (const window of state.config.windows) {
    for (const at of [0, 30 * 60_000, 3 * 60 * 60_000]) {
      const now = (state.publishedAt ?? 0) + at;
      const fromIndex = selectNext(state, window.id, now);
      const fromWalk = selectNext(unindexed, window.id, now);
      check(fromIndex?.ticket.id === fromWalk?.ticket.id && fromIndex?.reason === fromWalk?.reason, () => `after ${after}: at window ${window.id} the index calls ${fromIndex?.ticket.number} (${fromIndex?.reason}), a walk ${fromWalk?.ticket.number} (${fromWalk?.reason})`);
    }
  }
}

