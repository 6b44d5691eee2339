import type { HallState, Ticket } from '../protocol/model.js';
import type { BoardView, StaffView, TicketStatusView } from '../protocol/viewTypes.js';
import { issuingRefusal } from './handlers/tickets.js';
import { estimatedWaitMinutes, peopleAhead, serviceQueue, waitingCounts, windowConfig } from './queue.js';

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
      ...(config.nameAlt !== undefined ? { nameAlt: config.nameAlt } : {}),
      ...(config.complaintPhone !== undefined ? { complaintPhone: config.complaintPhone } : {}),
      ...(config.callTemplateAlt !== undefined ? { callTemplateAlt: config.callTemplateAlt } : {}),
      ...(state.archivedAt !== undefined ? { archivedAt: state.archivedAt } : {}),
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
      ...(service.nameAlt !== undefined ? { nameAlt: service.nameAlt } : {}),
      ...(service.department !== undefined ? { department: service.department } : {}),
    })),
    windows: config.windows.map((window) => {
      const runtime = state.windows[window.id];
      const current = runtime?.currentTicketId ? state.tickets[runtime.currentTicketId] : undefined;
      const clerk = runtime?.clerk;
      const lastFinished = runtime?.lastFinishedTicketId ? state.tickets[runtime.lastFinishedTicketId] : undefined;
      return {
        id: window.id,
        number: window.number,
        name: window.name,
        status: runtime?.status ?? 'closed',
        currentTicket: current?.number ?? null,
        currentServiceId: current?.serviceId ?? null,
        pauseReason: runtime?.pauseReason ?? null,
        pauseNote: runtime?.pauseNote ?? null,
        clerk: clerk
          ? { name: clerk.name, ...(clerk.staffNo ? { staffNo: clerk.staffNo } : {}), ...(clerk.post ? { post: clerk.post } : {}) }
          : null,
        // The citizen just served may still rate while the clerk already calls the next one (one-button callers).
        awaitingRating:
          lastFinished !== undefined &&
          lastFinished.rating === undefined &&
          (lastFinished.finishedAt ?? now) + config.evaluationMinutes * 60_000 > now,
        ...(window.nameAlt !== undefined ? { nameAlt: window.nameAlt } : {}),
        ...(window.department !== undefined ? { department: window.department } : {}),
      };
    }),
    recentCalls: state.recentCalls,
    announcements: state.announcements.filter((announcement) => announcement.expiresAt === undefined || announcement.expiresAt > now),
  };
}

/** What the citizen's phone (e-ticket) sees; `live` is the ticket as the hall state has it now, if still there. */
export function ticketStatusView(state: HallState | null, ticket: Ticket, now: number): TicketStatusView {
  const live = state?.tickets[ticket.id] ?? ticket;
  const ahead = state && live.status === 'waiting' ? peopleAhead(state, live, now) : 0;
  const windowRef = state && live.windowId ? windowConfig(state, live.windowId) : undefined;
  const atWindow = live.status === 'called' || live.status === 'serving' || live.status === 'served';
  return {
    id: live.id,
    number: live.number,
    serviceId: live.serviceId,
    serviceName: state?.config.services.find((service) => service.id === live.serviceId)?.name ?? live.serviceId,
    status: live.status,
    priority: live.priority,
    ahead,
    estimatedWaitMinutes: state && live.status === 'waiting' ? estimatedWaitMinutes(state, live.serviceId, ahead) : 0,
    issuedAt: live.issuedAt,
    calledAt: live.calledAt ?? null,
    window: atWindow && windowRef ? { id: windowRef.id, number: windowRef.number, name: windowRef.name } : null,
  };
}

export function staffView(state: HallState, now: number): StaffView {
  const queues: Record<string, Ticket[]> = {};
  for (const service of state.config.services) queues[service.id] = serviceQueue(state, service.id, now);
  const live = Object.values(state.tickets);
  const serviceWindows: Record<string, string[]> = {};
  for (const window of state.config.windows) {
    for (const link of window.services) (serviceWindows[link.serviceId] ??= []).push(window.id);
  }
  return {
    ...boardView(state, now),
    queues,
    windowsRuntime: state.windows,
    current: live.filter((ticket) => ticket.status === 'called' || ticket.status === 'serving'),
    noShows: live.filter((ticket) => ticket.status === 'no-show'),
    maxWaitMinutes: state.config.maxWaitMinutes,
    policy: state.config.policy,
    serviceWindows,
    serviceMaterials: Object.fromEntries(state.config.services.map((service) => [service.id, service.materials])),
  };
}
