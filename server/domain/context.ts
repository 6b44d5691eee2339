import type { EventBody, WaitingCounts } from '../protocol/events.js';
import { fail } from './failure.js';
import type { Actor, Clerk, HallState, Ticket, WindowConfig, WindowRuntime } from '../protocol/model.js';
import { windowConfig } from './queue.js';

/** Sources of randomness, injected so the engine stays pure and tests stay repeatable. */
export interface IdSource {
  /** Unguessable id for public links (tickets). */
  secretId(): string;
  /** Short opaque id for internal records (appointments, announcements). */
  id(): string;
  /** Code a citizen types at the kiosk (appointments). */
  checkInCode(): string;
}

export interface EngineEnv {
  now: number;
  ids: IdSource;
}

/** An event body as a handler emits it: the waiting counts, which follow from the state after it, are added by the engine. */
export type EmittedBody = EventBody extends infer E ? (E extends { waiting: WaitingCounts } ? Omit<E, 'waiting'> : E) : never;

/**
 * What a handler works with: the hall as it is (read only to handlers) and an
 * event sink. A handler decides and emits; `emit` applies the event to the
 * state at once (domain/evolve.ts), so the next decision of the same command
 * sees it (call-next finishing the current ticket first).
 */
export interface Ctx {
  readonly state: HallState;
  readonly actor: Actor;
  readonly now: number;
  readonly ids: IdSource;
  emit(event: EmittedBody): void;
}

export function staffOf(actor: Actor): Clerk {
  if (actor.kind !== 'staff') fail('FORBIDDEN', { reason: 'staff only' });
  return actor.user;
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return `user:${actor.user.id}`;
    case 'device':
      return `device:${actor.deviceId}`;
    default:
      return 'public';
  }
}

export interface WindowRef {
  config: WindowConfig;
  runtime: WindowRuntime;
}

export function requireWindow(ctx: Ctx, windowId: string): WindowRef {
  const config = windowConfig(ctx.state, windowId);
  const runtime = ctx.state.windows[windowId];
  if (!config || !runtime) fail('WINDOW_NOT_FOUND', { windowId });
  return { config, runtime };
}

/**
 * A clerk acts only on the window they are signed in at; supervisors and
 * admins may act on any window (integration accounts, hardware callers).
 */
export function requireHeld(ctx: Ctx, windowId: string): WindowRef {
  const ref = requireWindow(ctx, windowId);
  const refused = heldWindowRefusal(staffOf(ctx.actor), ref.runtime);
  if (refused) fail(refused, { windowId });
  return ref;
}

/** The same rule for work outside the engine (notices): why `user` may not act on this window now, or null. */
export function heldWindowRefusal(user: Clerk, runtime: WindowRuntime): 'WINDOW_CLOSED' | 'WINDOW_NOT_HELD' | null {
  if (runtime.status === 'closed') return 'WINDOW_CLOSED';
  return user.role === 'clerk' && runtime.clerk?.id !== user.id ? 'WINDOW_NOT_HELD' : null;
}

/** A live ticket by an id from outside; own keys only, so "__proto__" or "constructor" are just unknown ids. */
export function liveTicket(state: HallState, ticketId: string): Ticket | undefined {
  return state.tickets.get(ticketId);
}

/** Tickets are never changed in place: a handler emits the changed copy and evolve stores it. */
export function requireTicket(ctx: Ctx, ticketId: string): Readonly<Ticket> {
  const ticket = liveTicket(ctx.state, ticketId);
  if (!ticket) fail('TICKET_NOT_FOUND', { ticketId });
  return ticket;
}

export function currentTicket(ctx: Ctx, ref: WindowRef): Readonly<Ticket> {
  const id = ref.runtime.currentTicketId;
  const ticket = id ? ctx.state.tickets.get(id) : undefined;
  if (!ticket) fail('NO_CURRENT_TICKET', { windowId: ref.config.id });
  return ticket;
}

/** A ticket handed out of the engine (results, remembered answers) as its own copy. */
export function snapshot(ticket: Readonly<Ticket>): Ticket {
  return { ...ticket, ...(ticket.transfer ? { transfer: { ...ticket.transfer } } : {}) };
}
