/**
 * GET /api/halls/:hallId/booking-page: what the citizen's booking page must know before it asks
 * anything (the hall's address, whether it wants the ID card's last 6), public and nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.login('admin');
});
afterAll(async () => {
  await t.close();
});

const current = async (): Promise<HallConfig> => (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config;
const save = async (config: HallConfig) => {
  const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config } });
  expect(saved.status, saved.text).toBe(200);
};

describe('the booking page’s view of the hall', () => {
  it('follows the hall’s booking rules: the ID-card question, the address, whether anything can be booked', async () => {
    const config = await current();
    const off = structuredClone(config);
    delete off.booking;
    for (const service of off.services) delete service.booking;
    await save(off);
    const before = await t.api('GET', `/api/halls/${DEMO}/booking-page`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ hallId: DEMO, hallName: config.name, hallNameAlt: config.nameAlt, timeZone: config.timeZone, requireIdTail: false, bookingOpen: false });

    const on = structuredClone(off);
    on.booking = { requireIdTail: true, address: '青山镇人民路 8 号便民服务中心一楼' };
    on.services[0]!.booking = { enabled: true, hours: [{ from: '09:00', to: '12:00' }], slotMinutes: 30, perSlot: 4 };
    await save(on);
    const after = await t.api('GET', `/api/halls/${DEMO}/booking-page`);
    expect(after.body).toMatchObject({ requireIdTail: true, address: '青山镇人民路 8 号便民服务中心一楼', bookingOpen: true });

    // A change of the hall's booking rules alone is a change, saved and audited.
    const rulesOnly = structuredClone(on);
    rulesOnly.booking = { ...rulesOnly.booking, requireIdTail: false };
    const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: rulesOnly } });
    expect(saved.body.changes.length, saved.text).toBeGreaterThan(0);
    expect((await t.api('GET', `/api/halls/${DEMO}/booking-page`)).body.requireIdTail).toBe(false);

    // A disabled service's booking settings do not count: nothing can be booked.
    const disabled = structuredClone(rulesOnly);
    disabled.services[0]!.enabled = false;
    await save(disabled);
    expect((await t.api('GET', `/api/halls/${DEMO}/booking-page`)).body.bookingOpen).toBe(false);
    await save(config);
  });

  it('an unknown or malformed hall is HALL_NOT_FOUND, and no one needs to sign in', async () => {
    expect(errorCodeOf(await t.api('GET', '/api/halls/no-such-hall/booking-page'))).toBe('HALL_NOT_FOUND');
    const long = await t.api('GET', `/api/halls/${'x'.repeat(200)}/booking-page`);
    expect(long.status).toBe(404);
    expect(errorCodeOf(long)).toBe('HALL_NOT_FOUND');
    expect(errorCodeOf(await t.api('GET', '/api/halls/a%20b/booking-page'))).toBe('HALL_NOT_FOUND');
  });
});
