/**
 * 绿色通道 at the kiosk with a guide-desk clerk's PIN instead of a password
 * on the public screen, over real HTTP: set by an admin or by the clerk,
 * stored hashed, tried only by a paired kiosk of the hall, limited per kiosk
 * and locked per account after 5 wrong tries; a right PIN's desk token is
 * good for a priority ticket and nothing else.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pairKiosk } from '../helpers/printing.js';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const BIRTH = 'jisheng-shengyu-dengji';

let t: TestServer;
let kiosk: string;
let n = 0;
const requestId = () => `kiosk-pin-${++n}-${Date.now()}`;
const issue = (body: Record<string, unknown>) => t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kiosk, body });

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  kiosk = (await pairKiosk(t, DEMO, 'preview')).token;
});

describe('the green channel with a guide-desk clerk\'s PIN', () => {
  const pinLogin = (body: unknown, token: string | null = kiosk) =>
    t.api('POST', `/api/halls/${DEMO}/kiosk/desk-pin`, { ...(token ? { token } : {}), body });
  const userId = async (username: string) => {
    const users = (await t.api('GET', '/api/users', { token: await t.login('admin') })).body as Array<{ id: string; username: string }>;
    return users.find((user) => user.username === username)!.id;
  };
  const setPin = async (username: string, pin: string) =>
    t.api('PATCH', `/api/users/${await userId(username)}`, { token: await t.login('admin'), body: { pin } });

  it('an admin sets a PIN (stored hashed, never answered); the kiosk lists the clerk; the right PIN gives a priority ticket', async () => {
    const set = await setPin('clerk1', '4826');
    expect(set.status).toBe(200);
    expect(set.body.hasPin).toBe(true);
    expect(JSON.stringify(set.body)).not.toContain('4826');
    expect(JSON.stringify(set.body)).not.toContain('scrypt');
    const clerk1 = await userId('clerk1');

    const staff = await t.api('GET', `/api/halls/${DEMO}/kiosk/desk-staff`, { token: kiosk });
    expect(staff.status).toBe(200);
    expect(staff.body).toContainEqual({ id: clerk1, displayName: expect.any(String) });
    expect(Object.keys(staff.body[0]).sort()).toEqual(['displayName', 'id']);
    // Only a kiosk of the hall may list them.
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/kiosk/desk-staff`))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/kiosk/desk-staff`, { token: await t.login('clerk1') }))).toBe('FORBIDDEN');

    const ok = await pinLogin({ userId: clerk1, pin: '4826' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token: expect.any(String), expiresAt: expect.any(Number), displayName: expect.any(String) });
    const before = (await t.hallState()).counters[BIRTH] ?? 0;
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', priority: true, staffToken: ok.body.token, requestId: requestId() });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ priority: true, channel: 'desk' });
    expect((await t.hallState()).counters[BIRTH]).toBe(before + 1);
    // The PIN's token is good for that and nothing else: not the REST API, not a socket.
    expect(errorCodeOf(await t.api('GET', '/api/auth/me', { token: ok.body.token }))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/windows/1/open`, { token: ok.body.token, body: {} }))).toBe('UNAUTHENTICATED');
    const socket = await t.connect({ token: ok.body.token }).then(
      () => 'connected',
      (error: Error) => error.message,
    );
    expect(socket).not.toBe('connected');
  });

  it('a wrong PIN is refused with PIN_INVALID and issues nothing; the 6th try is locked even with the right PIN', async () => {
    await setPin('clerk2', '1357');
    const clerk2 = await userId('clerk2');
    const before = await t.stateJson();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await pinLogin({ userId: clerk2, pin: '0000' });
      expect(wrong.status, `try ${attempt}`).toBe(401);
      expect(errorCodeOf(wrong)).toBe('PIN_INVALID');
      expect(wrong.body.error.message).toMatch(/PIN 不正确/);
    }
    const locked = await pinLogin({ userId: clerk2, pin: '1357' });
    expect(locked.status).toBe(429);
    expect(errorCodeOf(locked)).toBe('PIN_LOCKED');
    expect(locked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Another kiosk does not get round the lock: it is the account's.
    const otherKiosk = (await pairKiosk(t, DEMO, 'preview', '西门取号机')).token;
    expect(errorCodeOf(await pinLogin({ userId: clerk2, pin: '1357' }, otherKiosk))).toBe('PIN_LOCKED');
    expect(await t.stateJson()).toBe(before);
    // An administrator setting a new PIN lifts the lock.
    await setPin('clerk2', '2468');
    expect((await pinLogin({ userId: clerk2, pin: '2468' }, otherKiosk)).status).toBe(200);
  });

  it('a kiosk may try only a few PINs a minute, whoever\'s; bad input, wrong callers and accounts without a PIN are refused', async () => {
    const clerk3 = await userId('clerk3'); // no PIN
    expect(errorCodeOf(await pinLogin({ userId: clerk3, pin: '1234' }))).toBe('PIN_INVALID');
    expect(errorCodeOf(await pinLogin({ userId: 'nobody', pin: '1234' }))).toBe('PIN_INVALID');
    for (const body of [{ userId: clerk3 }, { userId: clerk3, pin: '123' }, { userId: clerk3, pin: '1234567' }, { userId: clerk3, pin: '12a4' }, { userId: clerk3, pin: 1234 }, { userId: clerk3, pin: '1234', extra: 1 }]) {
      expect(errorCodeOf(await pinLogin(body)), JSON.stringify(body)).toBe('VALIDATION_FAILED');
    }
    expect(errorCodeOf(await pinLogin({ userId: clerk3, pin: '1234' }, null))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await pinLogin({ userId: clerk3, pin: '1234' }, await t.login('clerk1')))).toBe('FORBIDDEN');
    expect(errorCodeOf(await setPin('clerk3', '12'))).toBe('VALIDATION_FAILED');

    // A fresh kiosk guessing across accounts runs into its own limit (10 tries a minute, tries above included).
    const guesser = (await pairKiosk(t, DEMO, 'preview', '猜测取号机')).token;
    const codes: string[] = [];
    for (let attempt = 0; attempt < 11; attempt++) codes.push(errorCodeOf(await pinLogin({ userId: `guess-${attempt}`, pin: '1111' }, guesser))!);
    expect(codes.slice(0, 10).every((code) => code === 'PIN_INVALID')).toBe(true);
    expect(codes[10]).toBe('RATE_LIMITED');
  });

  it('a clerk sets their own PIN with their password, and removes it', async () => {
    const token = await t.login('clerk4');
    expect(errorCodeOf(await t.api('PUT', '/api/auth/pin', { token, body: { currentPassword: 'wrong-password', pin: '9753' } }))).toBe('INVALID_CREDENTIALS');
    expect(errorCodeOf(await t.api('PUT', '/api/auth/pin', { token, body: { currentPassword: DEMO_PASSWORD, pin: '97' } }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('PUT', '/api/auth/pin', { body: { currentPassword: DEMO_PASSWORD, pin: '9753' } }))).toBe('UNAUTHENTICATED');
    const set = await t.api('PUT', '/api/auth/pin', { token, body: { currentPassword: DEMO_PASSWORD, pin: '9753' } });
    expect(set.body).toEqual({ hasPin: true });
    const clerk4 = await userId('clerk4');
    expect((await pinLogin({ userId: clerk4, pin: '9753' })).status).toBe(200);
    await t.api('PUT', '/api/auth/pin', { token, body: { currentPassword: DEMO_PASSWORD, pin: '' } });
    expect(errorCodeOf(await pinLogin({ userId: clerk4, pin: '9753' }))).toBe('PIN_INVALID');
    const listed = (await t.api('GET', `/api/halls/${DEMO}/kiosk/desk-staff`, { token: kiosk })).body as Array<{ id: string }>;
    expect(listed.map((entry) => entry.id)).not.toContain(clerk4);
  });

  it('a clerk scoped to a hall group (group:<name>) vouches in that group\'s halls, and not once the hall leaves the group', async () => {
    const admin = await t.login('admin');
    const created = await t.api('POST', '/api/users', {
      token: admin,
      body: { username: 'desk-group', password: DEMO_PASSWORD, displayName: '分组导办', role: 'clerk', hallIds: ['group:城关镇'] },
    });
    expect(created.status, created.text).toBe(201);
    await setPin('desk-group', '8642');
    const id = created.body.id as string;
    const listed = async () => ((await t.api('GET', `/api/halls/${DEMO}/kiosk/desk-staff`, { token: kiosk })).body as Array<{ id: string }>).some((user) => user.id === id);
    // The demo hall is in no group yet: the clerk is not of it.
    expect(await listed()).toBe(false);
    expect(errorCodeOf(await pinLogin({ userId: id, pin: '8642' }))).toBe('PIN_INVALID');
    const config = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config;
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, group: ['城关县', '城关镇'] } } })).status).toBe(200);
    expect(await listed()).toBe(true);
    expect((await pinLogin({ userId: id, pin: '8642' })).status).toBe(200);
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, group: [] } } })).status).toBe(200);
    expect(await listed()).toBe(false);
  });
});
