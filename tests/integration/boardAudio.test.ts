import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { SOCKET_BUDGETS } from '../../server/realtime/budgets.js';
import { BOARD_LOCKED_GRACE_MS } from '../../server/realtime/presence.js';
import { DEMO, type TestServer, type TestSocket, startTestServer } from '../helpers/testServer.js';

/**
 * A board reports its sound over its socket (`board:audio`, docs/voice.md): the supervisor's
 * displays list counts the boards that cannot play a call, and hears when that changes. Only
 * boards may report; anything malformed is refused and changes nothing.
 */
describe('board:audio, the board reporting its sound', () => {
  let t: TestServer;
  let offsetMs = 0;
  let zhuren: string;
  let staff: TestSocket;
  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => Date.now() + offsetMs });
    zhuren = await t.login('zhuren');
    staff = await t.connect({ hallId: DEMO, token: zhuren, auth: { client: 'supervisor' } });
  });
  afterAll(async () => {
    staff?.close();
    await t?.close();
  });

  const boards = async () => ((await t.api('GET', `/api/halls/${DEMO}/displays`, { token: zhuren })).body.screens as Array<Record<string, unknown>>).filter((s) => s.kind === 'board');
  /** The next displays:changed after `from` that shows the boards as `want` says. */
  const changed = (from: number, want: (board: Record<string, unknown> | undefined) => boolean) =>
    staff.waitForEvent('displays:changed', { from, where: (data) => want(data.screens.find((s: { kind: string }) => s.kind === 'board')) });

  it('keeps the report on the connection, counts silent boards and their sources, and tells staff on each change', async () => {
    const first = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    const second = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    try {
      // Until a board reports, nothing is said about its sound.
      expect(await boards()).toEqual([{ kind: 'board', windowId: null, connections: 2, since: expect.any(Number) }]);

      let from = staff.mark();
      expect(await first.send('board:audio', { source: 'synthesis', unlocked: true })).toEqual({ ok: true, data: null });
      let seen = await changed(from, (board) => board?.silent !== undefined);
      expect(seen.screens).toEqual([{ kind: 'board', windowId: null, connections: 2, since: expect.any(Number), silent: 0, audioSources: { synthesis: 1 } }]);

      from = staff.mark();
      expect((await second.send('board:audio', { source: null, unlocked: true })).ok).toBe(true);
      seen = await changed(from, (board) => board?.silent === 1);
      expect(seen.screens[0]).toMatchObject({ connections: 2, silent: 1, audioSources: { synthesis: 1 } });
      expect(await boards()).toEqual(seen.screens);

      // The same report again changes nothing and says nothing; the next real change is the next message.
      from = staff.mark();
      expect((await second.send('board:audio', { source: null, unlocked: true })).ok).toBe(true);
      expect((await second.send('board:audio', { source: 'browser', unlocked: true })).ok).toBe(true);
      seen = await changed(from, () => true);
      expect(seen.screens[0]).toMatchObject({ silent: 0, audioSources: { synthesis: 1, browser: 1 } });

      // A silent board that goes away takes its silence with it.
      from = staff.mark();
      await second.send('board:audio', { source: null, unlocked: true });
      await changed(from, (board) => board?.silent === 1);
      from = staff.mark();
      second.close();
      seen = await changed(from, (board) => board?.connections === 1);
      expect(seen.screens[0]).toMatchObject({ connections: 1, silent: 0, audioSources: { synthesis: 1 } });
    } finally {
      first.close();
      second.close();
    }
  });

  it('a board left locked counts as silent only once the grace is over', async () => {
    const board = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    try {
      const from = staff.mark();
      await board.send('board:audio', { source: 'synthesis', unlocked: false });
      await changed(from, (entry) => entry?.silent !== undefined);
      expect((await boards())[0]).toMatchObject({ silent: 0, audioSources: { synthesis: 1 } });
      offsetMs += BOARD_LOCKED_GRACE_MS + 1000;
      expect((await boards())[0]).toMatchObject({ silent: 1 });
      // The tap: heard again at once.
      const tapped = staff.mark();
      await board.send('board:audio', { source: 'synthesis', unlocked: true });
      expect((await changed(tapped, () => true)).screens[0]).toMatchObject({ silent: 0 });
    } finally {
      board.close();
    }
  });

  it('refuses malformed reports without a change, and reports from anything but a board', async () => {
    const board = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    const screen = await t.connect({ hallId: DEMO, auth: { client: 'window-screen', windowId: '3' } });
    const phone = await t.connect({ hallId: DEMO, auth: { client: 'phone' } });
    try {
      const from = staff.mark();
      await board.send('board:audio', { source: 'pack', unlocked: true });
      await changed(from, (entry) => entry?.silent === 0);
      const before = JSON.stringify(await boards());
      const marked = staff.mark();
      for (const payload of [
        { source: 'radio', unlocked: true },
        { source: 'pack' },
        { source: 'pack', unlocked: 'yes' },
        { source: null, unlocked: true, extra: 1 },
        { source: ['pack'], unlocked: true },
        'pack',
        null,
      ]) {
        const answer = await board.send('board:audio', payload);
        expect(answer, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      }
      expect(await board.send('board:audio')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      for (const other of [screen, phone, staff]) {
        expect(await other.send('board:audio', { source: null, unlocked: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      expect(JSON.stringify(await boards())).toBe(before);
      expect(staff.events.slice(marked).filter((received) => received.event === 'displays:changed')).toEqual([]);
      expect(board.connected).toBe(true);
    } finally {
      board.close();
      screen.close();
      phone.close();
    }
  });

  it("stays within the board's socket budget", async () => {
    const board = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    try {
      const answers = [];
      for (let i = 0; i < SOCKET_BUDGETS.public.other + 5; i++) answers.push(await board.send('board:audio', { source: i % 2 ? 'pack' : null, unlocked: true }));
      expect(answers.filter((answer) => answer.ok).length).toBeLessThanOrEqual(SOCKET_BUDGETS.public.other + 1);
      expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    } finally {
      board.close();
    }
  });
});

describe.skipIf(!hasRedis())('board:audio with several processes on one Redis', () => {
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

  it('a silent board connected to one process is counted by the other', async () => {
    const [a, b] = cluster.servers.map((server) => server.url);
    const token = await loginAdmin(a!);
    const board = io(b!, { auth: { hallId: 'demo', client: 'board' }, transports: ['websocket'] });
    try {
      await waitUntil('the board is connected', () => board.connected);
      const answer = await board.timeout(3000).emitWithAck('board:audio', { source: null, unlocked: true });
      expect(answer).toEqual({ ok: true, data: null });
      const boardsOn = async (url: string) => {
        const listed = await request(url, 'GET', '/api/halls/demo/displays', token);
        return listed?.status === 200 ? listed.json.screens.find((screen: { kind: string }) => screen.kind === 'board') : null;
      };
      await waitUntil('the other process counts it silent', async () => (await boardsOn(a!))?.silent === 1);
      expect(await boardsOn(a!)).toMatchObject({ connections: 1, silent: 1, audioSources: {} });
    } finally {
      board.close();
    }
  });
});
