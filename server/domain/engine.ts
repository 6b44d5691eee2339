import type { Command } from '../protocol/commands.js';
import { maskResultPhones } from '../protocol/rules/notify.js';
import { maskEventPhones } from '../protocol/redact.js';
import { type Ctx, type EmittedBody, type EngineEnv, actorLabel } from './context.js';
import { EVENT_VERSION, type EventBody, type HallEvent, type WaitingCounts } from '../protocol/events.js';
import { changedTicketsOf, draftOf } from './draft.js';
import { applyEvent, reconcileWindows, windowsMatchConfig } from './evolve.js';
import { DomainError, type Failure } from './failure.js';
import * as calling from './handlers/calling.js';
import * as config from './handlers/config.js';
import * as hall from './handlers/hall.js';
import * as ratingCases from './handlers/ratingCases.js';
import * as tickets from './handlers/tickets.js';
import * as ratings from './handlers/ratings.js';
import * as windows from './handlers/windows.js';
import * as booking from './handlers/booking.js';
import { archive, closeDay, closeDayOnTime, newHallState, prune, rollOverDay } from './lifecycle.js';
import type { Actor, HallConfig, HallState } from '../protocol/model.js';
import { waitingCounts } from './queue.js';
import { localTime } from './time.js';
import { publication } from './publish.js';

export type { EngineEnv, IdSource } from './context.js';

/** How many answered request ids a hall remembers for retries. */
const REMEMBERED_REQUESTS = 200;

/** The events that tell screens how many wait per service afterwards (one entry each, checked by the compiler). */
const COUNTED: Record<Extract<EventBody, { waiting: WaitingCounts }>['type'], true> = {
  'ticket:issued': true,
  'ticket:called': true,
  'ticket:requeued': true,
  'ticket:transferred': true,
  'ticket:cancelled': true,
  'appointment:checked-in': true,
  'hall:day-started': true,
  'hall:day-closed': true,
  'hall:archived': true,
};

/**
 * The event as the log keeps it: a booking's check-in code is applied to the state but never recorded
 * nor sent; a 无声叫号 number is applied whole (the live ticket needs it to send) and recorded masked,
 * so the raw number lives on the live ticket only and leaves with it.
 */
function recorded(event: HallEvent): HallEvent {
  if (event.type === 'booking:created') {
    const { code: _code, secret: _secret, ...rest } = event;
    return rest;
  }
  if (event.type === 'appointment:created') {
    const { code: _secret, ...rest } = event;
    return rest;
  }
  return maskEventPhones(event);
}

export type ExecuteOutcome =
  | { ok: true; state: HallState; events: HallEvent[]; result: unknown; changedTickets?: ReadonlySet<string> }
  | { ok: false; error: Failure };

function dispatch(ctx: Ctx, command: Command): unknown {
  switch (command.type) {
    case 'ticket.issue':
      return tickets.issue(ctx, command);
    case 'ticket.cancel':
      return tickets.cancel(ctx, command);
    case 'ticket.rate':
      return ratings.rate(ctx, command);
    case 'ticket.rate-default':
      return ratings.rateByDefault(ctx, command);
    case 'window.open':
      return windows.open(ctx, command);
    case 'window.take-over':
      return windows.takeOver(ctx, command);
    case 'window.pause':
      return windows.pause(ctx, command);
    case 'window.resume':
      return windows.resume(ctx, command);
    case 'window.close':
      return windows.close(ctx, command);
    case 'window.call-next':
      return calling.callNext(ctx, command);
    case 'window.call':
      return calling.callSpecific(ctx, command);
    case 'window.recall':
      return calling.recall(ctx, command);
    case 'window.start':
      return calling.start(ctx, command);
    case 'window.finish':
      return calling.finish(ctx, command);
    case 'window.no-show':
      return calling.noShow(ctx, command);
    case 'window.requeue':
      return calling.requeue(ctx, command);
    case 'window.transfer':
      return calling.transfer(ctx, command);
    case 'appointment.create':
      return hall.createAppointment(ctx, command);
    case 'appointment.check-in':
      return hall.checkIn(ctx, command);
    case 'announcement.post':
      return hall.postAnnouncement(ctx, command);
    case 'announcement.remove':
      return hall.removeAnnouncement(ctx, command);
    case 'hall.close-day':
      if (ctx.state.dayClosedAt !== undefined) return { day: ctx.state.day, expired: 0 };
      return closeDay(ctx, false);
    case 'hall.configure':
      return config.configure(ctx, command);
    case 'hall.archive':
      return archive(ctx);
    case 'hall.tick':
      return { day: ctx.state.day };
    case 'rating-case.verify':
      return ratingCases.verify(ctx, command);
    case 'rating-case.fix':
      return ratingCases.fix(ctx, command);
    case 'rating-case.follow-up':
      return ratingCases.followUp(ctx, command);
    case 'rating-case.close':
      return ratingCases.close(ctx, command);
    case 'booking.create':
      return booking.create(ctx, command);
    case 'booking.cancel':
      return booking.cancel(ctx, command);
    case 'booking.move':
      return booking.move(ctx, command);
  }
}

