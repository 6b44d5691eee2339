/**
 * How a command's REST answer is written (server/http/support.ts sendAck): JSON with its length
 * and the security headers, without an ETag (a POST answer is never revalidated); GET answers keep theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, DEMO, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let clerk: string;

beforeAll(async () => {
  t = await startTestServer();
  clerk = await t.login('clerk1');
});
afterAll(() => t?.close());

describe('REST answers', () => {
  it('a command is answered as JSON with its status, length and security headers, and no ETag', async () => {
    const res = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk, body: { serviceId: 'zonghe-zixun' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.body).toMatchObject({ serviceId: 'zonghe-zixun', channel: 'desk', priority: false });
    expect(JSON.parse(res.text)).toEqual(res.body);
  });

  it('a refused command is still answered through the error path, localized', async () => {
    const res = await t.api('POST', `/api/halls/${DEMO}/tickets?lang=en`, { token: clerk, body: { serviceId: 'no-such-service' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof res.body.error.code).toBe('string');
    expect(res.body.error.message).toMatch(/[A-Za-z]/);
  });

  it('GET answers keep their ETag (the board is revalidated)', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/board`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});
