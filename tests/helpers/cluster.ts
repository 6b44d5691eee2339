/**
 * Several real HallQ server processes (server/main.ts children) on one
 * test-owned redis-server, a TCP balancer in front of them standing in for
 * nginx, and small REST and board clients. Used by the tests/integration/
 * cluster-*.test.ts files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket as NetSocket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { type ChildServer, freePort, killHard, startChildServer } from './childServer.js';
import type { TestRedis } from './redisServer.js';

export const ADMIN_PASSWORD = 'admin-test-password';

export interface Cluster {
  servers: ChildServer[];
  /** The balancer's URL: each new connection goes to the next live process. */
  balancerUrl: string;
  /** Starts process `index` again (after a kill) on its old port. */
  restart(index: number): Promise<ChildServer>;
  close(): Promise<void>;
}

export async function startCluster(redis: TestRedis, processes: number): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-cluster-'));
  const ports = await Promise.all(Array.from({ length: processes }, () => freePort()));
  const env = { HALLQ_REDIS_URL: redis.url };
  // One after the other: they share two cores, and the first creates the admin and the demo hall.
  const servers: ChildServer[] = [];
  for (const port of ports) servers.push(await startChildServer({ port, dataDir, env }));
  const balancer = await startBalancer(ports);
  return {
    servers,
    balancerUrl: balancer.url,
    async restart(index) {
      servers[index] = await startChildServer({ port: ports[index]!, dataDir, env });
      return servers[index]!;
    },
    async close() {
      balancer.close();
      await Promise.all(servers.map((server) => killHard(server)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Round-robin TCP balancer that skips backends refusing the connection (a killed process), as nginx does. */
async function startBalancer(ports: number[]): Promise<{ url: string; close(): void }> {
  let next = 0;
  const open = new Set<NetSocket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryBackend = (attempt: number) => {
      if (attempt >= ports.length) return client.destroy();
      const upstream = connect(ports[next++ % ports.length]!, '127.0.0.1');
      upstream.once('error', () => tryBackend(attempt + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      server.close();
      for (const socket of open) socket.destroy();
    },
  };
}

export interface Answer {
  status: number;
  json: any;
}

/** null when the process died under the request: not acknowledged. */
export async function request(url: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer | null> {
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: await response.json() };
  } catch {
    return null;
  }
}

export async function loginAdmin(url: string): Promise<string> {
  const answer = await request(url, 'POST', '/api/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD });
  if (answer?.status !== 200) throw new Error(`login failed: ${JSON.stringify(answer)}`);
  return answer.json.token as string;
}

/** Every event of a hall through REST, paging until complete. */
export async function allEvents(url: string, token: string, hallId: string): Promise<any[]> {
  const events: any[] = [];
  for (;;) {
    const answer = await request(url, 'GET', `/api/halls/${hallId}/events?since=${events.at(-1)?.seq ?? 0}`, token);
    if (answer?.status !== 200) throw new Error(`events: ${JSON.stringify(answer)}`);
    events.push(...answer.json.events);
    if (answer.json.complete) return events;
  }
}

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A hall board as the display app keeps one: a public socket (WebSocket only)
 * that applies events in seq order, takes the snapshot of every (re)connect,
 * and asks `hall:sync` when it sees a gap. It reconnects by itself.
 */
export class Board {
  readonly socket: Socket;
  seq = -1;
  snapshots = 0;
  /** `hall:events` frames received. */
  frames = 0;
  /** Ticket numbers called, as the board saw them (events, and the recent calls of each snapshot). */
  readonly called = new Set<string>();

  constructor(url: string, hallId: string) {
    this.socket = io(url, {
      auth: { hallId, client: 'board' },
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      randomizationFactor: 0,
    });
    this.socket.on('hall:snapshot', (snapshot: any) => {
      this.snapshots++;
      this.seq = snapshot.view.seq;
      for (const call of snapshot.view.recentCalls ?? []) this.called.add(call.ticketNumber);
    });
    // One frame per command; each of its events goes through the seq check.
    this.socket.on('hall:events', (events: any[]) => {
      this.frames++;
      for (const event of events) this.apply(event);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.close();
  }

  private apply(event: any): void {
    if (this.seq < 0 || event.seq <= this.seq) return;
    if (event.seq > this.seq + 1) {
      void this.sync();
      return;
    }
    this.seq = event.seq;
    if (event.type === 'ticket:called') this.called.add(event.ticket.number);
  }

  private syncing = false;
  /** A gap seen while a catch-up was under way: once it is answered, catch up again (the answer may end before it). */
  private behind = false;

  /** One catch-up at a time, as the display app does (the server budgets a socket's syncs). */
  private async sync(): Promise<void> {
    if (this.syncing) {
      this.behind = true;
      return;
    }
    this.syncing = true;
    this.behind = false;
    const answer: any = await this.socket.timeout(5000).emitWithAck('hall:sync', { sinceSeq: this.seq }).catch(() => null);
    this.syncing = false;
    if (answer?.ok && answer.data.kind === 'snapshot') {
      this.seq = answer.data.snapshot.view.seq;
    } else if (answer?.ok) {
      for (const event of answer.data.events) this.apply(event);
    } else {
      // Refused (over budget) or unanswered: ask again shortly rather than stay behind for good.
      this.behind = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (this.behind && this.socket.connected) void this.sync();
  }
}

export function connectBoard(url: string, hallId = 'demo'): Promise<Board> {
  const board = new Board(url, hallId);
  return waitUntil('the board has its first snapshot', () => board.snapshots > 0).then(() => board);
}
