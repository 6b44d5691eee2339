/** Staff accounts managed by administrators over REST (issue 7): who may, what is checked, what takes effect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.login('admin');
});
afterAll(async () => {
  await t.close();
});

const login = (username: string, password: string) => t.api('POST', '/api/auth/login', { body: { username, password }, ip: freshIp() });

describe('staff accounts', () => {
  it('an administrator creates a clerk who can log in, then disables them and resets the password', async () => {
    const created = await t.api('POST', '/api/users', {
      token: admin,
      body: { username: 'clerk9', password: 'long-enough-1', displayName: '孙悦', role: 'clerk', hallIds: [DEMO], staffNo: 'QS009', post: '综合受理员' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), username: 'clerk9', displayName: '孙悦', role: 'clerk', hallIds: [DEMO], staffNo: 'QS009', post: '综合受理员', disabled: false, windowIds: [], partnerId: null, hasPhoto: false, mustChangePassword: false, hasPin: false });
    expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|scrypt/);
    const session = await login('clerk9', 'long-enough-1');
    expect(session.status).toBe(200);

    expect(errorCodeOf(await t.api('POST', '/api/users', { token: admin, body: { username: 'clerk9', password: 'another-one-1', displayName: 'x', role: 'clerk', hallIds: [DEMO] } }))).toBe('DUPLICATE');
    const listed = await t.api('GET', '/api/users', { token: admin });
    expect(listed.body.map((user: { username: string }) => user.username)).toContain('clerk9');

    const disabled = await t.api('PATCH', `/api/users/${created.body.id}`, { token: admin, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect(errorCodeOf(await login('clerk9', 'long-enough-1'))).toBe('INVALID_CREDENTIALS');
    // The login already handed out stops working at once.
    expect(errorCodeOf(await t.api('GET', '/api/auth/me', { token: session.body.token }))).toBe('UNAUTHENTICATED');

    await t.api('PATCH', `/api/users/${created.body.id}`, { token: admin, body: { disabled: false, password: 'brand-new-pass', staffNo: '', post: '导办员' } });
    expect(errorCodeOf(await login('clerk9', 'long-enough-1'))).toBe('INVALID_CREDENTIALS');
    const again = await login('clerk9', 'brand-new-pass');
    expect(again.status).toBe(200);
    expect(again.body.user).toMatchObject({ staffNo: null, post: '导办员' });
  });

  it('only administrators manage accounts, within their halls, and never lock themselves out', async () => {
    for (const username of ['zhuren', 'clerk1']) {
      const token = await t.login(username, DEMO_PASSWORD);
      expect(errorCodeOf(await t.api('GET', '/api/users', { token }))).toBe('FORBIDDEN');
      expect(errorCodeOf(await t.api('POST', '/api/users', { token, body: { username: 'x1', password: 'long-enough-1', displayName: 'x', role: 'admin', hallIds: ['*'] } }))).toBe('FORBIDDEN');
    }
    expect(errorCodeOf(await t.api('GET', '/api/users'))).toBe('UNAUTHENTICATED');
    const me = (await t.api('GET', '/api/auth/me', { token: admin })).body.user.id;
    expect(errorCodeOf(await t.api('PATCH', `/api/users/${me}`, { token: admin, body: { disabled: true } }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('PATCH', `/api/users/${me}`, { token: admin, body: { role: 'clerk' } }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('PATCH', '/api/users/no-such-user', { token: admin, body: { post: 'x' } }))).toBe('NOT_FOUND');

    // A hall's own administrator manages that hall's staff only.
    const other = await t.createSecondHall();
    await t.api('POST', '/api/users', { token: admin, body: { username: 'hall-admin', password: 'long-enough-1', displayName: '分厅管理员', role: 'admin', hallIds: [other.hallId] } });
    const hallAdmin = (await login('hall-admin', 'long-enough-1')).body.token as string;
    expect(errorCodeOf(await t.api('POST', '/api/users', { token: hallAdmin, body: { username: 'demo-clerk', password: 'long-enough-1', displayName: 'x', role: 'clerk', hallIds: [DEMO] } }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', '/api/users', { token: hallAdmin, body: { username: 'root2', password: 'long-enough-1', displayName: 'x', role: 'admin', hallIds: ['*'] } }))).toBe('FORBIDDEN');
    const visible = (await t.api('GET', '/api/users', { token: hallAdmin })).body.map((user: { username: string }) => user.username);
    expect(visible).toContain('hall-admin');
    expect(visible).not.toContain('clerk1');
    const clerk1 = (await t.api('GET', '/api/users', { token: admin })).body.find((user: { username: string }) => user.username === 'clerk1');
    expect(errorCodeOf(await t.api('PATCH', `/api/users/${clerk1.id}`, { token: hallAdmin, body: { disabled: true } }))).toBe('FORBIDDEN');
  });

  it('refuses bad input without creating anything', async () => {
    const before = (await t.api('GET', '/api/users', { token: admin })).body.length;
    const bad = [
      { username: 'short-pass', password: '1234567', displayName: 'x', role: 'clerk', hallIds: [DEMO] },
      { username: 'bad role', password: 'long-enough-1', displayName: 'x', role: 'clerk', hallIds: [DEMO] },
      { username: 'no-halls', password: 'long-enough-1', displayName: 'x', role: 'clerk', hallIds: [] },
      { username: 'king', password: 'long-enough-1', displayName: 'x', role: 'king', hallIds: [DEMO] },
      { username: 'extra', password: 'long-enough-1', displayName: 'x', role: 'clerk', hallIds: [DEMO], passwordHash: 'scrypt$x' },
    ];
    for (const body of bad) expect(errorCodeOf(await t.api('POST', '/api/users', { token: admin, body })), JSON.stringify(body)).toBe('VALIDATION_FAILED');
    expect((await t.api('GET', '/api/users', { token: admin })).body.length).toBe(before);
  });
});

describe('windows, A/B partner and photo', () => {
  // A 1×1 JPEG is enough to show the path; the limit keeps real portraits small.
  const JPEG = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

  it('stores them, serves the photo of whoever holds a window on its screen, and checks the partner', async () => {
    const users = (await t.api('GET', '/api/users', { token: admin })).body as Array<{ id: string; username: string }>;
    const clerk2 = users.find((user) => user.username === 'clerk2')!;
    const clerk3 = users.find((user) => user.username === 'clerk3')!;
    const updated = await t.api('PATCH', `/api/users/${clerk2.id}`, { token: admin, body: { windowIds: ['2'], partnerId: clerk3.id, photo: JPEG } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ windowIds: ['2'], partnerId: clerk3.id, hasPhoto: true });
    expect(JSON.stringify(updated.body)).not.toContain('base64');

    // No photo while the window is closed; the clerk's photo once they hold it.
    expect((await t.api('GET', `/api/halls/${DEMO}/windows/2/photo`)).status).toBe(404);
    const clerkToken = await t.login('clerk2');
    await t.api('POST', `/api/halls/${DEMO}/windows/2/open`, { token: clerkToken, body: {} });
    const photo = await fetch(`${t.url}/api/halls/${DEMO}/windows/2/photo`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await photo.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    for (const body of [{ partnerId: clerk2.id }, { partnerId: 'nobody' }, { photo: 'data:image/gif;base64,R0lGOD' }, { photo: 'http://example.com/me.jpg' }, { windowIds: ['bad id'] }]) {
      expect(errorCodeOf(await t.api('PATCH', `/api/users/${clerk2.id}`, { token: admin, body })), JSON.stringify(body)).toBe('VALIDATION_FAILED');
    }
    const removed = await t.api('PATCH', `/api/users/${clerk2.id}`, { token: admin, body: { photo: '', partnerId: '' } });
    expect(removed.body).toMatchObject({ hasPhoto: false, partnerId: null });
    expect((await t.api('GET', `/api/halls/${DEMO}/windows/2/photo`)).status).toBe(404);
  });
});
