import { DEFAULT_VOICE_SOURCES } from '../voice.js';
import type { HallState } from '../model.js';
import { notifySettings, phoneAlertAt } from '../rules/notify.js';
import { issuingRefusal } from '../rules/issuing.js';
import type { BoardChange, BoardService, BoardView, BoardWindow } from '../viewTypes.js';
import { estimatedWaitMinutes, waitingCounts, windowsServing } from '../rules/queue.js';
import { publicClerk } from '../redact.js';
import { ratingSettings } from '../rules/ratings.js';
import { ratingEndsAt } from '../rules/rateable.js';

export type { BoardChange, BoardService, BoardView, BoardWindow };

/**
 * Read models. The board view is public (wall boards, kiosks, phones): no
 * personal data, no ticket ids, no check-in codes. The staff view adds what
 * clerks and supervisors need to act.
 */

export function boardView(state: HallState, now: number): BoardView {
  const counts = waitingCounts(state);
  const { config } = state;
  return {
    hall: {
      id: config.id,
      name: config.name,
      timeZone: config.timeZone,
      secondLanguage: config.secondLanguage,
      evaluationMinutes: config.evaluationMinutes,
      phoneTickets: config.phoneTickets === true,
      ratingReasons: ratingSettings(config).reasons,
      ...(config.nameAlt !== undefined ? { nameAlt: config.nameAlt } : {}),
      ...(config.complaintPhone !== undefined ? { complaintPhone: config.complaintPhone } : {}),
      ...(config.callTemplateAlt !== undefined ? { callTemplateAlt: config.callTemplateAlt } : {}),
      ...(config.callTemplate !== undefined ? { callTemplate: config.callTemplate } : {}),
      voiceSources: config.voice?.sources ?? [...DEFAULT_VOICE_SOURCES],
      ...(state.archivedAt !== undefined ? { archivedAt: state.archivedAt } : {}),
      ...(notifySettings(config) ? { notifySms: true as const } : {}),
      ...(phoneAlertAt(config) !== null ? { phoneAlertAt: phoneAlertAt(config)! } : {}),
    },
    day: state.day,
    seq: state.seq,
    services: config.services.map((service) => ({
      id: service.id,
      name: service.name,
      prefix: service.prefix,
      waiting: counts[service.id] ?? 0,
      estimatedWaitMinutes: estimatedWaitMinutes(state, service.id, counts[service.id] ?? 0),
      unavailable: issuingRefusal({ state, now }, service),
      windowsServing: windowsServing(state, service.id),
      ...(service.nameAlt !== undefined ? { nameAlt: service.nameAlt } : {}),
      ...(service.department !== undefined ? { department: service.department } : {}),
      ...(service.departmentAlt !== undefined ? { departmentAlt: service.departmentAlt } : {}),
    })),
    windows: config.windows.map((window) => {
      const runtime = state.windows[window.id];
      const current = runtime?.currentTicketId ? state.tickets.get(runtime.currentTicketId) : undefined;
      const clerk = runtime?.clerk;
      const lastFinished = runtime?.lastFinishedTicketId ? state.tickets.get(runtime.lastFinishedTicketId) : undefined;
      // The citizen just served may still rate while the clerk already calls the next one (one-button callers).
      const rateable =
        lastFinished !== undefined &&
        lastFinished.rating === undefined &&
        (ratingEndsAt(lastFinished, 'window-screen', config) ?? Infinity) > now;
      return {
        id: window.id,
        number: window.number,
        name: window.name,
        serviceIds: [...window.services].sort((x, y) => x.tier - y.tier).map((link) => link.serviceId),
        status: runtime?.status ?? 'closed',
        currentTicket: current?.number ?? null,
        currentServiceId: current?.serviceId ?? null,
        pauseReason: runtime?.pauseReason ?? null,
        pauseNote: runtime?.pauseNote ?? null,
        clerk: clerk ? publicClerk(clerk) : null,
        awaitingRating: rateable,
        ratingFor: rateable ? { number: lastFinished.number, serviceId: lastFinished.serviceId } : null,
        ...(window.nameAlt !== undefined ? { nameAlt: window.nameAlt } : {}),
        ...(window.department !== undefined ? { department: window.department } : {}),
      };
    }),
    recentCalls: state.recentCalls,
    announcements: state.announcements.filter((announcement) => announcement.expiresAt === undefined || announcement.expiresAt > now),
  };
}


