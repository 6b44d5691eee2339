import type { Command } from './commands.js';
import { type Ctx, type EngineEnv, actorLabel } from './context.js';
import type { EventBody, HallEvent } from './events.js';
import { draftOf } from './draft.js';
import { DomainError, type Failure } from './failure.js';
import * as calling from './handlers/calling.js';
import * as config from './handlers/config.js';
import * as hall from './handlers/hall.js';
import * as tickets from './handlers/tickets.js';
import * as windows from './handlers/windows.js';
import { closeDay, closeDayOnTime, prune, rollOverDay } from './lifecycle.js';
import type { Actor, HallState } from './model.js';
import { localTime } from './time.js';
import { publication } from './publish.js';

export type { EngineEnv, IdSource } from './context.js';

/** How many answered request ids a hall remembers for retries. */
const REMEMBERED_REQUESTS = 200;

export type ExecuteOutcome =
  | { ok: true; state: HallState; events: HallEvent[]; result: unknown }
  | { ok: false; error: Failure };

function dispatch(ctx: Ctx, command: Command): unknown {
  switch (command.type) {
    case 'ticket.issue':
      return tickets.issue(ctx, command);
    case 'ticket.cancel':
      return tickets.cancel(ctx, command);
    case 'ticket.rate':
      return tickets.rate(ctx, command);
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
    case 'hall.tick':
      return { day: ctx.state.day };
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
  const draft = draftOf(state);
  const bodies: EventBody[] = [];
  const ctx: Ctx = { state: draft, actor, now: env.now, ids: env.ids, owned: new Set(), emit: (event) => bodies.push(event) };
  let result: unknown;
  try {
    // One time-zone conversion per command for both day checks (Intl formatToParts is not cheap).
    const local = localTime(env.now, state.config.timeZone);
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
  const published = publication(state, draft, bodies, env.now);
  if (published.needsClockEvent) bodies.push({ type: 'hall:clock' });
  // A tick that finds nothing to tell writes nothing: an idle hall stays as it is.
  if (command.type === 'hall.tick' && bodies.length === 0) return { ok: true, state, events: [], result };
  const last = bodies.at(-1);
  if (last) {
    Object.assign(last, published.board ? { board: published.board } : {}, published.runtimes ? { runtimes: published.runtimes } : {});
    draft.publishedAt = env.now;
  }
  if (requestKey !== undefined) {
    draft.requests.push({ id: requestKey, result });
    if (draft.requests.length > REMEMBERED_REQUESTS) draft.requests.splice(0, draft.requests.length - REMEMBERED_REQUESTS);
  }
  const label = actorLabel(actor);
  const events = bodies.map((body): HallEvent => {
    draft.seq += 1;
    return { ...body, hallId: draft.config.id, seq: draft.seq, at: env.now, actor: label };
  });
  return { ok: true, state: draft, events, result };
}