/**
 * The queue engine: (state, command) → new state + events, or a refusal with
 * the state untouched. Pure: time and randomness come from `env`, the input
 * state is never mutated, and the same inputs give the same output.
 */
export function execute(state: HallState, command: Command, actor: Actor, env: EngineEnv): ExecuteOutcome {
  // Request ids are scoped to the actor and the command, so one client can never read another's
  // answer nor replay one kind of command as another. Public callers are all one actor to the
  // engine, so their request ids are not remembered at all (their pages debounce instead).
  const requestKey =
    command.requestId !== undefined && actor.kind !== 'public'
      ? `${actorLabel(actor)}|${command.type}|${command.requestId}`
      : undefined;
  if (requestKey !== undefined) {
    const answered = state.requests.find((request) => request.id === requestKey);
    if (answered) return { ok: true, state, events: [], result: answered.result };
  }
  // A retired hall does nothing any more; the server's clock need not be told so.
  if (state.archivedAt !== undefined) {
    if (command.type === 'hall.tick') return { ok: true, state, events: [], result: { day: state.day } };
    return { ok: false, error: { code: 'HALL_ARCHIVED', details: { archivedAt: state.archivedAt } } };
  }
  const draft = draftOf(state);
  const events: HallEvent[] = [];
  const label = actorLabel(actor);
  const emit = (body: EmittedBody): void => {
    const event = { v: EVENT_VERSION, ...body, hallId: draft.config.id, seq: draft.seq + 1, at: env.now, actor: label } as HallEvent;
    applyEvent(draft, event);
    if (Object.hasOwn(COUNTED, event.type)) (event as HallEvent & { waiting: WaitingCounts }).waiting = waitingCounts(draft);
    events.push(recorded(event));
  };
  const ctx: Ctx = { state: draft, actor, now: env.now, ids: env.ids, emit };
  // A hall saved before the live state followed the configuration (a window added then had no live
  // entry until a restart) is brought in line with the rule evolve applies at every change since.
  if (!windowsMatchConfig(draft)) reconcileWindows(draft);
  let result: unknown;
  try {
    // One time-zone conversion per command for both day checks (Intl formatToParts is not cheap).
    const local = localTime(env.now, state.config.timeZone);
    // Before the roll-over, which drops yesterday's bookings: a missed one is recorded first.
    booking.recordNoShows(ctx);
    rollOverDay(ctx, local);
    closeDayOnTime(ctx, local);
    result = dispatch(ctx, command);
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, error: { code: error.code, ...(error.details ? { details: error.details } : {}) } };
    }
    throw error;
  }
  prune(draft, env.now);
  const published = publication(state, draft, events, env.now);
  if (published.needsClockEvent) emit({ type: 'hall:clock' });
  // A tick that finds nothing to tell writes nothing: an idle hall stays as it is.
  if (command.type === 'hall.tick' && events.length === 0) return { ok: true, state, events: [], result };
  // What the screens apply rides on the command's last event (evolve ignores it: it is derived from the state).
  const last = events.at(-1);
  if (last) Object.assign(last, published.board ? { board: published.board } : {}, published.runtimes ? { runtimes: published.runtimes } : {});
  if (requestKey !== undefined) {
    // Remembered (and stored) with a 无声叫号 number masked: the answer to a retry shows staff no more.
    draft.requests.push({ id: requestKey, result: maskResultPhones(result) });
    if (draft.requests.length > REMEMBERED_REQUESTS) draft.requests.splice(0, draft.requests.length - REMEMBERED_REQUESTS);
  }
  const changedTickets = changedTicketsOf(draft);
  return { ok: true, state: draft, events, result, ...(changedTickets ? { changedTickets } : {}) };
}

/**
 * A new hall: empty queues, counters of its own local day, and `hall:created`
 * (seq 1) naming who created it. The configuration must have passed
 * `checkConfig`; it is copied, so the caller may keep changing its object.
 */
export function foundHall(config: HallConfig, actor: Actor, now: number, template?: string): { state: HallState; events: HallEvent[] } {
  const state = newHallState(structuredClone(config), now);
  const event = {
    v: EVENT_VERSION,
    type: 'hall:created',
    ...(template !== undefined ? { template } : {}),
    hallId: state.config.id,
    seq: state.seq + 1,
    at: now,
    actor: actorLabel(actor),
  } as HallEvent;
  applyEvent(state, event);
  return { state, events: [event] };
}
