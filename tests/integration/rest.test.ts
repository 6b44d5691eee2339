/**
 * REST API against a real server: success shapes and statuses of every route,
 * a full clerk flow, the public board's privacy, appointments, device pairing,
 * rate limits and idempotent retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type SecondHall,
  type TestServer,
  DEMO,
  errorCodeOf,
  freshIp,
  startTestServer,
} from '../helpers/testServer.js';

const MINUTE = 60_000;
const S = {
  general: 'zonghe-zixun', // A: window 1 only
  birth: 'jisheng-shengyu-dengji', // G: window 3 (tier 1) and window 1 (tier 2)
  homestead: 'guotu-zhaijidi', // M: window 5
  subsidy: 'caizheng-huinong-butie', // P: windows 6, 7
  felling: 'nongye-linmu-caifa', // R: window 7
  bills: 'shoufei-shuiqi', // S: window 8
  unemployment: 'laobao-shiye-dengji', // K: window 4
  pension: 'laobao-jumin-yanglao', // L
} as const;

function expectError(res: ApiResponse, status: number, code: string): void {
  expect({ status: res.status, code: errorCodeOf(res) }, res.text).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
}

let t: TestServer;
let other: SecondHall;
const tok = {} as Record<'clerk1' | 'clerk2' | 'clerk3' | 'zhuren' | 'admin' | 'other', string>;
/** Everything the public board must never show. */
const secrets = { ticketIds: new Set<string>(), userIds: new Set<string>(), caseNumbers: new Set<string>(), codes: new Set<string>() };

beforeAll(async () => {
  t = await startTestServer();
  other = await t.createSecondHall();
  for (const user of ['clerk1', 'clerk2', 'clerk3', 'zhuren', 'admin'] as const) tok[user] = await t.login(user);
  tok.other = await t.login(other.clerkUsername, other.clerkPassword);
});
afterAll(() => t?.close());

const post = (path: string, token: string | undefined, body?: unknown) => t.api('POST', path, { ...(token ? { token } : {}), body: body ?? {} });
const win = (windowId: string, action: string, token: string, body?: unknown) =>
  post(`/api/halls/${DEMO}/windows/${windowId}/${action}`, token, body);
const issue = async (serviceId: string, token?: string, extra: Record<string, unknown> = {}, ip?: string) => {
  const res = await t.api('POST', `/api/halls/${DEMO}/tickets`, { ...(token ? { token } : {}), body: { serviceId, ...extra }, ...(ip ? { ip } : {}) });
  if (res.status === 201) secrets.ticketIds.add(res.body.id);
  return res;
};