/** The part of an event the board views read: its place in the log and what it changed. */
export interface ViewEvent {
  type: string;
  seq: number;
  at: number;
  board?: BoardChange;
}

const SERVICE_LIVE_FIELDS = ['waiting', 'estimatedWaitMinutes', 'unavailable', 'windowsServing'] as const;
const WINDOW_LIVE_FIELDS = ['status', 'currentTicket', 'currentServiceId', 'pauseReason', 'pauseNote', 'awaitingRating'] as const;

function sameClerk(a: BoardWindow['clerk'], b: BoardWindow['clerk']): boolean {
  if (a === null || b === null) return a === b;
  return a.name === b.name && a.staffNo === b.staffNo && a.post === b.post;
}

function sameRatingFor(a: BoardWindow['ratingFor'], b: BoardWindow['ratingFor']): boolean {
  if (a === null || b === null) return a === b;
  return a.number === b.number && a.serviceId === b.serviceId;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * The change from `before` to `after`, two views of one configuration (a new
 * configuration reshapes the view: screens take a fresh snapshot instead).
 * Field by field rather than by serialising, because it runs on every command.
 */
export function boardChange(before: BoardView, after: BoardView): BoardChange {
  const change: BoardChange = {};
  if (before.day !== after.day) change.day = after.day;
  const services = after.services.filter((service, index) => {
    const old = before.services[index];
    return old === undefined || old.id !== service.id || SERVICE_LIVE_FIELDS.some((field) => old[field] !== service[field]);
  });
  if (services.length > 0) change.services = services;
  const windows = after.windows.filter((window, index) => {
    const old = before.windows[index];
    return (
      old === undefined ||
      old.id !== window.id ||
      WINDOW_LIVE_FIELDS.some((field) => old[field] !== window[field]) ||
      !sameClerk(old.clerk, window.clerk) ||
      !sameRatingFor(old.ratingFor, window.ratingFor)
    );
  });
  if (windows.length > 0) change.windows = windows;
  
  if (!sameList(before.recentCalls, after.recentCalls)) change.recentCalls = after.recentCalls;
  if (!sameList(before.announcements, after.announcements)) change.announcements = after.announcements;
  return change;
}

export function isEmptyChange(change: BoardChange): boolean {
  return Object.keys(change).length === 0;
}

function replaceById<T extends { id: string }>(list: T[], changed: readonly T[] | undefined): T[] {
  if (!changed) return list;
  const byId = new Map(changed.map((item) => [item.id, item]));
  return list.map((item) => byId.get(item.id) ?? item);
}

/**
 * A configuration change reshapes every view (services, windows, names), and so does retiring the hall
 * (every screen shows 「本大厅已停止服务」): the server sends fresh snapshots after them.
 */
export function reshapesViews(event: { type: string }): boolean {
  return event.type === 'hall:configured' || event.type === 'hall:archived';
}

/**
 * One event applied to a board view (boards, window screens, kiosks, phones'
 * take-a-number page). Pure and rule-free: it copies what the event says
 * changed. `tests/unit/projection.property.test.ts` checks that folding the
 * events into a first snapshot equals the server's snapshot at every seq.
 */
export function applyBoardEvent<V extends BoardView>(view: V, event: ViewEvent): V {
  const change = event.board;
  if (!change) return { ...view, seq: event.seq };
  return {
    ...view,
    seq: event.seq,
    ...(change.day !== undefined ? { day: change.day } : {}),
    services: replaceById(view.services, change.services),
    windows: replaceById(view.windows, change.windows),
    ...(change.recentCalls ? { recentCalls: change.recentCalls } : {}),
    ...(change.announcements ? { announcements: change.announcements } : {}),
  };
}
