import type { BookingCreated } from '../../protocol/booking.js';
import type { Command } from '../../protocol/commands.js';
import type { BookingCanceller } from '../../protocol/events.js';
import type { Appointment, BookingSource, HallState } from '../../protocol/model.js';
import { blockedUntil, bookingRules, checkSlot, holdsPlace, noShowMemoryMs } from '../../protocol/rules/booking.js';
import { localTime } from '../../protocol/rules/time.js';
import type { Ctx } from '../context.js';
import { fail } from '../failure.js';
import { idTailHash, phoneKey, secretEquals } from './bookingKeys.js';

/**
 * 网上预约 commands. Every check that depends on other bookings (the slot's capacity, one per phone per
 * service per day, the open bookings of a number, the 失信 block) is made here, inside the command, so it
 * is atomic on both stores: SQLite runs one command of a hall at a time, Redis retries the whole command
 * when another process wrote the hall first (compare-and-set), and the retry sees the other booking.
 */

const MINUTE = 60_000;
const CODE_ATTEMPTS = 20;

function sourceOf(ctx: Ctx): BookingSource {
  if (ctx.actor.kind === 'staff') return 'desk';
  if (ctx.actor.kind === 'device') return 'platform';
  return 'online';
}

function cancellerOf(ctx: Ctx): BookingCanceller {
  if (ctx.actor.kind === 'staff') return 'staff';
  if (ctx.actor.kind === 'device') return 'platform';
  return 'citizen';
}

/** The manage link: the citizen's booking page opens it (`/book/manage/:id`). */
export function manageUrl(hallId: string, appointment: Pick<Appointment, 'id' | 'secret'>): string {
  return `/book/manage/${encodeURIComponent(appointment.id)}?secret=${encodeURIComponent(appointment.secret ?? '')}&hall=${encodeURIComponent(hallId)}`;
}

export function createdAnswer(hallId: string, appointment: Appointment): BookingCreated {
  return {
    id: appointment.id,
    code: appointment.code,
    serviceId: appointment.serviceId,
    slotStart: appointment.slotStart,
    slotEnd: appointment.slotEnd,
    manageUrl: manageUrl(hallId, appointment),
  };
}

function freshCode(ctx: Ctx): string {
  const taken = new Set(Object.values(ctx.state.appointments).map((appointment) => appointment.code));
  let code = ctx.ids.checkInCode();
  for (let attempt = 0; taken.has(code) && attempt < CODE_ATTEMPTS; attempt++) code = ctx.ids.checkInCode();
  if (taken.has(code)) fail('INTERNAL', { reason: 'no free check-in code' });
  return code;
}

/** Bookings holding a place in one slot of a service, but `except` (the booking being moved). */
function placesTaken(state: HallState, serviceId: string, slotStart: number, except?: string): number {
  let taken = 0;
  for (const appointment of Object.values(state.appointments)) {
    if (appointment.id !== except && appointment.serviceId === serviceId && appointment.slotStart === slotStart && holdsPlace(appointment.status)) taken++;
  }
  return taken;
}

/** The rules that depend on the phone's other bookings and its no-show record; the same for a move (without itself). */
function checkPhoneRules(ctx: Ctx, phone: string, serviceId: string, day: string, except?: string): void {
  const rules = bookingRules(ctx.state.config);
  const until = blockedUntil(ctx.state.bookingNoShows?.[phoneKey(ctx.state.config.id, phone)], rules.noShowBlock, ctx.now);
  if (until !== null) fail('BOOKING_BLOCKED', { until: localTime(until, ctx.state.config.timeZone).day, untilAt: until });
  const mine = Object.values(ctx.state.appointments).filter((appointment) => appointment.phone === phone && appointment.id !== except && holdsPlace(appointment.status));
  const { timeZone } = ctx.state.config;
  if (mine.some((appointment) => appointment.serviceId === serviceId && localTime(appointment.slotStart, timeZone).day === day)) {
    fail('BOOKING_LIMIT', { rule: 'per-day' });
  }
  const open = mine.filter((appointment) => appointment.status === 'booked' && appointment.slotEnd > ctx.now).length;
  if (open >= rules.maxOpenPerPhone) fail('BOOKING_LIMIT', { rule: 'open', max: rules.maxOpenPerPhone });
}

function requireSlot(ctx: Ctx, serviceId: string, slotStart: number) {
  const checked = checkSlot(ctx.state.config, serviceId, slotStart, ctx.now);
  if (!checked.ok) fail(checked.code, { serviceId, slotStart });
  return checked.slot;
}

export function create(ctx: Ctx, command: Extract<Command, { type: 'booking.create' }>): BookingCreated {
  const hallId = ctx.state.config.id;
  const source = sourceOf(ctx);
  // A platform's retry (timeout, lost answer) gets the booking its first try made, not a second one.
  const platformId = ctx.actor.kind === 'device' ? ctx.actor.deviceId : undefined;
  if (platformId !== undefined && command.externalRef !== undefined) {
    const earlier = Object.values(ctx.state.appointments).find((appointment) => appointment.platformId === platformId && appointment.externalRef === command.externalRef);
    if (earlier) return createdAnswer(hallId, earlier);
  }
  const slot = requireSlot(ctx, command.serviceId, command.slotStart);
  const rules = bookingRules(ctx.state.config);
  if (rules.requireIdTail && command.idTail === undefined) fail('VALIDATION_FAILED', { issues: [{ path: 'idTail', message: 'required by this hall' }] });
  checkPhoneRules(ctx, command.phone, command.serviceId, slot.day);
  const perSlot = ctx.state.config.services.find((service) => service.id === command.serviceId)!.booking!.perSlot;
  if (placesTaken(ctx.state, command.serviceId, slot.start) >= perSlot) fail('SLOT_FULL', { serviceId: command.serviceId, slotStart: slot.start });
  const code = freshCode(ctx);
  const secret = ctx.ids.secretId();
  const appointment: Appointment = {
    id: ctx.ids.id(),
    serviceId: command.serviceId,
    slotStart: slot.start,
    slotEnd: slot.end,
    code,
    status: 'booked',
    createdAt: ctx.now,
    source,
    name: command.name,
    phone: command.phone,
    secret,
    ...(command.idTail !== undefined ? { idTailHash: idTailHash(ctx.ids.id(), command.idTail) } : {}),
    ...(command.externalRef !== undefined ? { externalRef: command.externalRef } : {}),
    ...(platformId !== undefined ? { platformId } : {}),
  };
  const { code: _code, secret: _secret, ...recorded } = appointment;
  ctx.emit({ type: 'booking:created', appointment: recorded, code, secret });
  return createdAnswer(hallId, appointment);
}