describe('basics', () => {
  it('GET /healthz', async () => {
    const res = await t.api('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('POST /api/auth/login returns a token and the user; wrong credentials are 401', async () => {
    const res = await t.api('POST', '/api/auth/login', { body: { username: 'clerk2', password: 'demo1234' }, ip: freshIp() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(Number),
      user: {
        id: expect.any(String),
        username: 'clerk2',
        displayName: '李娜',
        role: 'clerk',
        hallIds: [DEMO],
        staffNo: 'QS002',
        post: '民政专干',
        disabled: false,
        windowIds: [],
        partnerId: null,
        hasPhoto: false,
        mustChangePassword: false,
        hasPin: false,
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|scrypt/);
    expectError(await t.api('POST', '/api/auth/login', { body: { username: 'clerk2', password: 'nope' }, ip: freshIp() }), 401, 'INVALID_CREDENTIALS');
    expectError(await t.api('POST', '/api/auth/login', { body: { username: 'nobody', password: 'demo1234' }, ip: freshIp() }), 401, 'INVALID_CREDENTIALS');
  });

  it('GET /api/auth/me for staff, device and public', async () => {
    const me = await t.api('GET', '/api/auth/me', { token: tok.clerk1 });
    expect(me.status).toBe(200);
    // The same account shape as the login answer, read from the store (not the token's claims).
    const login = await t.api('POST', '/api/auth/login', { body: { username: 'clerk1', password: 'demo1234' }, ip: '10.9.8.7' });
    expect(me.body).toEqual({ kind: 'staff', user: login.body.user });
    expect(me.body.user).toMatchObject({ username: 'clerk1', role: 'clerk', displayName: '王芳', staffNo: 'QS001', hallIds: [DEMO] });
    expect(JSON.stringify(me.body)).not.toContain('scrypt');
    secrets.userIds.add(me.body.user.id);
    for (const user of ['clerk2', 'clerk3', 'zhuren', 'admin'] as const) {
      secrets.userIds.add((await t.api('GET', '/api/auth/me', { token: tok[user] })).body.user.id);
    }
    expectError(await t.api('GET', '/api/auth/me'), 401, 'UNAUTHENTICATED');
  });

  it('GET /api/halls lists the halls', async () => {
    const res = await t.api('GET', '/api/halls');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.arrayContaining([
        { id: DEMO, name: '青山镇便民服务中心', nameAlt: 'Qingshan Town Convenience Service Centre', timeZone: 'Asia/Shanghai' },
        expect.objectContaining({ id: other.hallId }),
      ]),
    );
  });

  it('GET /api/halls/:hallId/board is a public snapshot', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/board`);
    expect(res.status).toBe(200);
    const board = res.body;
    expect(board.seq).toEqual(expect.any(Number));
    expect(board.hall).toMatchObject({ id: DEMO, name: '青山镇便民服务中心' });
    expect(board.services).toHaveLength(17);
    for (const service of board.services) {
      expect(service).toMatchObject({ id: expect.any(String), name: expect.any(String), prefix: expect.stringMatching(/^[A-Z]$/), waiting: expect.any(Number) });
    }
    expect(board.windows.map((w: any) => w.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    for (const window of board.windows) {
      expect(window).toMatchObject({ number: expect.any(Number), name: expect.any(String), status: expect.stringMatching(/^(open|closed|paused)$/) });
      expect(window).toHaveProperty('currentTicket');
      expect(window).toHaveProperty('pauseReason');
    }
    expect(Array.isArray(board.recentCalls)).toBe(true);
    expect(Array.isArray(board.announcements)).toBe(true);
    expectError(await t.api('GET', '/api/halls/no-such-hall/board'), 404, 'HALL_NOT_FOUND');
  });

  it('GET /api/halls/:hallId/staff-view is for the hall staff only', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: tok.clerk2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queues: expect.any(Object), windowsRuntime: expect.any(Object), serviceWindows: expect.any(Object), seq: expect.any(Number) });
    expectError(await t.api('GET', `/api/halls/${DEMO}/staff-view`), 401, 'UNAUTHENTICATED');
    expectError(await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: tok.other }), 403, 'FORBIDDEN');
  });
});

describe('clerk flow', () => {
  it('open, issue three, call-next, recall, start, finish, no-show, requeue, transfer, pause/resume, close', async () => {
    // Open.
    const opened = await win('3', 'open', tok.clerk3);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ windowId: '3', window: { status: 'open', clerk: { name: '陈静', role: 'clerk' } } });

    // Issue three tickets.
    const issued: any[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await issue(S.birth, tok.clerk3);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        number: `G00${i + 1}`,
        serviceId: S.birth,
        ahead: i,
        estimatedWaitMinutes: expect.any(Number),
        issuedAt: expect.any(Number),
        priority: false,
        channel: 'desk',
      });
      issued.push(res.body);
    }
    const [t1, t2, t3] = issued;
    const waitingView = await t.api('GET', `/api/tickets/${t2.id}`);
    expect(waitingView.status).toBe(200);
    expect(waitingView.body).toMatchObject({ hallId: DEMO, id: t2.id, number: 'G002', status: 'waiting', ahead: 1, window: null, calledAt: null, serviceName: '生育服务登记' });

    // Call next: the call answers with the called ticket.
    const called = await win('3', 'call-next', tok.clerk3);
    expect(called.status).toBe(200);
    expect(called.body).toMatchObject({ id: t1.id, number: 'G001', status: 'called', windowId: '3', callReason: 'queue-order', outOfOrder: false });
    const calledView = await t.api('GET', `/api/tickets/${t1.id}`);
    expect(calledView.body).toMatchObject({ status: 'called', window: { id: '3', number: 3, name: '计生窗口' }, calledAt: expect.any(Number) });
    expect((await t.api('GET', `/api/tickets/${t2.id}`)).body.ahead).toBe(0);

    // Recall, start, finish with an outcome and a case number.
    const recalled = await win('3', 'recall', tok.clerk3);
    expect(recalled.status).toBe(200);
    expect(recalled.body).toMatchObject({ id: t1.id, recallCount: 1 });
    expectError(await win('3', 'finish', tok.clerk3, { outcome: 'bogus' }), 400, 'VALIDATION_FAILED');
    const started = await win('3', 'start', tok.clerk3);
    expect(started.body).toMatchObject({ id: t1.id, status: 'serving', startedAt: expect.any(Number) });
    expectError(await win('3', 'recall', tok.clerk3), 409, 'TICKET_ALREADY_STARTED');
    secrets.caseNumbers.add('QS-JS-2026-0001');
    const finished = await win('3', 'finish', tok.clerk3, { outcome: 'accepted', caseNumber: 'QS-JS-2026-0001' });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ id: t1.id, status: 'served', outcome: 'accepted', caseNumber: 'QS-JS-2026-0001' });
    expect((await t.api('GET', `/api/tickets/${t1.id}`)).body).toMatchObject({ status: 'served', window: { id: '3' } });
    expectError(await win('3', 'finish', tok.clerk3), 409, 'NO_CURRENT_TICKET');

    // The window's paired screen rates what was just finished there, once.
    const screen3 = await t.windowScreenToken('3');
    const rated = await post(`/api/halls/${DEMO}/ratings`, screen3, { level: 5, windowId: '3' });
    expect(rated.status).toBe(201);
    // A public caller learns only the number and the level it gave, never the ticket's link id.
    expect(rated.body).toEqual({ number: t1.number, level: 5 });
    expectError(await post(`/api/halls/${DEMO}/ratings`, screen3, { level: 4, windowId: '3' }), 409, 'ALREADY_RATED');

    // No-show, then requeue in front of the next one.
    expect((await win('3', 'call-next', tok.clerk3)).body).toMatchObject({ id: t2.id, status: 'called' });
    const noShow = await win('3', 'no-show', tok.clerk3);
    expect(noShow.body).toMatchObject({ id: t2.id, status: 'no-show', noShowCount: 1 });
    expect((await t.api('GET', `/api/tickets/${t2.id}`)).body.status).toBe('no-show');
    expectError(await win('3', 'requeue', tok.clerk3, { ticketId: t3.id }), 409, 'TICKET_NOT_NO_SHOW');
    const requeued = await win('3', 'requeue', tok.clerk3, { ticketId: t2.id, after: 0 });
    expect(requeued.status).toBe(200);
    expect(requeued.body).toMatchObject({ id: t2.id, status: 'waiting' });

    // Transfer to window 1 (首问负责): it is called there before window 1's own queue.
    expect((await win('1', 'open', tok.clerk1)).status).toBe(200);
    const generalTicket = await issue(S.general, tok.clerk1);
    expect((await win('3', 'call-next', tok.clerk3)).body).toMatchObject({ id: t2.id });
    expectError(await win('3', 'transfer', tok.clerk3, { toWindowId: '3' }), 409, 'TRANSFER_TARGET_INVALID');
    expectError(await win('3', 'transfer', tok.clerk3, { toWindowId: '2' }), 409, 'TRANSFER_TARGET_INVALID'); // closed
    const transferred = await win('3', 'transfer', tok.clerk3, { toWindowId: '1', note: '需先咨询' });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ id: t2.id, status: 'waiting', transfer: { fromWindowId: '3', toWindowId: '1', note: '需先咨询' } });
    expect((await t.api('GET', `/api/tickets/${t2.id}`)).body).toMatchObject({ status: 'waiting', window: null });
    const atOne = await win('1', 'call-next', tok.clerk1);
    expect(atOne.body).toMatchObject({ id: t2.id, windowId: '1', callReason: 'transfer' });
    expect((await t.api('GET', `/api/tickets/${t2.id}`)).body.window).toMatchObject({ id: '1', number: 1 });
    // Calling a specific ticket out of order finishes the current one first.
    const specific = await win('1', 'call', tok.clerk1, { ticketId: generalTicket.body.id });
    expect(specific.body).toMatchObject({ id: generalTicket.body.id, status: 'called', finished: { id: t2.id, status: 'served' } });

    // Pause (shown on the board), no calling while paused, resume.
    const paused = await win('3', 'pause', tok.clerk3, { reason: 'lunch', note: '12:30 回来' });
    expect(paused.body).toMatchObject({ windowId: '3', window: { status: 'paused', pauseReason: 'lunch', pauseNote: '12:30 回来' } });
    const boardWindow = (await t.api('GET', `/api/halls/${DEMO}/board`)).body.windows.find((w: any) => w.id === '3');
    expect(boardWindow).toMatchObject({ status: 'paused', pauseReason: 'lunch', pauseNote: '12:30 回来', currentTicket: null });
    expectError(await win('3', 'call-next', tok.clerk3), 409, 'WINDOW_PAUSED');
    expectError(await win('3', 'pause', tok.clerk3, { reason: 'away' }), 409, 'WINDOW_PAUSED');
    expect((await win('3', 'resume', tok.clerk3)).body).toMatchObject({ window: { status: 'open' } });
    expectError(await win('3', 'resume', tok.clerk3), 409, 'WINDOW_NOT_PAUSED');

    // The board shows the current number; closing needs the window to be free.
    expect((await win('3', 'call-next', tok.clerk3)).body).toMatchObject({ id: t3.id });
    const board = (await t.api('GET', `/api/halls/${DEMO}/board`)).body;
    expect(board.windows.find((w: any) => w.id === '3')).toMatchObject({ status: 'open', currentTicket: 'G003', currentServiceId: S.birth });
    expect(board.recentCalls[0]).toMatchObject({ ticketNumber: 'G003', windowId: '3', windowNumber: 3 });
    expectError(await win('3', 'close', tok.clerk3), 409, 'WINDOW_HAS_TICKET');
    secrets.caseNumbers.add('QS-JS-2026-0002');
    expect((await win('3', 'finish', tok.clerk3, { caseNumber: 'QS-JS-2026-0002' })).body).toMatchObject({ outcome: 'completed' });
    const closed = await win('3', 'close', tok.clerk3);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ windowId: '3', window: { status: 'closed', lastFinishedTicketId: t3.id } });
    expect(closed.body.window.clerk).toBeUndefined();
    expectError(await win('3', 'call-next', tok.clerk3), 409, 'WINDOW_CLOSED');
  });

  it('A/B post take-over, and who may act on which window', async () => {
    // clerk1 holds window 1 (from the flow); clerk2 may not act on it, nor hold two windows.
    expectError(await win('1', 'call-next', tok.clerk2), 403, 'WINDOW_NOT_HELD');
    expectError(await win('1', 'open', tok.clerk2), 409, 'WINDOW_BUSY');
    expect((await win('2', 'open', tok.clerk2)).status).toBe(200);
    expectError(await win('4', 'open', tok.clerk2), 409, 'CLERK_HOLDS_OTHER_WINDOW');
    // A clerk of another hall is refused in this one; the public may only look.
    expectError(await win('2', 'pause', tok.other, { reason: 'away' }), 403, 'FORBIDDEN');
    expectError(await win('2', 'pause', '', { reason: 'away' }), 401, 'UNAUTHENTICATED');
    // Supervisors act on any window and may hold several.
    const takeOver = await win('1', 'take-over', tok.zhuren);
    expect(takeOver.status).toBe(200);
    expect(takeOver.body.window.clerk).toMatchObject({ name: '周建华', role: 'supervisor' });
    expectError(await win('1', 'recall', tok.clerk1), 403, 'WINDOW_NOT_HELD');
    expect((await win('5', 'open', tok.zhuren)).status).toBe(200);
    expect((await win('1', 'finish', tok.zhuren)).status).toBe(200);
    expect((await win('2', 'pause', tok.zhuren, { reason: 'meeting' })).status).toBe(200);
    expect((await win('2', 'resume', tok.zhuren)).status).toBe(200);
    for (const [windowId, token] of [['1', tok.zhuren], ['5', tok.zhuren], ['2', tok.clerk2]] as const) {
      expect((await win(windowId, 'close', token)).status).toBe(200);
    }
  });

  it('cancel a waiting ticket', async () => {
    const ticket = await issue(S.homestead, tok.clerk1);
    const res = await post(`/api/halls/${DEMO}/tickets/${ticket.body.id}/cancel`, tok.clerk1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ticket.body.id, status: 'cancelled' });
    expect((await t.api('GET', `/api/tickets/${ticket.body.id}`)).body.status).toBe('cancelled');
    expectError(await post(`/api/halls/${DEMO}/tickets/${ticket.body.id}/cancel`, tok.clerk1), 404, 'TICKET_NOT_FOUND');
    expectError(await t.api('GET', '/api/tickets/not-a-ticket'), 404, 'TICKET_NOT_FOUND');
  });

  it('GET /api/halls/:hallId/events returns what happened since a seq (public: redacted)', async () => {
    const staff = await t.api('GET', `/api/halls/${DEMO}/events?since=0`, { token: tok.zhuren });
    expect(staff.status).toBe(200);
    expect(staff.body.complete).toBe(true);
    const seqs = staff.body.events.map((e: any) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    const since = seqs.length - 3;
    const tail = await t.api('GET', `/api/halls/${DEMO}/events?since=${since}`);
    expect(tail.body.events.map((e: any) => e.seq)).toEqual([since + 1, since + 2, since + 3]);
    const publicRes = await t.api('GET', `/api/halls/${DEMO}/events?since=0`);
    const publicAll = publicRes.body.events;
    expect(publicAll.map((e: any) => e.seq)).toEqual(seqs);
    for (const secret of [...secrets.userIds, ...secrets.ticketIds, ...secrets.caseNumbers]) expect(publicRes.text).not.toContain(secret);
    for (const event of publicAll) {
      if (event.ticket) expect(event.ticket.id).toBeUndefined();
      expect(event).not.toHaveProperty('actor');
      expect(event).not.toHaveProperty('caseNumber');
    }
    expectError(await t.api('GET', `/api/halls/${DEMO}/events?since=-1`), 400, 'VALIDATION_FAILED');
  });

  it('the board shows no ticket ids, no clerk ids, no case numbers', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/board`);
    const text = res.text;
    expect(secrets.ticketIds.size).toBeGreaterThan(3);
    expect(secrets.userIds.size).toBe(5);
    expect(secrets.caseNumbers.size).toBe(2);
    for (const set of Object.values(secrets)) for (const secret of set) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(clerkId|caseNumber|ticketId|code|actor|tokenHash)"/);
    // The finished ticket is waiting for its rating on window 3's screen, by number only.
    expect(res.body.recentCalls.length).toBeGreaterThan(0);
    for (const call of res.body.recentCalls) expect(Object.keys(call).sort()).toEqual(['at', 'recall', 'serviceId', 'ticketNumber', 'windowId', 'windowNumber']);
  });
});

