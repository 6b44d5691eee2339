import { applyEvent } from '../../domain/evolve.js';
import { draftOf, putTicketInto } from '../../domain/draft.js';
import { newHallState } from '../../domain/lifecycle.js';
import type { HallEvent } from '../../protocol/events.js';
import type { Clerk, HallConfig, HallState, WindowRuntime } from '../../protocol/model.js';

/**
 * The hall as the engine held it at every event of a range, rebuilt with the engine's own `applyEvent`
 * so the signals ask the real calling rules about the real queue. The log has no snapshot at a range's
 * start, so the start is inferred from the range's own events (as stats/windowTime.ts does): waiting
 * tickets never outlive their day (the roll-over expires them), so a range that starts at midnight holds
 * every ticket that can wait in it; a window's first event tells whether it was open (anything but
 * `window:opened`), paused (`window:resumed`) or busy with a ticket (a finish or no-show before any call).
 */

/** The window an event happened at (a transfer happens at the window it leaves). */
export function windowOfEvent(event: HallEvent): string | undefined {
  switch (event.type) {
    case 'ticket:called':
    case 'ticket:recalled':
    case 'ticket:started':
    case 'ticket:finished':
    case 'ticket:no-show':
    case 'window:opened':
    case 'window:taken-over':
    case 'window:paused':
    case 'window:resumed':
    case 'window:closed':
      return event.windowId;
    case 'ticket:transferred':
      return event.fromWindowId;
    default:
      return undefined;
  }
}

/** The clerk an event says held the window before it (only the id when a call is all there is). */
function clerkBefore(event: HallEvent): Clerk | undefined {
  switch (event.type) {
    case 'window:taken-over':
      return event.previousClerk;
    case 'window:closed':
      return event.clerk;
    case 'ticket:called':
      return event.clerkId !== undefined ? { id: event.clerkId, name: event.clerkId, role: 'clerk' } : undefined;
    default:
      return undefined;
  }
}

const AT_WINDOW: ReadonlySet<string> = new Set(['ticket:called', 'ticket:recalled', 'ticket:started', 'ticket:finished', 'ticket:no-show', 'ticket:transferred']);

function inferredRuntime(own: readonly HallEvent[], live: WindowRuntime | undefined, start: number): WindowRuntime {
  const first = own[0];
  if (first === undefined) {
    const openBefore = live !== undefined && live.status !== 'closed' && live.openedAt !== undefined && live.openedAt <= start;
    if (!openBefore) return { status: 'closed', priorityStreak: 0 };
    return { status: live.status, priorityStreak: 0, ...(live.clerk ? { clerk: live.clerk } : {}), openedAt: live.openedAt! };
  }
  if (first.type === 'window:opened') return { status: 'closed', priorityStreak: 0 };
  const runtime: WindowRuntime = { status: first.type === 'window:resumed' ? 'paused' : 'open', priorityStreak: 0, openedAt: start };
  if (runtime.status === 'paused') runtime.pausedAt = start;
  for (const event of own) {
    if (event.type === 'window:opened') break;
    const clerk = clerkBefore(event);
    if (clerk) {
      runtime.clerk = clerk;
      break;
    }
  }
  if (runtime.clerk === undefined && live?.clerk && live.openedAt !== undefined && live.openedAt <= start) runtime.clerk = live.clerk;
  return runtime;
}

/** The hall at `start`: the configuration given, windows and tickets at windows as their first events show. */
export function startingHall(config: HallConfig, events: readonly HallEvent[], start: number, live?: Record<string, WindowRuntime>): HallState {
  const state = draftOf(newHallState(config, start));
  const byWindow = new Map<string, HallEvent[]>();
  for (const event of events) {
    const windowId = windowOfEvent(event);
    if (windowId === undefined) continue;
    let own = byWindow.get(windowId);
    if (!own) byWindow.set(windowId, (own = []));
    own.push(event);
  }
  for (const window of config.windows) {
    const own = byWindow.get(window.id) ?? [];
    const runtime = inferredRuntime(own, live?.[window.id], start);
    state.windows[window.id] = runtime;
    if (runtime.status === 'closed') continue;
    // A ticket finished (or given up) before any call here was at the window already.
    const firstTicketEvent = own.find((event) => AT_WINDOW.has(event.type) || event.type === 'window:opened');
    if (firstTicketEvent && firstTicketEvent.type !== 'ticket:called' && firstTicketEvent.type !== 'window:opened' && 'ticket' in firstTicketEvent) {
      putTicketInto(state, { ...firstTicketEvent.ticket, status: 'serving', windowId: window.id });
      runtime.currentTicketId = firstTicketEvent.ticket.id;
    }
  }
  return state;
}

/** Sees each event with the hall just before it (`before`) and again after it is applied (`after`). */
export interface HallVisitor {
  before?(event: HallEvent, state: HallState): void;
  after?(event: HallEvent, state: HallState): void;
}

/** Walks the events through `state` (a draft, changed in place) with every visitor. */
export function walkHall(state: HallState, events: readonly HallEvent[], visitors: readonly HallVisitor[]): void {
  for (const event of events) {
    for (const visitor of visitors) visitor.before?.(event, state);
    applyEvent(state, event);
    for (const visitor of visitors) visitor.after?.(event, state);
  }
}
