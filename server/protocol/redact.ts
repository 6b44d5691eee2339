import type { HallEvent } from './events.js';
import type { Appointment, Clerk, Ticket } from './model.js';
import { maskName, maskPhone } from './rules/personalData.js';
import { maskTicketPhone } from './rules/notify.js';

/**
 * What public clients (wall boards, window screens, phones) receive of an
 * event: no ticket ids (they are the e-ticket links), no clerk ids, case
 * numbers, notes or booking references. Same seq, so gap detection still works.
 */
export type PublicTicket = Omit<Ticket, 'id' | 'clerkId' | 'caseNumber' | 'appointmentId' | 'transfer' | 'receivedTransfer' | 'notifyPhone'> & {
  transferred: boolean;
};

export function publicTicket(ticket: Ticket): PublicTicket {
  // notifyPhone (无声叫号) is personal data: never on a board, a phone or a public API.
  const { id: _id, clerkId: _clerk, caseNumber: _case, appointmentId: _appointment, transfer, receivedTransfer: _received, notifyPhone: _phone, ...rest } = ticket;
  return { ...rest, transferred: transfer !== undefined };
}

export function publicClerk(clerk: Clerk): Pick<Clerk, 'name' | 'staffNo' | 'post'> {
  return { name: clerk.name, ...(clerk.staffNo ? { staffNo: clerk.staffNo } : {}), ...(clerk.post ? { post: clerk.post } : {}) };
}

export type PublicEvent = Record<string, unknown> & Pick<HallEvent, 'type' | 'seq' | 'hallId' | 'at' | 'board'>;

export function publicEvent(event: HallEvent): PublicEvent {
  const { actor: _actor, ...copy } = event as HallEvent & Record<string, unknown>;
  const result: Record<string, unknown> = { ...copy };
  delete result.clerkId;
  delete result.caseNumber;
  delete result.note;
  // Window runtimes name the clerk's account; the board change already says what a screen shows.
  delete result.runtimes;
  if ('ticket' in event) result.ticket = publicTicket(event.ticket);
  if (event.type === 'window:closed') result.released = event.released.map(publicTicket);
  if (event.type === 'appointment:created') {
    const { externalRef: _ref, ...appointment } = event.appointment;
    result.appointment = appointment;
  }
  if (event.type === 'window:paused' && event.note !== undefined) result.note = event.note;
  // The audit and the configuration (printer addresses, before and after) are for staff; screens reload their view instead.
  if (event.type === 'hall:configured') {
    delete result.changes;
    delete result.config;
  }
  // 好差评 reasons and 差评 cases are for the hall's staff; a screen only needs the seq to stay in step.
  if (event.type === 'ticket:rated') {
    delete result.reasons;
    delete result.recordedBy;
  }
  if (event.type.startsWith('rating-case:')) {
    for (const key of ['case', 'verification', 'fix', 'followUp', 'closed']) delete result[key];
  }
  // 网上预约: screens learn only that a slot changed, never who booked it, the reference or the phone's key.
  if (event.type === 'booking:created') result.appointment = { serviceId: event.appointment.serviceId, slotStart: event.appointment.slotStart, slotEnd: event.appointment.slotEnd };
  if (event.type === 'booking:no-show') delete result.phoneKey;
  // Nor which booking: its id is half of the manage link.
  if (event.type.startsWith('booking:')) delete result.appointmentId;
  // A checked-in booking's ticket carries its mobile number (无声叫号): never on a public event.
  if ('ticket' in event) delete (result.ticket as Record<string, unknown>).notifyPhone;
  if (event.type === 'window:closed') for (const ticket of result.released as Array<Record<string, unknown>>) delete ticket.notifyPhone;
  // 工作人员公示 publishes the clerk's name, staff number and post, not the account behind them.
  if ('clerk' in event && event.clerk) result.clerk = publicClerk(event.clerk);
  if ('previousClerk' in event && event.previousClerk) result.previousClerk = publicClerk(event.previousClerk);
  return result as PublicEvent;
}

/**
 * What staff sockets and the staff event log get of an event: all of it but a 差评's follow-up phone
 * number (personal data: every clerk's panel receives staff events, and the clerk complained about is
 * one of them). Only the case detail, for the hall's supervisors and admins, shows the number.
 */
export function staffEvent(event: HallEvent): HallEvent {
  // 网上预约: every clerk's panel gets staff events; the booking's name and number are masked (张*, 138****5678).
  if (event.type === 'booking:created') return { ...event, appointment: maskedAppointment(event.appointment) };
  const masked = maskEventPhones(event);
  if (masked.type !== 'rating-case:opened' || masked.case.followUpPhone === undefined) return masked;
  const { followUpPhone: _phone, ...rest } = masked.case;
  return { ...masked, case: rest };
}

/** 无声叫号: staff see a ticket's mobile number masked (138****5678), in events as in the staff view. */
export function maskEventPhones(event: HallEvent): HallEvent {
  let result = event;
  if ('ticket' in result && result.ticket.notifyPhone !== undefined) result = { ...result, ticket: maskTicketPhone(result.ticket) } as HallEvent;
  if (result.type === 'window:closed' && result.released.some((ticket) => ticket.notifyPhone !== undefined)) {
    result = { ...result, released: result.released.map(maskTicketPhone) };
  }
  return result;
}

/** A booking as staff events carry it: masked name and number, no ID hash. */
function maskedAppointment<A extends Omit<Appointment, 'code' | 'secret'>>(appointment: A): A {
  const { idTailHash: _hash, ...rest } = appointment;
  return {
    ...rest,
    ...(appointment.name !== undefined ? { name: maskName(appointment.name) } : {}),
    ...(appointment.phone !== undefined ? { phone: maskPhone(appointment.phone) } : {}),
  } as A;
}
