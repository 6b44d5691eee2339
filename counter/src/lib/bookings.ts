import type { BookableService, BookingCreated, BookingList, BookingRequest, BookingSlotsAnswer, BookingStaffRow } from '../../../server/protocol/booking.js';
import { type ClientError, type Result, request } from '../../../client/api.js';
import { ID_TAIL_PATTERN, MOBILE_PATTERN } from '../../../server/protocol/rules/personalData.js';
import type { BookingMessages } from '../locales/booking.js';
import type { Messages } from '../locales/index.js';
import { errorText } from './errors.js';

/**
 * The staff side of 网上预约 over REST (server/protocol/booking.ts): the day's list, a booking made at the
 * desk, a cancellation. The server decides everything and masks the personal data; these only ask.
 */

const hallPath = (hallId: string) => `/api/halls/${encodeURIComponent(hallId)}`;

export function loadBookings(hallId: string, token: string, date: string): Promise<Result<BookingList>> {
  return request<BookingList>('GET', `${hallPath(hallId)}/bookings?${new URLSearchParams({ date }).toString()}`, { token });
}

export function loadBookableServices(hallId: string): Promise<Result<BookableService[]>> {
  return request<BookableService[]>('GET', `${hallPath(hallId)}/booking-services`);
}

export function loadSlots(hallId: string, serviceId: string): Promise<Result<BookingSlotsAnswer>> {
  return request<BookingSlotsAnswer>('GET', `${hallPath(hallId)}/booking-slots?${new URLSearchParams({ serviceId }).toString()}`);
}

export function bookAtDesk(hallId: string, token: string, body: BookingRequest): Promise<Result<BookingCreated>> {
  return request<BookingCreated>('POST', `${hallPath(hallId)}/bookings`, { token, body });
}

export function cancelAtDesk(hallId: string, token: string, bookingId: string): Promise<Result<BookingStaffRow>> {
  return request<BookingStaffRow>('POST', `${hallPath(hallId)}/bookings/${encodeURIComponent(bookingId)}/cancel`, { token, body: {} });
}

/** A hall-local clock time (09:30) or day (2026-12-03) of an epoch-ms instant. */
export function hallClock(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}

export function hallDay(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
}

/** 09:00–09:30 */
export function slotLabel(slot: { slotStart: number; slotEnd: number } | { start: number; end: number }, timeZone: string): string {
  const [start, end] = 'start' in slot ? [slot.start, slot.end] : [slot.slotStart, slot.slotEnd];
  return `${hallClock(start, timeZone)}–${hallClock(end, timeZone)}`;
}

/** Slots grouped by their hall-local day, in order, for the desk dialog's day picker. */
export function slotsByDay<T extends { start: number }>(slots: readonly T[], timeZone: string): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const slot of [...slots].sort((a, b) => a.start - b.start)) {
    const day = hallDay(slot.start, timeZone);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return days;
}

/** A refusal in the page language; a 失信 block says until when. */
export function bookingErrorText(t: Messages, b: BookingMessages, error: ClientError): string {
  const until = error.details?.until;
  if (error.code === 'BOOKING_BLOCKED' && typeof until === 'string') return `${errorText(t, error)}${b.blockedUntil(until)}`;
  return errorText(t, error);
}

/** What the desk dialog checks before sending, so a typo is told at once (the server checks again). */
export function deskInputProblem(b: BookingMessages, input: { name: string; phone: string; idTail: string }): string | null {
  if (input.name.trim() === '' || input.name.trim().length > 20) return b.deskBadName;
  if (!MOBILE_PATTERN.test(input.phone.trim())) return b.deskBadPhone;
  if (input.idTail.trim() !== '' && !ID_TAIL_PATTERN.test(input.idTail.trim())) return b.deskBadIdTail;
  return null;
}
