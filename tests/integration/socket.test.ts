/**
 * Socket.IO against a real server: snapshots per audience, acknowledgement AND
 * broadcast of every change, hall-scoped rooms, resync by seq, handshake
 * refusals, and clerks racing for the same queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecondHall, type TestServer, type TestSocket, DEMO, startTestServer } from '../helpers/testServer.js';

const S = {
  birth: 'jisheng-shengyu-dengji', // G: windows 3 (tier 1) and 1 (tier 2)
  migrant: 'jisheng-liudong-hunyu', // H: windows 3 and 1
  homestead: 'guotu-zhaijidi', // M: window 5
  senior: 'minzheng-laonian-youdai', // F: windows 1, 2 (tier 1) and 4 (tier 2)
  pension: 'laobao-jumin-yanglao', // L: window 4 (tier 1), windows 1 and 2 (tier 2)
} as const;

let t: TestServer;
let other: SecondHall;
const tok = {} as Record<'clerk3' | 'clerk5' | 'zhuren' | 'admin' | 'other', string>;

beforeAll(async () => {
  t = await startTestServer();
  other = await t.createSecondHall();
  for (const user of ['clerk3', 'clerk5', 'zhuren', 'admin'] as const) tok[user] = await t.login(user);
  tok.other = await t.login(other.clerkUsername, other.clerkPassword);
});
afterAll(() => t?.close());

const rest = (windowId: string, action: string, token: string, body: unknown = {}) =>
  t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/${action}`, { token, body });

/** Seqs of the hall events a socket received must follow on from its snapshot without a gap. */
function expectContiguous(socket: TestSocket, from = socket.snapshot.view.seq): number[] {
  const seqs = socket.hallEvents().map((event) => event.seq);
  expect(seqs).toEqual(seqs.map((_, i) => from + 1 + i));
  return seqs;
}

describe('connecting', () => {
  it('sends a public snapshot to boards and a staff snapshot to staff', async () => {
    const board = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    expect(board.snapshot.audience).toBe('public');
    const view = board.snapshot.view as any;
    expect(view).toMatchObject({ hall: { id: DEMO }, seq: expect.any(Number), services: expect.any(Array), windows: expect.any(Array) });
    expect(view).not.toHaveProperty('queues');
    expect(view).not.toHaveProperty('windowsRuntime');

    const staff = await t.connect({ hallId: DEMO, token: tok.clerk3, auth: { client: 'counter', windowId: '3' } });
    expect(staff.snapshot.audience).toBe('staff');
    expect(staff.snapshot.view).toMatchObject({ queues: expect.any(Object), windowsRuntime: expect.any(Object), seq: view.seq });
    board.close();
    staff.close();
  });

  it('refuses bad handshakes with a clear code in connect_error.data', async () => {
    expect(await t.connectError({ hallId: DEMO, token: 'not-a-token' })).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    expect(await t.connectError({ hallId: DEMO, token: await t.forgedToken('admin') })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await t.connectError({ hallId: DEMO, token: await t.expiredToken('clerk3') })).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(await t.connectError({ hallId: DEMO, token: tok.other })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.connectError({ hallId: 'no-such-hall' })).toMatchObject({ code: 'HALL_NOT_FOUND' });
    expect(await t.connectError({})).toMatchObject({ code: 'VALIDATION_FAILED' });
    // The other hall's clerk is welcome in their own hall.
    const own = await t.connect({ hallId: other.hallId, token: tok.other });
    expect(own.snapshot.audience).toBe('staff');
    own.close();
  });
});

