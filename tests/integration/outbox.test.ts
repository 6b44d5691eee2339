/**
 * Issue 14, upload to the provincial 好差评 platform: a configured endpoint receives every rating and
 * case step, signed, in order, retried with back-off while it fails, never twice per key on the
 * receiver's side; admins see its state; bad settings are refused with clear codes; the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';
import { localTime } from '../../server/domain/time.js';
import { type Receiver, startReceiver } from './outboxReceiver.js';

const hall = `/api/halls/${DEMO}`;
const SECRET = 'province-shared-secret-0123456789';
const SERVICE = 'zonghe-zixun';

let t: TestServer;
let receiver: Receiver;
let admin: string;
beforeAll(async () => {
  t = await startTestServer({}, { outboxTiming: { retryBaseMs: 40, retryMaxMs: 320, pollMs: 100, timeoutMs: 1500 } });
  receiver = await startReceiver(SECRET);
  admin = await t.login('admin');
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

/** clerk1 serves one ticket at window 1 (with a 办件编号) and resolves with it. */
async function served(caseNumber?: string): Promise<{ id: string; number: string }> {
  const clerk = await t.login('clerk1');
  await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
  const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: SERVICE } });
  expect(issued.status).toBe(201);
  for (;;) {
    const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    expect(called.status).toBe(200);
    const finished = await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed', ...(caseNumber && called.body.id === issued.body.id ? { caseNumber } : {}) } });
    expect(finished.status).toBe(200);
    if (called.body.id === issued.body.id) return issued.body;
  }
}

/** The citizen rates from their e-ticket (QR channel). */
async function rate(ticketId: string, level: number, extra: Record<string, unknown> = {}): Promise<void> {
  const answer = await t.api('POST', `${hall}/ratings`, { ip: freshIp(), body: { ticketId, level, ...extra } });
  expect(answer.status, answer.text).toBe(201);
}

const configure = (body: unknown, token = admin) => t.api('PUT', `${hall}/rating-upload`, { token, body });

