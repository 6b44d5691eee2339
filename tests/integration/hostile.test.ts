/**
 * Hostile input, table-driven: every socket command and every REST route gets
 * wrong types, missing fields, unknown keys, huge strings, prototype-pollution
 * keys, unknown ids, another hall's ids, bad tokens, invalid JSON and no
 * acknowledgement function. Each must get a clear error code and change
 * nothing (both halls' stored state, devices, Object.prototype), and the
 * server must keep serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusOf, isErrorCode } from '../../server/protocol/errors.js';
import { WINDOW_ACTIONS } from '../../server/protocol/declarations.js';
import {
  type ApiResponse,
  type SecondHall,
  type TestServer,
  type TestSocket,
  DEMO,
  freshIp,
  startTestServer,
} from '../helpers/testServer.js';

type Payload = Record<string, unknown>;
type Case = { name: string; payload: unknown; code: string };

const MINUTE = 60_000;
const GENERAL = 'zonghe-zixun';
const HUGE = 'x'.repeat(10_000); // under the 16 KB message limit, over every field limit
const MEGABYTE = 'x'.repeat(1 << 20);

/** Ids made in beforeAll. */
const fx = {
  T1: '', // demo: current at window 1 (held by admin)
  T2: '', // demo: waiting
  A1: '', // demo announcement
  OT1: '', // other hall: current at o1
  OT2: '', // other hall: waiting
  OA1: '', // other hall announcement
  OC: '', // other hall appointment code
  kioskId: '',
  otherKioskId: '',
  revokedKiosk: '',
};
const tok = {} as Record<'admin' | 'zhuren' | 'clerk1' | 'clerk2' | 'other', string>;
let t: TestServer;
let other: SecondHall;
let baseline: string;
const watchers: TestSocket[] = [];

/**
 * Every socket command: a payload of the right shape (never sent as is), the
 * keys it must have, the keys that are in the URL over REST, and hostile ids
 * with the code they must get.
 */
interface Command {
  event: string;
  valid: () => Payload;
  required: string[];
  rest: { method: 'POST' | 'DELETE'; path: (p: Payload) => string; pathKeys: string[] };
  ids: () => Case[];
  /** A bug in the server makes these id cases answer wrongly (see the report at the bottom). */
  knownBugs?: string[];
}

const hall = `/api/halls/${DEMO}`;
const enc = (value: unknown) => encodeURIComponent(String(value));

function windowCommand(action: (typeof WINDOW_ACTIONS)[number]): Command {
  const extra: Record<string, () => Payload> = {
    pause: () => ({ reason: 'away', note: '马上回来' }),
    call: () => ({ ticketId: fx.T2 }),
    finish: () => ({ outcome: 'completed', caseNumber: 'CASE-1' }),
    requeue: () => ({ ticketId: fx.T2, after: 2 }),
    transfer: () => ({ toWindowId: '3', note: '转民政' }),
  };
  const requiredExtra: Record<string, string[]> = { pause: ['reason'], call: ['ticketId'], requeue: ['ticketId'], transfer: ['toWindowId'] };
  const valid = () => ({ windowId: '1', ...(extra[action]?.() ?? {}) });
  const ids = (): Case[] => {
    const cases: Case[] = [
      { name: 'unknown window', payload: { ...valid(), windowId: 'no-such-window' }, code: 'WINDOW_NOT_FOUND' },
      { name: "another hall's window", payload: { ...valid(), windowId: other.windowId('1') }, code: 'WINDOW_NOT_FOUND' },
      { name: 'window __proto__', payload: { ...valid(), windowId: '__proto__' }, code: 'WINDOW_NOT_FOUND' },
      { name: 'window constructor', payload: { ...valid(), windowId: 'constructor' }, code: 'WINDOW_NOT_FOUND' },
    ];
    if (action === 'call' || action === 'requeue') {
      cases.push(
        { name: 'unknown ticket', payload: { ...valid(), ticketId: 'no-such-ticket' }, code: 'TICKET_NOT_FOUND' },
        { name: "another hall's ticket", payload: { ...valid(), ticketId: fx.OT2 }, code: 'TICKET_NOT_FOUND' },
        { name: 'ticket __proto__', payload: { ...valid(), ticketId: '__proto__' }, code: 'TICKET_NOT_FOUND' },
        { name: 'ticket constructor', payload: { ...valid(), ticketId: 'constructor' }, code: 'TICKET_NOT_FOUND' },
      );
    }
    if (action === 'transfer') {
      cases.push(
        { name: 'unknown target window', payload: { ...valid(), toWindowId: 'no-such-window' }, code: 'WINDOW_NOT_FOUND' },
        { name: "another hall's target window", payload: { ...valid(), toWindowId: other.windowId('3') }, code: 'WINDOW_NOT_FOUND' },
        { name: 'target window __proto__', payload: { ...valid(), toWindowId: '__proto__' }, code: 'WINDOW_NOT_FOUND' },
        { name: 'unknown service', payload: { windowId: '1', serviceId: 'no-such-service' }, code: 'SERVICE_NOT_FOUND' },
        { name: "another hall's service", payload: { windowId: '1', serviceId: other.serviceId(GENERAL) }, code: 'SERVICE_NOT_FOUND' },
      );
    }
    return cases;
  };
  return {
    event: `window:${action}`,
    valid,
    required: ['windowId', ...(requiredExtra[action] ?? [])],
    rest: { method: 'POST', path: (p) => `${hall}/windows/${enc(p.windowId)}/${action}`, pathKeys: ['windowId'] },
    ids,
    ...(action === 'call' || action === 'requeue' ? { knownBugs: ['ticket __proto__', 'ticket constructor'] } : {}),
  };
}

