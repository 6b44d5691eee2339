import { MOBILE_PATTERN } from '../../../server/protocol/rules/personalData.js';
import type { BookableService, BookingCreated, BookingSlot, BookingSlotsAnswer, BookingView } from '../../../server/protocol/booking.js';
import type { BookingPageInfo } from '../../../server/protocol/bookingPage.js';
import type { BookingMessages } from '../locales/booking.zh.js';
import type { Lang } from '../locales/index.js';
import { type ClientError, type Result, errorText, newRequestId, request } from './api.js';

const hallPath = (hallId: string) => `/api/halls/${encodeURIComponent(hallId)}`;
const bookingPath = (id: string) => `/api/bookings/${encodeURIComponent(id)}`;

export const bookingApi = {
  info: (hallId: string): Promise<Result<BookingPageInfo>> => request('GET', `${hallPath(hallId)}/booking-page`),
  services: (hallId: string): Promise<Result<BookableService[]>> => request('GET', `${hallPath(hallId)}/booking-services`),
  slots: (hallId: string, serviceId: string): Promise<Result<BookingSlotsAnswer>> =>
    request('GET', `${hallPath(hallId)}/booking-slots?serviceId=${encodeURIComponent(serviceId)}`),
  create: (hallId: string, body: { serviceId: string; slotStart: number } & BookingForm): Promise<Result<BookingCreated>> =>
    request('POST', `${hallPath(hallId)}/bookings`, {
      body: { serviceId: body.serviceId, slotStart: body.slotStart, name: body.name.trim(), phone: body.phone, ...(body.idTail ? { idTail: body.idTail.toUpperCase() } : {}), requestId: newRequestId() },
    }),
  view: (id: string, secret: string): Promise<Result<BookingView>> => request('GET', `${bookingPath(id)}?secret=${encodeURIComponent(secret)}`),
  cancel: (id: string, secret: string): Promise<Result<BookingView>> => request('POST', `${bookingPath(id)}/cancel`, { body: { secret } }),
  move: (id: string, secret: string, slotStart: number): Promise<Result<BookingView>> => request('POST', `${bookingPath(id)}/move`, { body: { secret, slotStart } }),
};

export interface BookingForm {
  name: string;
  phone: string;
  idTail: string;
}

export type FormField = 'name' | 'phone' | 'idTail';

/** The checks the server makes too, done first so the citizen hears at once which field is wrong. */
export function checkBookingForm(form: BookingForm, requireIdTail: boolean): FormField[] {
  const wrong: FormField[] = [];
  const name = form.name.trim();
  if (name.length < 1 || [...name].length > 20) wrong.push('name');
  if (!MOBILE_PATTERN.test(form.phone)) wrong.push('phone');
  if (requireIdTail ? !/^\d{5}[\dXx]$/.test(form.idTail) : form.idTail !== '' && !/^\d{5}[\dXx]$/.test(form.idTail)) wrong.push('idTail');
  return wrong;
}

/** The fields a VALIDATION_FAILED names (its issues' paths), in the order the server gave them. */
export function refusedFields(error: ClientError): string[] {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  const fields = issues.map((issue) => String((issue as { path?: unknown }).path ?? '').split('.')[0] ?? '').filter((path) => path !== '' && path !== '(body)');
  return [...new Set(fields)];
}

/** A refusal in plain words: the booking codes say what to do next, the rest in the server's words. */
export function bookingErrorText(error: ClientError, lang: Lang, tb: BookingMessages): string {
  if (error.code === 'BOOKING_BLOCKED' && typeof error.details?.until === 'string') return tb.blockedUntil(localDay(error.details.until, lang));
  if (error.code === 'BOOKING_LIMIT' && error.details?.rule === 'per-day') return tb.limitPerDay;
  if (error.code === 'BOOKING_LIMIT' && error.details?.rule === 'open') return tb.limitOpen;
  if (error.code === 'VALIDATION_FAILED') {
    const field = refusedFields(error)[0];
    if (field !== undefined) return tb.fieldWrong(tb.fieldNames[field] ?? field);
  }
  return errorText(error, lang);
}

/** 'YYYY-MM-DD' as people say it (12月8日 / 8 December), with no time-zone shift: it already is the hall's day. */
export function localDay(day: string, lang: Lang): string {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return day;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { month: 'long', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, date));
}

export interface SlotDay {
  /** Hall-local YYYY-MM-DD. */
  day: string;
  slots: BookingSlot[];
  remaining: number;
}

const dayKey = (at: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);

/** Slots by the hall's local day, in time order. */
export function slotsByDay(slots: readonly BookingSlot[], timeZone: string): SlotDay[] {
  const days = new Map<string, SlotDay>();
  for (const slot of [...slots].sort((a, b) => a.start - b.start)) {
    const day = dayKey(slot.start, timeZone);
    const entry = days.get(day) ?? { day, slots: [], remaining: 0 };
    entry.slots.push(slot);
    entry.remaining += slot.remaining;
    days.set(day, entry);
  }
  return [...days.values()];
}

export function clockTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "12月8日 周二 09:00–09:30" in the hall's time. */
export function slotText(start: number, end: number, timeZone: string, lang: Lang): string {
  return `${localDay(dayKey(start, timeZone), lang)} ${clockTime(start, timeZone)}–${clockTime(end, timeZone)}`;
}

/** `/book/manage/<id>?secret=…&hall=…` → its parts (the manage page reads its own address this way). */
export function manageParts(path: string, search: URLSearchParams): { id: string; secret: string } | null {
  const id = /^\/book\/manage\/([A-Za-z0-9_-]{1,64})$/.exec(path)?.[1];
  const secret = search.get('secret');
  return id && secret ? { id, secret } : null;
}
