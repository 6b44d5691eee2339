/**
 * 网上预约 capacity under concurrency (issue 18): 30 clients book the last 5 places of one slot at once,
 * on SQLite (one process) and on two processes over one Redis. Exactly 5 succeed, 25 get SLOT_FULL, and
 * the hall holds exactly the slot's capacity afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingSlotsAnswer } from '../../server/protocol/booking.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { type Cluster, loginAdmin, request, startCluster } from '../helpers/cluster.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const SERVICE = 'minzheng-dibao';
const CAPACITY = 8;
const TAKEN_BEFORE = 3;
const CLIENTS = 30;

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

/** The demo service at CAPACITY per slot, a slot a day ahead with TAKEN_BEFORE places taken: 5 left. */
async function prepare(call: Call): Promise<number> {
  const current = await call('GET', '/api/halls/demo/config');
  const config = current.json.config as HallConfig;
  const service = config.services.find((candidate) => candidate.id === SERVICE)!;
  service.booking = { ...service.booking!, perSlot: CAPACITY };
  expect((await call('PUT', '/api/halls/demo/config', { config })).status).toBe(200);
  const slots = (await call('GET', `/api/halls/demo/booking-slots?serviceId=${SERVICE}`)).json as BookingSlotsAnswer;
  const slot = slots.slots.find((candidate) => candidate.start > Date.now() + 86_400_000 && candidate.remaining === CAPACITY)!;
  for (let k = 0; k < TAKEN_BEFORE; k++) {
    expect((await call('POST', '/api/halls/demo/bookings', { serviceId: SERVICE, slotStart: slot.start, name: '先约', phone: `1370000000${k}` })).status).toBe(201);
  }
  return slot.start;
}

/** All at once, each through `callFor(k)` (a process of its own in the cluster). */
async function race(callFor: (k: number) => Call, slotStart: number): Promise<{ created: number; full: number; other: string[] }> {
  const answers = await Promise.all(
    Array.from({ length: CLIENTS }, (_unused, k) =>
      callFor(k)('POST', '/api/halls/demo/bookings', { serviceId: SERVICE, slotStart, name: `市民${k}`, phone: `1380000${String(k).padStart(4, '0')}` }),
    ),
  );
  const created = answers.filter((answer) => answer.status === 201).length;
  const full = answers.filter((answer) => answer.json?.error?.code === 'SLOT_FULL').length;
  const other = answers.filter((answer) => answer.status !== 201 && answer.json?.error?.code !== 'SLOT_FULL').map((answer) => JSON.stringify(answer.json));
  return { created, full, other };
}

async function remaining(call: Call, slotStart: number): Promise<number> {
  const slots = (await call('GET', `/api/halls/demo/booking-slots?serviceId=${SERVICE}`)).json as BookingSlotsAnswer;
  return slots.slots.find((slot) => slot.start === slotStart)!.remaining;
}

describe('30 clients, the last 5 places, SQLite', () => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.login('admin');
  });
  afterAll(() => t?.close());

  it('exactly 5 succeed and 25 get SLOT_FULL', async () => {
    const call: Call = async (method, path, body) => {
      const res = await t.api(method, path, { token: admin, ...(body !== undefined ? { body } : {}) });
      return { status: res.status, json: res.body };
    };
    const slotStart = await prepare(call);
    const outcome = await race(() => call, slotStart);
    expect(outcome).toEqual({ created: CAPACITY - TAKEN_BEFORE, full: CLIENTS - (CAPACITY - TAKEN_BEFORE), other: [] });
    expect(await remaining(call, slotStart)).toBe(0);
    const held = Object.values((await t.hallState()).appointments).filter((appointment) => appointment.slotStart === slotStart && appointment.status === 'booked');
    expect(held).toHaveLength(CAPACITY);
  });
});

describe.skipIf(!hasRedis())('30 clients, the last 5 places, two processes over Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  let token: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    cluster = await startCluster(redis, 2);
    token = await loginAdmin(cluster.servers[0]!.url);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await redis?.destroy();
  });

  it('exactly 5 succeed and 25 get SLOT_FULL, whichever process each went to', async () => {
    const through =
      (index: number): Call =>
      async (method, path, body) => {
        const answer = await request(cluster.servers[index % 2]!.url, method, path, token, body);
        if (!answer) throw new Error('a process died under the request');
        return answer;
      };
    const slotStart = await prepare(through(0));
    const outcome = await race(through, slotStart);
    expect(outcome).toEqual({ created: CAPACITY - TAKEN_BEFORE, full: CLIENTS - (CAPACITY - TAKEN_BEFORE), other: [] });
    expect(await remaining(through(1), slotStart)).toBe(0);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(slotStart));
    const list = await through(1)('GET', `/api/halls/demo/bookings?date=${day}`);
    expect(list.json.bookings.filter((row: { slotStart: number; status: string }) => row.slotStart === slotStart && row.status === 'booked')).toHaveLength(CAPACITY);
  }, 60_000);
});
