import type { PrinterState } from '../../../server/protocol/printing.js';
import { type PrinterAlarm, printerAlarms } from './panel.js';
import type { HallEvent } from '../../../server/protocol/events.js';
import type { PauseReason, Ticket, WindowStatus } from '../../../server/protocol/model.js';
import type { StaffView } from '../../../server/protocol/viewTypes.js';
import type { ScreenSummary } from '../../../server/protocol/screens.js';

/**
 * The supervisor's live view (/counter/supervisor), as pure functions of the
 * staff view, the connected screens and the clock, so they are unit-tested
 * without a browser.
 */

/** A window paused longer than this raises an alert (said on screen). */
export const PAUSE_ALERT_MINUTES = 15;
/** How many log entries the view keeps, newest first. */
export const LOG_SIZE = 50;

export interface WindowRow {
  id: string;
  number: number;
  name: string;
  nameAlt?: string | undefined;
  status: WindowStatus;
  clerkName: string | null;
  clerkPost: string | null;
  pauseReason: PauseReason | null;
  pauseNote: string | null;
  /** Since when the window is in its state (paused: pausedAt; open: openedAt); null when closed or unknown. */
  since: number | null;
  current: Ticket | null;
  /** Whether a window screen of this window is connected; null while unknown. */
  screenOnline: boolean | null;
  /** Whether the counter panel of the clerk holding the window is open; null while unknown or nobody holds it. */
  panelOnline: boolean | null;
}

/** Whether this staff member has a counter panel connected to the hall. */
export function panelConnected(screens: readonly ScreenSummary[], userId: string): boolean {
  return screens.some((screen) => screen.kind === 'panel' && screen.userId === userId && screen.connections > 0);
}

export function windowRows(view: StaffView, screens: ScreenSummary[] | null): WindowRow[] {
  const tickets = new Map(view.current.map((ticket) => [ticket.id, ticket]));
  return view.windows.map((window) => {
    const runtime = view.windowsRuntime[window.id];
    const status = runtime?.status ?? 'closed';
    const since = status === 'paused' ? (runtime?.pausedAt ?? null) : status === 'open' ? (runtime?.openedAt ?? null) : null;
    const clerkId = status !== 'closed' ? runtime?.clerk?.id : undefined;
    return {
      id: window.id,
      number: window.number,
      name: window.name,
      nameAlt: window.nameAlt,
      status,
      clerkName: runtime?.clerk?.name ?? null,
      clerkPost: runtime?.clerk?.post ?? null,
      pauseReason: status === 'paused' ? (runtime?.pauseReason ?? null) : null,
      pauseNote: status === 'paused' ? (runtime?.pauseNote ?? null) : null,
      since,
      current: runtime?.currentTicketId ? (tickets.get(runtime.currentTicketId) ?? null) : null,
      screenOnline: screens ? screens.some((screen) => screen.kind === 'window-screen' && screen.windowId === window.id && screen.connections > 0) : null,
      panelOnline: screens && clerkId !== undefined ? panelConnected(screens, clerkId) : null,
    };
  });
}

export interface QueueRow {
  serviceId: string;
  prefix: string;
  name: string;
  nameAlt?: string | undefined;
  waiting: number;
  /** Longest wait so far in ms (0 when nobody waits). */
  longestWaitMs: number;
  /** Windows serving the service that are open or paused now. */
  staffedWindows: number[];
}

export function queueRows(view: StaffView, now: number): QueueRow[] {
  const numberOf = new Map(view.windows.map((window) => [window.id, window.number]));
  return view.services.map((service) => {
    const waiting = (view.queues[service.id] ?? []).filter((ticket) => ticket.status === 'waiting');
    const oldest = waiting.reduce((min, ticket) => Math.min(min, ticket.issuedAt), Number.POSITIVE_INFINITY);
    return {
      serviceId: service.id,
      prefix: service.prefix,
      name: service.name,
      nameAlt: service.nameAlt,
      waiting: waiting.length,
      longestWaitMs: waiting.length > 0 ? Math.max(0, now - oldest) : 0,
      staffedWindows: (view.serviceWindows[service.id] ?? [])
        .filter((id) => (view.windowsRuntime[id]?.status ?? 'closed') !== 'closed')
        .map((id) => numberOf.get(id) ?? Number(id))
        .sort((a, b) => a - b),
    };
  });
}

export type Alert =
  | { kind: 'long-wait'; ticketId: string; number: string; serviceId: string; minutes: number }
  | { kind: 'paused-long'; windowId: string; windowNumber: number; minutes: number; reason: PauseReason | null }
  | { kind: 'board-offline' }
  /** Connected boards that cannot play a call: no voice works, or sound was not unlocked within a minute (server/realtime/presence.ts). */
  | { kind: 'board-silent'; count: number }
  | { kind: 'window-screen-offline'; windowId: string; windowNumber: number }
  | { kind: 'unserved'; serviceId: string; waiting: number }
  | { kind: 'panel-offline'; windowId: string; windowNumber: number; clerkName: string }
  | ({ kind: 'bad-rating' } & BadRating)
  | PrinterAlarm;

/** A 差评 (不满意 or 非常不满意) that arrived, until the supervisor says they saw it. */
export interface BadRating {
  seq: number;
  ticketId: string;
  number: string;
  windowId: string | null;
  level: number;
  at: number;
}

/** Levels 1 and 2 (非常不满意, 不满意) are 差评 (GB/T 39734-2020). */
export const BAD_RATING_MAX = 2;