describe('appointments and announcements', () => {
  it('a supervisor books, the citizen checks in once', async () => {
    const now = Date.now();
    const body = { serviceId: S.homestead, slotStart: now, slotEnd: now + 30 * MINUTE, externalRef: 'GOV-APPT-778899' };
    expectError(await post(`/api/halls/${DEMO}/appointments`, tok.clerk1, body), 403, 'FORBIDDEN');
    expectError(await post(`/api/halls/${DEMO}/appointments`, undefined, body), 401, 'UNAUTHENTICATED');
    expectError(await post(`/api/halls/${DEMO}/appointments`, tok.zhuren, { ...body, slotEnd: now - MINUTE }), 409, 'APPOINTMENT_SLOT_INVALID');
    const created = await post(`/api/halls/${DEMO}/appointments`, tok.zhuren, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), serviceId: S.homestead, code: expect.stringMatching(/^\d{6}$/), status: 'booked' });
    const code = created.body.code as string;
    secrets.codes.add(code);

    expectError(await post(`/api/halls/${DEMO}/appointments/check-in`, undefined, { code }), 401, 'UNAUTHENTICATED');
    const checkedIn = await post(`/api/halls/${DEMO}/appointments/check-in`, tok.clerk1, { code });
    expect(checkedIn.status).toBe(201);
    expect(checkedIn.body).toEqual({
      id: expect.any(String),
      number: expect.stringMatching(/^M\d{3}$/),
      serviceId: S.homestead,
      ahead: 0,
      estimatedWaitMinutes: expect.any(Number),
      issuedAt: expect.any(Number),
      priority: false,
      channel: 'appointment',
    });
    secrets.ticketIds.add(checkedIn.body.id);
    expectError(await post(`/api/halls/${DEMO}/appointments/check-in`, tok.clerk1, { code }), 409, 'APPOINTMENT_ALREADY_CHECKED_IN');
    const unknown = code === '000000' ? '000001' : '000000';
    expectError(await post(`/api/halls/${DEMO}/appointments/check-in`, tok.clerk1, { code: unknown }), 404, 'APPOINTMENT_NOT_FOUND');
    const board = await t.api('GET', `/api/halls/${DEMO}/board`);
    expect(board.text).not.toContain(code);
    expect(board.text).not.toContain('GOV-APPT-778899');
  });

  it('announcements: post, shown on the board, remove', async () => {
    expectError(await post(`/api/halls/${DEMO}/announcements`, tok.clerk1, { text: '今天下午停电' }), 403, 'FORBIDDEN');
    const posted = await post(`/api/halls/${DEMO}/announcements`, tok.zhuren, { text: '今天下午三点后暂停办理不动产业务', textAlt: 'No land services after 3 pm' });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ id: expect.any(String), text: '今天下午三点后暂停办理不动产业务', textAlt: 'No land services after 3 pm', postedAt: expect.any(Number) });
    expect((await t.api('GET', `/api/halls/${DEMO}/board`)).body.announcements).toContainEqual(posted.body);
    const removed = await t.api('DELETE', `/api/halls/${DEMO}/announcements/${posted.body.id}`, { token: tok.admin });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ announcementId: posted.body.id });
    expect((await t.api('GET', `/api/halls/${DEMO}/board`)).body.announcements).not.toContainEqual(posted.body);
    expectError(await t.api('DELETE', `/api/halls/${DEMO}/announcements/${posted.body.id}`, { token: tok.admin }), 404, 'ANNOUNCEMENT_NOT_FOUND');
  });
});

