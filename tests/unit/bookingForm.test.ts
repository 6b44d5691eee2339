import { describe, expect, it } from 'vitest';
import { bookingErrorText, checkBookingForm, localDay, manageParts, refusedFields, slotsByDay } from '../../ticket-printer/src/lib/booking.js';
import { bookingEn } from '../../ticket-printer/src/locales/booking.en.js';
import { bookingZh } from '../../ticket-printer/src/locales/booking.zh.js';

describe('the booking form is checked before it is sent', () => {
  const good = { name: '张三', phone: '13812345678', idTail: '' };

  it('accepts a name and an 11-digit mobile number; the ID tail only when asked or given', () => {
    expect(checkBookingForm(good, false)).toEqual([]);
    expect(checkBookingForm({ ...good, idTail: '12345X' }, true)).toEqual([]);
    expect(checkBookingForm({ ...good, idTail: '123456' }, false)).toEqual([]);
  });

  it('names every wrong field', () => {
    expect(checkBookingForm({ name: '  ', phone: '1381234567', idTail: '' }, true)).toEqual(['name', 'phone', 'idTail']);
    expect(checkBookingForm({ ...good, name: '张'.repeat(21) }, false)).toEqual(['name']);
    expect(checkBookingForm({ ...good, phone: '23812345678' }, false)).toEqual(['phone']);
    expect(checkBookingForm({ ...good, phone: '138123456789' }, false)).toEqual(['phone']);
    expect(checkBookingForm({ ...good, idTail: '1234X5' }, true)).toEqual(['idTail']);
  });
});

describe('refusals in plain words', () => {
  it('BOOKING_BLOCKED says until when, in the page language', () => {
    const error = { code: 'BOOKING_BLOCKED' as const, details: { until: '2026-12-18', untilAt: 0 } };
    expect(bookingErrorText(error, 'zh', bookingZh)).toBe('该手机号近期多次预约未到，网上预约暂停至 12月18日周五。您可以直接到大厅取号办理。');
    expect(bookingErrorText(error, 'en', bookingEn)).toContain('until Fri 18 December');
  });

  it('BOOKING_LIMIT says which rule', () => {
    expect(bookingErrorText({ code: 'BOOKING_LIMIT', details: { rule: 'per-day' } }, 'zh', bookingZh)).toBe(bookingZh.limitPerDay);
    expect(bookingErrorText({ code: 'BOOKING_LIMIT', details: { rule: 'open' } }, 'zh', bookingZh)).toBe(bookingZh.limitOpen);
  });

  it('VALIDATION_FAILED names the field the server refused', () => {
    const error = { code: 'VALIDATION_FAILED' as const, details: { issues: [{ path: 'phone', message: 'x' }, { path: 'phone', message: 'y' }, { path: 'name', message: 'z' }] } };
    expect(refusedFields(error)).toEqual(['phone', 'name']);
    expect(bookingErrorText(error, 'zh', bookingZh)).toBe('「手机号码」填写有误，请检查后再提交。');
    expect(bookingErrorText(error, 'en', bookingEn)).toBe('“Mobile number” is not right; check it and send again.');
  });

  it('the other codes in the server’s own words', () => {
    expect(bookingErrorText({ code: 'SLOT_FULL' }, 'zh', bookingZh)).toBe('这个时段已约满，请选择其他时段或其他日期。');
    expect(bookingErrorText({ code: 'SERVICE_NOT_BOOKABLE' }, 'en', bookingEn)).toBe('This service cannot be booked online; please take a ticket at the hall.');
  });
});

describe('slots and links', () => {
  it('groups slots by the hall’s local day, with what is left', () => {
    // 2026-12-03 23:30 and 2026-12-04 00:00 in Shanghai (UTC+8): two days, though one UTC day.
    const late = Date.UTC(2026, 11, 3, 15, 30);
    const midnight = Date.UTC(2026, 11, 3, 16, 0);
    const days = slotsByDay(
      [
        { start: midnight, end: midnight + 1_800_000, capacity: 4, remaining: 0 },
        { start: late, end: midnight, capacity: 4, remaining: 3 },
      ],
      'Asia/Shanghai',
    );
    expect(days.map((day) => [day.day, day.remaining, day.slots.length])).toEqual([
      ['2026-12-03', 3, 1],
      ['2026-12-04', 0, 1],
    ]);
    expect(localDay('2026-12-04', 'zh')).toBe('12月4日周五');
  });

  it('reads the manage link’s id and secret, and nothing without both', () => {
    expect(manageParts('/book/manage/abc_1', new URLSearchParams('secret=s3&hall=demo'))).toEqual({ id: 'abc_1', secret: 's3' });
    expect(manageParts('/book/manage/abc_1', new URLSearchParams('hall=demo'))).toBeNull();
    expect(manageParts('/book/manage/', new URLSearchParams('secret=s3'))).toBeNull();
  });
});
