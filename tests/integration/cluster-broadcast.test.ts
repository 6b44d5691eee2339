import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { openRedisStore } from '../../server/store/redis/index.js';
import { type Board, type Cluster, allEvents, connectBoard, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';

/**
 * Several server processes on one Redis behave as one server: a command
 * through any process reaches the boards of every process, and concurrent
 * windows on shared queues through different processes never call a ticket
 * twice, never lose one, and number them without gaps.
 */
describe.skipIf(!hasRedis())('several processes on one Redis', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.destroy();
  });

  describe.each([2, 3])('%i processes', (processes) => {
    let cluster: Cluster;
    const boards: Board[] = [];

    beforeAll(async () => {
      cluster = await startCluster(redis, processes);
    }, 60_000);

    afterAll(async () => {
      for (const board of boards) board.close();
      await cluster?.close();
    });

    it('a call made through the first process reaches boards connected to every process', async () => {
      const [a, ...others] = cluster.servers.map((server) => server.url);
      for (const url of [a!, ...others]) boards.push(await connectBoard(url));
      const token = await loginAdmin(a!);
      // Window 1 serves every service; the second describe finds it open from the first.
      await request(a!, 'POST', '/api/halls/demo/windows/1/open', token);
      // Issued through the last process, called through the first.
      const issued = await request(others.at(-1)!, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
      expect(issued?.status).toBe(201);
      const called = await request(a!, 'POST', '/api/halls/demo/windows/1/call-next', token);
      expect(called?.status, JSON.stringify(called?.json)).toBe(200);
      expect(called?.json.number).toBe(issued?.json.number);
      await waitUntil('every board shows the call', () => boards.every((board) => board.called.has(issued?.json.number)));
      const hallSeq = (await allEvents(a!, token, 'demo')).at(-1).seq;
      await waitUntil('every board is on the hall seq', () => boards.every((board) => board.seq === hallSeq));

      // Presence is gathered from every process: each process sees all the boards.
      for (const url of cluster.servers.map((server) => server.url)) {
        const displays = await request(url, 'GET', '/api/halls/demo/displays', token);
        const board = displays?.json.screens.find((screen: { kind: string }) => screen.kind === 'board');
        expect(board?.connections).toBe(processes);
      }

      // A supervisor on the first process is told when a window screen connects to the last one.
      const supervisor = io(a!, { auth: { hallId: 'demo', token, client: 'supervisor' }, transports: ['websocket'] });
      const changes: any[] = [];
      supervisor.on('displays:changed', (presence: any) => changes.push(presence));
      await waitUntil('the supervisor is connected', () => supervisor.connected);
      const screen = io(others.at(-1)!, { auth: { hallId: 'demo', client: 'window-screen', windowId: '1' }, transports: ['websocket'] });
      await waitUntil('the supervisor hears of the window screen', () =>
        changes.some((change) => change.screens.some((s: any) => s.kind === 'window-screen' && s.windowId === '1' && s.connections === 1)),
      );
      expect(changes.at(-1).screens.find((s: any) => s.kind === 'board')?.connections).toBe(processes);
      screen.close();
      await waitUntil('and of its going away', () => !changes.at(-1).screens.some((s: any) => s.kind === 'window-screen'));
      supervisor.close();
    });
  });

  describe('20 windows on shared queues, spread over 3 processes', () => {
    let cluster: Cluster;

    beforeAll(async () => {
      const store = await openRedisStore({ url: redis.url });
      await store.halls.createHall(newHallState(countyHall(), Date.now()));
      await store.close();
      cluster = await startCluster(redis, 3);
    }, 60_000);

    afterAll(async () => {
      await cluster?.close();
    });

    it('calling concurrently while tickets are issued: no ticket called twice, none lost, numbering gap-free', async () => {
      const urls = cluster.servers.map((server) => server.url);
      const token = await loginAdmin(urls[0]!);
      const base = (k: number) => `${urls[k % urls.length]}`;
      const windows = Array.from({ length: 20 }, (_, i) => String(i + 1));
      await Promise.all(windows.map((w, k) => request(base(k), 'POST', `/api/halls/county/windows/${w}/open`, token)));

      const services = countyHall().services.map((service) => service.id);
      const issued: Array<{ id: string; number: string }> = [];
      const calls: Array<{ id: string; number: string; windowId: string }> = [];
      const TICKETS = 240;
      let issuing = true;
      const issuer = async (worker: number) => {
        for (let i = worker; i < TICKETS; i += 6) {
          const answer = await request(base(i), 'POST', '/api/halls/county/tickets', token, { serviceId: services[i % services.length] });
          expect(answer?.status).toBe(201);
          issued.push(answer!.json);
        }
      };
      const caller = async (windowId: string, k: number) => {
        for (let i = 0; ; i++) {
          const answer = await request(base(k + i), 'POST', `/api/halls/county/windows/${windowId}/call-next`, token);
          if (answer?.status === 200) calls.push({ id: answer.json.id, number: answer.json.number, windowId });
          else if (answer?.json.error.code === 'QUEUE_EMPTY') {
            if (!issuing) return;
            await new Promise((resolve) => setTimeout(resolve, 5));
          } else throw new Error(`call-next at ${windowId}: ${JSON.stringify(answer)}`);
        }
      };
      const callers = windows.map((w, k) => caller(w, k));
      await Promise.all(Array.from({ length: 6 }, (_, worker) => issuer(worker)));
      issuing = false;
      await Promise.all(callers);

      expect(issued).toHaveLength(TICKETS);
      expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length); // none twice
      expect(new Set(calls.map((call) => call.id))).toEqual(new Set(issued.map((ticket) => ticket.id))); // none lost
      expect(new Set(calls.map((call) => call.windowId)).size).toBeGreaterThan(10); // really spread

      const events = await allEvents(urls[2]!, token, 'county');
      expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
      const numbers = events.filter((event) => event.type === 'ticket:issued').map((event) => event.ticket.number as string);
      expect(numbers).toHaveLength(TICKETS);
      for (const prefix of new Set(numbers.map((number) => number[0]))) {
        const sequence = numbers.filter((number) => number[0] === prefix).map((number) => Number(number.slice(1)));
        expect(sequence).toEqual(sequence.map((_, i) => i + 1));
      }
      const calledEvents = events.filter((event) => event.type === 'ticket:called').map((event) => event.ticket.id);
      expect(calledEvents.sort()).toEqual(calls.map((call) => call.id).sort());
    }, 120_000);
  });
});

/** The demo hall's first three services, served by 20 windows with different tiers. */
function countyHall(): HallConfig {
  const demo = demoHallConfig();
  const services = demo.services.slice(0, 3);
  return {
    ...demo,
    id: 'county',
    name: '县政务服务中心',
    services,
    windows: Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      number: i + 1,
      name: `${i + 1}号窗口`,
      services: services.map((service, k) => ({ serviceId: service.id, tier: 1 + ((i + k) % 3) })),
    })),
  };
}
