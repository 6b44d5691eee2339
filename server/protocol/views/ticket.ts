import type { HallState, Ticket } from '../model.js';
import { estimatedWaitMinutes, peopleAhead, windowConfig } from '../rules/queue.js';
import type { TicketStatusView } from '../viewTypes.js';
import { rateableUntil } from '../rules/rateable.js';
import { ratingSettings } from '../rules/ratings.js';

export type { TicketStatusView };


/** What the citizen's phone (e-ticket) sees; `live` is the ticket as the hall state has it now, if still there. */
export function ticketStatusView(state: HallState | null, ticket: Ticket, now: number): TicketStatusView {
  const live = state?.tickets.get(ticket.id) ?? ticket;
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
    rating: live.rating ?? null,
    rateableUntil: state ? rateableUntil(live, state.config, now) : null,
    ratingReasons: state ? ratingSettings(state.config).reasons : [],
  };
}