describe('broadcast', () => {
  it('a call made over REST is acknowledged and broadcast to boards (redacted) and staff with the hall seq', async () => {
    const board = await t.connect({ hallId: DEMO });
    const staff = await t.connect({ hallId: DEMO, token: tok.zhuren });
    const otherBoard = await t.connect({ hallId: other.hallId });

    expect((await rest('3', 'open', tok.clerk3)).status).toBe(200);
    const issued = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: tok.clerk3, body: { serviceId: S.birth } });
    expect(issued.status).toBe(201);
    const called = await rest('3', 'call-next', tok.clerk3);
    expect(called.status).toBe(200);
    expect(called.body).toMatchObject({ id: issued.body.id, status: 'called', windowId: '3' });

    const seq = (await t.hallState()).seq;
    const publicCall = await board.waitForEvent('ticket:called');
    const staffCall = await staff.waitForEvent('ticket:called');
    expect(publicCall.seq).toBe(seq);
    expect(staffCall.seq).toBe(seq);
    expect(staffCall).toMatchObject({ type: 'ticket:called', hallId: DEMO, windowId: '3', windowNumber: 3, reason: 'queue-order', ticket: { id: issued.body.id, number: issued.body.number } });
    expect(staffCall.clerkId).toEqual(expect.any(String));
    expect(publicCall).toMatchObject({ type: 'ticket:called', hallId: DEMO, windowId: '3', windowNumber: 3, ticket: { number: issued.body.number, status: 'called' } });
    expect(publicCall.ticket).not.toHaveProperty('id');
    expect(publicCall.ticket).not.toHaveProperty('clerkId');
    expect(publicCall).not.toHaveProperty('clerkId');
    expect(publicCall).not.toHaveProperty('actor');
    expect(JSON.stringify(board.events)).not.toContain(issued.body.id);

    // Both audiences saw the same events, in order, without a gap; the other hall saw nothing.
    expect(expectContiguous(board)).toEqual(expectContiguous(staff));
    expect(board.hallEvents().map((e) => e.type)).toEqual(['window:opened', 'ticket:issued', 'ticket:called']);
    expect(otherBoard.hallEvents()).toEqual([]);

    expect((await rest('3', 'finish', tok.clerk3, { caseNumber: 'JS-0042' })).status).toBe(200);
    const finished = await board.waitForEvent('ticket:finished');
    expect(finished).not.toHaveProperty('caseNumber');
    expect(finished.ticket).not.toHaveProperty('caseNumber');
    expect((await staff.waitForEvent('ticket:finished')).caseNumber).toBe('JS-0042');
    expect(otherBoard.hallEvents()).toEqual([]);
    for (const socket of [board, staff, otherBoard]) socket.close();
  });

  it('public window events name the clerk (工作人员公示) but carry no account id', async () => {
    const board = await t.connect({ hallId: DEMO });
    const me = (await t.api('GET', '/api/auth/me', { token: tok.clerk5 })).body.user;
    expect((await rest('5', 'open', tok.clerk5)).status).toBe(200);
    const opened = await board.waitForEvent('window:opened', { where: (e) => e.windowId === '5' });
    expect((await rest('5', 'close', tok.clerk5)).status).toBe(200);
    const closed = await board.waitForEvent('window:closed', { where: (e) => e.windowId === '5' });
    board.close();
    expect(closed.clerk).toEqual(opened.clerk);
    expect(opened.clerk).toEqual({ name: me.displayName, staffNo: 'QS005', post: '国土村建专干' });
    expect(JSON.stringify(opened)).not.toContain(me.id);
    expect(JSON.stringify(board.events)).not.toContain(me.id);
  });
});

