/**
 * Issue 19, 无声叫号: a citizen who left a mobile number gets "N ahead" once and "called" once, from
 * a real local fake SMS gateway; never after the call, never for a cancelled ticket, not beyond the
 * daily limit per number, not again after a restart; staff see the number masked, public clients
 * and APIs never see it; a bad number is refused and no ticket issued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';
import type { HallConfig } from '../../server/protocol/model.js';
import type { StartOptions } from '../../server/server.js';
import { DEFAULT_BODY } from '../../server/notify/httpGateway.js';
import { type FakeGateway, startFakeGateway } from './notifyGateway.js';

const hall = `/api/halls/${DEMO}`;
let gateway: FakeGateway;
let dataDir: string;
let t: TestServer;
let admin: string;
let clerk: string;
let serviceId: string;

function options(): StartOptions {
  return {
    notify: {
      gateway: { kind: 'http', url: `${gateway.url}/sms/{kind}`, method: 'POST', authHeader: 'Authorization: Bearer gateway-key', contentType: 'application/json', body: DEFAULT_BODY, timeoutMs: 2000 },
      timing: { pollMs: 60_000, retryBaseMs: 20, retryMaxMs: 100 },
    },
  };
}

async function start(): Promise<void> {
  t = await startTestServer({ dataDir }, options());
  admin = await t.login('admin');
  clerk = await t.login('clerk1');
}

async function configure(notify: HallConfig['notify']): Promise<void> {
  const config = (await t.api('GET', `${hall}/config`, { token: admin })).body.config as HallConfig;
  const { notify: _old, ...rest } = config;
  const answer = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...rest, ...(notify ? { notify } : {}) } } });
  expect(answer.status, answer.text).toBe(200);
}

const flush = () => t.server.notifier!.flush(DEMO);
const issue = async (notifyPhone?: string) => {
  const answer = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId, ...(notifyPhone ? { notifyPhone } : {}) } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { id: string; number: string; ahead: number };
};
const callNext = async () => {
  const answer = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { id: string; number: string };
};
const finish = () => t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });

/** Serves everyone waiting for the service at window 1, so each test starts with an empty queue. */
async function emptyQueue(): Promise<void> {
  for (;;) {
    const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    if (called.status !== 200) {
      expect(errorCodeOf(called)).toBe('QUEUE_EMPTY');
      await finish();
      return;
    }
    await finish();
  }
}

