/**
 * Redis going away under running servers (issue 16: a server died of an unhandled ioredis
 * "Connection is closed" while Redis was gone during `npm run bench:cluster`). Two real server
 * processes on one test-owned redis-server, killed with commands in flight from REST and sockets,
 * a kiosk's socket asking every 1.5 s, within its budget (each request re-checks its device in Redis), boards and a
 * print agent leaving and coming back meanwhile (presence and the agent's status go through the
 * bus): both processes stay up, refuse with STORE_UNAVAILABLE, come back by themselves when Redis
 * restarts on its port, and stop cleanly when asked to while Redis is away. Then the bus on its
 * own: what the Socket.IO adapter sends without awaiting never becomes an unhandled rejection.
 */
import { createServer } from 'node:http';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRedisBus } from '../../server/realtime/redisBus.js';
import type { ChildServer } from '../helpers/childServer.js';
import { type Cluster, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';

const alive = (server: ChildServer) => server.process.exitCode === null && server.process.signalCode === null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasRedis())('Redis goes away under running servers', () => {
  let redis: TestRedis;
  let cluster: Cluster | undefined;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await cluster?.close();
    cluster = undefined;
    await redis?.destroy();
  });

  const connect = (url: string, auth: Record<string, unknown>) => {
    const socket = io(url, { auth: { hallId: 'demo', ...auth }, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 300 });
    sockets.push(socket);
    return socket;
  };

  it('killed with commands in flight: both processes stay up, refuse with STORE_UNAVAILABLE, recover on restart, and stop cleanly while it is away', async () => {
    cluster = await startCluster(redis, 2);
    const urls = cluster.servers.map((server) => server.url);
    const token = await loginAdmin(urls[0]!);
    expect((await request(urls[0]!, 'POST', '/api/halls/demo/windows/1/open', token))?.status).toBe(200);
    const paired = await request(urls[0]!, 'POST', '/api/halls/demo/devices', token, { kind: 'kiosk', name: '入口取号机', printer: 'agent' });
    expect(paired?.status).toBe(201);
    const kiosk = connect(urls[1]!, { token: paired!.json.token, client: 'kiosk' });
    const agent = connect(urls[0]!, { token: paired!.json.agent.token, client: 'agent' });
    const staff = urls.map((url) => connect(url, { token, client: 'counter' }));
    for (const url of urls) for (let i = 0; i < 3; i++) connect(url, { client: 'board' });
    await waitUntil('every socket is connected', () => sockets.every((socket) => socket.connected));

    // Each answer counts for the phase its command was sent in: one in flight at the kill may still commit.
    type Phase = 'up' | 'down' | 'back';
    let phase: Phase = 'up';
    const answers = Object.fromEntries((['up', 'down', 'back'] as const).map((p) => [p, { rest: new Map<string, number>(), socket: new Map<string, number>() }])) as Record<
      Phase,
      { rest: Map<string, number>; socket: Map<string, number> }
    >;
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    let stopped = false;
    const restIssuer = async (url: string) => {
      while (!stopped) {
        const sent = phase;
        const answer = await request(url, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
        count(answers[sent].rest, answer ? `${answer.status} ${answer.json?.error?.code ?? ''}`.trim() : 'no answer');
      }
    };
    const socketIssuer = async (socket: Socket) => {
      while (!stopped) {
        const sent = phase;
        const ack: any = await socket.timeout(5000).emitWithAck('ticket:issue', { serviceId: 'minzheng-dibao' }).catch(() => null);
        count(answers[sent].socket, ack === null ? 'no answer' : ack.ok ? 'ok' : ack.error.code);
        if (!ack?.ok) await sleep(20);
      }
    };
    const heartbeat = async () => {
      while (!stopped) {
        await kiosk.timeout(5000).emitWithAck('hall:sync', { sinceSeq: 0 }).catch(() => null);
        await sleep(1500);
      }
    };
    const traffic = [...urls.map(restIssuer), ...staff.map(socketIssuer), heartbeat()];
    const { up, down, back } = answers;
    await waitUntil('commands are answered on both processes', () => (up.rest.get('201') ?? 0) > 10 && (up.socket.get('ok') ?? 0) > 10);

    await redis.kill(); // SIGKILL: a crash, with the commands above in flight
    phase = 'down';
    // Meanwhile the agent and some boards leave and come back (presence, the agent's status: the bus).
    agent.disconnect();
    for (const socket of sockets.filter((s) => s !== agent && s !== kiosk && !staff.includes(s)).slice(0, 3)) socket.disconnect();
    await waitUntil('both processes refuse commands', () => (down.rest.get('503 STORE_UNAVAILABLE') ?? 0) > 10 && (down.socket.get('STORE_UNAVAILABLE') ?? 0) > 5);
    for (const socket of sockets) if (socket.disconnected) socket.connect();
    await sleep(2000);
    expect(cluster.servers.every(alive)).toBe(true);
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    phase = 'back';
    expect([...down.rest.keys()].every((key) => key === '503 STORE_UNAVAILABLE'), JSON.stringify([...down.rest])).toBe(true);
    expect([...down.socket.keys()].every((key) => key === 'STORE_UNAVAILABLE'), JSON.stringify([...down.socket])).toBe(true);

    await redis.start(); // same port, same AOF directory
    await waitUntil('both processes commit again', () => (back.rest.get('201') ?? 0) > 10 && (back.socket.get('ok') ?? 0) > 10, 30_000);
    // A handshake refused meanwhile is not retried by socket.io-client itself (the apps retry): ask again.
    await waitUntil('every socket is connected again, the agent too', () => {
      for (const socket of sockets) if (!socket.active) socket.connect();
      return sockets.every((socket) => socket.connected);
    }, 30_000);
    stopped = true;
    await Promise.all(traffic);
    expect(cluster.servers.every(alive)).toBe(true);

    // Asked to stop while Redis is away, a process stops at once and cleanly (nothing waits for it).
    await redis.kill();
    await sleep(300);
    const stopping = cluster.servers[1]!;
    const exited = new Promise<number | null>((resolve) => stopping.process.once('exit', (code) => resolve(code)));
    stopping.process.kill('SIGTERM');
    expect(await Promise.race([exited, sleep(10_000).then(() => 'still running')])).toBe(0);
    expect(alive(cluster.servers[0]!)).toBe(true);
    for (const server of cluster.servers) expect(server.output()).not.toMatch(/Unhandled|unhandledRejection|Connection is closed\.\s*\n\s+at /);
  }, 120_000);

  it('the bus after close: broadcasts and presence queries fail quietly, never as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const http = createServer();
    const bus = await connectRedisBus(redis.url, 'outage:', pino({ level: 'silent' }));
    const server = new Server(http, { adapter: bus.adapter });
    try {
      server.to('hall:demo:public').emit('ticket:called', { seq: 1 });
      await bus.close();
      server.to('hall:demo:public').emit('ticket:called', { seq: 2 }); // the adapter publishes without awaiting
      await expect(server.in('hall:demo:public').fetchSockets()).rejects.toThrow(); // awaited: the caller sees it
      await sleep(200);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      server.close();
    }
  });
});
