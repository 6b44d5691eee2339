/**
 * A day of a hall acted out, for 排班模拟's tests: citizens arrive at given
 * times, clerks open and close windows by given shifts and call the next
 * ticket as soon as they are free (at one instant the clerk idle longest
 * first), start it after the citizen's walk-up time and finish it after its
 * service time. The commands go wherever `send` takes them: straight into
 * the engine, or through the real HTTP API of a test server with a clock the
 * script moves. The replay only ever sees the event log this leaves.
 */
import type { Command } from '../../server/protocol/commands.js';

export interface ScriptTicket {
  at: number;
  serviceId: string;
  priority?: boolean;
  /** A booking for the slot starting then, made and checked in at `at` (the engine prefers it once the slot has come). */
  slotStart?: number;
  walkupMs: number;
  serviceMs: number;
  /** Gives up and is cancelled at the guide desk at this time, if not called by then. */
  leavesAt?: number;
  /** Does not come when called: the clerk marks a no-show after `walkupMs` (and does not requeue). */
  noShow?: boolean;
}

export interface ScriptShift {
  windowId: string;
  from: number;
  to: number;
}

/** Runs `command` at `now`; resolves with the engine's result, or undefined when the engine refused it. */
export type Send = (command: Command, now: number) => Promise<unknown>;

interface Step {
  at: number;
  rank: number;
  seq: number;
  run: () => Promise<void>;
}

export async function actOutDay(send: Send, windowOrder: readonly string[], tickets: readonly ScriptTicket[], shifts: readonly ScriptShift[]): Promise<void> {
  const steps: Step[] = [];
  let seq = 0;
  const add = (at: number, rank: number, run: () => Promise<void>) => steps.push({ at, rank, seq: seq++, run });
  const windows = new Map(windowOrder.map((id, index) => [id, { id, index, wanted: 0, open: false, busy: false, freeSince: 0 }]));
  const byTicketId = new Map<string, ScriptTicket>();
  let now = 0;

  for (const shift of shifts) {
    const window = windows.get(shift.windowId)!;
    add(shift.from, 2, async () => {
      window.wanted += 1;
      if (!window.open && (await send({ type: 'window.open', windowId: window.id }, now)) !== undefined) {
        window.open = true;
        window.freeSince = now;
      }
    });
    add(shift.to, 1, async () => {
      window.wanted -= 1;
      if (window.wanted === 0 && !window.busy && window.open && (await send({ type: 'window.close', windowId: window.id }, now)) !== undefined) window.open = false;
    });
  }
  for (const ticket of tickets) {
    add(ticket.at, 3, async () => {
      let issued: { ticket: { id: string } } | undefined;
      if (ticket.slotStart !== undefined) {
        const booked = (await send({ type: 'appointment.create', serviceId: ticket.serviceId, slotStart: ticket.slotStart, slotEnd: ticket.slotStart + 30 * 60_000 }, now)) as { code: string } | undefined;
        issued = booked && ((await send({ type: 'appointment.check-in', code: booked.code }, now)) as typeof issued);
      } else {
        issued = (await send({ type: 'ticket.issue', serviceId: ticket.serviceId, channel: 'kiosk', priority: ticket.priority ?? false }, now)) as typeof issued;
      }
      if (!issued) return;
      byTicketId.set(issued.ticket.id, ticket);
      const ticketId = issued.ticket.id;
      if (ticket.leavesAt !== undefined) {
        add(ticket.leavesAt, 4, async () => {
          if (!calledIds.has(ticketId)) await send({ type: 'ticket.cancel', ticketId }, now);
        });
      }
    });
  }
  const calledIds = new Set<string>();
  const callFree = async () => {
    const free = [...windows.values()].filter((window) => window.open && window.wanted > 0 && !window.busy).sort((a, b) => a.freeSince - b.freeSince || a.index - b.index);
    for (const window of free) {
      const called = (await send({ type: 'window.call-next', windowId: window.id }, now)) as { ticket: { id: string } } | undefined;
      const script = called && byTicketId.get(called.ticket.id);
      if (!script) continue;
      calledIds.add(called.ticket.id);
      window.busy = true;
      const finish = async () => {
        await send({ type: 'window.finish', windowId: window.id, outcome: 'completed' }, now);
        window.busy = false;
        window.freeSince = now;
        if (window.wanted === 0 && (await send({ type: 'window.close', windowId: window.id }, now)) !== undefined) window.open = false;
      };
      const start = async () => {
        await send({ type: 'window.start', windowId: window.id }, now);
        add(now + script.serviceMs, 0, finish);
      };
      const missed = async () => {
        await send({ type: 'window.no-show', windowId: window.id }, now);
        window.busy = false;
        window.freeSince = now;
        if (window.wanted === 0 && (await send({ type: 'window.close', windowId: window.id }, now)) !== undefined) window.open = false;
      };
      if (script.noShow) add(now + script.walkupMs, 0, missed);
      else if (script.walkupMs > 0) add(now + script.walkupMs, 0, start);
      else await start();
    }
  };
  for (;;) {
    steps.sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);
    const step = steps.shift();
    if (!step) break;
    now = step.at;
    await step.run();
    if (steps[0]?.at !== now || steps.length === 0) await callFree();
  }
}

/** A seeded generator (mulberry32), so a scripted day is the same on every run. */
export { seeded as random } from '../../server/oversight/simulation/serviceTimes.js';

/**
 * `count` citizens between `from` and `to` (ms), for the given services in turn, with service times
 * between `minMinutes` and `maxMinutes` and a walk-up of up to 40 s, all to the millisecond (no ties).
 */
export function citizens(next: () => number, count: number, from: number, to: number, services: readonly string[], minMinutes: number, maxMinutes: number): ScriptTicket[] {
  const tickets: ScriptTicket[] = [];
  for (let index = 0; index < count; index++) {
    tickets.push({
      at: Math.floor(from + next() * (to - from)),
      serviceId: services[index % services.length]!,
      walkupMs: Math.floor(next() * 40_000),
      serviceMs: Math.floor((minMinutes + next() * (maxMinutes - minMinutes)) * 60_000),
    });
  }
  return tickets.sort((a, b) => a.at - b.at);
}