describe('devices and public tickets', () => {
  it('pairing: a kiosk token issues, cannot call, and is refused once revoked', async () => {
    expectError(await post(`/api/halls/${DEMO}/devices`, tok.clerk1, { kind: 'kiosk', name: '入口取号机' }), 403, 'FORBIDDEN');
    expectError(await post(`/api/halls/${DEMO}/devices`, undefined, { kind: 'kiosk', name: '入口取号机' }), 401, 'UNAUTHENTICATED');
    expectError(await post(`/api/halls/${other.hallId}/devices`, tok.zhuren, { kind: 'kiosk', name: '入口取号机' }), 403, 'FORBIDDEN');
    const paired = await post(`/api/halls/${DEMO}/devices`, tok.zhuren, { kind: 'kiosk', name: '入口取号机' });
    expect(paired.status).toBe(201);
    expect(paired.body).toEqual({
      device: { id: expect.any(String), hallId: DEMO, kind: 'kiosk', name: '入口取号机', createdAt: expect.any(Number), createdBy: expect.any(String) },
      token: expect.stringMatching(/^hqd_/),
    });
    const kiosk = paired.body.token as string;
    const list = await t.api('GET', `/api/halls/${DEMO}/devices`, { token: tok.admin });
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual(expect.objectContaining({ id: paired.body.device.id, kind: 'kiosk' }));
    expect(list.text).not.toMatch(/tokenHash|hqd_/);

    // The green channel needs a clerk's login (POST …/kiosk/tickets with staffToken); the kiosk alone may not.
    expectError(await issue(S.felling, kiosk, { priority: true }), 403, 'FORBIDDEN');
    const ticket = await issue(S.felling, kiosk);
    expect(ticket.status).toBe(201);
    expect(ticket.body).toMatchObject({ number: 'R001', channel: 'kiosk', priority: false });
    expect((await t.api('GET', '/api/auth/me', { token: kiosk })).body).toMatchObject({ kind: 'device', device: { kind: 'kiosk', hallId: DEMO } });
    expectError(await issue(S.felling, kiosk, { channel: 'phone' }), 403, 'FORBIDDEN');
    expectError(await win('7', 'call-next', kiosk), 403, 'FORBIDDEN');
    expectError(await win('7', 'open', kiosk), 403, 'FORBIDDEN');
    expectError(await post(`/api/halls/${DEMO}/announcements`, kiosk, { text: 'x' }), 403, 'FORBIDDEN');
    expectError(await t.api('POST', `/api/halls/${other.hallId}/tickets`, { token: kiosk, body: { serviceId: other.serviceId(S.felling) } }), 403, 'FORBIDDEN');

    const printer = (await post(`/api/halls/${DEMO}/devices`, tok.admin, { kind: 'printer', name: '窗口打印机' })).body.token as string;
    expectError(await issue(S.felling, printer), 403, 'FORBIDDEN');

    expectError(await post(`/api/halls/${other.hallId}/devices/${paired.body.device.id}/revoke`, tok.admin), 404, 'NOT_FOUND');
    expectError(await post(`/api/halls/${DEMO}/devices/${paired.body.device.id}/revoke`, tok.clerk1), 403, 'FORBIDDEN');
    const revoked = await post(`/api/halls/${DEMO}/devices/${paired.body.device.id}/revoke`, tok.zhuren);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ id: paired.body.device.id, revokedAt: expect.any(Number) });
    expectError(await issue(S.felling, kiosk), 401, 'UNAUTHENTICATED');
    expectError(await t.api('GET', `/api/halls/${DEMO}/board`, { token: kiosk }), 401, 'UNAUTHENTICATED');
  });

  it('the public may take a phone ticket only where the hall allows it', async () => {
    const ip = freshIp();
    const phone = await issue(S.subsidy, undefined, { channel: 'phone' }, ip);
    expect(phone.status).toBe(201);
    expect(phone.body).toMatchObject({ number: 'P001', channel: 'phone', priority: false });
    expect((await issue(S.subsidy, undefined, {}, ip)).body).toMatchObject({ channel: 'phone' });
    expectError(await issue(S.subsidy, undefined, { channel: 'phone', priority: true }, ip), 401, 'UNAUTHENTICATED');
    expectError(await issue(S.subsidy, undefined, { channel: 'kiosk' }, ip), 401, 'UNAUTHENTICATED');
    const elsewhere = await t.api('POST', `/api/halls/${other.hallId}/tickets`, { body: { serviceId: other.serviceId(S.subsidy), channel: 'phone' }, ip });
    expectError(elsewhere, 401, 'UNAUTHENTICATED');
    // Staff may issue in their own hall only.
    expect((await t.api('POST', `/api/halls/${other.hallId}/tickets`, { token: tok.other, body: { serviceId: other.serviceId(S.subsidy) } })).status).toBe(201);
    expectError(await t.api('POST', `/api/halls/${other.hallId}/tickets`, { token: tok.clerk1, body: { serviceId: other.serviceId(S.subsidy) } }), 403, 'FORBIDDEN');
  });
});

