import type { BookingRules, HallConfig, ServiceBookingSettings, ServiceConfig } from '../model.js';
import { clockMinutes, localTime } from './time.js';

/**
 * 网上预约 rules: the one definition of which days and slots of a service can be booked, until when, and
 * what the hall's booking rules are when it leaves them unset. The engine (domain/handlers/booking.ts),
 * the REST slot list (http/bookingApi.ts) and the booking page all read them from here, so the page never
 * offers a slot the engine would refuse. Browser-safe: the phone and ID hashes live on the server
 * (domain/handlers/bookingKeys.ts).
 */

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
export const DEFAULT_DAYS_AHEAD = 5;
export const DEFAULT_MAX_OPEN_PER_PHONE = 3;
/** Monday–Friday: a service that does not name its weekdays is booked on working days. */
export const DEFAULT_BOOKING_WEEKDAYS = [1, 2, 3, 4, 5];
/** How far the window is searched for bookable days: a long holiday never makes it loop for ever. */
const MAX_SCAN_DAYS = 120;

/** The hall's booking rules with their defaults filled in. */
export function bookingRules(config: Pick<HallConfig, 'booking'>): Required<Omit<BookingRules, 'address' | 'noShowBlock'>> & Pick<BookingRules, 'address'> & {
  noShowBlock: { count: number; withinDays: number; blockDays: number } | null;
} {
  const rules = config.booking ?? {};
  return {
    requireIdTail: rules.requireIdTail ?? false,
    maxOpenPerPhone: rules.maxOpenPerPhone ?? DEFAULT_MAX_OPEN_PER_PHONE,
    noShowBlock: rules.noShowBlock ?? null,
    ...(rules.address !== undefined ? { address: rules.address } : {}),
  };
}

/** The service's booking settings when it can be booked at all, else null (SERVICE_NOT_BOOKABLE). */
export function bookingOf(service: ServiceConfig | undefined): ServiceBookingSettings | null {
  if (!service || !service.enabled || !service.booking?.enabled) return null;
  if (service.booking.hours.length === 0) return null;
  return service.booking;
}

type Calendar = Pick<HallConfig, 'holidays' | 'makeUpWorkdays'>;

function utcOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addCalendarDays(day: string, days: number): string {
  return new Date(utcOf(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday of a YYYY-MM-DD day. */
function weekdayOf(day: string): number {
  const weekday = new Date(utcOf(day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/**
 * A day a service can be booked on: one of its weekdays and not a holiday, or a make-up working day
 * (调休上班, a weekend day worked in exchange for a holiday) — the hall is open then whatever the weekday.
 */
export function isBookableDay(day: string, settings: ServiceBookingSettings, calendar: Calendar): boolean {
  if ((calendar.makeUpWorkdays ?? []).includes(day)) return true;
  if ((calendar.holidays ?? []).includes(day)) return false;
  return (settings.weekdays ?? DEFAULT_BOOKING_WEEKDAYS).includes(weekdayOf(day));
}

/** Epoch ms of 00:00 of a local day (offset read twice, exact unless the zone changes offset at midnight). */
export function localMidnight(day: string, timeZone: string): number {
  const utcMidnight = utcOf(day);
  const offsetAt = (instant: number): number => {
    const local = localTime(instant, timeZone);
    return utcOf(local.day) + local.minutes * MINUTE - Math.floor(instant / MINUTE) * MINUTE;
  };
  const guess = utcMidnight - offsetAt(utcMidnight);
  return utcMidnight - offsetAt(guess);
}

export interface SlotTimes {
  start: number;
  end: number;
}

/** The slots of a bookable day: each hour range cut into `slotMinutes`; a slot that would run past its range's end is not offered. */
export function slotsOfDay(settings: ServiceBookingSettings, day: string, timeZone: string): SlotTimes[] {
  const midnight = localMidnight(day, timeZone);
  const slots: SlotTimes[] = [];
  for (const range of settings.hours) {
    const to = clockMinutes(range.to);
    for (let from = clockMinutes(range.from); from + settings.slotMinutes <= to; from += settings.slotMinutes) {
      slots.push({ start: midnight + from * MINUTE, end: midnight + (from + settings.slotMinutes) * MINUTE });
    }
  }
  return slots.sort((a, b) => a.start - b.start);
}

/**
 * The days that can be booked now: `daysAhead` bookable days counted from tomorrow, or from today when the
 * service allows same-day booking (today then counts as one of them).
 */
export function bookingWindowDays(settings: ServiceBookingSettings, config: Pick<HallConfig, 'timeZone' | 'holidays' | 'makeUpWorkdays'>, now: number): string[] {
  const today = localTime(now, config.timeZone).day;
  const wanted = settings.daysAhead ?? DEFAULT_DAYS_AHEAD;
  const days: string[] = [];
  for (let offset = settings.sameDay ? 0 : 1; offset <= MAX_SCAN_DAYS && days.length < wanted; offset++) {
    const day = addCalendarDays(today, offset);
    if (isBookableDay(day, settings, config)) days.push(day);
  }
  return days;
}

/**
 * When booking a slot of `day` closes: at `cutoffDayBefore` on the previous calendar day, else when the slot
 * starts. Today's slots (same-day booking) are open until each starts: the day before is over.
 */
export function cutoffOf(settings: ServiceBookingSettings, day: string, slotStart: number, timeZone: string, today?: string): number {
  if (settings.cutoffDayBefore === undefined || settings.cutoffDayBefore === null || day === today) return slotStart;
  const dayBefore = addCalendarDays(day, -1);
  return Math.min(slotStart, localMidnight(dayBefore, timeZone) + clockMinutes(settings.cutoffDayBefore) * MINUTE);
}

/** The slots that may be booked now (in the window, cut-off not passed), each with its day. */
export function openSlots(settings: ServiceBookingSettings, config: Pick<HallConfig, 'timeZone' | 'holidays' | 'makeUpWorkdays'>, now: number): Array<SlotTimes & { day: string }> {
  const open: Array<SlotTimes & { day: string }> = [];
  const today = localTime(now, config.timeZone).day;
  for (const day of bookingWindowDays(settings, config, now)) {
    for (const slot of slotsOfDay(settings, day, config.timeZone)) {
      if (now < cutoffOf(settings, day, slot.start, config.timeZone, today)) open.push({ ...slot, day });
    }
  }
  return open;
}

export type SlotCheck = { ok: true; slot: SlotTimes & { day: string } } | { ok: false; code: 'SERVICE_NOT_BOOKABLE' | 'BOOKING_CLOSED' };

/**
 * Whether `slotStart` of the service can be booked now: the service must be bookable, and the start must
 * be one of its open slots exactly (not a slot of another length, not past its cut-off, not in the past,
 * not beyond the window). One rule for a new booking and a move.
 */
export function checkSlot(config: HallConfig, serviceId: string, slotStart: number, now: number): SlotCheck {
  const settings = bookingOf(config.services.find((service) => service.id === serviceId));
  if (!settings) return { ok: false, code: 'SERVICE_NOT_BOOKABLE' };
  const slot = openSlots(settings, config, now).find((candidate) => candidate.start === slotStart);
  return slot ? { ok: true, slot } : { ok: false, code: 'BOOKING_CLOSED' };
}

/** Bookings that hold a place in their slot: booked or checked in (a cancelled or missed one gives it back). */
export function holdsPlace(status: string): boolean {
  return status === 'booked' || status === 'checked-in';
}

/**
 * The 失信 rule: the no-shows of one number within `withinDays` before `now`; at `count` or more the number is
 * blocked for `blockDays` from the last of them. Answers when the block ends (epoch ms), or null if not blocked.
 */
export function blockedUntil(noShowTimes: readonly number[] | undefined, rule: { count: number; withinDays: number; blockDays: number } | null, now: number): number | null {
  if (!rule || !noShowTimes || noShowTimes.length < rule.count) return null;
  const sorted = noShowTimes.filter((at) => at <= now).sort((a, b) => a - b);
  // Any `count` no-shows within `withinDays` earn a block from the last of them; the latest one counts.
  let until: number | null = null;
  for (let last = rule.count - 1; last < sorted.length; last++) {
    const lastAt = sorted[last]!;
    if (lastAt - sorted[last - rule.count + 1]! <= rule.withinDays * DAY_MS) until = lastAt + rule.blockDays * DAY_MS;
  }
  return until !== null && until > now ? until : null;
}

/** How long a no-show can still matter to the 失信 rule (older ones are dropped from `bookingNoShows`). */
export function noShowMemoryMs(rule: { withinDays: number; blockDays: number } | null): number {
  return rule ? (rule.withinDays + rule.blockDays) * DAY_MS : 0;
}

