/**
 * 一次一评 over a real server (issue 14): the QR code / e-ticket rates within the hall's rating period, also
 * after the ticket left the live state (the server reads the store's copy and the engine decides); one rating
 * per ticket from any channel; the guide desk records the citizen's word; a 差评 needs reasons and opens a
 * case; the optional default rating is applied by the server's job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const DAY = 86_400_000;
const hall = `/api/halls/${DEMO}`;
const SERVICE_AT_1 = 'zonghe-zixun';

let now = Date.now();
let t: TestServer;
let ips = 0;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => now, defaultRatingIntervalMs: 100 });
});
afterAll(async () => t.close());

/** A login valid at the test clock's now (the cached ones expire when the clock jumps days ahead). */
async function freshLogin(username: string): Promise<string> {
  const password = username === 'admin' ? ADMIN_PASSWORD : 'demo1234';
  const res = await t.api('POST', '/api/auth/login', { body: { username, password }, ip: `10.9.${Math.floor(++ips / 200)}.${ips % 200}` });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function servedAtWindow1(): Promise<{ id: string; number: string }> {
  const clerk = await freshLogin('clerk1');
  await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
  const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: SERVICE_AT_1 } });
  expect(issued.status).toBe(201);
  for (;;) {
    const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    expect(called.status).toBe(200);
    await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
    if (called.body.id === issued.body.id) return issued.body;
  }
}

/** Moves the server's clock on and lets the hall notice (the next command prunes what left the live state). */
async function laterBy(ms: number): Promise<void> {
  now += ms;
  await t.api('POST', `${hall}/tickets`, { token: await freshLogin('zhuren'), body: { serviceId: SERVICE_AT_1 } });
}

const record = async (ticketId: string) => (await t.server.store.halls.getTicket(ticketId))?.ticket;

// First, while the test clock is still today: a staff socket's session is bounded by the real clock.
describe('the guide desk on the citizen\'s word', () => {
  it('a supervisor records it by ticket id as channel desk with who entered it; staff see who, the public stream does not', async () => {
    const ticket = await servedAtWindow1();
    const desk = await freshLogin('zhuren');
    const staff = await t.connect({ hallId: DEMO, token: desk });
    const board = await t.connect({ hallId: DEMO });
    const rated = await t.api('POST', `${hall}/ratings`, { token: desk, body: { ticketId: ticket.id, level: 3 } });
    expect(rated.status).toBe(201);
    expect(await record(ticket.id)).toMatchObject({ rating: 3, ratedVia: 'desk' });
    const isRated = (received: { data: unknown }) => (received.data as { type?: string })?.type === 'ticket:rated';
    expect((await staff.waitFor(isRated)).data).toMatchObject({ channel: 'desk', recordedBy: { name: expect.any(String) } });
    expect((await board.waitFor(isRated)).data).not.toHaveProperty('recordedBy');
    staff.close();
    board.close();
  });
});

describe('QR / e-ticket within the rating period', () => {
  it('offers and takes a rating on day 6 after the ticket left the live state; a second rating is ALREADY_RATED from every channel', async () => {
    const ticket = await servedAtWindow1();
    await laterBy(6 * DAY);
    expect((await t.hallState()).tickets[ticket.id]).toBeUndefined();
    const view = await t.api('GET', `/api/tickets/${ticket.id}`);
    expect(view.body).toMatchObject({ status: 'served', rating: null, rateableUntil: expect.any(Number), ratingReasons: expect.arrayContaining(['多次跑腿']) });

    const rated = await t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level: 4 } });
    expect(rated.status).toBe(201);
    expect(rated.body).toEqual({ number: ticket.number, level: 4 });
    expect(await record(ticket.id)).toMatchObject({ rating: 4, ratedVia: 'qr' });
    expect((await t.api('GET', `/api/tickets/${ticket.id}`)).body).toMatchObject({ rating: 4, rateableUntil: null });
    // It did not come back into the hall's live state.
    expect((await t.hallState()).tickets[ticket.id]).toBeUndefined();

    const again = await t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level: 1, reasons: ['其他'] } });
    expect(errorCodeOf(again)).toBe('ALREADY_RATED');
    const desk = await t.api('POST', `${hall}/ratings`, { token: await freshLogin('zhuren'), body: { ticketId: ticket.id, level: 5 } });
    expect(errorCodeOf(desk)).toBe('ALREADY_RATED');
    expect(await record(ticket.id)).toMatchObject({ rating: 4 });
  });

  it('two ratings of one stored ticket at once: exactly one is taken', async () => {
    const ticket = await servedAtWindow1();
    await laterBy(DAY);
    const answers = await Promise.all([5, 3, 4].map((level) => t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level } })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    const ratedEvents = (await t.server.store.halls.eventsSince(DEMO, 0, 100_000)).filter((event) => event.type === 'ticket:rated' && event.ticket.id === ticket.id);
    expect(ratedEvents).toHaveLength(1);
  });

  it('refuses after the period (7 days by default) and names no ticket id to the public', async () => {
    const ticket = await servedAtWindow1();
    await laterBy(7 * DAY + 1000);
    expect((await t.api('GET', `/api/tickets/${ticket.id}`)).body).toMatchObject({ rating: null, rateableUntil: null });
    const late = await t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level: 5 } });
    expect(errorCodeOf(late)).toBe('NOT_RATEABLE');
    expect(JSON.stringify(late.body)).not.toContain(ticket.id);
    expect((await record(ticket.id))?.rating).toBeUndefined();
  });

  it('a window screen rating is final for the QR code too', async () => {
    const ticket = await servedAtWindow1();
    const screen = await t.windowScreenToken('1');
    expect((await t.api('POST', `${hall}/ratings`, { token: screen, body: { windowId: '1', level: 5, ticketNumber: ticket.number } })).status).toBe(201);
    expect(errorCodeOf(await t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level: 2, reasons: ['其他'] } }))).toBe('ALREADY_RATED');
    await laterBy(DAY);
    expect(errorCodeOf(await t.api('POST', `${hall}/ratings`, { body: { ticketId: ticket.id, level: 2, reasons: ['其他'] } }))).toBe('ALREADY_RATED');
  });
});

