import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffView } from '../../server/protocol/views/staff.js';
import { StaffFeed, type StaffSink } from '../../counter/src/lib/staffFeed.js';
import { playRandomMorning } from '../helpers/randomMorning.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The counter panel's feed (the app's own StaffFeed, run in Node) against a
 * real server: after a busy random morning its view, kept only by applying
 * the staff events, equals a fresh GET …/staff-view, and it read the view
 * over REST not once. A gap in seq is repaired over the socket (hall:sync).
 */
describe('staff view from events', () => {
  let t: TestServer;
  let admin: string;
  const feeds: StaffFeed[] = [];
  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.login('admin');
  });
  afterAll(async () => {
    for (const feed of feeds) feed.close();
    await t?.close();
  });

  function connectFeed(token: string): StaffSink & { feed: StaffFeed } {
    const sink: StaffSink = { view: null, screens: null, printers: null, online: false, refused: null };
    const feed = new StaffFeed({ origin: t.url, hallId: DEMO, token, lang: 'zh', expiresAt: Date.now() + 3_600_000, onAuthLost: () => undefined }, sink);
    feeds.push(feed);
    return Object.assign(sink, { feed });
  }

  const staffView = async () => (await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: admin })).body as StaffView;
  const settled = async (sink: StaffSink) => {
    const target = (await staffView()).seq;
    await expect.poll(() => sink.view?.seq, { timeout: 5000, interval: 20 }).toBe(target);
  };

  it('equals the server view after a random morning, without reading it over REST', async () => {
    const panelToken = await t.login('zhuren');
    const original = globalThis.fetch;
    let reads = 0;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      if (String(input).endsWith('/staff-view') && (init as { headers?: Record<string, string> } | undefined)?.headers?.authorization?.endsWith(panelToken)) reads++;
      return original(input, init);
    }) as typeof fetch;
    try {
      const panel = connectFeed(panelToken);
      await expect.poll(() => panel.view !== null && panel.online, { timeout: 5000, interval: 20 }).toBe(true);
      const post = (path: string, body: unknown = {}) => t.api('POST', `/api/halls/${DEMO}${path}`, { token: admin, body });
      const services = ['zonghe-zixun', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji'];
      await playRandomMorning(t, { token: admin, services, windows: ['1', '2', '3', '4'], steps: 120, seed: 20261202 });
      await settled(panel);
      expect(panel.view).toEqual(await staffView());
      expect(Object.values(panel.view!.queues).flat().length).toBeGreaterThan(3);
      expect(reads).toBe(0);

      // A lost event: the feed sees the next one as a gap and fetches what it missed over the socket.
      const receive = (panel.feed as unknown as { receive(event: unknown): void }).receive.bind(panel.feed);
      const before = panel.view!.seq;
      await post('/tickets', { serviceId: services[0] });
      await post('/tickets', { serviceId: services[1] });
      await settled(panel);
      const behind = { ...panel.view!, seq: before };
      panel.view = behind;
      receive({ ...(await t.api('GET', `/api/halls/${DEMO}/events?since=${before + 1}`, { token: admin })).body.events[0] });
      await settled(panel);
      expect(panel.view).toEqual(await staffView());
      expect(reads).toBe(0);
    } finally {
      globalThis.fetch = original;
    }
  });
});
