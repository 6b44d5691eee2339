/**
 * 网上预约 over REST (issue 18): every route, the manage link's secret, bad input on every field refused
 * with a code and nothing stored, and no name or phone in the public API or public events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingCreated, BookingList, BookingSlotsAnswer, BookingView } from '../../server/protocol/booking.js';
import { type TestServer, DEMO, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

const SERVICE = 'minzheng-dibao';
const NAME = '张三丰';
let phoneCounter = 0;
/** A fresh mobile number per booking, so the per-phone rules never meet across tests. */
const freshPhone = () => `139${String(10_000_000 + ++phoneCounter).slice(-8)}`;

let t: TestServer;
let supervisor: string;
/** The server's clock runs ahead of the wall clock by this much (only ever forward: the check-in test walks into a slot). */
let ahead = 0;
const now = () => Date.now() + ahead;

beforeAll(async () => {
  t = await startTestServer({}, { clock: now });
  supervisor = await t.login('zhuren');
});
afterAll(() => t?.close());

async function slots(serviceId = SERVICE): Promise<BookingSlotsAnswer> {
  const res = await t.api<BookingSlotsAnswer>('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${serviceId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** A slot a few hours ahead (the demo books round the clock), so the test never races its start. */
async function laterSlot(index = 0): Promise<number> {
  const open = (await slots()).slots.filter((slot) => slot.start > now() + 3 * 3600_000 && slot.remaining > 0);
  return open[index]!.start;
}

/** The demo hall's local day (Asia/Shanghai, UTC+8 all year) of an instant. */
const shanghaiDay = (at: number) => Math.floor((at + 8 * 3600_000) / 86_400_000);

/** Two open slots of one local day, a few hours ahead: two slots in a row are on two days late in the evening. */
async function sameDaySlots(): Promise<[number, number]> {
  const open = (await slots()).slots.filter((slot) => slot.start > now() + 3 * 3600_000 && slot.remaining > 0);
  const first = open.findIndex((slot, index) => open[index + 1] !== undefined && shanghaiDay(open[index + 1]!.start) === shanghaiDay(slot.start));
  return [open[first]!.start, open[first + 1]!.start];
}

async function book(body: Record<string, unknown>, options: { token?: string; ip?: string } = {}) {
  return t.api<BookingCreated & { error: { code: string; details: Record<string, unknown> } }>('POST', `/api/halls/${DEMO}/bookings`, { body, ip: options.ip ?? freshIp(), ...(options.token ? { token: options.token } : {}) });
}

describe('public lists', () => {
  it('lists the bookable services with their materials and no others', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/booking-services`);
    expect(res.status).toBe(200);
    const ids = res.body.map((service: { id: string }) => service.id);
    expect(ids).toContain(SERVICE);
    expect(ids).not.toContain('zonghe-zixun');
    expect(res.body.find((service: { id: string }) => service.id === SERVICE).slotMinutes).toBe(30);
  });

  it('lists slots with capacity and what is left, and counts a booking', async () => {
    const start = await laterSlot(3);
    const before = (await slots()).slots.find((slot) => slot.start === start)!;
    expect(before).toMatchObject({ capacity: 4, end: start + 30 * 60_000 });
    // The fields the issue names for platforms, and no others.
    expect(Object.keys(before).sort()).toEqual(['capacity', 'end', 'remaining', 'start']);
    expect((await book({ serviceId: SERVICE, slotStart: start, name: NAME, phone: freshPhone() })).status).toBe(201);
    const after = (await slots()).slots.find((slot) => slot.start === start)!;
    expect(after.remaining).toBe(before.remaining - 1);
  });

  it('bounds the slot list by from/to and refuses a service that cannot be booked', async () => {
    const all = (await slots()).slots;
    const from = all[2]!.start;
    const to = all[5]!.start;
    const res = await t.api<BookingSlotsAnswer>('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}&from=${from}&to=${to}`);
    expect(res.body.slots.map((slot) => slot.start)).toEqual(all.slice(2, 5).map((slot) => slot.start));
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/booking-slots?serviceId=zonghe-zixun`))).toBe('SERVICE_NOT_BOOKABLE');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}&extra=1`))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}&from=0x10`))).toBe('VALIDATION_FAILED');
  });
});

describe('booking and the manage link', () => {
  it('books, shows the booking by its secret only, moves and cancels it', async () => {
    const phone = freshPhone();
    const start = await laterSlot(0);
    const created = await book({ serviceId: SERVICE, slotStart: start, name: NAME, phone });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ serviceId: SERVICE, slotStart: start, slotEnd: start + 30 * 60_000 });
    expect(created.body.code).toMatch(/^\d{6}$/);
    expect(Object.keys(created.body).sort()).toEqual(['code', 'id', 'manageUrl', 'serviceId', 'slotEnd', 'slotStart']);
    const url = new URL(created.body.manageUrl, t.url);
    expect(url.pathname).toBe(`/book/manage/${created.body.id}`);
    const secret = url.searchParams.get('secret')!;
    expect(url.searchParams.get('hall')).toBe(DEMO);

    const view = await t.api<BookingView>('GET', `/api/bookings/${created.body.id}?secret=${secret}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'booked', changeable: true, name: '张**', phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, code: created.body.code, hallId: DEMO });
    expect(view.body.materials.length).toBeGreaterThan(0);

    const wrong = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect(errorCodeOf(await t.api('GET', `/api/bookings/${created.body.id}?secret=${wrong}`))).toBe('APPOINTMENT_NOT_FOUND');
    expect(errorCodeOf(await t.api('GET', `/api/bookings/${created.body.id}`))).toBe('APPOINTMENT_NOT_FOUND');
    expect(errorCodeOf(await t.api('POST', `/api/bookings/${created.body.id}/cancel`, { body: { secret: wrong }, ip: freshIp() }))).toBe('APPOINTMENT_NOT_FOUND');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/bookings/${created.body.id}/cancel`, { body: {}, ip: freshIp() }))).toBe('APPOINTMENT_NOT_FOUND');

    const target = await laterSlot(1);
    const moved = await t.api<BookingView>('POST', `/api/bookings/${created.body.id}/move`, { body: { secret, slotStart: target }, ip: freshIp() });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ slotStart: target, status: 'booked' });

    const cancelled = await t.api<BookingView>('POST', `/api/bookings/${created.body.id}/cancel?hall=${DEMO}`, { body: { secret }, ip: freshIp() });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', changeable: false });
    expect(errorCodeOf(await t.api('POST', `/api/bookings/${created.body.id}/cancel`, { body: { secret }, ip: freshIp() }))).toBe('BOOKING_CLOSED');
    // The cancelled booking's code checks nothing in.
    const kiosk = await t.api('POST', `/api/halls/${DEMO}/appointments/check-in`, { token: supervisor, body: { code: created.body.code } });
    expect(errorCodeOf(kiosk)).toBe('APPOINTMENT_NOT_FOUND');
  });

  it('lets staff book at the desk, list the day masked with counts, and cancel', async () => {
    const phone = freshPhone();
    const start = await laterSlot(2);
    const created = await book({ serviceId: SERVICE, slotStart: start, name: '李四', phone }, { token: supervisor });
    expect(created.status).toBe(201);
    const state = await t.hallState();
    expect(state.appointments[created.body.id]).toMatchObject({ source: 'desk', name: '李四', phone });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(start));
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/bookings?date=${day}`))).toBe('UNAUTHENTICATED');
    const list = await t.api<BookingList>('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: supervisor });
    expect(list.status).toBe(200);
    const row = list.body.bookings.find((booking) => booking.id === created.body.id)!;
    expect(row).toMatchObject({ name: '李*', phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, source: 'desk', status: 'booked' });
    expect(JSON.stringify(list.body)).not.toContain(phone);
    expect(list.body.counts[SERVICE]!.booked).toBeGreaterThan(0);
    const cancelled = await t.api('POST', `/api/halls/${DEMO}/bookings/${created.body.id}/cancel`, { token: supervisor, body: {} });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', name: '李*' });
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/bookings?date=2026-13-01`, { token: supervisor }))).toBe('VALIDATION_FAILED');
  });

  it('checks a booking in by its code: the ticket has appointment priority and the booking phone', async () => {
    const phone = freshPhone();
    const next = (await slots()).slots[0]!;
    const created = await book({ serviceId: SERVICE, slotStart: next.start, name: NAME, phone });
    expect(created.status).toBe(201);
    // The citizen arrives a minute into the slot.
    ahead += next.start + 60_000 - now();
    const checkedIn = await t.api('POST', `/api/halls/${DEMO}/appointments/check-in`, { token: supervisor, body: { code: created.body.code } });
    expect(checkedIn.status).toBe(201);
    expect(checkedIn.body.channel).toBe('appointment');
    const state = await t.hallState();
    expect(state.appointments[created.body.id]!.status).toBe('checked-in');
    expect(state.tickets[checkedIn.body.id]!.notifyPhone).toBe(phone);
    // Public events carry the ticket but never the number.
    const events = await t.api('GET', `/api/halls/${DEMO}/events?since=0`);
    expect(JSON.stringify(events.body)).not.toContain(phone);
  });
});

describe('personal data for staff of the hall only', () => {
  it('the day list and a staff cancel refuse staff of another hall and a kiosk', async () => {
    const start = await laterSlot(10);
    const created = await book({ serviceId: SERVICE, slotStart: start, name: NAME, phone: freshPhone() });
    expect(created.status).toBe(201);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(start));
    const second = await t.createSecondHall();
    const stranger = await t.login(second.clerkUsername, second.clerkPassword);
    // Their own hall's list is theirs to read; the demo hall's is not.
    expect((await t.api('GET', `/api/halls/${second.hallId}/bookings?date=${day}`, { token: stranger })).status).toBe(200);
    const list = await t.api('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: stranger });
    expect(errorCodeOf(list)).toBe('FORBIDDEN');
    expect(list.text).not.toContain(NAME.slice(0, 1));
    const before = await t.stateJson();
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/bookings/${created.body.id}/cancel`, { token: stranger, body: {} }))).toBe('FORBIDDEN');
    const paired = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: supervisor, body: { kind: 'kiosk', name: '入口取号机', printer: 'preview' } });
    expect(paired.status, paired.text).toBe(201);
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: paired.body.token }))).toBe('FORBIDDEN');
    expect(await t.stateJson()).toBe(before);
  });
});