describe('a 差评 needs a reason', () => {
  it('非常不满意 without a reason is REASON_REQUIRED (400) and changes nothing; with reasons a case opens with the follow-up phone for staff only', async () => {
    const ticket = await servedAtWindow1();
    const screen = await t.windowScreenToken('1');
    const before = await t.stateJson();
    const refused = await t.api('POST', `${hall}/ratings`, { token: screen, body: { windowId: '1', level: 1, ticketNumber: ticket.number } });
    expect(refused.status).toBe(400);
    expect(errorCodeOf(refused)).toBe('REASON_REQUIRED');
    expect(refused.body.error.details.reasons).toContain('服务态度差');
    expect(await t.stateJson()).toBe(before);

    const watcher = await t.connect({ hallId: DEMO });
    const ok = await t.api('POST', `${hall}/ratings`, {
      token: screen,
      body: { windowId: '1', level: 1, ticketNumber: ticket.number, reasons: ['服务态度差', '多次跑腿'], note: '等了很久', followUpPhone: '13800138000' },
    });
    expect(ok.status).toBe(201);
    const rc = (await t.hallState()).ratingCases?.[ticket.id];
    expect(rc).toMatchObject({ status: 'open', channel: 'window-screen', reasons: ['服务态度差', '多次跑腿'], followUpPhone: '13800138000', ticketNumber: ticket.number });
    // The public stream carries neither the reasons nor the phone.
    const opened = await watcher.waitFor((received) => (received.data as { type?: string })?.type === 'rating-case:opened');
    expect(JSON.stringify(opened.data)).not.toContain('13800138000');
    expect(JSON.stringify(opened.data)).not.toContain('服务态度差');
    watcher.close();
  });

  it('a window screen that showed another number is refused (NOT_RATEABLE), the ticket due stays unrated', async () => {
    const ticket = await servedAtWindow1();
    const wrong = await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken('1'), body: { windowId: '1', level: 5, ticketNumber: 'Z999' } });
    expect(errorCodeOf(wrong)).toBe('NOT_RATEABLE');
    expect((await record(ticket.id))?.rating).toBeUndefined();
  });
});

describe('the default rating', () => {
  it('is off by default; when on, a service never rated gets it after the period as channel default, once', async () => {
    const unrated = await servedAtWindow1();
    const admin = await freshLogin('admin');
    await laterBy(8 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 400)); // several job runs with the setting off
    expect((await record(unrated.id))?.rating).toBeUndefined();

    const config = (await t.api('GET', `${hall}/config`, { token: admin })).body.config;
    const saved = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, ratings: { defaultLevel: 3, defaultAfterDays: 7 } } } });
    expect(saved.status).toBe(200);
    const fresh = await servedAtWindow1();
    await expect.poll(async () => (await record(unrated.id))?.ratedVia, { timeout: 5000 }).toBe('default');
    expect(await record(unrated.id)).toMatchObject({ rating: 3 });
    // Not yet due for the one served just now.
    expect((await record(fresh.id))?.rating).toBeUndefined();
    const defaults = (await t.server.store.halls.eventsSince(DEMO, 0, 100_000)).filter((event) => event.type === 'ticket:rated' && event.channel === 'default' && event.ticket.id === unrated.id);
    expect(defaults).toHaveLength(1);
    expect(defaults[0]).not.toHaveProperty('recordedBy');
    // The citizen's link can no longer rate it.
    expect(errorCodeOf(await t.api('POST', `${hall}/ratings`, { body: { ticketId: unrated.id, level: 5 } }))).toBe('ALREADY_RATED');
  });
});
