import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHalls } from '../../server/app/retention.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

const DAY = 86_400_000;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('data retention', () => {
  it('keeps everything without the setting, and prunes past retentionDays with it; a client that far behind gets a snapshot', async () => {
    const admin = await t.login('admin');
    const issued = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: admin, body: { serviceId: 'zonghe-zixun' } });
    const clerk = await t.login('clerk1');
    await t.api('POST', `/api/halls/${DEMO}/windows/1/open`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/1/call-next`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/1/finish`, { token: clerk, body: {} });
    const log = pino({ level: 'silent' });
    const eventCount = async () => (await t.server.store.halls.eventsSince(DEMO, 0, 10_000)).length;
    const before = await eventCount();

    await pruneHalls(t.server.store.halls, Date.now() + 500 * DAY, log);
    expect(await eventCount()).toBe(before);

    const config = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config;
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, retentionDays: 30 } } })).status).toBe(400);
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, retentionDays: 400 } } })).status).toBe(200);
    const live = await t.stateJson();
    // 401 days later, as the hourly job sees it.
    await pruneHalls(t.server.store.halls, Date.now() + 401 * DAY, log);
    expect(await eventCount()).toBe(0);
    expect((await t.api('GET', `/api/tickets/${issued.body.id}`)).status).toBe(404);
    expect(await t.stateJson()).toBe(live);

    // New events continue the sequence; a board that last saw seq 0 cannot be caught up from the log any more.
    await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: admin, body: { serviceId: 'zonghe-zixun' } });
    const board = await t.connect({});
    const answer = await board.send('hall:sync', { sinceSeq: 0 });
    expect(answer).toMatchObject({ ok: true, data: { kind: 'snapshot' } });
  });
});