describe('commands over the socket', () => {
  it('window:open, ticket:issue, window:call-next are acknowledged and broadcast', async () => {
    const supervisor = await t.connect({ hallId: DEMO, token: tok.zhuren });
    const board = await t.connect({ hallId: DEMO });

    const open = await supervisor.send('window:open', { windowId: '5' });
    expect(open).toMatchObject({ ok: true, data: { windowId: '5', window: { status: 'open', clerk: { role: 'supervisor' } } } });
    const issued = await supervisor.send('ticket:issue', { serviceId: S.homestead, priority: true });
    expect(issued).toMatchObject({ ok: true, data: { number: 'M001', priority: true, channel: 'desk', ahead: 0, estimatedWaitMinutes: expect.any(Number) } });
    if (!issued.ok) throw new Error('unreachable');
    const call = await supervisor.send('window:call-next', { windowId: '5' });
    expect(call).toMatchObject({ ok: true, data: { id: (issued.data as any).id, status: 'called', callReason: 'priority', outOfOrder: false } });
    expect(await supervisor.send('window:call-next', { windowId: '5' })).toMatchObject({ ok: false, error: { code: 'QUEUE_EMPTY', message: expect.any(String) } });

    await board.waitForEvent('ticket:called', { where: (e) => e.windowId === '5' });
    expect(board.hallEvents().map((e) => e.type)).toEqual(['window:opened', 'ticket:issued', 'ticket:called']);
    expectContiguous(board);

    // A public socket may take a phone ticket (this hall allows it) but not act on windows.
    const phone = await board.send('ticket:issue', { serviceId: S.homestead });
    expect(phone).toMatchObject({ ok: true, data: { channel: 'phone', number: 'M002' } });
    expect(await board.send('window:call-next', { windowId: '5' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await board.send('ticket:issue', { serviceId: S.homestead, priority: true })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });

    // A clerk cannot act on a window a supervisor holds.
    const clerk = await t.connect({ hallId: DEMO, token: tok.clerk5 });
    expect(await clerk.send('window:recall', { windowId: '5' })).toMatchObject({ ok: false, error: { code: 'WINDOW_NOT_HELD' } });

    // Retrying with the same requestId gives the same answer and no second event.
    const mark = board.mark();
    const retryA = await supervisor.send('ticket:issue', { serviceId: S.homestead, requestId: 'socket-retry-01' });
    const retryB = await supervisor.send('ticket:issue', { serviceId: S.homestead, requestId: 'socket-retry-01' });
    expect(retryB).toEqual(retryA);
    await board.waitForEvent('ticket:issued', { from: mark });
    await supervisor.send('hall:sync', { sinceSeq: 0 }); // a round trip, so any stray broadcast would have arrived
    expect(board.events.slice(mark).filter((r) => r.event === 'ticket:issued')).toHaveLength(1);

    expect((await supervisor.send('window:finish', { windowId: '5' })).ok).toBe(true);
    expect((await supervisor.send('window:close', { windowId: '5' })).ok).toBe(true);
    for (const socket of [supervisor, board, clerk]) socket.close();
  });

  it('hall:sync returns the events after a seq (redacted for the public)', async () => {
    const staff = await t.connect({ hallId: DEMO, token: tok.admin });
    const board = await t.connect({ hallId: DEMO });
    const seq = (await t.hallState()).seq;
    expect(seq).toBeGreaterThan(5);

    const all = await staff.send('hall:sync', { sinceSeq: 0 });
    expect(all.ok).toBe(true);
    if (!all.ok) throw new Error('unreachable');
    expect(all.data.kind).toBe('events');
    const seqs = (all.data as any).events.map((e: any) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seq }, (_, i) => i + 1));

    const tail = await board.send('hall:sync', { sinceSeq: seq - 2 });
    expect(tail).toMatchObject({ ok: true, data: { kind: 'events' } });
    const tailEvents = (tail as any).data.events;
    expect(tailEvents.map((e: any) => e.seq)).toEqual([seq - 1, seq]);
    for (const event of tailEvents) {
      expect(event).not.toHaveProperty('actor');
      if (event.ticket) expect(event.ticket).not.toHaveProperty('id');
    }
    expect(await board.send('hall:sync', { sinceSeq: seq + 100 })).toEqual({ ok: true, data: { kind: 'events', events: [] } });
    expect(await board.send('hall:sync', { sinceSeq: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    staff.close();
    board.close();
  });

  it('broadcast is scoped to the hall: a board of another hall receives nothing', async () => {
    const demoBoard = await t.connect({ hallId: DEMO });
    const otherBoard = await t.connect({ hallId: other.hallId });
    const otherStaff = await t.connect({ hallId: other.hallId, token: tok.other });
    const admin = await t.connect({ hallId: DEMO, token: tok.admin });
    expect((await admin.send('announcement:post', { text: '本周六上午正常办公' })).ok).toBe(true);
    expect((await admin.send('ticket:issue', { serviceId: S.migrant })).ok).toBe(true);
    await demoBoard.waitForEvent('ticket:issued');
    // And the other way round.
    expect((await otherStaff.send('ticket:issue', { serviceId: other.serviceId(S.migrant) })).ok).toBe(true);
    await otherBoard.waitForEvent('ticket:issued');
    expect(otherBoard.hallEvents().map((e) => e.hallId)).toEqual([other.hallId]);
    expect(demoBoard.hallEvents().map((e) => e.type)).toEqual(['announcement:posted', 'ticket:issued']);
    expect(demoBoard.hallEvents().every((e) => e.hallId === DEMO)).toBe(true);
    expectContiguous(demoBoard);
    expectContiguous(otherBoard);
    for (const socket of [demoBoard, otherBoard, otherStaff, admin]) socket.close();
  });
});

describe('gaps found in review, now closed', () => {
  // Sockets are authenticated once, at the handshake (server/realtime/io.ts). Revoking a device (or
  // disabling an account) refuses its next REST request and next connection, but an already
  // connected socket keeps its principal and can go on issuing tickets until it reconnects.
  it('a kiosk socket stops working once its device is revoked', async () => {
    const paired = (await t.api('POST', `/api/halls/${DEMO}/devices`, { token: tok.zhuren, body: { kind: 'kiosk', name: '待吊销取号机' } })).body;
    const kiosk = await t.connect({ hallId: DEMO, token: paired.token, auth: { client: 'kiosk' } });
    expect((await kiosk.send('ticket:issue', { serviceId: S.migrant })).ok).toBe(true);
    expect((await t.api('POST', `/api/halls/${DEMO}/devices/${paired.device.id}/revoke`, { token: tok.zhuren })).status).toBe(200);
    expect((await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: paired.token, body: { serviceId: S.migrant } })).status).toBe(401);
    const after = kiosk.connected ? await kiosk.send('ticket:issue', { serviceId: S.migrant }) : null;
    kiosk.close();
    expect(after === null || (!after.ok && after.error.code === 'UNAUTHENTICATED')).toBe(true);
  });

  // Request ids are scoped to the actor (server/domain/engine.ts), but every public caller is the
  // same actor ("public"): a phone that sends another phone's requestId is answered with that
  // phone's ticket, including its unguessable id (the e-ticket link).
  it("one phone's requestId never returns another phone's ticket", async () => {
    const body = { serviceId: S.migrant, channel: 'phone', requestId: 'phone-request-0001' };
    const first = await t.api('POST', `/api/halls/${DEMO}/tickets`, { body, ip: '203.0.113.1' });
    const second = await t.api('POST', `/api/halls/${DEMO}/tickets`, { body, ip: '203.0.113.2' });
    expect(first.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });


  // Known bug (server/realtime/io.ts clientIp): the socket's client address is always the TCP peer,
  // even with trustProxy on. Behind the reverse proxy that trustProxy is for, every phone shares the
  // proxy's address, so phoneIssueLimitPerHour is spent hall-wide by the first few phones (REST uses
  // X-Forwarded-For correctly). Fixing it needs the trustProxy setting passed to attachRealtime from
  // server/server.ts. Flip to `it` once fixed.
  it('the per-IP phone limit counts each forwarded client separately', async () => {
    const proxied = await startTestServer({ phoneIssueLimitPerHour: 2, trustProxy: 1 });
    try {
      const answers: string[] = [];
      for (const ip of ['198.51.100.1', '198.51.100.2']) {
        const phone = await proxied.connect({ hallId: DEMO, auth: { client: 'phone' }, headers: { 'x-forwarded-for': ip } });
        for (let i = 0; i < 2; i++) {
          const ack = await phone.send('ticket:issue', { serviceId: S.homestead, channel: 'phone' });
          answers.push(`${ip}: ${ack.ok ? 'ok' : ack.error.code}`);
        }
        phone.close();
      }
      // Each address is within its limit over REST too.
      expect((await proxied.api('POST', `/api/halls/${DEMO}/tickets`, { body: { serviceId: S.homestead }, ip: '198.51.100.3' })).status).toBe(201);
      expect(answers.filter((answer) => !answer.endsWith('ok'))).toEqual([]);
    } finally {
      await proxied.close();
    }
  });
});

describe('racing clerks', () => {
  let race: TestServer;
  beforeAll(async () => {
    race = await startTestServer();
  });
  afterAll(() => race?.close());

  it('many concurrent call-next on shared queues: no ticket called twice, none skipped, seqs contiguous', async () => {
    const users = ['clerk1', 'clerk2', 'clerk4', 'zhuren'];
    const sockets: Record<string, TestSocket> = {};
    for (const user of users) sockets[user] = await race.connect({ hallId: DEMO, token: await race.login(user) });
    const board = await race.connect({ hallId: DEMO });
    const staffBoard = await race.connect({ hallId: DEMO, token: await race.login('admin') });

    // Windows 1, 2 and 4 all serve F (老年人优待证) and L (居民养老保险), at different tiers; window 5 serves neither.
    for (const [user, windowId] of [['clerk1', '1'], ['clerk2', '2'], ['clerk4', '4'], ['zhuren', '5']] as const) {
      expect((await sockets[user]!.send('window:open', { windowId })).ok).toBe(true);
    }
    const issued = await Promise.all(
      Array.from({ length: 40 }, (_, i) => sockets.zhuren!.send('ticket:issue', { serviceId: i % 2 ? S.pension : S.senior, priority: i % 7 === 0 })),
    );
    expect(issued.every((ack) => ack.ok)).toBe(true);
    const issuedIds = new Set(issued.map((ack: any) => ack.data.id as string));
    expect(issuedIds.size).toBe(40);

    // 64 call-next at once: each clerk on their window, the supervisor on all four (window 5 has nothing to call).
    const attempts: Array<{ windowId: string; ack: Promise<any> }> = [];
    for (let round = 0; round < 16; round++) {
      attempts.push({ windowId: '1', ack: sockets.clerk1!.send('window:call-next', { windowId: '1' }) });
      attempts.push({ windowId: '2', ack: sockets.clerk2!.send('window:call-next', { windowId: '2' }) });
      attempts.push({ windowId: '4', ack: sockets.clerk4!.send('window:call-next', { windowId: '4' }) });
      const windowId = ['1', '2', '4', '5'][round % 4]!;
      attempts.push({ windowId, ack: sockets.zhuren!.send('window:call-next', { windowId }) });
    }
    const acks = await Promise.all(attempts.map((attempt) => attempt.ack));
    const calledIds = acks.filter((ack) => ack.ok).map((ack) => ack.data.id as string);
    const refusals = acks.filter((ack) => !ack.ok).map((ack) => ack.error.code);
    expect(new Set(refusals)).toEqual(new Set(['QUEUE_EMPTY']));
    expect(calledIds).toHaveLength(40);
    expect(new Set(calledIds)).toEqual(issuedIds);

    // Boards saw exactly one call per ticket, every seq once, in order.
    const seq = (await race.hallState()).seq;
    await board.waitFor((r) => r.data?.seq === seq);
    await staffBoard.waitFor((r) => r.data?.seq === seq);
    expectContiguous(board, 0);
    expect(expectContiguous(staffBoard, 0)).toHaveLength(seq);
    const calls = staffBoard.hallEvents().filter((e) => e.type === 'ticket:called');
    expect(calls.map((e) => e.ticket.id).sort()).toEqual([...issuedIds].sort());
    expect(board.hallEvents().filter((e) => e.type === 'ticket:called')).toHaveLength(40);

    // Every ticket was either finished by the next call at its window or is still current there.
    const state = await race.hallState();
    const current = ['1', '2', '4'].map((id) => state.windows[id]!.currentTicketId).filter(Boolean);
    expect(current).toHaveLength(3);
    const finished = staffBoard.hallEvents().filter((e) => e.type === 'ticket:finished').map((e) => e.ticket.id);
    expect(new Set([...finished, ...current])).toEqual(issuedIds);
    expect(finished).toHaveLength(37);
    expect(Object.values(state.tickets).filter((ticket) => ticket.status === 'waiting')).toHaveLength(0);
  });
});
