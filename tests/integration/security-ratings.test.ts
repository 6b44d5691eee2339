/**
 * Issue 13 item 4: 好差评 can only come from the citizen: the paired screen of
 * the window that served them, or their own e-ticket link. Anonymous callers
 * watching the board's awaitingRating, other devices and staff (the clerk who
 * served) are refused, over REST and over the socket, and nothing changes.
 * Issue 14: the guide desk (supervisor, admin) may record the citizen's word by ticket, never by window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
const SERVICE_AT_2 = 'zonghe-zixun';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

/** clerk1 serves one ticket at window 1; resolves with the ticket (its id is the citizen's e-ticket link). */
async function servedAtWindow1(): Promise<{ id: string; number: string }> {
  const clerk = await t.login('clerk1');
  await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
  const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: SERVICE_AT_2 } });
  expect(issued.status).toBe(201);
  for (;;) {
    const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    expect(called.status).toBe(200);
    await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
    if (called.body.id === issued.body.id) return issued.body;
  }
}

const ratingOf = async (ticketId: string) => (await t.hallState()).tickets[ticketId]?.rating;

describe('who may rate', () => {
  it('anonymous POST …/ratings by window is refused (401), over REST and the socket, and the ticket stays unrated', async () => {
    const ticket = await servedAtWindow1();
    const anonymous = await t.api('POST', `${hall}/ratings`, { body: { level: 1, windowId: '1' } });
    expect(anonymous.status).toBe(401);
    expect(errorCodeOf(anonymous)).toBe('UNAUTHENTICATED');
    const board = await t.connect({ hallId: DEMO, auth: { client: 'window-screen', windowId: '1' } });
    expect(await board.send('ticket:rate', { level: 1, windowId: '1' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    board.close();
    expect(await ratingOf(ticket.id)).toBeUndefined();
  });

  it('the clerk cannot rate their own ticket by id before the citizen (403), REST and socket; the citizen then still can', async () => {
    const ticket = await servedAtWindow1();
    const clerk = await t.login('clerk1');
    const rest = await t.api('POST', `${hall}/ratings`, { token: clerk, body: { level: 5, ticketId: ticket.id } });
    expect(rest.status).toBe(403);
    expect(errorCodeOf(rest)).toBe('FORBIDDEN');
    const socket = await t.connect({ hallId: DEMO, token: clerk });
    expect(await socket.send('ticket:rate', { level: 5, ticketId: ticket.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await socket.send('ticket:rate', { level: 5, windowId: '1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.close();
    // Nor a supervisor, nor the admin.
    for (const who of ['zhuren', 'admin']) {
      expect((await t.api('POST', `${hall}/ratings`, { token: await t.login(who), body: { level: 5, windowId: '1' } })).status).toBe(403);
    }
    expect(await ratingOf(ticket.id)).toBeUndefined();

    // The citizen's e-ticket link (the ticket id, no token).
    const citizen = await t.api('POST', `${hall}/ratings`, { body: { level: 4, ticketId: ticket.id } });
    expect(citizen.status).toBe(201);
    expect(citizen.body).toEqual({ number: ticket.number, level: 4 });
    expect(await ratingOf(ticket.id)).toBe(4);
  });

  it("the window's paired screen rates its window (201), REST and socket; another window's screen and a kiosk cannot", async () => {
    const ticket = await servedAtWindow1();
    const manager = await t.login('zhuren');
    const kiosk = await t.api('POST', `${hall}/devices`, { token: manager, body: { kind: 'kiosk', name: '取号机' } });
    expect((await t.api('POST', `${hall}/ratings`, { token: kiosk.body.token, body: { level: 2, windowId: '1' } })).status).toBe(403);
    const screen2 = await t.windowScreenToken('2');
    expect((await t.api('POST', `${hall}/ratings`, { token: screen2, body: { level: 2, windowId: '1' } })).status).toBe(403);
    // A screen rates by window only: a ticket id (read off someone's slip) is not its to use.
    expect((await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken('1'), body: { level: 2, ticketId: ticket.id } })).status).toBe(403);
    expect(await ratingOf(ticket.id)).toBeUndefined();

    const screen = await t.connect({ hallId: DEMO, token: await t.windowScreenToken('1') });
    const rated = await screen.send('ticket:rate', { level: 5, windowId: '1' });
    expect(rated).toEqual({ ok: true, data: { number: ticket.number, level: 5 } });
    expect(await ratingOf(ticket.id)).toBe(5);
    screen.close();

    const next = await servedAtWindow1();
    const rest = await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken('1'), body: { level: 3, windowId: '1' } });
    expect(rest.status).toBe(201);
    expect(await ratingOf(next.id)).toBe(3);
  });

  it('pairing a window screen needs a manager and a window of the hall', async () => {
    const clerk = await t.login('clerk2');
    expect((await t.api('POST', `${hall}/devices`, { token: clerk, body: { kind: 'window-screen', name: 'x', windowId: '1' } })).status).toBe(403);
    const manager = await t.login('zhuren');
    const unknown = await t.api('POST', `${hall}/devices`, { token: manager, body: { kind: 'window-screen', name: 'x', windowId: 'no-such-window' } });
    expect(errorCodeOf(unknown)).toBe('WINDOW_NOT_FOUND');
    const noWindow = await t.api('POST', `${hall}/devices`, { token: manager, body: { kind: 'window-screen', name: 'x' } });
    expect(errorCodeOf(noWindow)).toBe('VALIDATION_FAILED');
    const paired = await t.api('POST', `${hall}/devices`, { token: manager, body: { kind: 'window-screen', name: '3号窗口屏', windowId: '3' } });
    expect(paired.status).toBe(201);
    expect(paired.body.device).toMatchObject({ kind: 'window-screen', windowId: '3' });
    // It shows up as the screen of its window, whatever its handshake says.
    const screen = await t.connect({ hallId: DEMO, token: paired.body.token, auth: { client: 'board', windowId: '5' } });
    const displays = await t.api('GET', `${hall}/displays`, { token: manager });
    expect(displays.body.screens).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'window-screen', windowId: '3' })]));
    screen.close();
  });
});

