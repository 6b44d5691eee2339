/**
 * Issue 13 item 1: a client cannot choose its own address, and password
 * guessing is stopped per account whatever the address. (The same attack
 * through the shipped nginx file: deploy-example.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_FAILURES } from '../../server/app/rateLimits.js';
import { clientAddress, compileTrust } from '../../server/http/clientAddress.js';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

const GENERAL = 'zonghe-zixun';

describe('which X-Forwarded-For entries are believed', () => {
  const request = (peer: string, header?: string) => ({ socket: { remoteAddress: peer }, headers: header === undefined ? {} : { 'x-forwarded-for': header } }) as never;

  it('a hop count believes only that many proxies, counted from the socket', () => {
    expect(clientAddress(request('127.0.0.1', 'forged, 198.51.100.7'), compileTrust(1))).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1', 'forged, 198.51.100.7'), compileTrust(0))).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', 'forged, 10.0.0.2, 198.51.100.7'), compileTrust(2))).toBe('10.0.0.2');
    expect(clientAddress(request('::ffff:127.0.0.1'), compileTrust(1))).toBe('127.0.0.1');
  });

  it("an address list believes only those proxies: the client's own entries stop at the first untrusted hop", () => {
    const trust = compileTrust(['loopback', '10.0.0.0/8']);
    expect(clientAddress(request('127.0.0.1', '1.2.3.4, 198.51.100.7, 10.1.2.3'), trust)).toBe('198.51.100.7');
    // Not from a trusted proxy: the header is ignored.
    expect(clientAddress(request('192.0.2.9', '1.2.3.4'), trust)).toBe('192.0.2.9');
  });
});

describe('logins and phone tickets with forged addresses', () => {
  let t: TestServer;
  let direct: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    // No proxy configured: X-Forwarded-For means nothing.
    direct = await startTestServer({ trustProxy: 0 });
  });
  afterAll(async () => {
    await t.close();
    await direct.close();
  });

  const login = (server: TestServer, username: string, password: string, ip: string) =>
    server.api('POST', '/api/auth/login', { body: { username, password }, ip });

  it(`40 wrong passwords from 40 addresses: ${LOCKOUT_FAILURES} × 401, then 429 with Retry-After, also for the right password`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await login(t, 'zhuren', `guess-${i}`, freshIp())).status);
    expect(statuses.slice(0, LOCKOUT_FAILURES)).toEqual(Array(LOCKOUT_FAILURES).fill(401));
    expect(statuses.slice(LOCKOUT_FAILURES)).toEqual(Array(40 - LOCKOUT_FAILURES).fill(429));
    const right = await login(t, 'zhuren', DEMO_PASSWORD, freshIp());
    expect(right.status).toBe(429);
    expect(errorCodeOf(right)).toBe('RATE_LIMITED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account is not locked by it.
    expect((await login(t, 'clerk3', DEMO_PASSWORD, freshIp())).status).toBe(200);
  });

  it('unknown account names are locked alike (the answer does not tell which names exist)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOCKOUT_FAILURES + 2; i++) statuses.push((await login(t, 'nobody-here', 'x', freshIp())).status);
    expect(statuses).toEqual([...Array(LOCKOUT_FAILURES).fill(401), 429, 429]);
  });

  it('a correct password clears the failures before the lock', async () => {
    for (let i = 0; i < LOCKOUT_FAILURES - 1; i++) expect((await login(t, 'clerk4', 'wrong', freshIp())).status).toBe(401);
    expect((await login(t, 'clerk4', DEMO_PASSWORD, freshIp())).status).toBe(200);
    for (let i = 0; i < LOCKOUT_FAILURES - 1; i++) expect((await login(t, 'clerk4', 'wrong', freshIp())).status).toBe(401);
  });

  it('without a configured proxy, forged X-Forwarded-For does not escape the per-address login limit', async () => {
    const statuses: number[] = [];
    // A different name each time, so only the per-address limit (10 a minute) can stop it.
    for (let i = 0; i < 15; i++) statuses.push((await login(direct, `name-${i}`, 'x', freshIp())).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(5).fill(429));
  });

  it('without a configured proxy, 12 cookie-less phone tickets from forged addresses: 5 × 201, then 429', async () => {
    const before = (await direct.hallState()).counters[GENERAL] ?? 0;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await direct.api('POST', `/api/halls/${DEMO}/tickets`, { body: { serviceId: GENERAL, channel: 'phone' }, ip: freshIp() })).status);
    }
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(7).fill(429)]);
    expect((await direct.hallState()).counters[GENERAL]).toBe(before + 5);
  });
});