describe('the rating upload settings', () => {
  it('refuse bad input with clear codes and change nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ url: 'ftp://example.org/x', secret: SECRET, enabled: true }, 'url'],
      [{ url: 'javascript:alert(1)', secret: SECRET, enabled: true }, 'url'],
      [{ url: 'not a url', secret: SECRET, enabled: true }, 'url'],
      [{ url: 'https://user:pw@example.org/x', secret: SECRET, enabled: true }, 'url'],
      [{ url: `https://example.org/${'x'.repeat(2100)}`, secret: SECRET, enabled: true }, 'url'],
      [{ url: 'https://example.org/x', secret: 'x'.repeat(300), enabled: true }, 'secret'],
      [{ url: 'https://example.org/x', secret: 'short', enabled: true }, 'secret'],
      [{ url: 'https://example.org/x', secret: 'has spaces in it, sixteen+', enabled: true }, 'secret'],
      [{ url: 'https://example.org/x', enabled: true }, 'secret'], // none stored yet
      [{ url: 'https://example.org/x', secret: SECRET, enabled: 'yes' }, 'enabled'],
      [{ url: 'https://example.org/x', secret: SECRET, enabled: true, extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const answer = await configure(body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(errorCodeOf(answer)).toBe('VALIDATION_FAILED');
      if (path) expect(JSON.stringify(answer.body.error.details)).toContain(path);
    }
    const view = await t.api('GET', `${hall}/rating-upload`, { token: admin });
    expect(view.body).toMatchObject({ url: null, enabled: false, secretSet: false });
  });

  it('are an administrator’s: a clerk, a supervisor, a device and the public are refused; an unknown hall is HALL_NOT_FOUND', async () => {
    const body = { url: receiver.url, secret: SECRET, enabled: true };
    const clerk = await t.login('clerk1');
    const supervisor = await t.login('zhuren');
    expect(errorCodeOf(await configure(body, clerk))).toBe('FORBIDDEN');
    expect(errorCodeOf(await configure(body, supervisor))).toBe('FORBIDDEN');
    expect(errorCodeOf(await configure(body, await t.windowScreenToken('1')))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('PUT', `${hall}/rating-upload`, { body }))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('GET', `${hall}/rating-upload`, { token: clerk }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', `${hall}/rating-upload/test`, { token: supervisor, body: {} }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('GET', `${hall}/ratings/export?from=2026-01-01&to=2026-01-01`, { token: clerk }))).toBe('FORBIDDEN');
    const unknown = await t.api('PUT', '/api/halls/no-such-hall/rating-upload', { token: admin, body });
    expect(unknown.status).toBe(404);
    expect(errorCodeOf(unknown)).toBe('HALL_NOT_FOUND');
    expect(errorCodeOf(await t.api('GET', '/api/halls/no-such-hall/rating-upload', { token: admin }))).toBe('HALL_NOT_FOUND');
    // A test before anything is configured says what to do.
    const test = await t.api('POST', `${hall}/rating-upload/test`, { token: admin, body: {} });
    expect(test.status).toBe(409);
    expect(errorCodeOf(test)).toBe('UPLOAD_NOT_CONFIGURED');
    // The supervisor may read the state (never the secret).
    expect((await t.api('GET', `${hall}/rating-upload`, { token: supervisor })).status).toBe(200);
  });
});

describe('the upload', () => {
  it('delivers every rating and case opening signed and in order, through a failing spell, once per key; the phone number never leaves', async () => {
    // The receiver is down (503) until told otherwise.
    let down = true;
    receiver.answer = () => (down ? 503 : 200);
    const saved = await configure({ url: receiver.url, secret: SECRET, enabled: true });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ url: receiver.url, enabled: true, secretSet: true, secretHint: `…${SECRET.slice(-4)}` });
    expect(saved.text).not.toContain(SECRET);

    const first = await served('BJ-2026-0001');
    await rate(first.id, 5);
    const second = await served();
    await rate(second.id, 1, { reasons: ['服务态度差'], note: '等了很久', followUpPhone: '13800138000' });
    const third = await served();
    await rate(third.id, 3);

    await receiver.waitFor(() => receiver.requests.length >= 4);
    const failing = await t.api('GET', `${hall}/rating-upload`, { token: admin });
    expect(failing.body.lastError).toBe('HTTP 503');
    expect(failing.body.failures).toBeGreaterThan(0);
    expect(failing.body.pending).toBe(4); // three ratings and one case opening
    expect(receiver.accepted).toHaveLength(0);
    // Every attempt while down was the first record, again and again: nothing overtakes it.
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(1);

    down = false;
    await receiver.waitFor(() => receiver.accepted.length >= 4);
    const records = receiver.accepted.map((delivery) => delivery.body.data);
    expect(records.map((r) => [r.kind, r.ticketNumber, r.level])).toEqual([
      ['rating', first.number, 5],
      ['rating', second.number, 1],
      ['case', second.number, 1],
      ['rating', third.number, 3],
    ]);
    const seqs = receiver.accepted.map((delivery) => delivery.body.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    for (const delivery of receiver.requests) {
      expect(delivery.signed).toBe(true);
      expect(delivery.headerKey).toBe(delivery.key);
      expect(delivery.key).toBe(`${DEMO}:${delivery.body.seq}`);
      expect(delivery.body.data.recordId).toBe(delivery.key);
      // Neither the 回访 phone nor the ticket id (the citizen's e-ticket link) goes to the platform.
      expect(delivery.raw).not.toContain('13800138000');
      for (const ticket of [first, second, third]) expect(delivery.raw).not.toContain(ticket.id);
    }
    expect(records[0]).toMatchObject({
      schema: 'hallq.rating-record/1',
      hallId: DEMO,
      windowId: '1',
      windowNumber: 1,
      serviceId: SERVICE,
      caseNumber: 'BJ-2026-0001',
      levelName: '非常满意',
      bad: false,
      channel: 'qr',
      staffNo: expect.any(String),
      clerkName: expect.any(String),
    });
    expect(records[0].ratedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(records[0].servedAt).toMatch(/\+08:00$/);
    expect(records[1]).toMatchObject({ bad: true, reasons: ['服务态度差'], note: '等了很久', caseStep: null });
    expect(records[2]).toMatchObject({ caseStep: 'opened', caseStatus: 'open', caseDueDay: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), ratingId: records[1].ratingId });

    await receiver.waitFor(() => true);
    const recovered = await t.api('GET', `${hall}/rating-upload`, { token: admin });
    expect(recovered.body).toMatchObject({ lastError: null, failures: 0, pending: 0, nextAttemptAt: null });
    expect(recovered.body.deliveredSeq).toBeGreaterThanOrEqual(seqs.at(-1)!);
    expect(recovered.body.lastDeliveredAt).toEqual(expect.any(Number));
  });

  it('a hanging endpoint blocks no command; it times out and the rating arrives once it answers again', async () => {
    let hang = true;
    receiver.answer = () => (hang ? 'hang' : 200);
    const before = receiver.accepted.length;
    const ticket = await served();
    await rate(ticket.id, 4);
    await receiver.waitFor(() => receiver.requests.some((r) => r.body?.data?.ticketNumber === ticket.number));
    // While the endpoint holds the delivery, the hall goes on serving and rating.
    const next = await served();
    await rate(next.id, 5);
    hang = false;
    await receiver.waitFor(() => receiver.accepted.length >= before + 2);
    expect(receiver.accepted.slice(before).map((d) => d.body.data.ticketNumber)).toEqual([ticket.number, next.number]);
    const state = await t.api('GET', `${hall}/rating-upload`, { token: admin });
    expect(state.body.pending).toBe(0);
  });

  it('keeps the secret when saved without one, switches off and on, and sends a signed test record', async () => {
    receiver.answer = () => 200;
    const off = await configure({ url: receiver.url, enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, secretSet: true });
    const ticket = await served();
    await rate(ticket.id, 2, { reasons: ['办事效率低'] });
    const test = await t.api('POST', `${hall}/rating-upload/test`, { token: admin, body: {} });
    expect(test.body).toEqual({ delivered: true, status: 200, error: null });
    const testDelivery = receiver.requests.at(-1)!;
    expect(testDelivery).toMatchObject({ signed: true, body: { test: true, seq: null, data: { kind: 'test' } } });
    expect(receiver.accepted.some((d) => d.body.data.ticketNumber === ticket.number)).toBe(false);
    expect((await t.api('GET', `${hall}/rating-upload`, { token: admin })).body.pending).toBe(2);
    await configure({ url: receiver.url, enabled: true });
    await receiver.waitFor(() => receiver.accepted.filter((d) => d.body.data.ticketNumber === ticket.number).length === 2);
  });
});

describe('the export', () => {
  it('lists the day’s ratings and case openings as JSON and CSV, in the upload’s shape', async () => {
    const today = localTime(Date.now(), 'Asia/Shanghai').day;
    const json = await t.api('GET', `${hall}/ratings/export?from=${today}&to=${today}&format=json`, { token: await t.login('zhuren') });
    expect(json.status, json.text).toBe(200);
    expect(json.body).toMatchObject({ schema: 'hallq.rating-record/1', hallId: DEMO, from: today, to: today });
    // The same records the receiver was sent, in the same order.
    const delivered = receiver.accepted.filter((d) => !d.body.test).map((d) => d.body.data.recordId);
    expect(json.body.records.map((r: { recordId: string }) => r.recordId)).toEqual(delivered);
    expect(json.text).not.toContain('13800138000');

    const csv = await t.api('GET', `${hall}/ratings/export?from=${today}&to=${today}&format=csv`, { token: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('评价等级(level)');
    expect(lines[0]).toContain('办件编号(caseNumber)');
    expect(lines).toHaveLength(1 + json.body.records.length);
    expect(lines.find((line) => line.includes('BJ-2026-0001'))).toContain('非常满意');
    expect(lines.some((line) => line.includes('服务态度差') && line.includes(',是,'))).toBe(true);

    const yesterday = await t.api('GET', `${hall}/ratings/export?from=2020-01-01&to=2020-01-02`, { token: admin });
    expect(yesterday.body.records).toEqual([]);
    for (const query of ['from=2026-13-01&to=2026-13-02', 'from=2026-01-02&to=2026-01-01', 'from=2020-01-01&to=2022-01-01', `from=${today}&to=${today}&format=xml`, `from=${today}`]) {
      const refused = await t.api('GET', `${hall}/ratings/export?${query}`, { token: admin });
      expect(refused.status, query).toBe(400);
      expect(errorCodeOf(refused)).toBe('VALIDATION_FAILED');
    }
    expect(errorCodeOf(await t.api('GET', `/api/halls/nowhere/ratings/export?from=${today}&to=${today}`, { token: admin }))).toBe('HALL_NOT_FOUND');
  });
});
