import type { HallState, Ticket, WindowRuntime } from '../model.js';
import { TicketMap } from '../ticketMap.js';
import { inCallingOrder, serviceQueue } from '../rules/queue.js';
import type { StaffView } from '../viewTypes.js';
import { maskTicketPhone } from '../rules/notify.js';
import { type ViewEvent, applyBoardEvent, boardView } from './board.js';

export type { StaffView };

/** The staff view (counter panels, supervisors): the board plus every live ticket, window runtimes and the rules' inputs. */

export function staffView(state: HallState, now: number): StaffView {
  const queues: Record<string, Ticket[]> = {};
  // Staff see a citizen's mobile number masked (as staffEvent sends it), never whole.
  for (const service of state.config.services) queues[service.id] = serviceQueue(state, service.id, now).map(maskTicketPhone);
  // In queue-rank order, so a screen folding events arrives at the same order as a snapshot.
  const live = state.tickets.values().sort(byRank).map(maskTicketPhone);
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

function byRank(a: Ticket, b: Ticket): number {
  return a.rank - b.rank;
}

/** What staff events carry beyond the board change: the tickets they are about and the window runtimes that changed. */
export interface StaffViewEvent extends ViewEvent {
  ticket?: Ticket;
  released?: Ticket[];
  /** Window runtimes the command changed, as they now are (staff only: public events leave them out). */
  runtimes?: Record<string, WindowRuntime>;
}

function ticketsOf(event: StaffViewEvent): Ticket[] {
  const tickets: Ticket[] = [];
  if (event.ticket) tickets.push(event.ticket);
  if (event.released) tickets.push(...event.released);
  return tickets;
}

/**
 * One full (staff) event applied to a staff view. The board part is copied
 * from the event's change; the tickets the event carries replace their old
 * copies, and the queues are put in calling order with the engine's own rule
 * (`serviceQueue`, in protocol/rules) at the event's time, so the panel never
 * re-reads the view and never orders a queue by a rule of its own.
 */
export function applyStaffEvent(view: StaffView, event: StaffViewEvent): StaffView {
  const next = applyBoardEvent(view, event);
  const changed = ticketsOf(event);
  const windowsRuntime = event.runtimes ? { ...view.windowsRuntime, ...event.runtimes } : view.windowsRuntime;
  const changedIds = new Set(changed.map((ticket) => ticket.id));
  const policy = { config: { policy: view.policy } };
  const queues: Record<string, Ticket[]> = {};
  for (const [serviceId, queue] of Object.entries(view.queues)) {
    const arriving = changed.filter((ticket) => ticket.status === 'waiting' && ticket.serviceId === serviceId);
    const untouched = arriving.length === 0 && !queue.some((ticket) => changedIds.has(ticket.id));
    // A queue no ticket of the event joined or left keeps its order unless the clock moved a ticket's class.
    if (untouched && inCallingOrder(policy, queue, event.at)) {
      queues[serviceId] = queue;
      continue;
    }
    const members = TicketMap.fromTickets([...queue.filter((ticket) => !changedIds.has(ticket.id)), ...arriving]);
    queues[serviceId] = serviceQueue({ tickets: members, ...policy }, serviceId, event.at);
  }
  if (changed.length === 0) return { ...next, queues, windowsRuntime };
  const atWindows = [...view.current, ...view.noShows].filter((ticket) => !changedIds.has(ticket.id));
  const all = [...atWindows, ...changed].sort(byRank);
  return {
    ...next,
    queues,
    windowsRuntime,
    current: all.filter((ticket) => ticket.status === 'called' || ticket.status === 'serving'),
    noShows: all.filter((ticket) => ticket.status === 'no-show'),
  };
}
