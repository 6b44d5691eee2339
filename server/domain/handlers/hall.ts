import type { Command } from '../../protocol/commands.js';
import { type Ctx, snapshot, staffOf } from '../context.js';
import { fail } from '../failure.js';
import type { Announcement, Appointment } from '../../protocol/model.js';
import { serviceConfig } from '../queue.js';
import { createTicket, type IssuedTicket } from './tickets.js';

const MINUTE = 60_000;
const CODE_ATTEMPTS = 20;

/** An external booking system books a slot; the citizen later checks in with the code. */
export function createAppointment(ctx: Ctx, command: Extract<Command, { type: 'appointment.create' }>): Appointment {
  staffOf(ctx.actor);
  if (!serviceConfig(ctx.state, command.serviceId)) fail('SERVICE_NOT_FOUND', { serviceId: command.serviceId });
  if (command.slotEnd <= command.slotStart) fail('APPOINTMENT_SLOT_INVALID');
  const taken = new Set(Object.values(ctx.state.appointments).map((appointment) => appointment.code));
  let code = ctx.ids.checkInCode();
  for (let attempt = 0; taken.has(code) && attempt < CODE_ATTEMPTS; attempt++) code = ctx.ids.checkInCode();
  if (taken.has(code)) fail('INTERNAL', { reason: 'no free check-in code' });
  const appointment: Appointment = {
    id: ctx.ids.id(),
    serviceId: command.serviceId,
    slotStart: command.slotStart,
    slotEnd: command.slotEnd,
    code,
    status: 'booked',
    createdAt: ctx.now,
    ...(command.externalRef !== undefined ? { externalRef: command.externalRef } : {}),
  };
  const { code: _secret, ...published } = appointment;
  ctx.emit({ type: 'appointment:created', appointment: published, code });
  return { ...appointment };
}

/** Check-in turns a booking into a ticket that is preferred once its slot has come (no cap, no hours: it was booked). */
export function checkIn(ctx: Ctx, command: Extract<Command, { type: 'appointment.check-in' }>): IssuedTicket {
  // A cancelled booking's code checks nothing in; a missed one (网上预约 no-show) is told it expired.
  const appointment = Object.values(ctx.state.appointments).find((candidate) => candidate.code === command.code && candidate.status !== 'cancelled');
  if (!appointment) fail('APPOINTMENT_NOT_FOUND');
  if (appointment.status === 'checked-in') fail('APPOINTMENT_ALREADY_CHECKED_IN', { ticketId: appointment.ticketId });
  if (appointment.status === 'no-show') fail('APPOINTMENT_EXPIRED', { slotEnd: appointment.slotEnd });
  if (ctx.state.dayClosedAt !== undefined) fail('OUTSIDE_HOURS');
  const { policy } = ctx.state.config;
  if (ctx.now < appointment.slotStart - policy.appointmentEarlyMinutes * MINUTE) {
    // checkInFrom: the kiosk says from when, without knowing the hall's policy.
    fail('APPOINTMENT_TOO_EARLY', { slotStart: appointment.slotStart, checkInFrom: appointment.slotStart - policy.appointmentEarlyMinutes * MINUTE });
  }
  if (ctx.now > appointment.slotEnd + policy.appointmentGraceMinutes * MINUTE) {
    fail('APPOINTMENT_EXPIRED', { slotEnd: appointment.slotEnd });
  }
  const service = serviceConfig(ctx.state, appointment.serviceId);
  if (!service) fail('SERVICE_NOT_FOUND', { serviceId: appointment.serviceId });
  const issued = createTicket(ctx, service, {
    channel: 'appointment',
    priority: false,
    appointmentId: appointment.id,
    slotStart: appointment.slotStart,
  });
  // 无声叫号: the booking's mobile number is the ticket's, for "your turn is near" messages.
  if (appointment.phone !== undefined) issued.ticket.notifyPhone = appointment.phone;
  ctx.emit({ type: 'appointment:checked-in', appointmentId: appointment.id, ticket: issued.ticket });
  return { ...issued, ticket: snapshot(issued.ticket) };
}

export function postAnnouncement(ctx: Ctx, command: Extract<Command, { type: 'announcement.post' }>): Announcement {
  staffOf(ctx.actor);
  const announcement: Announcement = {
    id: ctx.ids.id(),
    text: command.text,
    postedAt: ctx.now,
    ...(command.textAlt !== undefined ? { textAlt: command.textAlt } : {}),
    ...(command.expiresAt !== undefined ? { expiresAt: command.expiresAt } : {}),
  };
  ctx.emit({ type: 'announcement:posted', announcement: { ...announcement } });
  return { ...announcement };
}

export function removeAnnouncement(ctx: Ctx, command: Extract<Command, { type: 'announcement.remove' }>): { announcementId: string } {
  staffOf(ctx.actor);
  if (!ctx.state.announcements.some((announcement) => announcement.id === command.announcementId)) fail('ANNOUNCEMENT_NOT_FOUND', { announcementId: command.announcementId });
  ctx.emit({ type: 'announcement:removed', announcementId: command.announcementId });
  return { announcementId: command.announcementId };
}