beforeAll(async () => {
  gateway = await startFakeGateway();
  dataDir = mkdtempSync(join(tmpdir(), 'hallq-notify-'));
  await start();
  await configure({ enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 });
  const state = await t.hallState();
  serviceId = state.config.windows.find((window) => window.id === '1')!.services[0]!.serviceId;
  expect((await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} })).status).toBe(200);
  await emptyQueue();
});
afterAll(async () => {
  await t.close();
  await gateway.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('无声叫号 messages', () => {
  it('sends "2 ahead" once, with the auth header, and one on the call; none "ahead" after the call', async () => {
    const phone = '13800000001';
    for (let i = 0; i < 3; i++) await issue();
    const mine = await issue(phone);
    expect(mine.ahead).toBe(3);
    await flush();
    expect(gateway.to(phone)).toHaveLength(0);
    await callNext(); // 2 ahead now
    await flush();
    expect(gateway.to(phone).map((request) => request.body.ahead)).toEqual(['2']);
    const [message] = gateway.to(phone);
    expect(message!.path).toBe('/sms/ahead');
    expect(message!.headers.authorization).toBe('Bearer gateway-key');
    expect(message!.body.number).toBe(mine.number);
    expect(message!.body.text).toContain('前面还有 2 人');
    expect(message!.body.id).not.toContain(mine.id);
    await finish();
    await callNext(); // 1 ahead: no second "ahead"
    await flush();
    await finish();
    await callNext();
    await finish();
    const called = await callNext();
    expect(called.id).toBe(mine.id);
    await flush();
    expect(gateway.to(phone).map((request) => request.path)).toEqual(['/sms/ahead', '/sms/called']);
    expect(gateway.to(phone)[1]!.body.window).toBe('1');
    await t.api('POST', `${hall}/windows/1/recall`, { token: clerk, body: {} });
    await finish();
    await flush();
    expect(gateway.to(phone)).toHaveLength(2);
    await emptyQueue();
  });

  it('sends no "ahead" to a ticket called out of turn, and nothing on the call when onCall is off', async () => {
    await configure({ enabled: true, aheadAt: 2, onCall: false, perNumberPerDay: 10 });
    const phone = '13800000002';
    for (let i = 0; i < 4; i++) await issue();
    const mine = await issue(phone);
    const called = await t.api('POST', `${hall}/windows/1/call`, { token: clerk, body: { ticketId: mine.id } });
    expect(called.status, called.text).toBe(200);
    await flush();
    await finish();
    await emptyQueue();
    await flush();
    expect(gateway.to(phone)).toHaveLength(0);
    await configure({ enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 });
  });

  it('sends nothing for a cancelled ticket', async () => {
    const phone = '13800000003';
    for (let i = 0; i < 3; i++) await issue();
    const mine = await issue(phone);
    const cancelled = await t.api('POST', `${hall}/tickets/${mine.id}/cancel`, { token: clerk, body: {} });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.notifyPhone).toBeUndefined();
    await emptyQueue();
    await flush();
    expect(gateway.to(phone)).toHaveLength(0);
    // The ended ticket keeps no number, in the hall nor in the ticket record.
    expect(await t.stateJson()).not.toContain(phone);
    expect(JSON.stringify(await t.server.store.halls.getTicket(mine.id))).not.toContain(phone);
  });

  it('limits the messages per number and day', async () => {
    await configure({ enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 2 });
    const phone = '13800000004';
    // Issued at the front: "ahead" is skipped (the citizen saw it on the slip), each call sends one.
    for (let i = 0; i < 3; i++) {
      await issue(phone);
      await callNext();
      await flush();
      await finish();
    }
    expect(gateway.to(phone).map((request) => request.path)).toEqual(['/sms/called', '/sms/called']);
    await configure({ enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 });
  });

  it('retries while the gateway is down, and sends the message once when it is back', async () => {
    const phone = '13800000006';
    await issue(phone);
    gateway.down = true;
    await callNext();
    await flush();
    expect(gateway.to(phone)).toHaveLength(0);
    gateway.down = false;
    await expect.poll(() => gateway.to(phone).length).toBe(1);
    await flush();
    expect(gateway.to(phone)).toHaveLength(1);
    await finish();
  });

  it('does not send again after a restart', async () => {
    const phone = '13800000005';
    for (let i = 0; i < 3; i++) await issue();
    await issue(phone);
    await callNext();
    await flush();
    await finish();
    expect(gateway.to(phone)).toHaveLength(1);
    await t.close();
    await start();
    await flush();
    expect(gateway.to(phone)).toHaveLength(1);
    await emptyQueue();
    await flush();
    expect(gateway.to(phone).map((request) => request.path)).toEqual(['/sms/ahead', '/sms/called']);
  });
});

describe('the number as personal data', () => {
  it('is masked for staff and absent from public events, the board and the e-ticket API', async () => {
    const phone = '13912345678';
    const since = (await t.hallState()).seq;
    const board = await t.connect({ hallId: DEMO });
    const staff = await t.connect({ hallId: DEMO, token: clerk });
    await issue();
    const mine = await issue(phone);
    const staffIssued = await staff.waitForEvent('ticket:issued', { where: (event) => event.ticket.id === mine.id });
    expect(staffIssued.ticket.notifyPhone).toBe('139****5678');
    await board.waitForEvent('ticket:issued', { where: (event) => event.ticket.number === mine.number });
    const view = await t.api('GET', `${hall}/staff-view`, { token: clerk });
    expect(view.text).toContain('139****5678');
    expect(view.text).not.toContain(phone);
    const events = await t.api('GET', `${hall}/events?since=${since}`, { token: clerk });
    expect(events.text).not.toContain(phone);
    const called = await t.api('POST', `${hall}/windows/1/call`, { token: clerk, body: { ticketId: mine.id } });
    expect(called.body.notifyPhone).toBe('139****5678');
    for (const response of [
      await t.api('GET', `/api/tickets/${mine.id}`),
      await t.api('GET', `${hall}/board`),
      await t.api('GET', `${hall}/events?since=${since}`),
    ]) {
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(phone);
      expect(response.text).not.toContain('139****');
    }
    await board.waitForEvent('ticket:called', { where: (event) => event.ticket.number === mine.number });
    const seen = JSON.stringify(board.events);
    expect(seen).not.toContain(phone);
    expect(seen).not.toContain('139****');
    expect(seen).not.toContain('notifyPhone');
    await finish();
    await emptyQueue();
    board.close();
    staff.close();
  });

  it('refuses a number that is not a mainland mobile with VALIDATION_FAILED and issues nothing', async () => {
    const before = (await t.hallState()).seq;
    for (const notifyPhone of ['12345', '23800000000', '1380000000a', '138000000001', ' ', 12345678901]) {
      const answer = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId, notifyPhone } });
      expect(answer.status).toBe(400);
      expect(errorCodeOf(answer)).toBe('VALIDATION_FAILED');
    }
    const phone = await t.api('POST', `${hall}/tickets`, { ip: freshIp(), body: { serviceId, channel: 'phone', notifyPhone: '0834-123456' } });
    expect(errorCodeOf(phone)).toBe('VALIDATION_FAILED');
    expect((await t.hallState()).seq).toBe(before);
  });

  it('is not kept when the hall sends no messages', async () => {
    await configure(undefined);
    const phone = '13700000007';
    const mine = await issue(phone);
    expect(await t.stateJson()).not.toContain(phone);
    // A command after the configuration, so the server is not closed while it sends the screens fresh snapshots.
    await t.api('POST', `${hall}/tickets/${mine.id}/cancel`, { token: clerk, body: {} });
  });
});
