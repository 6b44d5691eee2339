import { selectNext, windowCanServe } from '../../domain/queue.js';
import type { EventType, HallEvent } from '../../protocol/events.js';
import type { HallState, Ticket } from '../../protocol/model.js';
import { dayOf, subjectAt, type SignalDraft, type Subject } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';
import { endOfDay } from './spans.js';

/** Events that cannot change whether a window is idle while someone waits for it. */
const IRRELEVANT: ReadonlySet<EventType> = new Set<EventType>([
  'ticket:rated',
  'ticket:recalled',
  'ticket:started',
  'hall:clock',
  'announcement:posted',
  'announcement:removed',
  'rating-case:opened',
  'rating-case:verified',
  'rating-case:fixed',
  'rating-case:followed-up',
  'rating-case:closed',
  'booking:created',
  'booking:cancelled',
  'booking:moved',
  'booking:no-show',
  'appointment:created',
]);

interface Stretch {
  since: number;
  subject: Subject;
  /** The event that made the window idle with someone waiting (absent: so since the range began). */
  cause?: HallEvent;
  /** Tickets this window could have called at some moment of the stretch. */
  waited: Map<string, Ticket>;
}

/** Open, not paused, nobody called or served here, and the calling rules would give it a ticket now. */
function idleWithWaiting(state: HallState, windowId: string, at: number): boolean {
  const runtime = state.windows[windowId];
  if (runtime?.status !== 'open' || runtime.currentTicketId !== undefined) return false;
  return selectNext(state, windowId, at) !== null;
}

function callable(state: HallState, windowId: string): Ticket[] {
  const window = state.config.windows.find((candidate) => candidate.id === windowId);
  if (!window) return [];
  return state.tickets.values().filter((ticket) => ticket.status === 'waiting' && windowCanServe(window, ticket));
}

/**
 * 'idle-while-waiting': stretches of at least `idleMinutes` in which a window was open, not paused,
 * with nobody called or served, while a ticket it could call waited. "Could call" is the engine's
 * selectNext, so a ticket pinned to another window or just transferred away does not count. A stretch
 * is cut at midnight (each day has its own) and when the clerk changes.
 */
export function idleDetector(context: DetectorContext, start: number, initial: HallState): Detector {
  const open = new Map<string, Stretch>();
  const found: SignalDraft[] = [];
  const limitMs = context.settings.idleMinutes * 60_000;

  const begin = (state: HallState, windowId: string, since: number, cause?: HallEvent) => {
    const waited = new Map(callable(state, windowId).map((ticket) => [ticket.id, ticket]));
    open.set(windowId, { since, subject: subjectAt(state, windowId), waited, ...(cause ? { cause } : {}) });
  };
  const end = (stretch: Stretch, until: number, ending?: HallEvent) => {
    if (until - stretch.since < limitMs) return;
    found.push({
      kind: 'idle-while-waiting',
      day: dayOf(stretch.since, context.timeZone),
      subject: stretch.subject,
      amount: Math.floor((until - stretch.since) / 6_000) / 10,
      unit: 'minutes',
      threshold: context.settings.idleMinutes,
      tickets: [...stretch.waited.values()].map((ticket) => ticket.number),
      evidence: [...(stretch.cause ? [stretch.cause] : []), ...(ending ? [ending] : [])],
    });
  };
  /** Stretches running over midnight end there and go on as the next day's. */
  const cutAtMidnights = (until: number) => {
    for (const stretch of open.values()) {
      for (let midnight = endOfDay(stretch.since, context.timeZone); midnight <= until; midnight = endOfDay(stretch.since, context.timeZone)) {
        end(stretch, midnight);
        stretch.since = midnight;
        // The next day's part began at midnight, not at the event that began the stretch.
        delete stretch.cause;
      }
    }
  };

  for (const window of initial.config.windows) if (idleWithWaiting(initial, window.id, start)) begin(initial, window.id, start);

  return {
    before(event: HallEvent) {
      cutAtMidnights(event.at);
    },
    after(event: HallEvent, state: HallState) {
      if (IRRELEVANT.has(event.type)) return;
      for (const window of state.config.windows) {
        const stretch = open.get(window.id);
        const idle = idleWithWaiting(state, window.id, event.at);
        const clerkChanged = stretch !== undefined && stretch.subject.clerk?.id !== state.windows[window.id]?.clerk?.id;
        if (stretch && (!idle || clerkChanged)) {
          end(stretch, event.at, event);
          open.delete(window.id);
        }
        if (idle && (!stretch || clerkChanged)) begin(state, window.id, event.at, event);
        else if (idle && stretch && 'ticket' in event && event.ticket.status === 'waiting' && windowCanServe(window, event.ticket)) {
          stretch.waited.set(event.ticket.id, event.ticket);
        }
      }
    },
    signals(until: number): SignalDraft[] {
      cutAtMidnights(until);
      for (const stretch of open.values()) if (until > stretch.since) end(stretch, until);
      open.clear();
      return found;
    },
  };
}
