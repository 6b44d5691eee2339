import type { BoardView, BoardWindow } from '../server/protocol/viewTypes.js';
import type { Clerk } from '../server/protocol/model.js';

/**
 * Applies one public hall event to a board's view, the way the server's own
 * board view would change. Pure, so it is tested against the server: after any
 * sequence of commands, a board that started from a snapshot and applied the
 * events must equal a fresh snapshot (tests/integration/board-sync.test.ts).
 */

export type PublicHallEvent = { type: string; seq: number; at: number } & Record<string, unknown>;

const RECENT_CALLS_KEPT = 10;

type PublicClerk = Pick<Clerk, 'name' | 'staffNo' | 'post'>;

interface TicketLike {
  number: string;
  serviceId: string;
}

function updateWindow(view: BoardView, windowId: unknown, change: (window: BoardWindow) => BoardWindow): BoardView {
  return { ...view, windows: view.windows.map((window) => (window.id === windowId ? change(window) : window)) };
}

function withWaiting(view: BoardView, waiting: unknown): BoardView {
  if (!waiting || typeof waiting !== 'object') return view;
  const counts = waiting as Record<string, number>;
  return { ...view, services: view.services.map((service) => ({ ...service, waiting: counts[service.id] ?? service.waiting })) };
}

function clerkOf(value: unknown): PublicClerk | null {
  if (!value || typeof value !== 'object') return null;
  const clerk = value as PublicClerk;
  return { name: clerk.name, ...(clerk.staffNo ? { staffNo: clerk.staffNo } : {}), ...(clerk.post ? { post: clerk.post } : {}) };
}

function pushCall(view: BoardView, event: PublicHallEvent, recall: boolean): BoardView {
  const ticket = event.ticket as TicketLike;
  const call = {
    ticketNumber: ticket.number,
    serviceId: ticket.serviceId,
    windowId: String(event.windowId),
    windowNumber: Number(event.windowNumber),
    at: event.at,
    recall,
  };
  return { ...view, recentCalls: [call, ...view.recentCalls].slice(0, RECENT_CALLS_KEPT) };
}

/** Clears a window's current ticket when that ticket leaves it. */
function leaveWindow(view: BoardView, windowId: unknown): BoardView {
  return updateWindow(view, windowId, (window) => ({ ...window, currentTicket: null, currentServiceId: null }));
}

export function applyEvent(view: BoardView, event: PublicHallEvent): BoardView {
  let next: BoardView = { ...view, seq: event.seq };
  switch (event.type) {
    case 'window:opened':
      next = updateWindow(next, event.windowId, (window) => ({
        ...window,
        status: 'open',
        clerk: clerkOf(event.clerk),
        pauseReason: null,
        pauseNote: null,
      }));
      break;
    case 'window:taken-over':
      next = updateWindow(next, event.windowId, (window) => ({ ...window, clerk: clerkOf(event.clerk) }));
      break;
    case 'window:paused':
      next = updateWindow(next, event.windowId, (window) => ({
        ...window,
        status: 'paused',
        pauseReason: event.reason as BoardWindow['pauseReason'],
        pauseNote: typeof event.note === 'string' ? event.note : null,
      }));
      break;
    case 'window:resumed':
      next = updateWindow(next, event.windowId, (window) => ({ ...window, status: 'open', pauseReason: null, pauseNote: null }));
      break;
    case 'window:closed':
      next = updateWindow(next, event.windowId, (window) => ({
        ...window,
        status: 'closed',
        clerk: null,
        pauseReason: null,
        pauseNote: null,
        currentTicket: null,
        currentServiceId: null,
      }));
      break;
    case 'ticket:called': {
      const ticket = event.ticket as TicketLike;
      next = updateWindow(next, event.windowId, (window) => ({
        ...window,
        currentTicket: ticket.number,
        currentServiceId: ticket.serviceId,
      }));
      next = pushCall(next, event, false);
      break;
    }
    case 'ticket:recalled':
      next = pushCall(next, event, true);
      break;
    case 'ticket:finished':
      next = leaveWindow(next, event.windowId);
      next = updateWindow(next, event.windowId, (window) => ({ ...window, awaitingRating: true }));
      break;
    case 'ticket:no-show':
      next = leaveWindow(next, event.windowId);
      break;
    case 'ticket:transferred':
      next = leaveWindow(next, event.fromWindowId);
      break;
    case 'ticket:rated':
      next = updateWindow(next, event.windowId, (window) => ({ ...window, awaitingRating: false }));
      break;
    case 'announcement:posted':
      next = { ...next, announcements: [...next.announcements, event.announcement as BoardView['announcements'][number]] };
      break;
    case 'announcement:removed':
      next = { ...next, announcements: next.announcements.filter((announcement) => announcement.id !== event.announcementId) };
      break;
    case 'hall:day-started':
      next = { ...next, day: String(event.day), recentCalls: [] };
      break;
  }
  return withWaiting(next, event.waiting);
}