const COMMANDS: Command[] = [
  {
    event: 'hall:sync',
    valid: () => ({ sinceSeq: 0 }),
    required: ['sinceSeq'],
    rest: { method: 'POST', path: () => '', pathKeys: [] }, // GET …/events, tested separately
    ids: () => [{ name: 'negative seq', payload: { sinceSeq: -1 }, code: 'VALIDATION_FAILED' }],
  },
  {
    event: 'ticket:issue',
    valid: () => ({ serviceId: GENERAL, priority: true, channel: 'desk', requestId: 'hostile-0001' }),
    required: ['serviceId'],
    rest: { method: 'POST', path: () => `${hall}/tickets`, pathKeys: [] },
    ids: () => [
      { name: 'unknown service', payload: { serviceId: 'no-such-service' }, code: 'SERVICE_NOT_FOUND' },
      { name: "another hall's service", payload: { serviceId: other.serviceId(GENERAL) }, code: 'SERVICE_NOT_FOUND' },
      { name: 'service __proto__', payload: { serviceId: '__proto__' }, code: 'SERVICE_NOT_FOUND' },
      { name: 'service constructor', payload: { serviceId: 'constructor' }, code: 'SERVICE_NOT_FOUND' },
    ],
  },
  {
    event: 'ticket:cancel',
    valid: () => ({ ticketId: fx.T2, requestId: 'hostile-0002' }),
    required: ['ticketId'],
    rest: { method: 'POST', path: (p) => `${hall}/tickets/${enc(p.ticketId)}/cancel`, pathKeys: ['ticketId'] },
    ids: () => [
      { name: 'unknown ticket', payload: { ticketId: 'no-such-ticket' }, code: 'TICKET_NOT_FOUND' },
      { name: "another hall's ticket", payload: { ticketId: fx.OT2 }, code: 'TICKET_NOT_FOUND' },
      { name: 'ticket __proto__', payload: { ticketId: '__proto__' }, code: 'TICKET_NOT_FOUND' },
      { name: 'ticket constructor', payload: { ticketId: 'constructor' }, code: 'TICKET_NOT_FOUND' },
    ],
    knownBugs: ['ticket __proto__', 'ticket constructor'],
  },
  {
    event: 'ticket:rate',
    valid: () => ({ level: 5, ticketId: fx.T1, windowId: '1' }),
    required: ['level'],
    rest: { method: 'POST', path: () => `${hall}/ratings`, pathKeys: [] },
    // Staff never rate (issue 13 item 4): whatever the id, the staff sender of this table is refused
    // before it is looked up. The same ids from the citizen's link and a paired screen: security-ratings.test.ts.
    ids: () => [
      // A supervisor may record a rating at the guide desk by ticket id (issue 14): such ids are not rateable.
      { name: 'unknown ticket', payload: { level: 5, ticketId: 'no-such-ticket' }, code: 'NOT_RATEABLE' },
      { name: "another hall's ticket", payload: { level: 5, ticketId: fx.OT1 }, code: 'NOT_RATEABLE' },
      { name: 'ticket __proto__', payload: { level: 5, ticketId: '__proto__' }, code: 'NOT_RATEABLE' },
      { name: 'unknown window', payload: { level: 5, windowId: 'no-such-window' }, code: 'FORBIDDEN' },
      { name: "another hall's window", payload: { level: 5, windowId: other.windowId('1') }, code: 'FORBIDDEN' },
      { name: 'window __proto__', payload: { level: 5, windowId: '__proto__' }, code: 'FORBIDDEN' },
      { name: 'neither ticket nor window', payload: { level: 5 }, code: 'VALIDATION_FAILED' },
      { name: 'level 6', payload: { level: 6, windowId: '1' }, code: 'VALIDATION_FAILED' },
    ],
  },
  {
    event: 'appointment:create',
    valid: () => ({ serviceId: GENERAL, slotStart: Date.now(), slotEnd: Date.now() + 30 * MINUTE, externalRef: 'REF-1' }),
    required: ['serviceId', 'slotStart', 'slotEnd'],
    rest: { method: 'POST', path: () => `${hall}/appointments`, pathKeys: [] },
    ids: () => [
      { name: 'unknown service', payload: { serviceId: 'no-such-service', slotStart: Date.now(), slotEnd: Date.now() + MINUTE }, code: 'SERVICE_NOT_FOUND' },
      { name: "another hall's service", payload: { serviceId: other.serviceId(GENERAL), slotStart: Date.now(), slotEnd: Date.now() + MINUTE }, code: 'SERVICE_NOT_FOUND' },
      { name: 'slot in 1970', payload: { serviceId: GENERAL, slotStart: 1, slotEnd: 2 }, code: 'VALIDATION_FAILED' },
      { name: 'end before start', payload: { serviceId: GENERAL, slotStart: Date.now(), slotEnd: Date.now() - MINUTE }, code: 'APPOINTMENT_SLOT_INVALID' },
    ],
  },
  {
    event: 'appointment:check-in',
    valid: () => ({ code: '123456' }),
    required: ['code'],
    rest: { method: 'POST', path: () => `${hall}/appointments/check-in`, pathKeys: [] },
    ids: () => [
      { name: "another hall's code", payload: { code: fx.OC }, code: 'APPOINTMENT_NOT_FOUND' },
      { name: 'five digits', payload: { code: '12345' }, code: 'VALIDATION_FAILED' },
      { name: 'letters', payload: { code: 'abcdef' }, code: 'VALIDATION_FAILED' },
    ],
  },
  {
    event: 'announcement:post',
    valid: () => ({ text: '通知', textAlt: 'Notice', expiresAt: Date.now() + 60 * MINUTE }),
    required: ['text'],
    rest: { method: 'POST', path: () => `${hall}/announcements`, pathKeys: [] },
    ids: () => [
      { name: 'blank text', payload: { text: '    ' }, code: 'VALIDATION_FAILED' },
      { name: 'expiry in 2200', payload: { text: 'x', expiresAt: 7_258_118_400_000 }, code: 'VALIDATION_FAILED' },
    ],
  },
  {
    event: 'announcement:remove',
    valid: () => ({ announcementId: fx.A1 }),
    required: ['announcementId'],
    rest: { method: 'DELETE', path: (p) => `${hall}/announcements/${enc(p.announcementId)}`, pathKeys: ['announcementId'] },
    ids: () => [
      { name: 'unknown announcement', payload: { announcementId: 'no-such-announcement' }, code: 'ANNOUNCEMENT_NOT_FOUND' },
      { name: "another hall's announcement", payload: { announcementId: fx.OA1 }, code: 'ANNOUNCEMENT_NOT_FOUND' },
      { name: 'announcement __proto__', payload: { announcementId: '__proto__' }, code: 'ANNOUNCEMENT_NOT_FOUND' },
    ],
  },
  ...WINDOW_ACTIONS.map(windowCommand),
];