describe('idempotency and staff limits', () => {
  it('a retried issue with the same requestId returns the same ticket and records one event', async () => {
    const board = await t.connect({ hallId: DEMO });
    const from = board.mark();
    const body = { serviceId: S.unemployment, requestId: 'kiosk-retry-0001' };
    const first = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: tok.clerk2, body });
    const second = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: tok.clerk2, body });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    secrets.ticketIds.add(first.body.id);
    // Another staff member's identical requestId is a different request.
    const fromOther = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: tok.clerk3, body });
    expect(fromOther.body.id).not.toBe(first.body.id);
    await board.waitForEvent('ticket:issued', { from, where: (e) => e.ticket.number === fromOther.body.number });
    const issuedEvents = board.events.slice(from).filter((r) => r.event === 'ticket:issued');
    expect(issuedEvents.map((r) => r.data.ticket.number)).toEqual([first.body.number, fromOther.body.number]);
    const log = (await t.api('GET', `/api/halls/${DEMO}/events?since=0`, { token: tok.admin })).body.events;
    expect(log.filter((e: any) => e.type === 'ticket:issued' && e.ticket.id === first.body.id)).toHaveLength(1);
    board.close();
  });

  it('100 quick staff requests stay under the staff limit', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => issue(S.bills, tok.clerk1)));
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    const numbers = results.map((r) => r.body.number).sort();
    expect(new Set(numbers).size).toBe(100);
    expect(numbers[0]).toBe('S001');
    expect(numbers[99]).toBe('S100');
  });
});

