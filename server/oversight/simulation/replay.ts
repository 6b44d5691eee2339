import type { Command } from '../../protocol/commands.js';
import { type IdSource, execute, foundHall } from '../../domain/engine.js';
import { selectNext } from '../../domain/queue.js';
import type { HallEvent } from '../../protocol/events.js';
import type { Actor, HallConfig, HallState } from '../../protocol/model.js';
import { FirstCalls } from '../../stats/waits.js';
import { Agenda } from './agenda.js';
import type { Arrival, OpenInterval, ServiceSample } from './dayRecord.js';

/**
 * One day replayed through the real engine with a simulated clock. Windows
 * open and close by `staffing`; an open window that is free calls the next
 * ticket by the hall's rules (call-next, the engine's own selectNext) at
 * once, starts it after the ticket's walk-up time and finishes it after its
 * service time. At one instant: holds end first, then windows close and
 * open, then people arrive (and leave), then free windows call — the longest
 * free first, then in configuration order.
 */

export interface ReplayInput {
  /** The configuration the replay runs under (the hall's, with the request's policy applied). */
  config: HallConfig;
  dayStart: number;
  arrivals: readonly Arrival[];
  staffing: readonly OpenInterval[];
  /** How long the i-th arrival holds the window that calls it. */
  holdOf(arrival: Arrival, index: number): ServiceSample;
  /** Stop once every arrival was called, left or refused (waits are all known; window times are then incomplete). */
  stopWhenAllCalled?: boolean;
}

export interface ReplayOutcome {
  /** Wait in seconds per arrival id (called tickets). */
  waits: Map<string, number>;
  served: Set<string>;
  /** Arrivals that left before being called (cancelled at their recorded time). */
  left: Set<string>;
  busyMs: Map<string, number>;
  /** Engine commands executed, for the benchmark. */
  commands: number;
}

const RANK = { holdEnds: 0, closes: 1, opens: 2, arrives: 3, leaves: 4 } as const;

/** The replay acts as an administrator: one account may hold every window, so staffing is not limited by logins. */
const ACTOR: Actor = { kind: 'staff', user: { id: 'simulation', name: '排班模拟', role: 'admin' } };

interface SimWindow {
  id: string;
  index: number;
  /** Open stretches covering now (they may overlap). */
  wanted: number;
  open: boolean;
  busy: boolean;
  freeSince: number;
  heldSince: number;
}

function countingIds(): IdSource {
  let next = 0;
  return {
    secretId: () => `sim-t${++next}`,
    id: () => `sim-r${++next}`,
    checkInCode: () => String(100000 + (++next % 900000)),
  };
}