function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'string') return [12345, true, null, { $ne: '' }, [value]];
  if (typeof value === 'number') return [String(value), 1.5, null, {}, [value], 1e300];
  if (typeof value === 'boolean') return ['true', 1, null];
  return [];
}

/** A copy of `payload` with an extra own key that must never reach a prototype. */
function withKey(payload: Payload, key: '__proto__' | 'constructor'): Payload {
  const injected = key === '__proto__' ? { polluted: 'yes' } : { prototype: { polluted: 'yes' } };
  const rest = JSON.stringify(payload).slice(1, -1);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(injected)}${rest ? `,${rest}` : ''}}`) as Payload;
}

/** Malformed variants of a payload that must all be refused with VALIDATION_FAILED. */
function malformed(valid: Payload, required: string[], skipKeys: string[] = []): Case[] {
  const cases: Case[] = [
    { name: 'unknown key', payload: { ...valid, isAdmin: true } },
    { name: '__proto__ key', payload: withKey(valid, '__proto__') },
    { name: 'constructor key', payload: withKey(valid, 'constructor') },
    { name: 'nested unknown key', payload: { ...valid, extra: { deep: { deeper: [1, 2, 3] } } } },
  ].map((c) => ({ ...c, code: 'VALIDATION_FAILED' }));
  for (const key of required.filter((k) => !skipKeys.includes(k))) {
    const { [key]: _dropped, ...rest } = valid;
    cases.push({ name: `missing ${key}`, payload: rest, code: 'VALIDATION_FAILED' });
  }
  for (const [key, value] of Object.entries(valid)) {
    if (skipKeys.includes(key)) continue;
    for (const wrong of wrongTypes(value)) {
      cases.push({ name: `${key} = ${JSON.stringify(wrong)?.slice(0, 20)}`, payload: { ...valid, [key]: wrong }, code: 'VALIDATION_FAILED' });
    }
    if (typeof value === 'string') cases.push({ name: `${key} of 10 KB`, payload: { ...valid, [key]: HUGE }, code: 'VALIDATION_FAILED' });
  }
  cases.push({ name: 'requestId too short', payload: { ...valid, requestId: 'abc' }, code: 'VALIDATION_FAILED' });
  return cases;
}

const NON_OBJECTS: Case[] = [null, 42, 'text', true, [], [{ windowId: '1' }], -0, ''].map((payload) => ({
  name: `payload ${JSON.stringify(payload)}`,
  payload,
  code: 'VALIDATION_FAILED',
}));

async function worldJson(): Promise<string> {
  const [demo, second, devices, otherDevices, users] = await Promise.all([
    t.stateJson(DEMO),
    t.stateJson(other.hallId),
    t.server.store.accounts.listDevices(DEMO),
    t.server.store.accounts.listDevices(other.hallId),
    t.server.store.accounts.listUsers(),
  ]);
  const stable = (list: Array<Record<string, unknown>>) => list.map(({ lastSeenAt: _seen, ...rest }) => rest);
  return JSON.stringify({ demo, second, devices: stable(devices as never), otherDevices: stable(otherDevices as never), users: users.length });
}

async function expectUnchanged(): Promise<void> {
  expect(await worldJson()).toBe(baseline);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
}

async function expectStillServing(socket?: TestSocket): Promise<void> {
  const health = await t.api('GET', '/healthz');
  expect(health.status).toBe(200);
  expect(health.body).toEqual({ status: 'ok' });
  expect((await t.api('GET', `${hall}/board`)).status).toBe(200);
  if (socket) expect(await socket.send('hall:sync', { sinceSeq: 1_000_000 })).toEqual({ ok: true, data: { kind: 'events', events: [] } });
}

function describeMismatch(label: string, got: { code?: unknown; status?: number }, want: { code: string; status?: number }): string | null {
  const codeOk = got.code === want.code;
  const statusOk = want.status === undefined || got.status === want.status;
  return codeOk && statusOk ? null : `${label}: want ${want.status ?? ''} ${want.code}, got ${got.status ?? ''} ${String(got.code)}`;
}

beforeAll(async () => {
  t = await startTestServer();
  other = await t.createSecondHall();
  for (const user of ['admin', 'zhuren', 'clerk1', 'clerk2'] as const) tok[user] = await t.login(user);
  tok.other = await t.login(other.clerkUsername, other.clerkPassword);
  const ok = async (res: Promise<ApiResponse>) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`set-up failed: ${r.status} ${r.text}`);
    return r.body;
  };
  const post = (path: string, token: string, body: unknown = {}) => t.api('POST', path, { token, body });

  // Demo hall: admin holds window 1 with T1 called and T2 waiting; clerk2 holds window 2.
  await ok(post(`${hall}/windows/1/open`, tok.admin));
  fx.T1 = (await ok(post(`${hall}/tickets`, tok.admin, { serviceId: GENERAL }))).id;
  fx.T2 = (await ok(post(`${hall}/tickets`, tok.admin, { serviceId: GENERAL }))).id;
  expect((await ok(post(`${hall}/windows/1/call-next`, tok.admin))).id).toBe(fx.T1);
  await ok(post(`${hall}/windows/2/open`, tok.clerk2));
  fx.A1 = (await ok(post(`${hall}/announcements`, tok.admin, { text: '今日正常办公' }))).id;
  const kiosk = await ok(post(`${hall}/devices`, tok.zhuren, { kind: 'kiosk', name: '取号机' }));
  fx.kioskId = kiosk.device.id;
  const revoked = await ok(post(`${hall}/devices`, tok.zhuren, { kind: 'kiosk', name: '旧取号机' }));
  await ok(post(`${hall}/devices/${revoked.device.id}/revoke`, tok.zhuren));
  fx.revokedKiosk = revoked.token;

  // The other hall: its clerk holds o1 with OT1 called and OT2 waiting.
  const otherHall = `/api/halls/${other.hallId}`;
  await ok(post(`${otherHall}/windows/${other.windowId('1')}/open`, tok.other));
  fx.OT1 = (await ok(post(`${otherHall}/tickets`, tok.other, { serviceId: other.serviceId(GENERAL) }))).id;
  fx.OT2 = (await ok(post(`${otherHall}/tickets`, tok.other, { serviceId: other.serviceId(GENERAL) }))).id;
  await ok(post(`${otherHall}/windows/${other.windowId('1')}/call-next`, tok.other));
  fx.OA1 = (await ok(post(`${otherHall}/announcements`, tok.admin, { text: '白石乡公告' }))).id;
  fx.OC = (await ok(post(`${otherHall}/appointments`, tok.admin, { serviceId: other.serviceId(GENERAL), slotStart: Date.now(), slotEnd: Date.now() + 60 * MINUTE }))).code;
  fx.otherKioskId = (await ok(post(`${otherHall}/devices`, tok.admin, { kind: 'kiosk', name: '白石取号机' }))).device.id;

  // Boards of both halls watch for any broadcast the hostile traffic might cause.
  watchers.push(await t.connect({ hallId: DEMO }), await t.connect({ hallId: other.hallId, token: tok.other }));
  baseline = await worldJson();
});

afterAll(() => t?.close());

describe('socket commands', () => {
  let admin: TestSocket;
  let clerk: TestSocket;
  let board: TestSocket;
  beforeAll(async () => {
    admin = await t.connect({ hallId: DEMO, token: tok.admin });
    clerk = await t.connect({ hallId: DEMO, token: tok.clerk1 });
    board = await t.connect({ hallId: DEMO });
  });

  for (const command of COMMANDS) {
    it(`${command.event}: malformed, hostile and unknown-id payloads are refused with no change`, async () => {
      const bugs = new Set(command.knownBugs ?? []);
      const cases = [...NON_OBJECTS, ...malformed(command.valid(), command.required), ...command.ids().filter((c) => !bugs.has(c.name))];
      const mismatches: string[] = [];
      for (const c of cases) {
        const ack = await admin.send(command.event, c.payload);
        if (ack.ok) mismatches.push(`${c.name}: accepted!`);
        else {
          expect(isErrorCode(ack.error.code)).toBe(true);
          expect(ack.error.message).toEqual(expect.any(String));
          const mismatch = describeMismatch(c.name, { code: ack.error.code }, c);
          if (mismatch) mismatches.push(mismatch);
        }
      }
      expect(mismatches).toEqual([]);

      // Without an acknowledgement function: a payload only, nothing at all, the ack in the payload's place, extra arguments.
      for (const c of cases.slice(0, 12)) admin.fire(command.event, c.payload);
      admin.fire(command.event);
      expect(await admin.send(command.event)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await (admin.socket.timeout(3000) as any).emitWithAck(command.event, 'bad', 'extra', 3)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });

      await expectStillServing(admin);
      await expectUnchanged();
    });
  }

  it('the public and clerks of other windows are refused before anything happens', async () => {
    const mismatches: string[] = [];
    for (const command of COMMANDS) {
      if (command.event === 'hall:sync') continue; // open to the public by design
      // Public: valid-looking payloads; ticket:issue asks for the green channel, which the public may not.
      const ack = await board.send(command.event, command.valid());
      const mismatch = describeMismatch(`public ${command.event}`, { code: ack.ok ? 'accepted' : ack.error.code }, { code: 'UNAUTHENTICATED' });
      if (mismatch) mismatches.push(mismatch);
    }
    for (const action of WINDOW_ACTIONS) {
      if (action === 'take-over') continue; // AB岗: any clerk of the hall may take over an open window
      const payload = windowCommand(action).valid();
      const ack = await clerk.send(`window:${action}`, payload);
      const want = action === 'open' ? 'WINDOW_BUSY' : 'WINDOW_NOT_HELD';
      const mismatch = describeMismatch(`clerk1 window:${action} on admin's window`, { code: ack.ok ? 'accepted' : ack.error.code }, { code: want });
      if (mismatch) mismatches.push(mismatch);
    }
    for (const [event, payload] of [
      ['announcement:post', { text: '员工公告' }],
      ['announcement:remove', { announcementId: 'x' }],
      ['appointment:create', { serviceId: GENERAL, slotStart: Date.now(), slotEnd: Date.now() + MINUTE }],
    ] as const) {
      const ack = await clerk.send(event, payload);
      const mismatch = describeMismatch(`clerk1 ${event}`, { code: ack.ok ? 'accepted' : ack.error.code }, { code: 'FORBIDDEN' });
      if (mismatch) mismatches.push(mismatch);
    }
    expect(mismatches).toEqual([]);
    await expectUnchanged();
  });

  it('a 1 MB message over the socket drops that connection only; the server carries on', async () => {
    for (const command of COMMANDS) {
      const victim = await t.connect({ hallId: DEMO, token: tok.admin });
      const gone = victim.waitForDisconnect();
      victim.socket.emit(command.event, { ...command.valid(), blob: MEGABYTE }, () => {
        throw new Error(`${command.event}: a 1 MB message was answered`);
      });
      expect(await gone).toMatch(/transport close|transport error|io server disconnect/);
    }
    await expectStillServing(admin);
    await expectUnchanged();
  });

  it('unknown events and binary payloads are ignored or refused', async () => {
    admin.fire('admin:drop-everything', { all: true });
    admin.fire('hall:snapshot', { audience: 'staff' });
    admin.fire('ticket:called', { seq: 1 });
    expect(await admin.send('ticket:issue', new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await admin.send('window:open', { windowId: new Uint8Array([49]) })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await expectStillServing(admin);
    await expectUnchanged();
  });

  // Known bug (server/domain/context.ts requireTicket, tickets.cancel): tickets are looked up with
  // `state.tickets[id]`, so the ids "__proto__" and "constructor" find Object.prototype / Object and
  // the answer is TICKET_NOT_WAITING / TICKET_NOT_NO_SHOW instead of TICKET_NOT_FOUND. Nothing changes
  // (checked here), but the code is misleading. Flip to `it` once fixed.
  it('prototype names as ticket ids are unknown tickets (TICKET_NOT_FOUND)', async () => {
    const answers: string[] = [];
    for (const command of COMMANDS.filter((c) => c.knownBugs)) {
      for (const c of command.ids().filter((c) => command.knownBugs!.includes(c.name))) {
        const ack = await admin.send(command.event, c.payload);
        answers.push(`${command.event} ${c.name}: ${ack.ok ? 'accepted' : ack.error.code}`);
      }
    }
    await expectUnchanged();
    expect(answers.filter((answer) => !answer.endsWith('TICKET_NOT_FOUND'))).toEqual([]);
  });
});

