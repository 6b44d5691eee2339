import { selectNext, windowCanServe } from '../../domain/queue.js';
import type { EventType, HallEvent } from '../../protocol/events.js';
import type { HallConfig, HallState, Ticket } from '../../protocol/model.js';
import { waitingIndexOf, waitingOfService } from '../../protocol/rules/waitingIndex.js';
import { windowOfEvent } from './hallReplay.js';
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
  /** The midnight ending the day `since` is on (kept: working it out per event is the walk's largest cost). */
  dayEnd: number;
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

/** The waiting tickets a window could call, from the hall's waiting index (a month's replay holds every served ticket too). */
function callable(state: HallState, windowId: string): Ticket[] {
  const window = state.config.windows.find((candidate) => candidate.id === windowId);
  if (!window) return [];
  const found = new Map<string, Ticket>();
  const candidates = [...(waitingIndexOf(state.tickets)?.transferred ?? []), ...window.services.flatMap((link) => waitingOfService(state.tickets, link.serviceId))];
  for (const ticket of candidates) if (ticket.status === 'waiting' && windowCanServe(window, ticket)) found.set(ticket.id, ticket);
  return [...found.values()];
}

/** Events after which every window is looked at again: they change many tickets or the windows themselves. */
const WHOLE_HALL: ReadonlySet<EventType> = new Set<EventType>(['hall:configured', 'hall:day-closed', 'hall:day-started', 'hall:archived', 'window:closed']);

/** Windows by the services they serve, so an event is checked only at the windows it can concern. */
function windowsByService(config: HallConfig): Map<string, string[]> {
  const serving = new Map<string, string[]>();
  for (const window of config.windows) {
    for (const link of window.services) {
      let ids = serving.get(link.serviceId);
      if (!ids) serving.set(link.serviceId, (ids = []));
      ids.push(window.id);
    }
  }
  return serving;
}

/** The windows whose idleness an event may change: its own, those serving its ticket's service (before and after a transfer), a pinned target. */
function concerned(event: HallEvent, config: HallConfig, serving: Map<string, string[]>): Iterable<string> {
  if (WHOLE_HALL.has(event.type)) return config.windows.map((window) => window.id);
  const ids = new Set<string>();
  const own = windowOfEvent(event);
  if (own !== undefined) ids.add(own);
  if ('ticket' in event) {
    for (const id of serving.get(event.ticket.serviceId) ?? []) ids.add(id);
    const transfer = event.ticket.transfer ?? event.ticket.receivedTransfer;
    if (transfer) {
      for (const id of serving.get(transfer.fromServiceId) ?? []) ids.add(id);
      if (transfer.toWindowId !== undefined) ids.add(transfer.toWindowId);
    }
  }
  return ids;
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
    open.set(windowId, { since, dayEnd: endOfDay(since, context.timeZone), subject: subjectAt(state, windowId), waited, ...(cause ? { cause } : {}) });
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
      while (stretch.dayEnd <= until) {
        end(stretch, stretch.dayEnd);
        stretch.since = stretch.dayEnd;
        stretch.dayEnd = endOfDay(stretch.since, context.timeZone);
        // The next day's part began at midnight, not at the event that began the stretch.
        delete stretch.cause;
      }
    }
  };

  for (const window of initial.config.windows) if (idleWithWaiting(initial, window.id, start)) begin(initial, window.id, start);
  let serving = windowsByService(initial.config);

  return {
    before(event: HallEvent) {
      cutAtMidnights(event.at);
    },
    after(event: HallEvent, state: HallState) {
      if (IRRELEVANT.has(event.type)) return;
      if (event.type === 'hall:configured') serving = windowsByService(state.config);
      for (const windowId of concerned(event, state.config, serving)) {
        const window = state.config.windows.find((candidate) => candidate.id === windowId);
        if (!window) continue;
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
