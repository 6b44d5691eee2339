/**
 * 网上预约's personal data (issue 18): the name, the mobile number and the ID digits of a booking reach
 * staff of the hall only (masked in lists), never a board, a slip, an e-ticket or a public answer; the ID
 * digits are stored only as a salted hash; and after the hall's retention period none of them is left in
 * the store. The server's clock is the test's, so the visit and the days after come when the test says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHalls } from '../../server/app/retention.js';
import type { BookingCreated, BookingList, BookingSlotsAnswer } from '../../server/protocol/booking.js';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { pairKiosk, printedText } from '../helpers/printing.js';
import { DEMO, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

const DAY = 86_400_000;
const SERVICE = 'minzheng-dibao';
const NAME = '欧阳娜娜';
const PHONE = '13912345678';
const ID_TAIL = '43021X';
const OTHER_NAME = '司马相如';
const OTHER_PHONE = '13787654321';
/** The people themselves: what the store must not keep past the retention period. */
const PEOPLE = [NAME, PHONE, ID_TAIL, OTHER_NAME, OTHER_PHONE];
/**
 * What a public surface must not show either: the masked forms too. (The store may keep the masked number
 * a while longer: the hall's record of its last 200 request answers holds a check-in's ticket as staff
 * answers show it, masked, so a retried request gets the same answer.)
 */
const TRACES = [...PEOPLE, '欧***', '139****5678'];

const dataDir = mkdtempSync(join(tmpdir(), 'hallq-booking-pd-'));
/** Monday 2 March 2026, 10:00 in the hall. */
let now = Date.parse('2026-03-02T10:00:00+08:00');
let t: TestServer;
let printer: FakePrinter;

beforeAll(async () => {
  t = await startTestServer({ dataDir }, { clock: () => now, tickIntervalMs: 50 });
  printer = await startFakePrinter();
});
afterAll(async () => {
  await printer?.close();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every row of every table of the hall's SQLite file, as text (read beside the server, as an operator would). */
function storeDump(): string {
  const db = new Database(join(dataDir, 'hallq.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    return tables.map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : value))).join('\n');
  } finally {
    db.close();
  }
}

const missing = (text: string, traces = TRACES) => traces.filter((trace) => text.includes(trace));

async function firstSlot(): Promise<{ start: number; end: number }> {
  const slots = await t.api<BookingSlotsAnswer>('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}`);
  return slots.body.slots[0]!;
}

describe('a booking’s name and number', () => {
  let created: BookingCreated;
  let ticketId: string;

  it('reach no board, slip, e-ticket or public answer; staff see them masked; the ID digits only as a hash', async () => {
    const board = await t.connect({ hallId: DEMO });
    const slot = await firstSlot();
    const booked = await t.api<BookingCreated>('POST', `/api/halls/${DEMO}/bookings`, { ip: freshIp(), body: { serviceId: SERVICE, slotStart: slot.start, name: NAME, phone: PHONE, idTail: ID_TAIL } });
    expect(booked.status, booked.text).toBe(201);
    created = booked.body;
    const other = await t.api('POST', `/api/halls/${DEMO}/bookings`, { ip: freshIp(), body: { serviceId: SERVICE, slotStart: slot.start, name: OTHER_NAME, phone: OTHER_PHONE } });
    expect(other.status, other.text).toBe(201);
    const stored = (await t.hallState()).appointments[created.id]!;
    expect(stored).toMatchObject({ name: NAME, phone: PHONE });
    expect(JSON.stringify(stored)).not.toContain(ID_TAIL);
    expect(stored.idTailHash).toMatch(/^[^:]+:[A-Za-z0-9_-]{43}$/);

    // The day of the visit: a minute into the slot, checked in at a kiosk that prints the slip.
    now = slot.start + 60_000;
    const kiosk = (await pairKiosk(t, DEMO, printer.address)).token;
    const checkedIn = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kiosk, body: { code: created.code, delivery: 'paper', requestId: 'booking-pd-checkin-1' } });
    expect(checkedIn.status, checkedIn.text).toBe(201);
    expect(checkedIn.body.ticket.channel).toBe('appointment');
    ticketId = checkedIn.body.ticket.id;
    expect((await t.hallState()).tickets[ticketId]!.notifyPhone).toBe(PHONE);
    const slip = printer.decoded().find((items) => items.some((item) => item.kind === 'cut'))!;
    expect(printedText(slip).join('\n')).toContain('预约签到');
    expect(missing(printedText(slip).join('\n'))).toEqual([]);
    expect(missing(checkedIn.text)).toEqual([]);

    const publicReads = [
      `/api/tickets/${ticketId}`,
      `/api/halls/${DEMO}/board`,
      `/api/halls/${DEMO}/events?since=0`,
      `/api/halls/${DEMO}/booking-services`,
      `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}`,
      `/api/halls/${DEMO}/booking-page`,
    ];
    for (const path of publicReads) {
      const res = await t.api('GET', path, { ip: freshIp() });
      expect(res.status, path).toBe(200);
      expect(missing(res.text), path).toEqual([]);
    }
    const snapshot = await board.send('hall:sync', { sinceSeq: 0 });
    expect(snapshot).toMatchObject({ ok: true });
    expect(missing(JSON.stringify(snapshot))).toEqual([]);
    expect(missing(JSON.stringify(board.hallEvents()))).toEqual([]);
    board.close();

    // Staff of the hall: masked in the day's list, never in full.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(slot.start));
    const list = await t.api<BookingList>('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: await t.login('zhuren') });
    expect(list.body.bookings.find((row) => row.id === created.id)).toMatchObject({ name: '欧***', phone: '139****5678', status: 'checked-in' });
    expect(list.text).not.toContain(NAME);
    expect(list.text).not.toContain(PHONE);
    expect(list.text).not.toContain(ID_TAIL);
  });

  it('are gone from the store after the hall’s retention period', async () => {
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body;
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, retentionDays: 400 } } })).status).toBe(200);
    // Two days on: the day of the visit has rolled over (the second booking a no-show), its bookings left the live state.
    now += 2 * DAY;
    await expect.poll(async () => Object.keys((await t.hallState()).appointments).length, { timeout: 10_000, interval: 50 }).toBe(0);
    expect(missing(await t.stateJson(), PEOPLE)).toEqual([]);
    // Still in the log, which is kept for the retention period: that is what the pruning below removes.
    expect(storeDump()).toContain(PHONE);
    expect(storeDump()).toContain(OTHER_NAME);
    expect(storeDump()).not.toContain(ID_TAIL);

    await pruneHalls(t.server.store.halls, now + 401 * DAY, pino({ level: 'silent' }));
    expect(missing(storeDump(), PEOPLE)).toEqual([]);
    expect((await t.api('GET', `/api/tickets/${ticketId}`)).status).toBe(404);
  });
});
