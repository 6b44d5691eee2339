import type { HallEvent } from '../protocol/events.js';
import type { BookingDayRow } from '../protocol/stats.js';
import { localTime } from '../domain/time.js';

/**
 * 网上预约 figures per service and hall-local day: bookings made, check-ins, no-shows and cancellations,
 * each counted on the day it happened (a booking on the day it was made, not the day of its slot: the
 * report reads the events of its own range, and a booking made last week for today is in last week's).
 * Check-ins count every appointment checked in, including those of `appointment.create`.
 */
export function bookingFigures(events: readonly HallEvent[], range: { from: string; to: string }, timeZone: string, serviceName: (serviceId: string) => string): BookingDayRow[] {
  const rows = new Map<string, BookingDayRow>();
  const rowOf = (at: number, serviceId: string): BookingDayRow | undefined => {
    const day = localTime(at, timeZone).day;
    if (day < range.from || day > range.to) return undefined;
    const key = `${day}|${serviceId}`;
    let row = rows.get(key);
    if (!row) {
      row = { day, serviceId, name: serviceName(serviceId), booked: 0, checkedIn: 0, noShow: 0, cancelled: 0 };
      rows.set(key, row);
    }
    return row;
  };
  for (const event of events) {
    switch (event.type) {
      case 'booking:created': {
        const row = rowOf(event.at, event.appointment.serviceId);
        if (row) row.booked += 1;
        break;
      }
      case 'appointment:checked-in': {
        const row = rowOf(event.at, event.ticket.serviceId);
        if (row) row.checkedIn += 1;
        break;
      }
      case 'booking:no-show': {
        const row = rowOf(event.at, event.serviceId);
        if (row) row.noShow += 1;
        break;
      }
      case 'booking:cancelled': {
        const row = rowOf(event.at, event.serviceId);
        if (row) row.cancelled += 1;
        break;
      }
      default:
        break;
    }
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.serviceId.localeCompare(b.serviceId));
}
