import './zodWithoutEval.js';
import { hallConfigSchema } from '../../../server/protocol/configSchema.js';
import type { BookingRules, HallConfig, ServiceBookingSettings } from '../../../server/protocol/model.js';
import { openSlots } from '../../../server/protocol/rules/booking.js';

/** The schema of ServiceConfig.booking, as the server checks it. */
const bookingSettingsSchema = hallConfigSchema.shape.services.element.shape.booking;

/**
 * The booking editors' logic that is not layout: the settings a service gets when booking is first turned
 * on, and edits that leave a default out of the configuration (so the hall keeps following the default).
 * The server validates the result again (configSchema); nothing here decides what can be booked.
 */

/** What a service starts with when booking is first opened: a working week of half-hour slots. */
export function defaultBookingSettings(): ServiceBookingSettings {
  return {
    enabled: true,
    weekdays: [1, 2, 3, 4, 5],
    hours: [
      { from: '09:00', to: '12:00' },
      { from: '13:30', to: '17:00' },
    ],
    slotMinutes: 30,
    perSlot: 2,
  };
}

/** The next hours range to add: the afternoon after a morning, else a morning. */
export function nextHours(hours: ReadonlyArray<{ from: string; to: string }>): { from: string; to: string } {
  return hours.some((range) => range.from < '12:00') ? { from: '13:30', to: '17:00' } : { from: '09:00', to: '12:00' };
}

/** Ticks or unticks a weekday (1 = Monday); the last day stays, as the schema needs one. */
export function toggleWeekday(days: readonly number[] | undefined, day: number, on: boolean): number[] {
  const next = new Set(days ?? [1, 2, 3, 4, 5]);
  if (on) next.add(day);
  else if (next.size > 1) next.delete(day);
  return [...next].sort((a, b) => a - b);
}

/** A number field: empty is "not set" (undefined); anything else is sent as typed and the server checks it. */
export function numberOrUnset(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** Sets one hall rule; an unset value leaves the field out, and an empty rules object goes altogether. */
export function setRule<K extends keyof BookingRules>(config: HallConfig, key: K, value: BookingRules[K] | undefined): void {
  const next: BookingRules = { ...(config.booking ?? {}) };
  if (value === undefined) delete next[key];
  else next[key] = value;
  if (Object.keys(next).length === 0) delete config.booking;
  else config.booking = next;
}

/** The booking page's address for a hall, as the poster's QR code carries it. */
export function bookingPageUrl(origin: string, hallId: string): string {
  return `${origin}/book?${new URLSearchParams({ hall: hallId }).toString()}`;
}

/** A day of the preview: how many of its slots can be booked now. */
export interface PreviewDay {
  day: string;
  slots: number;
}

/**
 * The next bookable days of a service's draft settings, from the shared rule (server/protocol/rules/booking.ts)
 * the booking page and the engine use. Settings the schema would refuse give no preview (null), so a half-typed
 * slot length never reaches the rule.
 */
export function bookingPreview(settings: ServiceBookingSettings | undefined, config: HallConfig, now: number): PreviewDay[] | null {
  if (!settings?.enabled) return null;
  const checked = bookingSettingsSchema.safeParse(settings);
  if (!checked.success || checked.data === undefined) return null;
  const days = new Map<string, number>();
  for (const slot of openSlots(checked.data, config, now)) days.set(slot.day, (days.get(slot.day) ?? 0) + 1);
  return [...days].map(([day, slots]) => ({ day, slots }));
}
