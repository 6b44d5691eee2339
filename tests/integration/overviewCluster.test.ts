import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';

/**
 * The county overview on several processes (docs/oversight.md): rows go to rooms through the Redis adapter,
 * so an overview socket on one process hears of a ticket issued through another, once.
 */
describe.skipIf(!hasRedis())('the overview on two processes on one Redis', () => {
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

  it('pushes a row committed on one process to an overview socket on the other, once', async () => {
    const [a, b] = cluster.servers.map((server) => server.url) as [string, string];
    const token = await loginAdmin(a);
    const received: Array<{ event: string; row: any }> = [];
    const socket = io(a, { auth: { overview: true, token }, transports: ['websocket'] });
    socket.onAny((event: string, row: any) => received.push({ event, row }));
    await waitUntil('the snapshot arrives', () => received.some((r) => r.event === 'overview:snapshot'));
    const before = received.find((r) => r.event === 'overview:snapshot')!.row.rows.find((row: any) => row.hallId === 'demo');
    const mark = received.length;
    const issued = await request(b, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
    expect(issued?.status).toBe(201);
    await waitUntil('the row arrives', () => received.slice(mark).some((r) => r.event === 'overview:hall' && r.row.waiting === before.waiting + 1));
    // A second commit on b, so that everything the first one caused has arrived before counting.
    const second = await request(b, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
    expect(second?.status).toBe(201);
    await waitUntil('the second row arrives', () => received.slice(mark).some((r) => r.event === 'overview:hall' && r.row.waiting === before.waiting + 2));
    expect(received.slice(mark).map((r) => [r.event, r.row.waiting])).toEqual([
      ['overview:hall', before.waiting + 1],
      ['overview:hall', before.waiting + 2],
    ]);
    socket.close();
  });
});