/**
 * The booking a caller may change: staff of the hall any, a platform only its own, the public only with
 * the manage link's secret. Every refusal is APPOINTMENT_NOT_FOUND, so a guessed id learns nothing.
 */
function changeable(ctx: Ctx, bookingId: string, secret: string | undefined): Appointment {
  const appointment = Object.hasOwn(ctx.state.appointments, bookingId) ? ctx.state.appointments[bookingId] : undefined;
  if (!appointment || appointment.source === undefined) fail('APPOINTMENT_NOT_FOUND');
  if (ctx.actor.kind === 'device' && appointment.platformId !== ctx.actor.deviceId) fail('APPOINTMENT_NOT_FOUND');
  if (ctx.actor.kind === 'public' && (secret === undefined || !appointment.secret || !secretEquals(appointment.secret, secret))) fail('APPOINTMENT_NOT_FOUND');
  // Cancel and move are for a booking still to come; a checked-in, cancelled or missed one is settled.
  if (appointment.status !== 'booked' || ctx.now >= appointment.slotStart) fail('BOOKING_CLOSED', { status: appointment.status, slotStart: appointment.slotStart });
  return appointment;
}

export function cancel(ctx: Ctx, command: Extract<Command, { type: 'booking.cancel' }>): Appointment {
  const appointment = changeable(ctx, command.bookingId, command.secret);
  ctx.emit({ type: 'booking:cancelled', appointmentId: appointment.id, serviceId: appointment.serviceId, slotStart: appointment.slotStart, by: cancellerOf(ctx) });
  return { ...ctx.state.appointments[appointment.id]! };
}

export function move(ctx: Ctx, command: Extract<Command, { type: 'booking.move' }>): Appointment {
  const appointment = changeable(ctx, command.bookingId, command.secret);
  const slot = requireSlot(ctx, appointment.serviceId, command.slotStart);
  if (slot.start === appointment.slotStart) fail('BOOKING_CLOSED', { reason: 'same slot', slotStart: slot.start });
  if (appointment.phone !== undefined) checkPhoneRules(ctx, appointment.phone, appointment.serviceId, slot.day, appointment.id);
  const perSlot = ctx.state.config.services.find((service) => service.id === appointment.serviceId)!.booking!.perSlot;
  if (placesTaken(ctx.state, appointment.serviceId, slot.start, appointment.id) >= perSlot) fail('SLOT_FULL', { serviceId: appointment.serviceId, slotStart: slot.start });
  ctx.emit({
    type: 'booking:moved',
    appointmentId: appointment.id,
    serviceId: appointment.serviceId,
    from: { slotStart: appointment.slotStart, slotEnd: appointment.slotEnd },
    to: { slotStart: slot.start, slotEnd: slot.end },
  });
  return { ...ctx.state.appointments[appointment.id]! };
}

/**
 * The engine's clock: a booking (made through 网上预约, so it has a source) still not checked in when its
 * slot ended and the hall's grace passed is a no-show, recorded once, before the day's roll-over drops it.
 * Appointments from `appointment.create` keep today's behaviour (told APPOINTMENT_EXPIRED, gone with the day).
 */
export function recordNoShows(ctx: Ctx): void {
  const grace = ctx.state.config.policy.appointmentGraceMinutes * MINUTE;
  const due = Object.values(ctx.state.appointments).filter(
    (appointment) => appointment.source !== undefined && appointment.status === 'booked' && appointment.slotEnd + grace < ctx.now,
  );
  for (const appointment of due.sort((a, b) => a.slotStart - b.slotStart || a.id.localeCompare(b.id))) {
    ctx.emit({
      type: 'booking:no-show',
      appointmentId: appointment.id,
      serviceId: appointment.serviceId,
      slotStart: appointment.slotStart,
      ...(appointment.phone !== undefined ? { phoneKey: phoneKey(ctx.state.config.id, appointment.phone) } : {}),
    });
  }
}

/**
 * The 失信 record keeps a no-show only as long as the rule can still count it (none when the rule is off).
 * Replaced, never written into: the draft shares the record with the state the engine was given.
 */
export function pruneNoShows(state: HallState, now: number): void {
  const record = state.bookingNoShows;
  if (!record) return;
  const from = now - noShowMemoryMs(bookingRules(state.config).noShowBlock);
  if (Object.values(record).every((times) => times.every((at) => at > from))) return;
  const next: Record<string, number[]> = {};
  for (const [key, times] of Object.entries(record)) {
    const kept = times.filter((at) => at > from);
    if (kept.length > 0) next[key] = kept;
  }
  if (Object.keys(next).length > 0) state.bookingNoShows = next;
  else delete state.bookingNoShows;
}
