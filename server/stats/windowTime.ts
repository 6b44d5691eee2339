import type { HallEvent } from '../protocol/events.js';
import type { WindowRuntime } from '../protocol/model.js';

/** Milliseconds a window, or a clerk at a window, was open and paused inside the span. */
export interface TimeSpent {
  openMs: number;
  pausedMs: number;
}

export interface Span {
  start: number;
  end: number;
}

/** A window while it is open: when its open time, its clerk's share and the running pause (window's and clerk's part) began. */
interface OpenWindow {
  openSince: number;
  clerkId: string | undefined;
  clerkSince: number;
  pauseSince: number | undefined;
  clerkPauseSince: number | undefined;
}

/** The clerk id an event tells about the window before it happened. */
function clerkBefore(event: HallEvent): string | undefined {
  switch (event.type) {
    case 'window:taken-over':
      return event.previousClerk?.id;
    case 'window:closed':
      return event.clerk?.id;
    case 'ticket:called':
      return event.clerkId;
    default:
      return undefined;
  }
}

function windowOf(event: HallEvent): string | undefined {
  if (event.type.startsWith('window:')) return (event as { windowId: string }).windowId;
  return event.type === 'ticket:called' ? event.windowId : undefined;
}

/**
 * The window at the span's start, read from its events in the span: only
 * `window:opened` follows a closed window; any other window event, or a call
 * there, means it was open already, and the first event that names the
 * clerk before it (a call, a take-over, the close) says whose it was. A
 * window with no event at all is open throughout if the live hall says it
 * opened before the span (opening is an event, so it cannot have closed and
 * opened again since).
 */
function initialState(own: readonly HallEvent[], live: WindowRuntime | undefined, span: Span): OpenWindow | undefined {
  const first = own[0];
  const openBefore = live !== undefined && live.status !== 'closed' && live.openedAt !== undefined && live.openedAt <= span.start;
  if (first === undefined ? !openBefore : first.type === 'window:opened') return undefined;
  let pauseSince: number | undefined;
  if (first === undefined && live?.status === 'paused' && (live.pausedAt ?? span.start) <= span.start) pauseSince = span.start;
  if (first?.type === 'window:resumed') pauseSince = Math.max(span.start, first.at - first.pausedSeconds * 1000);
  const naming = own.find((event) => event.type === 'window:opened' || clerkBefore(event) !== undefined);
  const clerkId = (naming && clerkBefore(naming)) ?? (openBefore ? live?.clerk?.id : undefined);
  return { openSince: span.start, clerkId, clerkSince: span.start, pauseSince, clerkPauseSince: pauseSince };
}

/**
 * Open time runs from `window:opened` (or the span's start) to
 * `window:closed` (or the span's end), paused included; the clerk's share
 * changes hands at `window:taken-over`. Paused time runs from
 * `window:paused` to `window:resumed` or the close. Everything is clipped to
 * the span, whose end is the earlier of the range's end and now, so a window
 * that is still open counts up to the report.
 */
export function windowTimes(
  events: readonly HallEvent[],
  windowIds: readonly string[],
  live: Record<string, WindowRuntime>,
  span: Span,
): { windows: Map<string, TimeSpent>; clerks: Map<string, TimeSpent> } {
  const windows = new Map<string, TimeSpent>();
  const clerks = new Map<string, TimeSpent>();
  const add = (map: Map<string, TimeSpent>, key: string, field: keyof TimeSpent, from: number, to: number) => {
    let entry = map.get(key);
    if (!entry) map.set(key, (entry = { openMs: 0, pausedMs: 0 }));
    entry[field] += Math.max(0, Math.min(to, span.end) - Math.max(from, span.start));
  };

  const inSpan = events.filter((event) => event.at >= span.start && event.at < span.end);
  const byWindow = new Map<string, HallEvent[]>(windowIds.map((windowId) => [windowId, []]));
  for (const event of inSpan) {
    const windowId = windowOf(event);
    if (windowId === undefined) continue;
    if (!byWindow.has(windowId)) byWindow.set(windowId, []);
    byWindow.get(windowId)!.push(event);
  }
  const open = new Map<string, OpenWindow>();
  for (const [windowId, own] of byWindow) {
    const state = initialState(own, live[windowId], span);
    if (state) open.set(windowId, state);
  }

  const endClerkShare = (state: OpenWindow, at: number) => {
    if (state.clerkId === undefined) return;
    add(clerks, state.clerkId, 'openMs', state.clerkSince, at);
    if (state.clerkPauseSince !== undefined) add(clerks, state.clerkId, 'pausedMs', state.clerkPauseSince, at);
  };
  const endPause = (windowId: string, state: OpenWindow, at: number) => {
    if (state.pauseSince !== undefined) add(windows, windowId, 'pausedMs', state.pauseSince, at);
    if (state.clerkPauseSince !== undefined && state.clerkId !== undefined) add(clerks, state.clerkId, 'pausedMs', state.clerkPauseSince, at);
    state.pauseSince = state.clerkPauseSince = undefined;
  };
  const close = (windowId: string, state: OpenWindow, at: number) => {
    endPause(windowId, state, at);
    endClerkShare(state, at);
    add(windows, windowId, 'openMs', state.openSince, at);
    open.delete(windowId);
  };

  for (const event of inSpan) {
    const windowId = windowOf(event);
    const state = windowId === undefined ? undefined : open.get(windowId);
    if (windowId === undefined) continue;
    switch (event.type) {
      case 'window:opened':
        if (!state) open.set(windowId, { openSince: event.at, clerkId: event.clerk.id, clerkSince: event.at, pauseSince: undefined, clerkPauseSince: undefined });
        break;
      case 'window:taken-over':
        if (!state) break;
        endClerkShare(state, event.at);
        state.clerkId = event.clerk.id;
        state.clerkSince = event.at;
        if (state.clerkPauseSince !== undefined) state.clerkPauseSince = event.at;
        break;
      case 'window:paused':
        if (state) state.pauseSince = state.clerkPauseSince = event.at;
        break;
      case 'window:resumed':
        if (state) endPause(windowId, state, event.at);
        break;
      case 'window:closed':
        if (state) close(windowId, state, event.at);
        break;
    }
  }
  for (const [windowId, state] of [...open]) close(windowId, state, span.end);
  return { windows, clerks };
}
