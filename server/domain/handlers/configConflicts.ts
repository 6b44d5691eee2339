import { fail } from '../failure.js';
import type { HallConfig, HallState, Ticket } from '../../protocol/model.js';
import { tierAt } from '../queue.js';
import { configReasons, serviceLabel } from './configMessages.js';

/**
 * What in the live hall stands in the way of a new configuration. Each edit
 * of a running hall either goes through (evolve then gives every configured
 * window its live entry and drops the entries of removed ones) or is refused
 * here, naming what is in the way, so nobody waiting is stranded:
 *  - a removed service with tickets in the hall (waiting, at a window, or
 *    served and still open for rating): disable it (`enabled: false`), let the
 *    queue be served or transferred, then remove it;
 *  - a removed service with bookings that can still be checked in;
 *  - a removed window that is staffed (open or paused): close it first;
 *  - a service whose waiting tickets no window would serve any more (its last
 *    window dropped it): keep one window for it until its queue is empty.
 * Everything else goes through as it is: renaming, renumbering (calls already
 * made keep the number they were called to), tiers, caps (a lower cap than
 * today's count stops issuing), issuing periods, the closing time and the
 * time zone (see lifecycle.ts: the day never moves back).
 */
export function refuseConflicts(state: HallState, after: HallConfig, now: number): void {
  const keptServices = new Set(after.services.map((service) => service.id));
  const keptWindows = new Set(after.windows.map((window) => window.id));
  const tickets = state.tickets.values();

  for (const service of state.config.services) {
    if (keptServices.has(service.id)) continue;
    const mine = tickets.filter((ticket) => ticket.serviceId === service.id);
    if (mine.length > 0) {
      const waiting = mine.filter(isQueued).length;
      const atWindows = windowNumbers(state, mine.filter((ticket) => ticket.status === 'called' || ticket.status === 'serving'));
      const awaitingRating = mine.filter((ticket) => ticket.status === 'served').length;
      invalid(configReasons.removedWithTickets(serviceLabel(service, service.id), waiting, atWindows, awaitingRating), { serviceId: service.id, waiting, atWindows, awaitingRating });
    }
    // Checked-in bookings are tickets (above); a booking past its check-in window can only be told it expired.
    const grace = state.config.policy.appointmentGraceMinutes * 60_000;
    const bookings = Object.values(state.appointments).filter(
      (appointment) => appointment.serviceId === service.id && appointment.status === 'booked' && appointment.slotEnd + grace >= now,
    ).length;
    if (bookings > 0) invalid(configReasons.removedWithBookings(serviceLabel(service, service.id), bookings), { serviceId: service.id, bookings });
  }

  for (const window of state.config.windows) {
    const runtime = state.windows[window.id];
    if (keptWindows.has(window.id) || !runtime || runtime.status === 'closed') continue;
    invalid(configReasons.staffedWindow(window, runtime.clerk?.name), {
      windowId: window.id,
      number: window.number,
      ...(runtime.clerk ? { clerk: runtime.clerk.name } : {}),
    });
  }

  for (const service of after.services) {
    const servedBefore = state.config.windows.some((window) => tierAt(window, service.id) !== undefined);
    const servedAfter = after.windows.some((window) => tierAt(window, service.id) !== undefined);
    if (!servedBefore || servedAfter) continue;
    // A ticket transferred to a particular window is called there whatever the window serves.
    const waiting = tickets.filter((ticket) => ticket.serviceId === service.id && isQueued(ticket) && ticket.transfer?.toWindowId === undefined).length;
    if (waiting > 0) {
      invalid(configReasons.lastWindowRemoved(serviceLabel(service, service.id), waiting), {
        serviceId: service.id,
        waiting,
      });
    }
  }
}

/** In a queue or about to be requeued: what must still be called somewhere. */
function isQueued(ticket: Ticket): boolean {
  return ticket.status === 'waiting' || ticket.status === 'no-show';
}

function windowNumbers(state: HallState, tickets: Ticket[]): number[] {
  return tickets.map((ticket) => state.config.windows.find((window) => window.id === ticket.windowId)?.number ?? 0);
}

function invalid(reason: string, details: Record<string, unknown>): never {
  fail('CONFIG_INVALID', { reason, ...details });
}