/** The bad ratings among the events read, newest first, leaving out those dismissed. */
export function badRatings(events: readonly HallEvent[], dismissed: ReadonlySet<number>): BadRating[] {
  const found: BadRating[] = [];
  for (const event of events) {
    if (event.type !== 'ticket:rated' || event.level > BAD_RATING_MAX || dismissed.has(event.seq)) continue;
    found.push({ seq: event.seq, ticketId: event.ticket.id, number: event.ticket.number, windowId: event.windowId ?? null, level: event.level, at: event.at });
  }
  return found.reverse();
}

/** How many connected boards say they cannot play a call. */
export function silentBoardCount(screens: readonly ScreenSummary[] | null): number {
  return (screens ?? []).reduce((sum, screen) => sum + (screen.kind === 'board' ? (screen.silent ?? 0) : 0), 0);
}

/**
 * Services with people waiting that no open window serves now (closed or
 * paused windows call nobody): those people wait for nothing.
 */
export function unservedServices(view: StaffView): Array<{ serviceId: string; waiting: number }> {
  return view.services.flatMap((service) => {
    const waiting = (view.queues[service.id] ?? []).filter((ticket) => ticket.status === 'waiting').length;
    if (waiting === 0) return [];
    const served = (view.serviceWindows[service.id] ?? []).some((id) => view.windowsRuntime[id]?.status === 'open');
    return served ? [] : [{ serviceId: service.id, waiting }];
  });
}

/**
 * Everything the supervisor should look at now, most urgent first: printers,
 * the board offline (citizens miss their call), services nobody serves while
 * people wait, staffed windows whose clerk's panel is closed, window screens
 * offline, bad ratings, windows paused too long, tickets waiting beyond the
 * hall's limit (longest first). Screen and panel alerts wait until the list
 * of connected screens is known.
 */
export function alerts(
  view: StaffView,
  screens: ScreenSummary[] | null,
  now: number,
  printers: readonly PrinterState[] = [],
  ratings: readonly BadRating[] = [],
): Alert[] {
  // A kiosk printer out of paper turns every citizen to e-tickets: as urgent as a dark board.
  const list: Alert[] = printerAlarms(printers, null).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'alarm' ? -1 : 1));
  if (screens && !screens.some((screen) => screen.kind === 'board' && screen.connections > 0)) list.push({ kind: 'board-offline' });
  const silentBoards = silentBoardCount(screens);
  // As urgent as a dark board for those who cannot read it: they miss their call.
  if (silentBoards > 0) list.push({ kind: 'board-silent', count: silentBoards });
  for (const unserved of unservedServices(view)) list.push({ kind: 'unserved', ...unserved });
  if (screens) {
    const rows = windowRows(view, screens);
    for (const row of rows) {
      if (row.panelOnline === false) list.push({ kind: 'panel-offline', windowId: row.id, windowNumber: row.number, clerkName: row.clerkName ?? '' });
    }
    for (const row of rows) {
      if (row.status !== 'closed' && row.screenOnline === false) list.push({ kind: 'window-screen-offline', windowId: row.id, windowNumber: row.number });
    }
  }
  for (const rating of ratings) list.push({ kind: 'bad-rating', ...rating });
  for (const window of view.windows) {
    const runtime = view.windowsRuntime[window.id];
    if (runtime?.status !== 'paused' || runtime.pausedAt === undefined) continue;
    const minutes = Math.floor((now - runtime.pausedAt) / 60_000);
    if (minutes >= PAUSE_ALERT_MINUTES) {
      list.push({ kind: 'paused-long', windowId: window.id, windowNumber: window.number, minutes, reason: runtime.pauseReason ?? null });
    }
  }
  const late: Alert[] = [];
  const limitMs = view.maxWaitMinutes * 60_000;
  for (const queue of Object.values(view.queues)) {
    for (const ticket of queue) {
      if (ticket.status !== 'waiting' || now - ticket.issuedAt <= limitMs) continue;
      late.push({ kind: 'long-wait', ticketId: ticket.id, number: ticket.number, serviceId: ticket.serviceId, minutes: Math.floor((now - ticket.issuedAt) / 60_000) });
    }
  }
  late.sort((a, b) => (b.kind === 'long-wait' ? b.minutes : 0) - (a.kind === 'long-wait' ? a.minutes : 0));
  return [...list, ...late];
}

/** Events the log shows: what people and the hall did; issuing is left to the queue counts, the clock's changes to the views. */
export function isLogged(event: HallEvent): boolean {
  return event.type !== 'ticket:issued' && event.type !== 'hall:clock';
}

/** Staff names by user id, from the view's window clerks and the clerks the events carry. */
export function learnNames(names: Record<string, string>, events: readonly HallEvent[], view: StaffView | null): Record<string, string> {
  const next = { ...names };
  for (const event of events) {
    if ('clerk' in event && event.clerk) next[event.clerk.id] = event.clerk.name;
    if (event.type === 'window:taken-over' && event.previousClerk) next[event.previousClerk.id] = event.previousClerk.name;
  }
  for (const runtime of Object.values(view?.windowsRuntime ?? {})) if (runtime.clerk) next[runtime.clerk.id] = runtime.clerk.name;
  return next;
}

export type Actor = { kind: 'staff'; id: string } | { kind: 'device' } | { kind: 'public' } | { kind: 'system' } | { kind: 'unknown' };

/** Who caused an event, from its `actor` (`user:<id>`, `device:<id>`, `public`, `user:system`). */
export function actorOf(event: HallEvent): Actor {
  const actor = event.actor ?? '';
  if (actor === 'user:system') return { kind: 'system' };
  if (actor.startsWith('user:')) return { kind: 'staff', id: actor.slice(5) };
  if (actor.startsWith('device:')) return { kind: 'device' };
  if (actor === 'public') return { kind: 'public' };
  return { kind: 'unknown' };
}
