/**
 * Issue 13 item 5: a change to what an account may do takes effect at once.
 * Tokens carry the account's version; a demoted supervisor's old token, a
 * changed password or a disabled account stop working on the next request,
 * and the account's open sockets are cut at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.login('admin');
});
afterAll(async () => t.close());

/** A fresh login (not the helper's cached one), so each test starts from a valid token. */
async function freshToken(username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await t.api('POST', '/api/auth/login', { body: { username, password }, ip: freshIp() });
  expect(res.status).toBe(200);
  return res.body.token;
}

async function userId(username: string): Promise<string> {
  return (await t.server.store.accounts.findUserByUsername(username))!.id;
}

const patch = (username: string, body: unknown) => userId(username).then((id) => t.api('PATCH', `/api/users/${id}`, { token: admin, body }));

describe('old logins lose their powers at once', () => {
  it("a demoted supervisor's old token can no longer create a kiosk token or post an announcement", async () => {
    const old = await freshToken('zhuren');
    expect((await t.api('POST', `${hall}/announcements`, { token: old, body: { text: '降职前的公告' } })).status).toBe(201);
    const socket = await t.connect({ hallId: DEMO, token: old });
    expect((await patch('zhuren', { role: 'clerk' })).status).toBe(200);
    await socket.waitForDisconnect();

    const kiosk = await t.api('POST', `${hall}/devices`, { token: old, body: { kind: 'kiosk', name: '偷偷配的取号机' } });
    expect(kiosk.status).toBe(401);
    expect(errorCodeOf(kiosk)).toBe('UNAUTHENTICATED');
    const announcement = await t.api('POST', `${hall}/announcements`, { token: old, body: { text: '降职后的公告' } });
    expect(announcement.status).toBe(401);
    expect((await t.hallState()).announcements.map((a) => a.text)).not.toContain('降职后的公告');
    expect(await t.connectError({ hallId: DEMO, token: old })).toMatchObject({ code: 'UNAUTHENTICATED' });

    // A new login gets the new role: a clerk may not pair devices.
    const now = await freshToken('zhuren');
    expect((await t.api('POST', `${hall}/devices`, { token: now, body: { kind: 'kiosk', name: 'x' } })).status).toBe(403);
    expect((await patch('zhuren', { role: 'supervisor' })).status).toBe(200);
  });

  it("a disabled account's open socket is disconnected at once and gets no more staff events", async () => {
    const token = await freshToken('clerk5');
    const socket = await t.connect({ hallId: DEMO, token });
    expect(socket.snapshot.audience).toBe('staff');
    expect((await patch('clerk5', { disabled: true })).status).toBe(200);
    await socket.waitForDisconnect();
    const after = socket.mark();
    const issued = await t.api('POST', `${hall}/tickets`, { token: admin, body: { serviceId: 'zonghe-zixun' } });
    expect(issued.status).toBe(201);
    // A board sees the event: the disabled clerk's socket does not.
    const board = await t.connect({ hallId: DEMO });
    await t.api('POST', `${hall}/tickets`, { token: admin, body: { serviceId: 'zonghe-zixun' } });
    await board.waitForEvent('ticket:issued');
    expect(socket.events.slice(after).filter((e) => e.event !== 'disconnect')).toEqual([]);
    expect(socket.connected).toBe(false);
    expect((await t.api('GET', `${hall}/staff-view`, { token })).status).toBe(401);
    board.close();
    expect((await patch('clerk5', { disabled: false })).status).toBe(200);
    // Enabling again does not bring the old token back.
    expect((await t.api('GET', `${hall}/staff-view`, { token })).status).toBe(401);
  });

  it('a password reset and a change of halls end the old sessions; a new name or photo does not', async () => {
    const token = await freshToken('clerk6');
    expect((await patch('clerk6', { displayName: '新名字' })).status).toBe(200);
    expect((await t.api('GET', `${hall}/staff-view`, { token })).status).toBe(200);
    expect((await patch('clerk6', { password: 'a-new-password-1' })).status).toBe(200);
    expect((await t.api('GET', `${hall}/staff-view`, { token })).status).toBe(401);

    const second = await freshToken('clerk6', 'a-new-password-1');
    const other = await t.createSecondHall();
    expect((await patch('clerk6', { hallIds: [DEMO, other.hallId] })).status).toBe(200);
    expect((await t.api('GET', `${hall}/staff-view`, { token: second })).status).toBe(401);
  });

  it('a socket command after the change is refused even before the disconnect lands', async () => {
    const token = await freshToken('clerk7');
    const socket = await t.connect({ hallId: DEMO, token });
    // Bump the version behind the API's back (as another process would): the next command re-checks it.
    const user = (await t.server.store.accounts.findUserByUsername('clerk7'))!;
    await t.server.store.accounts.updateUser({ ...user, tokenVersion: (user.tokenVersion ?? 0) + 1 });
    expect(await socket.send('window:open', { windowId: '7' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await socket.waitForDisconnect();
  });
});