describe('platform token', () => {
  it('pairs a platform device whose externalRef makes a retry answer the first booking', async () => {
    const paired = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: supervisor, body: { kind: 'platform', name: '一网通办' } });
    expect(paired.status).toBe(201);
    const token = paired.body.token as string;
    const body = { serviceId: SERVICE, slotStart: await laterSlot(4), name: NAME, phone: freshPhone(), externalRef: 'ywtb-0001' };
    const first = await book(body, { token });
    const again = await book(body, { token });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await t.hallState()).appointments[first.body.id]!.source).toBe('platform');
    // The platform may book and cancel; nothing else.
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/tickets`, { token, body: { serviceId: SERVICE, channel: 'kiosk' } }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/bookings/${first.body.id}/move`, { token, body: { slotStart: await laterSlot(5) } }))).toBe('FORBIDDEN');
    const cancelled = await t.api('POST', `/api/halls/${DEMO}/bookings/${first.body.id}/cancel`, { token, body: {} });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id: first.body.id, status: 'cancelled', serviceId: SERVICE, slotStart: body.slotStart, slotEnd: body.slotStart + 30 * 60_000 });
  });
});

describe('bad input is refused with a code and nothing stored', () => {
  const cases: Array<[string, (slot: number) => Record<string, unknown>, string]> = [
    ['an invalid phone', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: '12345' }), 'VALIDATION_FAILED'],
    ['a landline', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: '0834-1234567' }), 'VALIDATION_FAILED'],
    ['a huge name', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: '张'.repeat(21), phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['an empty name', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: '   ', phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['an extra field', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), source: 'desk' }), 'VALIDATION_FAILED'],
    ['a bad ID tail', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), idTail: '12345Y' }), 'VALIDATION_FAILED'],
    ['a slot as text', (slot) => ({ serviceId: SERVICE, slotStart: String(slot), name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a slot in the past', (slot) => ({ serviceId: SERVICE, slotStart: slot - 7 * 86_400_000, name: NAME, phone: freshPhone() }), 'BOOKING_CLOSED'],
    ['a slot that does not exist', (slot) => ({ serviceId: SERVICE, slotStart: slot + 60_000, name: NAME, phone: freshPhone() }), 'BOOKING_CLOSED'],
    ['a slot beyond the window', (slot) => ({ serviceId: SERVICE, slotStart: slot + 30 * 86_400_000, name: NAME, phone: freshPhone() }), 'BOOKING_CLOSED'],
    ['a phone of 12 digits', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: `${freshPhone()}0` }), 'VALIDATION_FAILED'],
    ['a phone as a number', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: Number(freshPhone()) }), 'VALIDATION_FAILED'],
    ['a missing phone', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME }), 'VALIDATION_FAILED'],
    ['a name that is not text', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: ['张三'], phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a name of invisible characters', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: '\u200b\u3000', phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['an ID tail of 5', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), idTail: '12345' }), 'VALIDATION_FAILED'],
    ['a slot of a fraction of a millisecond', (slot) => ({ serviceId: SERVICE, slotStart: slot + 0.5, name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a negative slot', (slot) => ({ serviceId: SERVICE, slotStart: -slot, name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a missing slot', () => ({ serviceId: SERVICE, name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a malformed service id', (slot) => ({ serviceId: '../minzheng-dibao', slotStart: slot, name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a service id of 65 characters', (slot) => ({ serviceId: 'a'.repeat(65), slotStart: slot, name: NAME, phone: freshPhone() }), 'VALIDATION_FAILED'],
    ['a huge external reference', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), externalRef: 'r'.repeat(65) }), 'VALIDATION_FAILED'],
    ['an external reference with spaces', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), externalRef: 'ref 1' }), 'VALIDATION_FAILED'],
    ['a malformed request id', (slot) => ({ serviceId: SERVICE, slotStart: slot, name: NAME, phone: freshPhone(), requestId: 'x' }), 'VALIDATION_FAILED'],
    ['a service without booking', (slot) => ({ serviceId: 'zonghe-zixun', slotStart: slot, name: NAME, phone: freshPhone() }), 'SERVICE_NOT_BOOKABLE'],
    ['an unknown service', (slot) => ({ serviceId: 'nope', slotStart: slot, name: NAME, phone: freshPhone() }), 'SERVICE_NOT_BOOKABLE'],
  ];
  for (const [what, body, code] of cases) {
    it(`refuses ${what}`, async () => {
      const slot = await laterSlot(6);
      const before = await t.stateJson();
      expect(errorCodeOf(await book(body(slot)))).toBe(code);
      expect(await t.stateJson()).toBe(before);
    });
  }

  it('the manage link refuses a bad or past slot to move to, and a wrong secret to cancel, changing nothing', async () => {
    const created = await book({ serviceId: SERVICE, slotStart: await laterSlot(8), name: NAME, phone: freshPhone() });
    expect(created.status).toBe(201);
    const secret = new URL(created.body.manageUrl, t.url).searchParams.get('secret')!;
    const before = await t.stateJson();
    const move = (body: Record<string, unknown>) => t.api('POST', `/api/bookings/${created.body.id}/move`, { body, ip: freshIp() });
    const target = await laterSlot(9);
    expect(errorCodeOf(await move({ secret, slotStart: String(target) }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await move({ secret }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await move({ secret, slotStart: target, name: '李四' }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await move({ secret, slotStart: target - 7 * 86_400_000 }))).toBe('BOOKING_CLOSED');
    expect(errorCodeOf(await move({ secret, slotStart: target + 60_000 }))).toBe('BOOKING_CLOSED');
    expect(errorCodeOf(await move({ secret: `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, slotStart: target }))).toBe('APPOINTMENT_NOT_FOUND');
    expect(errorCodeOf(await t.api('POST', `/api/bookings/${created.body.id}/cancel`, { body: { secret, status: 'checked-in' }, ip: freshIp() }))).toBe('VALIDATION_FAILED');
    expect(await t.stateJson()).toBe(before);
    expect((await move({ secret, slotStart: target })).status).toBe(200);
  });

  it('refuses a body that is not an object, and a secret of the wrong shape', async () => {
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/bookings`, { raw: '[1]', ip: freshIp() }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('POST', '/api/bookings/abc/cancel', { body: { secret: 'short' }, ip: freshIp() }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('GET', '/api/bookings/..%2F..?secret=aaaaaaaaaaaaaaaaaaaa'))).toBe('APPOINTMENT_NOT_FOUND');
  });
});

describe('rules over REST', () => {
  it('one booking per phone per service per day, and at most three open', async () => {
    const phone = freshPhone();
    const [day0, laterThatDay] = await sameDaySlots();
    expect((await book({ serviceId: SERVICE, slotStart: day0, name: NAME, phone })).status).toBe(201);
    const sameDay = await book({ serviceId: SERVICE, slotStart: laterThatDay, name: NAME, phone });
    expect(errorCodeOf(sameDay)).toBe('BOOKING_LIMIT');
    expect(sameDay.body.error.details.rule).toBe('per-day');
    const tomorrow = (slot: number) => slot + 86_400_000;
    expect((await book({ serviceId: 'jisheng-shengyu-dengji', slotStart: day0, name: NAME, phone })).status).toBe(201);
    expect((await book({ serviceId: SERVICE, slotStart: tomorrow(day0), name: NAME, phone })).status).toBe(201);
    const fourth = await book({ serviceId: SERVICE, slotStart: tomorrow(tomorrow(day0)), name: NAME, phone });
    expect(errorCodeOf(fourth)).toBe('BOOKING_LIMIT');
    expect(fourth.body.error.details).toMatchObject({ rule: 'open', max: 3 });
  });

  it('never puts the name or the phone in a public event', async () => {
    const phone = freshPhone();
    const name = '欧阳娜娜';
    const socket = await t.connect({});
    const mark = socket.mark();
    expect((await book({ serviceId: SERVICE, slotStart: await laterSlot(7), name, phone })).status).toBe(201);
    const received = await socket.waitForEvent('booking:created', { from: mark });
    expect(received.appointment).toEqual({ serviceId: SERVICE, slotStart: expect.any(Number), slotEnd: expect.any(Number) });
    const events = await t.api('GET', `/api/halls/${DEMO}/events?since=0`);
    const text = JSON.stringify(events.body);
    expect(text).not.toContain(phone);
    expect(text).not.toContain(name);
    expect(text).toContain('booking:created');
    // Staff events carry it masked.
    const staff = await t.api('GET', `/api/halls/${DEMO}/events?since=0`, { token: supervisor });
    const staffText = JSON.stringify(staff.body);
    expect(staffText).not.toContain(phone);
    expect(staffText).toContain('欧***');
    socket.close();
  });
});

describe('rate limits for the public', () => {
  it('bounds booking attempts and slot reads per client address', async () => {
    const ip = freshIp();
    const closed = { serviceId: SERVICE, slotStart: (await laterSlot(0)) + 60_000, name: NAME, phone: freshPhone() };
    const answers: string[] = [];
    for (let k = 0; k < 31; k++) answers.push(errorCodeOf(await book(closed, { ip }))!);
    expect(answers.slice(0, 30).every((code) => code === 'BOOKING_CLOSED')).toBe(true);
    expect(answers[30]).toBe('RATE_LIMITED');
    const readIp = freshIp();
    const reads: number[] = [];
    for (let k = 0; k < 121; k++) reads.push((await t.api('GET', `/api/halls/${DEMO}/booking-services`, { ip: readIp })).status);
    expect(reads.slice(0, 120).every((status) => status === 200)).toBe(true);
    expect(reads[120]).toBe(429);
  });
});

