/**
 * Issue 19 on Redis, the lease itself: two servers on one Redis, each with its notifier; while one
 * process is sending a hall's message (its gateway holds the request), the other one, looking at the
 * same pending record, sends nothing; once the first is done, the other sends the hall's next
 * message. Without the lease both would send the pending record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyGateway, NotifyMessage } from '../../server/notify/gateway.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
const PHONE = '13800000021';

/** A real in-process gateway that records each message and, while `held`, answers only when released. */
class HoldingGateway implements NotifyGateway {
  readonly kind = 'test';
  held = false;
  private release: (() => void) | undefined;
  private arrived: (() => void) | undefined;
  constructor(
    private readonly name: string,
    readonly log: Array<{ by: string; message: NotifyMessage }>,
  ) {}
  async send(message: NotifyMessage): Promise<{ ok: boolean }> {
    this.log.push({ by: this.name, message });
    if (this.held) {
      const answered = new Promise<void>((resolve) => (this.release = resolve));
      this.arrived?.();
      await answered;
    }
    return { ok: true };
  }
  /** Resolves when a held request has arrived. */
  inFlight(): Promise<void> {
    return this.release ? Promise.resolve() : new Promise((resolve) => (this.arrived = resolve));
  }
  answer(): void {
    this.held = false;
    this.release?.();
  }
}

describe.runIf(hasRedis())('无声叫号: one process at a time sends a hall\'s messages', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  const sent: Array<{ by: string; message: NotifyMessage }> = [];
  const gatewayA = new HoldingGateway('a', sent);
  const gatewayB = new HoldingGateway('b', sent);

  beforeAll(async () => {
    redis = await startTestRedis();
    const timing = { pollMs: 600_000, leaseRetryMs: 600_000 };
    a = await startTestServer({ redisUrl: redis.url }, { notify: { gateway: gatewayA, timing } });
    b = await startTestServer({ redisUrl: redis.url }, { notify: { gateway: gatewayB, timing } });
  }, 60_000);
  afterAll(async () => {
    gatewayA.answer();
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it('the second process sends nothing while the first sends, and the next message once it is done', { timeout: 60_000 }, async () => {
    const admin = await a.login('admin');
    const clerk = await a.login('clerk1');
    const config = (await a.api('GET', `${hall}/config`, { token: admin })).body.config as HallConfig;
    expect((await a.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, notify: { enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 } } } })).status).toBe(200);
    const serviceId = config.windows.find((window) => window.id === '1')!.services[0]!.serviceId;
    expect((await a.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} })).status).toBe(200);
    // An empty queue first (the demo may have tickets), then three before the citizen's.
    while ((await a.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} })).status === 200) await a.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
    for (let i = 0; i < 3; i++) expect((await a.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId } })).status).toBe(201);
    const mine = (await a.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId, notifyPhone: PHONE } })).body as { id: string; ahead: number };
    expect(mine.ahead).toBe(3);

    gatewayA.held = true;
    const arrived = gatewayA.inFlight();
    expect((await a.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} })).status).toBe(200);
    await arrived; // process a is sending "2 ahead", its record still pending
    await b.server.notifier!.flush(DEMO);
    expect(sent.map(({ by, message }) => [by, message.kind])).toEqual([['a', 'ahead']]);

    gatewayA.answer();
    await a.server.notifier!.flush(DEMO);
    await b.server.notifier!.flush(DEMO);
    expect(sent.map(({ by, message }) => [by, message.kind])).toEqual([['a', 'ahead']]);

    // The hall is free again: the call, committed on process b, goes out from b.
    for (;;) {
      await b.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
      const called = await b.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
      expect(called.status).toBe(200);
      if (called.body.id === mine.id) break;
    }
    await b.server.notifier!.flush(DEMO);
    await a.server.notifier!.flush(DEMO);
    expect(sent.map(({ by, message }) => [by, message.kind, message.phone])).toEqual([
      ['a', 'ahead', PHONE],
      ['b', 'called', PHONE],
    ]);
  });
});
