/**
 * Issue 19: a call committed while the notifier is between reading the hall and reading its log
 * (another process's commit on Redis, or this one's) is not judged on the older hall and dropped:
 * the round stops at the hall it read, and the next round sends the call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NotifyGateway, NotifyMessage } from '../../server/notify/gateway.js';
import { SqliteNotifyStore } from '../../server/notify/store.js';
import { NotifyWorker } from '../../server/notify/worker.js';
import type { HallConfig, HallState } from '../../server/protocol/model.js';
import type { HallStore } from '../../server/store/port.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
let t: TestServer;
let dir: string;

beforeAll(async () => {
  t = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'hallq-notify-race-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a call committed after the hall was read is sent in the next round, not dropped', async () => {
  const admin = await t.login('admin');
  const clerk = await t.login('clerk1');
  const config = (await t.api('GET', `${hall}/config`, { token: admin })).body.config as HallConfig;
  expect((await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, notify: { enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 } } } })).status).toBe(200);
  const serviceId = config.windows.find((window) => window.id === '1')!.services[0]!.serviceId;
  expect((await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} })).status).toBe(200);
  while ((await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} })).status === 200) await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
  const mine = (await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId, notifyPhone: '13800000031' } })).body as { id: string };

  const sent: NotifyMessage[] = [];
  const gateway: NotifyGateway = { kind: 'test', send: async (message) => (sent.push(message), { ok: true }) };
  const real = t.server.store.halls;
  let older: HallState | null = null;
  // The real store, except that one read returns the hall as it was just before the call.
  const halls: HallStore = Object.create(real, {
    loadHall: { value: async (hallId: string) => (older && hallId === DEMO ? ((state) => ((older = null), state))(older) : real.loadHall(hallId)) },
  });
  const worker = new NotifyWorker({ halls, store: new SqliteNotifyStore(join(dir, 'notify.db')), gateway, log: pino({ level: 'silent' }), now: Date.now });
  await worker.flush(DEMO); // meets the hall: the cursor starts here
  // One more event, so the older hall is ahead of the cursor and the round reads the log.
  expect((await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId } })).status).toBe(201);
  older = await real.loadHall(DEMO);
  expect((await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} })).body.id).toBe(mine.id);
  await worker.flush(DEMO); // reads the older hall, then a log that has the call
  await worker.flush(DEMO);
  // ("ahead" went in the first round: the worker met the hall after the ticket was issued.)
  expect(sent.filter((message) => message.kind === 'called').map((message) => message.window)).toEqual(['1']);
  await worker.close();
});