describe('socket handshake', () => {
  it('missing, forged, expired, revoked and ill-typed credentials are refused', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['garbage token', { hallId: DEMO, token: 'garbage' }, 'UNAUTHENTICATED'],
      ['forged JWT (wrong key)', { hallId: DEMO, token: await t.forgedToken('clerk1') }, 'UNAUTHENTICATED'],
      ['unsigned JWT (alg none)', { hallId: DEMO, token: unsignedJwt() }, 'UNAUTHENTICATED'],
      ['expired JWT', { hallId: DEMO, token: await t.expiredToken('clerk1') }, 'TOKEN_EXPIRED'],
      ['revoked kiosk', { hallId: DEMO, token: fx.revokedKiosk }, 'UNAUTHENTICATED'],
      ['unknown device token', { hallId: DEMO, token: 'hqd_' + 'A'.repeat(43) }, 'UNAUTHENTICATED'],
      ['8 KB token', { hallId: DEMO, token: 'x'.repeat(8192) }, 'UNAUTHENTICATED'],
      ['token as a number', { hallId: DEMO, token: 12345 }, 'UNAUTHENTICATED'],
      ['token as an object', { hallId: DEMO, token: { sub: 'admin' } }, 'UNAUTHENTICATED'],
      ['clerk of another hall', { hallId: other.hallId, token: tok.clerk1 }, 'FORBIDDEN'],
      ['no hallId', {}, 'VALIDATION_FAILED'],
      ['hallId as a number', { hallId: 42 }, 'VALIDATION_FAILED'],
      ['hallId as an object', { hallId: { $gt: '' } }, 'VALIDATION_FAILED'],
      ['hallId too long', { hallId: 'h'.repeat(65) }, 'VALIDATION_FAILED'],
      ['hallId with a slash', { hallId: '../demo' }, 'VALIDATION_FAILED'],
      ['unknown hall', { hallId: 'no-such-hall' }, 'HALL_NOT_FOUND'],
      ['hall __proto__', { hallId: '__proto__' }, 'HALL_NOT_FOUND'],
      ['hall constructor', { hallId: 'constructor' }, 'HALL_NOT_FOUND'],
    ];
    const mismatches: string[] = [];
    for (const [name, auth, code] of cases) {
      const data = await t.connectError(auth).catch((error: Error) => ({ code: `connected (${error.message.slice(0, 40)})` }));
      const mismatch = describeMismatch(name, { code: data.code }, { code });
      if (mismatch) mismatches.push(mismatch);
    }
    expect(mismatches).toEqual([]);
    // Hostile extras in the handshake are ignored.
    const oddAuth = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"client":{"evil":true},"windowId":"__proto__"}');
    const odd = await t.connect({ hallId: DEMO, auth: oddAuth });
    expect(odd.snapshot.audience).toBe('public');
    odd.close();
    await expectStillServing();
    await expectUnchanged();
  });
});