describe('rate limits', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ kioskIssueLimitPerMinute: 3, phoneIssueLimitPerHour: 2 });
  });
  afterAll(() => small?.close());

  const issueAt = (server: TestServer, token: string | undefined, ip?: string) =>
    server.api('POST', `/api/halls/${DEMO}/tickets`, { ...(token ? { token } : {}), body: { serviceId: S.general }, ...(ip ? { ip } : {}) });

  it('a kiosk over its per-minute limit gets 429 with Retry-After; another kiosk is unaffected', async () => {
    const supervisor = await small.login('zhuren');
    const pair = async (name: string) => (await small.api('POST', `/api/halls/${DEMO}/devices`, { token: supervisor, body: { kind: 'kiosk', name } })).body.token as string;
    const [kioskA, kioskB] = [await pair('A'), await pair('B')];
    for (let i = 0; i < 3; i++) expect((await issueAt(small, kioskA)).status).toBe(201);
    const limited = await issueAt(small, kioskA);
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.body.error.details).toEqual({ retryAfterSeconds: retryAfter });
    // Check-in counts as issuing too.
    expectError(await small.api('POST', `/api/halls/${DEMO}/appointments/check-in`, { token: kioskA, body: { code: '123456' } }), 429, 'RATE_LIMITED');
    expect((await issueAt(small, kioskB)).status).toBe(201);
  });

  it('phone tickets are limited per client address', async () => {
    const [ipA, ipB] = [freshIp(), freshIp()];
    expect((await issueAt(small, undefined, ipA)).status).toBe(201);
    expect((await issueAt(small, undefined, ipA)).status).toBe(201);
    const limited = await issueAt(small, undefined, ipA);
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await issueAt(small, undefined, ipB)).status).toBe(201);
    // A refused request did not take a number.
    const board = (await small.api('GET', `/api/halls/${DEMO}/board`)).body;
    expect(board.services.find((s: any) => s.id === S.general).waiting).toBe(3 + 1 + 2 + 1);
  });
});
