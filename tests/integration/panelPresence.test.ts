import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * Counter panels count in the hall's presence, by user (issue 15): the
 * supervisor's "staffed window whose panel is offline" alert comes from it.
 * A supervisor's own view, a phone or a board without a window are not panels.
 */
describe('counter panels in the presence list', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('lists a clerk panel by user while it is connected, and tells staff when it goes', async () => {
    const zhuren = await t.login('zhuren');
    const supervisor = await t.connect({ hallId: DEMO, token: zhuren, auth: { client: 'supervisor' } });
    const clerk = await t.login('clerk3');
    const me = (await t.api('GET', '/api/auth/me', { token: clerk })).body;
    const from = supervisor.mark();
    const panel = await t.connect({ hallId: DEMO, token: clerk, auth: { client: 'counter' } });
    const joined = await supervisor.waitForEvent('displays:changed', { from });
    expect(joined.screens).toEqual([{ kind: 'panel', windowId: null, userId: me.user?.id ?? me.id, connections: 1, since: expect.any(Number) }]);
    const listed = await t.api('GET', `/api/halls/${DEMO}/displays`, { token: zhuren });
    expect(listed.body.screens).toEqual(joined.screens);

    const left = supervisor.mark();
    panel.close();
    const gone = await supervisor.waitForEvent('displays:changed', { from: left });
    expect(gone.screens).toEqual([]);
    // A public socket calling itself a counter is no panel: there is no staff user behind it.
    const phone = await t.connect({ hallId: DEMO, auth: { client: 'counter' } });
    expect((await t.api('GET', `/api/halls/${DEMO}/displays`, { token: zhuren })).body.screens).toEqual([]);
    phone.close();
  });
});

describe.skipIf(!hasRedis())('counter panels in the presence list, several processes on one Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  beforeAll(async () => {
    redis = await startTestRedis();
    cluster = await startCluster(redis, 2);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await redis?.destroy();
  });

  it('a panel connected to one process is listed by the other', async () => {
    const [a, b] = cluster.servers.map((server) => server.url);
    const token = await loginAdmin(a!);
    const panel = io(b!, { auth: { hallId: 'demo', token, client: 'counter' }, transports: ['websocket'] });
    await waitUntil('the panel is connected', () => panel.connected);
    // null when the list could not be read (then the wait goes on rather than seeing "no panel").
    const panels = async (): Promise<Array<{ userId?: string }> | null> => {
      const answer = await request(a!, 'GET', '/api/halls/demo/displays', token);
      return answer?.status === 200 ? answer.json.screens.filter((screen: { kind: string }) => screen.kind === 'panel') : null;
    };
    let listed: Array<{ userId?: string }> | null = null;
    await waitUntil('the first process lists the panel', async () => (listed = await panels())?.length === 1);
    expect(listed![0]!.userId).toEqual(expect.any(String));
    panel.close();
    await waitUntil('and not once it is closed', async () => (await panels())?.length === 0);
  });
});