function unsignedJwt(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', role: 'admin', halls: ['*'], iss: 'hallq', exp: 4_000_000_000 })}.`;
}

describe('REST routes', () => {
  /** Every hall-scoped POST/DELETE route with a body, from the command table, plus login and devices. */
  interface Route {
    name: string;
    method: 'POST' | 'DELETE';
    path: () => string;
    token: () => string;
    valid: () => Payload;
    required: string[];
    /** A valid body without a token would be accepted (public routes). */
    publicAllowed?: boolean;
    /** The route ignores its body (so body variants other than bad JSON / too large are harmless). */
    bodyless?: boolean;
    ids?: () => Array<{ name: string; path?: string; body?: Payload; status: number; code: string }>;
    knownBugs?: string[];
  }

  const fromCommand = (command: Command): Route => {
    const valid = () => command.valid();
    const body = (p: Payload) => Object.fromEntries(Object.entries(p).filter(([key]) => !command.rest.pathKeys.includes(key)));
    return {
      name: `${command.rest.method} ${command.event}`,
      method: command.rest.method,
      path: () => command.rest.path(valid()),
      token: () => (command.event.startsWith('appointment:create') ? tok.zhuren : tok.admin),
      valid: () => body(valid()),
      required: command.required.filter((key) => !command.rest.pathKeys.includes(key)),
      ids: () =>
        command.ids().map((c) => ({
          name: c.name,
          path: command.rest.path(c.payload as Payload),
          body: body(c.payload as Payload),
          status: httpStatusOf(c.code as never),
          code: c.code,
        })),
      ...(command.knownBugs ? { knownBugs: command.knownBugs } : {}),
    };
  };

  const ROUTES: Route[] = [
    {
      name: 'POST /api/auth/login',
      method: 'POST',
      path: () => '/api/auth/login',
      token: () => '',
      valid: () => ({ username: 'clerk1', password: 'demo1234' }),
      required: ['username', 'password'],
      publicAllowed: true,
      ids: () => [
        { name: 'unknown user', body: { username: 'nobody', password: 'demo1234' }, status: 401, code: 'INVALID_CREDENTIALS' },
        { name: 'user __proto__', body: { username: '__proto__', password: 'x' }, status: 401, code: 'INVALID_CREDENTIALS' },
        { name: 'SQL in user name', body: { username: "admin' OR '1'='1", password: "' OR '1'='1" }, status: 401, code: 'INVALID_CREDENTIALS' },
      ],
    },
    ...COMMANDS.filter((c) => c.event !== 'hall:sync').map(fromCommand),
    {
      name: 'POST devices',
      method: 'POST',
      path: () => `${hall}/devices`,
      token: () => tok.zhuren,
      valid: () => ({ kind: 'kiosk', name: '新取号机' }),
      required: ['kind', 'name'],
      ids: () => [
        { name: 'unknown hall', path: '/api/halls/no-such-hall/devices', body: { kind: 'kiosk', name: 'k' }, status: 403, code: 'FORBIDDEN' },
        { name: 'kind admin', body: { kind: 'admin', name: 'k' }, status: 400, code: 'VALIDATION_FAILED' },
      ],
    },
    {
      name: 'POST devices/:id/revoke',
      method: 'POST',
      path: () => `${hall}/devices/${fx.kioskId}/revoke`,
      token: () => tok.zhuren,
      valid: () => ({}),
      required: [],
      bodyless: true,
      ids: () => [
        { name: 'unknown device', path: `${hall}/devices/no-such-device/revoke`, status: 404, code: 'NOT_FOUND' },
        { name: "another hall's device", path: `${hall}/devices/${fx.otherKioskId}/revoke`, status: 404, code: 'NOT_FOUND' },
        { name: 'device __proto__', path: `${hall}/devices/__proto__/revoke`, status: 404, code: 'NOT_FOUND' },
      ],
    },
  ];

  const livePath = (route: Route) => route.path();

  async function call(route: Route, options: { path?: string; token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }) {
    const token = options.token === null ? undefined : (options.token ?? route.token());
    return t.api(route.method, options.path ?? livePath(route), {
      ...(token ? { token } : {}),
      ...(options.raw !== undefined ? { raw: options.raw } : { body: options.body ?? {} }),
      ...(options.headers ? { headers: options.headers } : {}),
      ip: freshIp(),
    });
  }

  for (const route of ROUTES) {
    it(`${route.name}: hostile bodies, tokens and ids are refused with no change`, async () => {
      const cases: Array<{ name: string; run: () => Promise<ApiResponse>; status: number; code: string }> = [];
      const add = (name: string, run: () => Promise<ApiResponse>, status: number, code: string) => cases.push({ name, run, status, code });

      // Bodies the parser refuses: invalid JSON, non-objects (strict JSON), too large.
      for (const raw of ['{"serviceId": ', "{'a': 1}", '{"a":1}}', 'null', '42', '"text"', 'true', '\u0000']) {
        add(`raw body ${JSON.stringify(raw)}`, () => call(route, { raw }), 400, 'VALIDATION_FAILED');
      }
      add('body of 20 KB', () => call(route, { body: { ...route.valid(), padding: 'x'.repeat(20_000) } }), 413, 'PAYLOAD_TOO_LARGE');
      add('body of 1 MB', () => call(route, { raw: JSON.stringify({ blob: MEGABYTE }) }), 413, 'PAYLOAD_TOO_LARGE');
      if (!route.bodyless) {
        for (const c of [...NON_OBJECTS.filter((c) => c.payload !== null && typeof c.payload === 'object'), ...malformed(route.valid(), route.required)]) {
          add(c.name, () => call(route, { body: c.payload }), 400, 'VALIDATION_FAILED');
        }
      }

      // Credentials: forged, expired, unsigned, revoked, malformed header; none (where the route is not public);
      // a clerk of another hall.
      const valid = route.valid();
      const forged = await t.forgedToken('admin');
      const expired = await t.expiredToken('admin');
      add('forged JWT', () => call(route, { token: forged, body: valid }), 401, 'UNAUTHENTICATED');
      add('unsigned JWT', () => call(route, { token: unsignedJwt(), body: valid }), 401, 'UNAUTHENTICATED');
      add('expired JWT', () => call(route, { token: expired, body: valid }), 401, 'TOKEN_EXPIRED');
      add('revoked kiosk', () => call(route, { token: fx.revokedKiosk, body: valid }), 401, 'UNAUTHENTICATED');
      add('Basic auth header', () => call(route, { token: null, body: valid, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'UNAUTHENTICATED');
      add('empty bearer', () => call(route, { token: null, body: valid, headers: { authorization: 'Bearer ' } }), 401, 'UNAUTHENTICATED');
      add('8 KB bearer', () => call(route, { token: 'x'.repeat(8192), body: valid }), 401, 'UNAUTHENTICATED');
      if (!route.publicAllowed) add('no token', () => call(route, { token: null, body: valid }), 401, 'UNAUTHENTICATED');
      if (livePath(route).startsWith(hall)) add('clerk of another hall', () => call(route, { token: tok.other, body: valid }), 403, 'FORBIDDEN');

      // Unknown ids and another hall's ids.
      const bugs = new Set(route.knownBugs ?? []);
      for (const c of route.ids?.() ?? []) {
        if (bugs.has(c.name)) continue;
        add(c.name, () => call(route, { path: c.path ?? livePath(route), body: c.body ?? valid }), c.status, c.code);
      }
      if (livePath(route).startsWith(hall)) {
        add('unknown hall', () => call(route, { path: livePath(route).replace(hall, '/api/halls/no-such-hall'), token: tok.admin, body: valid }), 404, route.name === 'POST devices/:id/revoke' ? 'NOT_FOUND' : 'HALL_NOT_FOUND');
      }

      const mismatches: string[] = [];
      for (const c of cases) {
        const res = await c.run();
        if (res.headers.get('content-type')?.includes('application/json') !== true) mismatches.push(`${c.name}: not JSON (${res.status})`);
        const mismatch = describeMismatch(c.name, { status: res.status, code: res.body?.error?.code }, c);
        if (mismatch) mismatches.push(mismatch);
      }
      expect(mismatches).toEqual([]);
      await expectStillServing();
      await expectUnchanged();
    });
  }

  it('GET routes: bad tokens, unknown ids, hostile query strings', async () => {
    const forged = await t.forgedToken('admin');
    const expired = await t.expiredToken('clerk1');
    const cases: Array<[string, string, string | undefined, number, string]> = [];
    for (const path of ['/api/auth/me', '/api/halls', `${hall}/board`, `${hall}/staff-view`, `${hall}/events?since=0`, `/api/tickets/${fx.T1}`, `${hall}/devices`]) {
      cases.push([`${path} forged`, path, forged, 401, 'UNAUTHENTICATED'], [`${path} expired`, path, expired, 401, 'TOKEN_EXPIRED']);
    }
    cases.push(
      ['staff view, public', `${hall}/staff-view`, undefined, 401, 'UNAUTHENTICATED'],
      ['staff view, other hall clerk', `${hall}/staff-view`, tok.other, 403, 'FORBIDDEN'],
      ['devices, public', `${hall}/devices`, undefined, 401, 'UNAUTHENTICATED'],
      ['devices, clerk', `${hall}/devices`, tok.clerk1, 403, 'FORBIDDEN'],
      ['devices, other hall clerk', `${hall}/devices`, tok.other, 403, 'FORBIDDEN'],
      ['board, unknown hall', '/api/halls/no-such-hall/board', undefined, 404, 'HALL_NOT_FOUND'],
      ['board, hall __proto__', '/api/halls/__proto__/board', undefined, 404, 'HALL_NOT_FOUND'],
      ['board, hall constructor', '/api/halls/constructor/board', undefined, 404, 'HALL_NOT_FOUND'],
      ['staff view, unknown hall', '/api/halls/no-such-hall/staff-view', tok.admin, 404, 'HALL_NOT_FOUND'],
      ['events, unknown hall', '/api/halls/no-such-hall/events?since=0', undefined, 404, 'HALL_NOT_FOUND'],
      ['events, since=abc', `${hall}/events?since=abc`, undefined, 400, 'VALIDATION_FAILED'],
      ['events, since=-5', `${hall}/events?since=-5`, undefined, 400, 'VALIDATION_FAILED'],
      ['events, since=1.5', `${hall}/events?since=1.5`, undefined, 400, 'VALIDATION_FAILED'],
      ['events, since=1e999', `${hall}/events?since=1e999`, undefined, 400, 'VALIDATION_FAILED'],
      ['events, since=1&since=2', `${hall}/events?since=1&since=2`, undefined, 400, 'VALIDATION_FAILED'],
      ['events, since=SQL', `${hall}/events?since=${enc('1; DROP TABLE events')}`, undefined, 400, 'VALIDATION_FAILED'],
      ['ticket, unknown', '/api/tickets/no-such-ticket', undefined, 404, 'TICKET_NOT_FOUND'],
      ['ticket, __proto__', '/api/tickets/__proto__', undefined, 404, 'TICKET_NOT_FOUND'],
      ['ticket, bad characters', `/api/tickets/${enc('<script>')}`, undefined, 404, 'TICKET_NOT_FOUND'],
      ['ticket, 10 KB id', `/api/tickets/${'a'.repeat(10_000)}`, undefined, 404, 'TICKET_NOT_FOUND'],
      ['unknown route', '/api/nope', undefined, 404, 'NOT_FOUND'],
      ['unknown window action', `${hall}/windows/1/explode`, tok.admin, 404, 'NOT_FOUND'],
    );
    const mismatches: string[] = [];
    for (const [name, path, token, status, code] of cases) {
      const method = name === 'unknown window action' ? 'POST' : 'GET';
      const res = await t.api(method, path, { ...(token ? { token } : {}), ip: freshIp() });
      const mismatch = describeMismatch(name, { status: res.status, code: res.body?.error?.code }, { status, code });
      if (mismatch) mismatches.push(mismatch);
    }
    // Window ids that are not ids at all are unknown windows.
    for (const windowId of [enc('../1'), enc('a b'), 'x'.repeat(65), enc('1;DROP TABLE halls')]) {
      const res = await t.api('POST', `${hall}/windows/${windowId}/call-next`, { token: tok.admin, body: {} });
      const mismatch = describeMismatch(`window id ${windowId.slice(0, 20)}`, { status: res.status, code: res.body?.error?.code }, { status: 404, code: 'WINDOW_NOT_FOUND' });
      if (mismatch) mismatches.push(mismatch);
    }
    expect(mismatches).toEqual([]);
    await expectStillServing();
    await expectUnchanged();
  });
});

describe('after all of it', () => {
  it('nothing was broadcast, nothing changed, and a valid command still works', async () => {
    for (const watcher of watchers) expect(watcher.hallEvents()).toEqual([]);
    await expectUnchanged();
    const admin = await t.connect({ hallId: DEMO, token: tok.admin });
    const ack = await admin.send('ticket:issue', { serviceId: GENERAL });
    expect(ack).toMatchObject({ ok: true, data: { number: 'A003' } });
    const rest = await t.api('POST', `${hall}/windows/1/call-next`, { token: tok.admin, body: {} });
    expect(rest.status).toBe(200);
    expect(rest.body.id).toBe(fx.T2);
    await watchers[0]!.waitForEvent('ticket:called');
    expect(watchers[0]!.hallEvents().map((e) => e.type)).toEqual(['ticket:issued', 'ticket:finished', 'ticket:called']);
    admin.close();
  });
});
