import { maskName, maskPhone } from '../../server/protocol/rules/personalData.js';
import { describe, expect, it } from 'vitest';
import type { HallConfig, ServiceBookingSettings } from '../../server/protocol/model.js';
import {
  blockedUntil,
  bookingOf,
  bookingRules,
  bookingWindowDays,
  checkSlot,
  cutoffOf,
  isBookableDay,
  openSlots,
  slotsOfDay,
} from '../../server/protocol/rules/booking.js';
import { idTailHash, idTailMatches, phoneKey, secretEquals } from '../../server/domain/handlers/bookingKeys.js';
import { MINUTE, local, testHallConfig } from '../helpers/engineHarness.js';

const DAY = 86_400_000;
/** Mon–Fri 09:00–12:00 and 14:00–17:00 in half hours, two per slot, three bookable days, closing 17:00 the day before. */
const SETTINGS: ServiceBookingSettings = {
  enabled: true,
  hours: [
    { from: '09:00', to: '12:00' },
    { from: '14:00', to: '17:00' },
  ],
  slotMinutes: 30,
  perSlot: 2,
  daysAhead: 3,
  cutoffDayBefore: '17:00',
};
/** Wednesday 4 March a holiday, Saturday 7 March a make-up working day (调休上班). */
const CALENDAR = { timeZone: 'Asia/Shanghai', holidays: ['2026-03-04'], makeUpWorkdays: ['2026-03-07'] };

function hallWith(settings: Partial<ServiceBookingSettings> = {}, extra: Partial<HallConfig> = {}): HallConfig {
  const config = testHallConfig({ holidays: CALENDAR.holidays, makeUpWorkdays: CALENDAR.makeUpWorkdays, ...extra });
  config.services[0]!.booking = { ...SETTINGS, ...settings };
  return config;
}