describe('the guide desk and the clerk (issue 14)', () => {
  it('a clerk is refused FORBIDDEN on every rating route and socket event, whatever the body; nothing changes', async () => {
    const ticket = await servedAtWindow1();
    const before = await t.stateJson();
    const bodies = [
      { level: 5, ticketId: ticket.id },
      { level: 5, windowId: '1' },
      { level: 1, ticketId: ticket.id, reasons: ['其他'] },
      { level: 4, ticketId: ticket.id, ticketNumber: ticket.number },
      { level: 4, ticketId: ticket.id, windowId: '1' },
    ];
    for (const who of ['clerk1', 'clerk2']) {
      const token = await t.login(who);
      const socket = await t.connect({ hallId: DEMO, token });
      for (const body of bodies) {
        const rest = await t.api('POST', `${hall}/ratings`, { token, body });
        expect(rest.status).toBe(403);
        expect(errorCodeOf(rest)).toBe('FORBIDDEN');
        expect(await socket.send('ticket:rate', body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      socket.close();
    }
    expect(await t.stateJson()).toBe(before);
    expect(await ratingOf(ticket.id)).toBeUndefined();
  });

  it('a supervisor or admin (导办台) records the citizen\'s word by ticket id only, as channel desk', async () => {
    const ticket = await servedAtWindow1();
    const admin = await t.login('admin');
    const socket = await t.connect({ hallId: DEMO, token: admin });
    expect(await socket.send('ticket:rate', { level: 4, windowId: '1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const rated = await socket.send('ticket:rate', { level: 4, ticketId: ticket.id });
    expect(rated).toMatchObject({ ok: true, data: { id: ticket.id, rating: 4, ratedVia: 'desk' } });
    socket.close();
  });
});
