import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killHard } from '../helpers/childServer.js';
import { type Board, type Cluster, allEvents, connectBoard, loginAdmin, request, startCluster, waitUntil } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';

/**
 * What a county deployment must survive: a server process killed with
 * SIGKILL (its boards move to another process through the balancer and
 * resync; nothing acknowledged is lost), and Redis itself crashing and coming
 * back (writes refused with STORE_UNAVAILABLE meanwhile, servers reconnect by
 * themselves, boards resync, nothing acknowledged is lost: Redis runs with AOF).
 */

const SERVICES = ['zonghe-zixun', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji'];
const WINDOWS = ['1', '2', '3', '4'];

interface Acked {
  issued: Array<{ id: string; number: string }>;
  called: Set<string>;
}

/** Issues and calls through every given process until `stop()`; only what was answered counts as acknowledged. */
function traffic(urls: () => string[], token: string) {
  const acked: Acked = { issued: [], called: new Set() };
  let stopped = false;
  const pick = (i: number) => urls()[i % urls().length]!;
  const issuer = async (worker: number) => {
    for (let i = worker; !stopped; i += 3) {
      const answer = await request(pick(i), 'POST', '/api/halls/demo/tickets', token, { serviceId: SERVICES[i % SERVICES.length] });
      if (answer?.status === 201) acked.issued.push(answer.json);
    }
  };
  const caller = async (windowId: string, k: number) => {
    for (let i = k; !stopped; i++) {
      const answer = await request(pick(i), 'POST', `/api/halls/demo/windows/${windowId}/call-next`, token);
      if (answer?.status === 200) acked.called.add(answer.json.id);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const workers = [...[0, 1, 2].map(issuer), ...WINDOWS.map(caller)];
  return {
    acked,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

/** Every acknowledged ticket and call is in the store; the event log and each service's numbers have no gap or repeat. */
async function expectNothingAckedLost(url: string, token: string, acked: Acked): Promise<void> {
  for (const ticket of acked.issued) {
    const answer = await request(url, 'GET', `/api/tickets/${ticket.id}`);
    expect(answer?.status, `acknowledged ticket ${ticket.number} lost`).toBe(200);
    expect(answer?.json.number).toBe(ticket.number);
    if (acked.called.has(ticket.id)) expect(answer?.json.status, `acknowledged call of ${ticket.number} lost`).not.toBe('waiting');
  }
  const events = await allEvents(url, token, 'demo');
  expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
  const numbers = events.filter((event) => event.type === 'ticket:issued').map((event) => event.ticket.number as string);
  for (const prefix of new Set(numbers.map((number) => number[0]))) {
    const sequence = numbers.filter((number) => number[0] === prefix).map((number) => Number(number.slice(1)));
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));
  }
}

async function hallSeq(url: string, token: string): Promise<number> {
  return (await allEvents(url, token, 'demo')).at(-1)?.seq ?? 0;
}

describe.skipIf(!hasRedis())('failures in a cluster on one Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster | undefined;
  const boards: Board[] = [];

  beforeEach(async () => {
    redis = await startTestRedis();
  });

  afterEach(async () => {
    for (const board of boards.splice(0)) board.close();
    await cluster?.close();
    cluster = undefined;
    await redis?.destroy();
  });

  it('a process killed with SIGKILL: its boards reconnect to another process and resync; nothing acknowledged is lost', async () => {
    cluster = await startCluster(redis, 3);
    const c = cluster;
    const token = await loginAdmin(c.servers[0]!.url);
    for (const windowId of WINDOWS) await request(c.servers[0]!.url, 'POST', `/api/halls/demo/windows/${windowId}/open`, token);
    // Through the balancer, two boards land on each process.
    for (let i = 0; i < 6; i++) boards.push(await connectBoard(c.balancerUrl));

    let alive = c.servers.map((server) => server.url);
    const load = traffic(() => alive, token);
    await waitUntil('some traffic is acknowledged', () => load.acked.issued.length > 30 && load.acked.called.size > 5);
    const victim = c.servers[1]!;
    alive = [c.servers[0]!.url, c.servers[2]!.url];
    await killHard(victim);
    const before = load.acked.issued.length;
    await waitUntil('traffic goes on without the killed process', () => load.acked.issued.length > before + 30);
    await load.stop();

    const survivor = c.servers[2]!.url;
    await expectNothingAckedLost(survivor, token, load.acked);
    const seq = await hallSeq(survivor, token);
    await waitUntil('every board is connected again and on the hall seq', () => boards.every((board) => board.connected && board.seq === seq));
    expect(boards.filter((board) => board.snapshots >= 2).length).toBeGreaterThanOrEqual(2); // the killed process's boards

    // The killed process comes back and takes part again: a call through it reaches every board.
    const back = await c.restart(1);
    const issued = await request(survivor, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
    let called = await request(back.url, 'POST', '/api/halls/demo/windows/1/call-next', token);
    while (called?.json.id !== issued?.json.id && called?.status === 200) {
      called = await request(back.url, 'POST', '/api/halls/demo/windows/1/call-next', token); // older tickets first
    }
    expect(called?.json.number).toBe(issued?.json.number);
    await waitUntil('every board shows the call through the restarted process', () => boards.every((board) => board.called.has(issued?.json.number)));
  }, 120_000);

  it('Redis crashes and comes back: writes refused meanwhile, servers reconnect by themselves, boards resync, nothing acknowledged lost', async () => {
    cluster = await startCluster(redis, 2);
    const [a, b] = cluster.servers.map((server) => server.url) as [string, string];
    const token = await loginAdmin(a);
    await request(a, 'POST', '/api/halls/demo/windows/1/open', token);
    boards.push(await connectBoard(a), await connectBoard(b));
    const staff = io(b, { auth: { hallId: 'demo', token }, transports: ['websocket'] });
    await waitUntil('the staff socket is connected', () => staff.connected);

    const acked: Acked = { issued: [], called: new Set() };
    for (let i = 0; i < 10; i++) {
      const answer = await request(i % 2 ? a : b, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
      acked.issued.push(answer?.json);
    }

    await redis.kill(); // SIGKILL: a crash, not a clean shutdown
    const refused = await request(a, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
    expect(refused?.status).toBe(503);
    expect(refused?.json.error.code).toBe('STORE_UNAVAILABLE');
    const overSocket: any = await staff.timeout(10_000).emitWithAck('ticket:issue', { serviceId: 'zonghe-zixun' });
    expect(overSocket).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
    expect((await request(b, 'GET', '/api/halls/demo/board'))?.status).toBe(503);
    const newcomer = io(b, { auth: { hallId: 'demo', client: 'board' }, transports: ['websocket'], reconnection: false });
    const refusal = await new Promise<any>((resolve) => newcomer.once('connect_error', (error: any) => resolve(error.data)));
    newcomer.close();
    expect(refusal?.code).toBe('STORE_UNAVAILABLE'); // a board connecting now is told why, and retries
    expect((await fetch(`${a}/healthz`)).status).toBe(200); // the processes stay up
    const snapshotsBefore = boards.map((board) => board.snapshots);

    await redis.start(); // same port, same AOF directory
    await waitUntil(
      'both processes accept writes again',
      async () => (await request(a, 'GET', '/api/halls/demo/board'))?.status === 200 && (await request(b, 'GET', '/api/halls/demo/board'))?.status === 200,
    );
    await waitUntil('every board got a fresh snapshot', () => boards.every((board, i) => board.snapshots > snapshotsBefore[i]!));
    const called = await request(a, 'POST', '/api/halls/demo/windows/1/call-next', token);
    expect(called?.status).toBe(200);
    acked.called.add(called?.json.id);
    await waitUntil('boards on both processes show the call', () => boards.every((board) => board.called.has(called?.json.number)));
    const issued: any = await staff.timeout(10_000).emitWithAck('ticket:issue', { serviceId: 'zonghe-zixun' });
    // The refused issues took no number.
    const last = acked.issued.at(-1)!.number;
    expect(issued).toMatchObject({ ok: true, data: { number: `${last[0]}${String(Number(last.slice(1)) + 1).padStart(3, '0')}` } });
    acked.issued.push(issued.data);
    staff.close();

    await expectNothingAckedLost(b, token, acked);
    const seq = await hallSeq(a, token);
    await waitUntil('boards are on the hall seq', () => boards.every((board) => board.seq === seq));
  }, 120_000);
});
