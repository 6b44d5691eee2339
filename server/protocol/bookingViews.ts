import type { BookableService, BookingList, BookingSlot, BookingSlotsAnswer, BookingStaffRow, BookingView } from './booking.js';
import type { Appointment, HallState } from './model.js';
import { bookingOf, holdsPlace, openSlots } from './rules/booking.js';
import { maskName, maskPhone } from './rules/personalData.js';
import { localTime } from './rules/time.js';

/**
 * What the 网上预约 API answers, from the hall's state. Personal data leaves only masked, and only in the
 * staff list and the citizen's own manage link; the public lists carry counts, never people.
 */

const MINUTE = 60_000;

/** A row of the staff list: masked name and number, never the secret or the ID hash. */
export function bookingStaffRow(appointment: Appointment, ticketNumber?: string): BookingStaffRow {
  return {
    id: appointment.id,
    serviceId: appointment.serviceId,
    slotStart: appointment.slotStart,
    slotEnd: appointment.slotEnd,
    status: appointment.status,
    source: appointment.source ?? 'platform',
    name: appointment.name !== undefined ? maskName(appointment.name) : '',
    phone: appointment.phone !== undefined ? maskPhone(appointment.phone) : '',
    code: appointment.code,
    ...(appointment.ticketId !== undefined ? { ticketId: appointment.ticketId } : {}),
    ...(ticketNumber !== undefined ? { ticketNumber } : {}),
    ...(appointment.externalRef !== undefined ? { externalRef: appointment.externalRef } : {}),
  };
}

/** The services the booking page offers: enabled, with booking on. */
export function bookableServices(state: HallState): BookableService[] {
  return state.config.services
    .filter((service) => bookingOf(service) !== null)
    .map((service) => ({
      id: service.id,
      name: service.name,
      ...(service.nameAlt !== undefined ? { nameAlt: service.nameAlt } : {}),
      ...(service.department !== undefined ? { department: service.department } : {}),
      ...(service.departmentAlt !== undefined ? { departmentAlt: service.departmentAlt } : {}),
      materials: [...service.materials],
      slotMinutes: service.booking!.slotMinutes,
    }));
}

/** The open slots of a service with what is left, within [from, to) when given; null when the service cannot be booked. */
export function slotsAnswer(state: HallState, serviceId: string, now: number, range: { from?: number; to?: number } = {}): BookingSlotsAnswer | null {
  const settings = bookingOf(state.config.services.find((service) => service.id === serviceId));
  if (!settings) return null;
  const taken = new Map<number, number>();
  for (const appointment of Object.values(state.appointments)) {
    if (appointment.serviceId === serviceId && holdsPlace(appointment.status)) taken.set(appointment.slotStart, (taken.get(appointment.slotStart) ?? 0) + 1);
  }
  const slots: BookingSlot[] = openSlots(settings, state.config, now)
    .filter((slot) => (range.from === undefined || slot.start >= range.from) && (range.to === undefined || slot.start < range.to))
    .map((slot) => ({ start: slot.start, end: slot.end, capacity: settings.perSlot, remaining: Math.max(0, settings.perSlot - (taken.get(slot.start) ?? 0)) }));
  return { serviceId, slots };
}

/** What the citizen's manage link shows of their own booking (masked: the link may be forwarded). */
export function bookingView(state: HallState, appointment: Appointment, now: number): BookingView {
  const service = state.config.services.find((candidate) => candidate.id === appointment.serviceId);
  const address = state.config.booking?.address;
  return {
    id: appointment.id,
    hallId: state.config.id,
    hallName: state.config.name,
    ...(state.config.nameAlt !== undefined ? { hallNameAlt: state.config.nameAlt } : {}),
    ...(address !== undefined ? { address } : {}),
    serviceId: appointment.serviceId,
    serviceName: service?.name ?? appointment.serviceId,
    ...(service?.nameAlt !== undefined ? { serviceNameAlt: service.nameAlt } : {}),
    materials: [...(service?.materials ?? [])],
    slotStart: appointment.slotStart,
    slotEnd: appointment.slotEnd,
    code: appointment.code,
    status: appointment.status,
    name: appointment.name !== undefined ? maskName(appointment.name) : '',
    phone: appointment.phone !== undefined ? maskPhone(appointment.phone) : '',
    changeable: appointment.status === 'booked' && now < appointment.slotStart,
    checkInFrom: appointment.slotStart - state.config.policy.appointmentEarlyMinutes * MINUTE,
  };
}

/** The staff list of one local day: every booking of the day still in the live state, and its counts per service. */
export function bookingList(state: HallState, date: string): BookingList {
  const { timeZone } = state.config;
  const bookings = Object.values(state.appointments)
    .filter((appointment) => appointment.source !== undefined && localTime(appointment.slotStart, timeZone).day === date)
    .sort((a, b) => a.slotStart - b.slotStart || a.createdAt - b.createdAt);
  const counts: BookingList['counts'] = {};
  for (const appointment of bookings) {
    const count = (counts[appointment.serviceId] ??= { booked: 0, checkedIn: 0, noShow: 0, cancelled: 0 });
    if (appointment.status === 'booked') count.booked++;
    else if (appointment.status === 'checked-in') count.checkedIn++;
    else if (appointment.status === 'no-show') count.noShow++;
    else count.cancelled++;
  }
  return {
    date,
    bookings: bookings.map((appointment) => bookingStaffRow(appointment, appointment.ticketId !== undefined ? state.tickets.get(appointment.ticketId)?.number : undefined)),
    counts,
  };
}