export function replayDay(input: ReplayInput): ReplayOutcome {
  const ids = countingIds();
  let state: HallState = foundHall(input.config, ACTOR, input.dayStart).state;
  let now = input.dayStart;
  let commands = 0;
  const firstCalls = new FirstCalls();
  const arrivalOf = new Map<string, { arrival: Arrival; index: number }>();
  const ticketOf = new Map<string, string>();
  const outcome: ReplayOutcome = { waits: new Map(), served: new Set(), left: new Set(), busyMs: new Map(), commands: 0 };

  /** Arrivals not yet called, left or refused. */
  let pending = input.arrivals.length;
  const see = (events: readonly HallEvent[]) => {
    for (const event of events) {
      if (event.type === 'ticket:called') {
        const seconds = firstCalls.waitOf(event);
        const known = arrivalOf.get(event.ticket.id);
        if (seconds !== undefined && known) {
          outcome.waits.set(known.arrival.id, seconds);
          pending -= 1;
        }
      } else if (event.type === 'ticket:finished') {
        const known = arrivalOf.get(event.ticket.id);
        if (known) outcome.served.add(known.arrival.id);
      } else if (event.type === 'ticket:cancelled') {
        const known = arrivalOf.get(event.ticket.id);
        if (known) {
          outcome.left.add(known.arrival.id);
          pending -= 1;
        }
      }
    }
  };
  const run = (command: Command): unknown => {
    commands += 1;
    const result = execute(state, command, ACTOR, { now, ids });
    if (!result.ok) return undefined;
    state = result.state;
    see(result.events);
    return result.result ?? true;
  };

  const windows = new Map<string, SimWindow>(
    input.config.windows.map((window, index) => [window.id, { id: window.id, index, wanted: 0, open: false, busy: false, freeSince: input.dayStart, heldSince: 0 }]),
  );
  const agenda = new Agenda();
  let callRoundDue = false;

  const closeIfUnwanted = (window: SimWindow) => {
    if (window.wanted > 0 || !window.open || window.busy) return;
    if (run({ type: 'window.close', windowId: window.id }) !== undefined) window.open = false;
  };
  for (const interval of input.staffing) {
    const window = windows.get(interval.windowId);
    if (!window || interval.to <= interval.from) continue;
    agenda.add({
      at: interval.from,
      rank: RANK.opens,
      run: () => {
        window.wanted += 1;
        if (!window.open && run({ type: 'window.open', windowId: window.id }) !== undefined) {
          window.open = true;
          window.freeSince = now;
        }
        callRoundDue = true;
      },
    });
    agenda.add({
      at: interval.to,
      rank: RANK.closes,
      run: () => {
        window.wanted -= 1;
        closeIfUnwanted(window);
      },
    });
  }

  input.arrivals.forEach((arrival, index) => {
    agenda.add({
      at: arrival.issuedAt,
      rank: RANK.arrives,
      run: () => {
        const issued = (issue(arrival, now, run) as { ticket?: { id: string } } | undefined)?.ticket;
        if (!issued) {
          pending -= 1;
          return;
        }
        arrivalOf.set(issued.id, { arrival, index });
        ticketOf.set(arrival.id, issued.id);
        callRoundDue = true;
      },
    });
    if (arrival.fate === 'left' && arrival.leftAt !== undefined) {
      agenda.add({
        at: arrival.leftAt,
        rank: RANK.leaves,
        run: () => {
          const ticketId = ticketOf.get(arrival.id);
          if (ticketId !== undefined && state.tickets.get(ticketId)?.status === 'waiting') run({ type: 'ticket.cancel', ticketId });
        },
      });
    }
  });

  const endHold = (window: SimWindow) => {
    window.busy = false;
    window.freeSince = now;
    outcome.busyMs.set(window.id, (outcome.busyMs.get(window.id) ?? 0) + (now - window.heldSince));
    closeIfUnwanted(window);
    callRoundDue = true;
  };
  const call = (window: SimWindow): boolean => {
    if (!selectNext(state, window.id, now)) return false;
    const called = run({ type: 'window.call-next', windowId: window.id }) as { ticket: { id: string } } | undefined;
    const known = called && arrivalOf.get(called.ticket.id);
    if (!known) return false;
    window.busy = true;
    window.heldSince = now;
    const { arrival, index } = known;
    const hold = arrival.fate === 'no-show' ? { walkupMs: 0, serviceMs: (arrival.walkupMs ?? 0) + (arrival.serviceMs ?? 0) } : input.holdOf(arrival, index);
    const finish = () => {
      run(arrival.fate === 'no-show' ? { type: 'window.no-show', windowId: window.id } : { type: 'window.finish', windowId: window.id, outcome: 'completed' });
      endHold(window);
    };
    const start = () => {
      if (arrival.fate !== 'no-show') run({ type: 'window.start', windowId: window.id });
      agenda.add({ at: now + hold.serviceMs, rank: RANK.holdEnds, run: finish });
    };
    if (hold.walkupMs > 0) agenda.add({ at: now + hold.walkupMs, rank: RANK.holdEnds, run: start });
    else start();
    return true;
  };
  const callRound = () => {
    callRoundDue = false;
    const free = [...windows.values()].filter((window) => window.open && window.wanted > 0 && !window.busy);
    free.sort((a, b) => a.freeSince - b.freeSince || a.index - b.index);
    for (const window of free) call(window);
  };

  for (;;) {
    const next = agenda.take();
    if (!next) break;
    now = Math.max(now, next.at);
    next.run();
    if (callRoundDue && agenda.peekAt() !== now) callRound();
    if (input.stopWhenAllCalled && pending === 0) break;
  }
  outcome.commands = commands;
  return outcome;
}

/** A plain ticket, or a booking's check-in (made and checked in at the arrival, so the engine prefers it from its slot on). */
function issue(arrival: Arrival, now: number, run: (command: Command) => unknown): unknown {
  if (arrival.slotStart !== undefined) {
    const slotEnd = Math.max(arrival.slotStart, now) + 60_000;
    const booked = run({ type: 'appointment.create', serviceId: arrival.serviceId, slotStart: arrival.slotStart, slotEnd }) as { code: string } | undefined;
    const checkedIn = booked && run({ type: 'appointment.check-in', code: booked.code });
    if (checkedIn) return checkedIn;
  }
  const channel = arrival.channel === 'appointment' ? 'desk' : arrival.channel;
  return run({ type: 'ticket.issue', serviceId: arrival.serviceId, channel, priority: arrival.priority });
}