describe('bookable days', () => {
  it('are the weekdays minus the holidays plus the make-up working days', () => {
    expect(isBookableDay('2026-03-03', SETTINGS, CALENDAR)).toBe(true); // Tuesday
    expect(isBookableDay('2026-03-04', SETTINGS, CALENDAR)).toBe(false); // holiday
    expect(isBookableDay('2026-03-07', SETTINGS, CALENDAR)).toBe(true); // Saturday worked
    expect(isBookableDay('2026-03-08', SETTINGS, CALENDAR)).toBe(false); // Sunday
    expect(isBookableDay('2026-03-08', { ...SETTINGS, weekdays: [7] }, CALENDAR)).toBe(true);
  });

  it('the window counts bookable days from tomorrow, skipping the holiday and taking the make-up day', () => {
    const monday = local('2026-03-02T09:00');
    expect(bookingWindowDays(SETTINGS, CALENDAR, monday)).toEqual(['2026-03-03', '2026-03-05', '2026-03-06']);
    expect(bookingWindowDays({ ...SETTINGS, daysAhead: 5 }, CALENDAR, monday)).toEqual(['2026-03-03', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-09']);
    // Five days ahead by default.
    const { daysAhead: _unset, ...withoutDays } = SETTINGS;
    expect(bookingWindowDays(withoutDays, CALENDAR, monday)).toHaveLength(5);
  });

  it('with sameDay, today is the first day of the window', () => {
    expect(bookingWindowDays({ ...SETTINGS, sameDay: true }, CALENDAR, local('2026-03-02T09:00'))).toEqual(['2026-03-02', '2026-03-03', '2026-03-05']);
  });
});

describe('slots', () => {
  it('cut the hour ranges into slots; a slot past its range end is not offered', () => {
    const slots = slotsOfDay(SETTINGS, '2026-03-03', 'Asia/Shanghai');
    expect(slots).toHaveLength(12);
    expect(slots[0]).toEqual({ start: local('2026-03-03T09:00'), end: local('2026-03-03T09:30') });
    expect(slots.at(-1)).toEqual({ start: local('2026-03-03T16:30'), end: local('2026-03-03T17:00') });
    const ragged = slotsOfDay({ ...SETTINGS, hours: [{ from: '09:00', to: '10:10' }] }, '2026-03-03', 'Asia/Shanghai');
    expect(ragged.map((slot) => slot.start)).toEqual([local('2026-03-03T09:00'), local('2026-03-03T09:30')]);
  });

  it('close at the cut-off the day before', () => {
    const tuesday9 = local('2026-03-03T09:00');
    expect(cutoffOf(SETTINGS, '2026-03-03', tuesday9, 'Asia/Shanghai')).toBe(local('2026-03-02T17:00'));
    expect(cutoffOf({ ...SETTINGS, cutoffDayBefore: null }, '2026-03-03', tuesday9, 'Asia/Shanghai')).toBe(tuesday9);
    const before = openSlots(SETTINGS, CALENDAR, local('2026-03-02T16:59'));
    const after = openSlots(SETTINGS, CALENDAR, local('2026-03-02T17:00'));
    expect(before.filter((slot) => slot.day === '2026-03-03')).toHaveLength(12);
    expect(after.filter((slot) => slot.day === '2026-03-03')).toHaveLength(0);
    // The window does not move until midnight: Tuesday has closed, the rest are still open.
    expect(after.map((slot) => slot.day)).toContain('2026-03-05');
  });

  it('same day: today\'s slots until each starts, whatever the cut-off', () => {
    const open = openSlots({ ...SETTINGS, sameDay: true }, CALENDAR, local('2026-03-02T10:15'));
    const today = open.filter((slot) => slot.day === '2026-03-02');
    expect(today[0]!.start).toBe(local('2026-03-02T10:30'));
    expect(today).toHaveLength(9);
  });

  it('checkSlot: a slot of the window, else BOOKING_CLOSED; a service without booking is SERVICE_NOT_BOOKABLE', () => {
    const config = hallWith();
    const now = local('2026-03-02T09:00');
    expect(checkSlot(config, 'svc-a', local('2026-03-03T09:30'), now)).toEqual({
      ok: true,
      slot: { start: local('2026-03-03T09:30'), end: local('2026-03-03T10:00'), day: '2026-03-03' },
    });
    expect(checkSlot(config, 'svc-a', local('2026-03-03T09:31'), now)).toEqual({ ok: false, code: 'BOOKING_CLOSED' }); // not a slot
    expect(checkSlot(config, 'svc-a', local('2026-03-04T09:30'), now)).toEqual({ ok: false, code: 'BOOKING_CLOSED' }); // holiday
    expect(checkSlot(config, 'svc-a', local('2026-03-02T08:00'), now)).toEqual({ ok: false, code: 'BOOKING_CLOSED' }); // past
    expect(checkSlot(config, 'svc-a', local('2026-03-10T09:00'), now)).toEqual({ ok: false, code: 'BOOKING_CLOSED' }); // beyond the window
    expect(checkSlot(config, 'svc-b', local('2026-03-03T09:30'), now)).toEqual({ ok: false, code: 'SERVICE_NOT_BOOKABLE' });
    expect(checkSlot(config, 'nope', local('2026-03-03T09:30'), now)).toEqual({ ok: false, code: 'SERVICE_NOT_BOOKABLE' });
    expect(checkSlot(hallWith({ enabled: false }), 'svc-a', local('2026-03-03T09:30'), now).ok).toBe(false);
  });

  it('a disabled service or one without hours cannot be booked', () => {
    const config = hallWith();
    expect(bookingOf(config.services[0])).not.toBeNull();
    expect(bookingOf({ ...config.services[0]!, enabled: false })).toBeNull();
    expect(bookingOf({ ...config.services[0]!, booking: { ...SETTINGS, hours: [] } })).toBeNull();
  });
});

describe('hall rules and the 失信 block', () => {
  it('has defaults: three open per phone, no ID tail, no block', () => {
    expect(bookingRules({})).toEqual({ requireIdTail: false, maxOpenPerPhone: 3, noShowBlock: null });
    expect(bookingRules({ booking: { maxOpenPerPhone: 1, requireIdTail: true, address: 'x' } })).toMatchObject({ maxOpenPerPhone: 1, requireIdTail: true, address: 'x' });
  });

  it('blocks after K no-shows within D days, for B days from the last', () => {
    const rule = { count: 2, withinDays: 30, blockDays: 7 };
    const first = local('2026-03-02T10:00');
    const second = first + 10 * DAY;
    expect(blockedUntil([first], rule, second)).toBeNull();
    expect(blockedUntil([first, second], rule, second + MINUTE)).toBe(second + 7 * DAY);
    expect(blockedUntil([first, second], rule, second + 7 * DAY)).toBeNull();
    // Too far apart: no block.
    expect(blockedUntil([first, first + 31 * DAY], rule, first + 31 * DAY + MINUTE)).toBeNull();
    expect(blockedUntil([first, second], null, second + MINUTE)).toBeNull();
  });
});

describe('masks and keys', () => {
  it('masks names and mobile numbers', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('张')).toBe('*');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('keys a phone per hall without the number, and hashes the ID tail with a salt', () => {
    expect(phoneKey('h1', '13812345678')).not.toContain('13812345678');
    expect(phoneKey('h1', '13812345678')).toBe(phoneKey('h1', '13812345678'));
    expect(phoneKey('h1', '13812345678')).not.toBe(phoneKey('h2', '13812345678'));
    const hash = idTailHash('salt1', '12345x');
    expect(hash.startsWith('salt1:')).toBe(true);
    expect(hash).not.toContain('12345');
    expect(idTailMatches(hash, '12345X')).toBe(true);
    expect(idTailMatches(hash, '123456')).toBe(false);
    expect(idTailHash('salt2', '12345X')).not.toBe(hash);
    expect(secretEquals('abc', 'abc')).toBe(true);
    expect(secretEquals('abc', 'abd')).toBe(false);
    expect(secretEquals('abc', 'abcd')).toBe(false);
  });
});
