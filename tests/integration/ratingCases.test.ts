/**
 * 差评整改 work orders over the real server: a 差评 from the paired window screen opens a case, the
 * hall's staff are told at once (without the citizen's phone number), supervisors and admins read the
 * cases (masked in the list, in full in the detail) and take them through 核实 → 整改 → 回访 → 办结 over
 * REST and sockets; clerks, devices, the public and other halls cannot; refusals change nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.js';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
const SERVICE_AT_1 = 'zonghe-zixun';
const DAY = 86_400_000;
const PHONE = '13812345678';

// The hall runs two weeks in the past, so that moving its clock to today makes the cases opened meanwhile overdue
// (login tokens expire by the real clock, which stays ahead).
let now = Date.now() - 14 * DAY;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => now });
});
afterAll(async () => t.close());

/** clerk1 serves one ticket at window 1, now due for rating on the window's screen. */
async function servedAtWindow1(): Promise<{ id: string; number: string }> {
  const clerk = await t.login('clerk1');
  await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
  const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: SERVICE_AT_1 } });
  expect(issued.status).toBe(201);
  for (;;) {
    const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    expect(called.status).toBe(200);
    await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
    if (called.body.id === issued.body.id) return { id: issued.body.id, number: issued.body.number };
  }
}

/** The window screen's rating of the ticket it shows: 非常不满意 with reasons (and a phone for 回访). */
async function rateBad(ticket: { number: string }, options: { phone?: boolean } = {}): Promise<void> {
  const rated = await t.api('POST', `${hall}/ratings`, {
    token: await t.windowScreenToken('1'),
    body: { level: 1, windowId: '1', ticketNumber: ticket.number, reasons: ['服务态度差', '多次跑腿'], note: '态度生硬', ...(options.phone === false ? {} : { followUpPhone: PHONE }) },
  });
  expect(rated.status).toBe(201);
}

async function badRatingAtWindow1(options: { phone?: boolean } = {}): Promise<{ id: string; number: string }> {
  const ticket = await servedAtWindow1();
  await rateBad(ticket, options);
  return ticket;
}

const casePath = (caseId: string, step = '') => `${hall}/rating-cases/${encodeURIComponent(caseId)}${step ? `/${step}` : ''}`;

describe('a 差评 opens a case, and the hall staff are told at once', () => {
  it('REASON_REQUIRED without a reason; with reasons the case reaches staff sockets without the phone, public sockets without the case', async () => {
    const supervisor = await t.connect({ hallId: DEMO, token: await t.login('zhuren'), auth: { client: 'supervisor' } });
    const clerk = await t.connect({ hallId: DEMO, token: await t.login('clerk2') });
    const board = await t.connect({ hallId: DEMO });
    const from = { supervisor: supervisor.mark(), clerk: clerk.mark(), board: board.mark() };

    // The refusal the screen gets: a 非常不满意 without a reason changes nothing and opens no case.
    const ticket = await servedAtWindow1();
    const before = await t.stateJson();
    const refused = await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken('1'), body: { level: 1, windowId: '1', ticketNumber: ticket.number } });
    expect(refused.status).toBe(400);
    expect(errorCodeOf(refused)).toBe('REASON_REQUIRED');
    expect(await t.stateJson()).toBe(before);

    await rateBad(ticket);
    const seen = await supervisor.waitForEvent('rating-case:opened', { from: from.supervisor, where: (e) => e.case?.id === ticket.id });
    expect(seen.case).toMatchObject({ id: ticket.id, ticketNumber: ticket.number, level: 1, reasons: ['服务态度差', '多次跑腿'], note: '态度生硬', status: 'open', windowId: '1' });
    expect(JSON.stringify(seen)).not.toContain(PHONE);
    const atClerk = await clerk.waitForEvent('rating-case:opened', { from: from.clerk, where: (e) => e.case?.id === ticket.id });
    expect(JSON.stringify(atClerk)).not.toContain(PHONE);
    const atBoard = await board.waitForEvent('rating-case:opened', { from: from.board, where: (e) => e.seq === seen.seq });
    expect(atBoard).not.toHaveProperty('case');
    // The case is in the hall's state, with the phone, for the detail.
    expect((await t.hallState()).ratingCases?.[ticket.id]?.followUpPhone).toBe(PHONE);

    // The staff event log (the supervisor view's history) and a staff catch-up leave it out too.
    const log = await t.api('GET', `${hall}/events?since=${seen.seq - 1}`, { token: await t.login('clerk1') });
    expect(log.body.events[0]).toMatchObject({ type: 'rating-case:opened', case: { id: ticket.id } });
    expect(log.text).not.toContain(PHONE);
    const sync = await clerk.send('hall:sync', { sinceSeq: seen.seq - 1 });
    expect(sync).toMatchObject({ ok: true, data: { kind: 'events' } });
    expect(JSON.stringify(sync)).not.toContain(PHONE);
    for (const socket of [supervisor, clerk, board]) socket.close();
  });
});

describe('reading cases', () => {
  it('supervisors and admins list them, phone masked, filtered by status and window; the detail has the phone and the audit', async () => {
    const ticket = await badRatingAtWindow1();
    for (const who of ['zhuren', 'admin']) {
      const list = await t.api('GET', `${hall}/rating-cases`, { token: await t.login(who) });
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ hallId: DEMO, seq: expect.any(Number), today: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(list.body.cases.find((rc: { id: string }) => rc.id === ticket.id)).toMatchObject({
        ticketNumber: ticket.number,
        followUpPhoneMasked: '138****5678',
        status: 'open',
        overdue: false,
        nextStep: 'verify',
      });
      expect(list.text).not.toContain(PHONE);
    }
    const token = await t.login('zhuren');
    expect((await t.api('GET', `${hall}/rating-cases?windowId=1&status=open`, { token })).body.cases.map((rc: { id: string }) => rc.id)).toContain(ticket.id);
    expect((await t.api('GET', `${hall}/rating-cases?windowId=2`, { token })).body.cases).toEqual([]);
    expect((await t.api('GET', `${hall}/rating-cases?status=closed`, { token })).body.cases.map((rc: { id: string }) => rc.id)).not.toContain(ticket.id);

    const detail = await t.api('GET', casePath(ticket.id), { token });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: ticket.id, followUpPhone: PHONE, nextStep: 'verify', audit: [{ step: 'opened' }] });
  });

  it('a bad query is VALIDATION_FAILED; an unknown case CASE_NOT_FOUND', async () => {
    const token = await t.login('zhuren');
    for (const query of ['status=bogus', 'foo=1', 'status=open&status=closed', 'windowId=%3Cscript%3E']) {
      const res = await t.api('GET', `${hall}/rating-cases?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(errorCodeOf(res), query).toBe('VALIDATION_FAILED');
    }
    for (const id of ['no-such-case', '__proto__', 'a b']) {
      const res = await t.api('GET', casePath(id), { token });
      expect(res.status, id).toBe(404);
      expect(errorCodeOf(res), id).toBe('CASE_NOT_FOUND');
    }
  });

  it('clerks, devices, the public and another hall supervisor may not read them', async () => {
    const ticket = await badRatingAtWindow1();
    const other = await t.createSecondHall();
    await t.server.store.accounts.createUser({
      id: randomUUID(),
      username: 'other-zhuren',
      displayName: '白石乡主任',
      role: 'supervisor',
      hallIds: [other.hallId],
      passwordHash: await hashPassword(DEMO_PASSWORD),
      disabled: false,
      createdAt: Date.now(),
    });
    const refusals: Array<[string | undefined, number, string]> = [
      [await t.login('clerk1'), 403, 'FORBIDDEN'],
      [await t.windowScreenToken('1'), 403, 'FORBIDDEN'],
      [await t.login('other-zhuren'), 403, 'FORBIDDEN'],
      [undefined, 401, 'UNAUTHENTICATED'],
    ];
    for (const [token, status, code] of refusals) {
      for (const path of [`${hall}/rating-cases`, casePath(ticket.id)]) {
        const res = await t.api('GET', path, token === undefined ? {} : { token });
        expect(res.status, path).toBe(status);
        expect(errorCodeOf(res)).toBe(code);
        expect(res.text).not.toContain(PHONE);
      }
    }
  });
});

describe('taking a case through its steps', () => {
  it('verify (REST), fix (socket), follow up and close (REST): each step reaches the staff feed and the audit', async () => {
    const ticket = await badRatingAtWindow1();
    const zhuren = await t.login('zhuren');
    const watcher = await t.connect({ hallId: DEMO, token: await t.login('clerk1') });
    const from = watcher.mark();

    const verified = await t.api('POST', casePath(ticket.id, 'verify'), { token: zhuren, body: { substantiated: true, note: '调取录像，属实' } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ id: ticket.id, status: 'verified', nextStep: 'fix', followUpPhoneMasked: '138****5678' });
    expect(verified.text).not.toContain(PHONE);

    const socket = await t.connect({ hallId: DEMO, token: zhuren, auth: { client: 'supervisor' } });
    expect(await socket.send('rating-case:fix', { caseId: ticket.id, measures: '对窗口人员批评教育' })).toMatchObject({ ok: true, data: { status: 'fixed' } });
    socket.close();

    expect((await t.api('POST', casePath(ticket.id, 'follow-up'), { token: zhuren, body: { reached: true, satisfied: true, note: '群众表示满意' } })).status).toBe(200);
    const closed = await t.api('POST', casePath(ticket.id, 'close'), { token: await t.login('admin'), body: {} });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', nextStep: null });

    for (const type of ['rating-case:verified', 'rating-case:fixed', 'rating-case:followed-up', 'rating-case:closed']) {
      await watcher.waitForEvent(type, { from, where: (e) => e.caseId === ticket.id });
    }
    watcher.close();
    const detail = await t.api('GET', casePath(ticket.id), { token: zhuren });
    expect(detail.body.audit.map((entry: { step: string; by?: { name: string } }) => [entry.step, entry.by?.name])).toEqual([
      ['opened', undefined],
      ['verified', '周建华'],
      ['fixed', '周建华'],
      ['followed-up', '周建华'],
      ['closed', '系统管理员'],
    ]);
    expect(detail.body).toMatchObject({ verification: { substantiated: true, note: '调取录像，属实' }, fix: { measures: '对窗口人员批评教育' }, followUp: { reached: true, satisfied: true } });
  });

  it('refuses, changing nothing: a clerk (403), a step out of order (409), an unknown case (404), bad input (400)', async () => {
    const ticket = await badRatingAtWindow1({ phone: false });
    const zhuren = await t.login('zhuren');
    const before = await t.stateJson();
    const attempts: Array<[string, string | undefined, unknown, number, string]> = [
      [casePath(ticket.id, 'verify'), await t.login('clerk1'), { substantiated: true, note: '我没有' }, 403, 'FORBIDDEN'],
      [casePath(ticket.id, 'verify'), await t.windowScreenToken('1'), { substantiated: false, note: 'x' }, 403, 'FORBIDDEN'],
      [casePath(ticket.id, 'verify'), undefined, { substantiated: false, note: 'x' }, 401, 'UNAUTHENTICATED'],
      [casePath(ticket.id, 'fix'), zhuren, { measures: '先整改' }, 409, 'CASE_STEP_INVALID'],
      [casePath(ticket.id, 'close'), zhuren, {}, 409, 'CASE_STEP_INVALID'],
      [casePath('no-such-case', 'verify'), zhuren, { substantiated: true, note: 'x' }, 404, 'CASE_NOT_FOUND'],
      [casePath('bad id!', 'verify'), zhuren, { substantiated: true, note: 'x' }, 404, 'CASE_NOT_FOUND'],
      [casePath(ticket.id, 'verify'), zhuren, { substantiated: true }, 400, 'VALIDATION_FAILED'],
      [casePath(ticket.id, 'verify'), zhuren, { substantiated: 'yes', note: 'x' }, 400, 'VALIDATION_FAILED'],
      [casePath(ticket.id, 'verify'), zhuren, { substantiated: true, note: '   ' }, 400, 'VALIDATION_FAILED'],
      [casePath(ticket.id, 'verify'), zhuren, { substantiated: true, note: 'x'.repeat(501) }, 400, 'VALIDATION_FAILED'],
      [casePath(ticket.id, 'verify'), zhuren, { substantiated: true, note: 'x', status: 'closed' }, 400, 'VALIDATION_FAILED'],
      [casePath(ticket.id, 'follow-up'), zhuren, { reached: false, satisfied: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [path, token, body, status, code] of attempts) {
      const res = await t.api('POST', path, { ...(token !== undefined ? { token } : {}), body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(errorCodeOf(res)).toBe(code);
    }
    const clerkSocket = await t.connect({ hallId: DEMO, token: await t.login('clerk1') });
    expect(await clerkSocket.send('rating-case:verify', { caseId: ticket.id, substantiated: true, note: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    clerkSocket.close();
    expect(await t.stateJson()).toBe(before);

    // 不属实: no 整改, straight to 回访 (the finding explained), then closed.
    expect((await t.api('POST', casePath(ticket.id, 'verify'), { token: zhuren, body: { substantiated: false, note: '查看录像，窗口人员已耐心解释' } })).status).toBe(200);
    expect(errorCodeOf(await t.api('POST', casePath(ticket.id, 'fix'), { token: zhuren, body: { measures: 'x' } }))).toBe('CASE_STEP_INVALID');
    expect((await t.api('POST', casePath(ticket.id, 'follow-up'), { token: zhuren, body: { reached: false, note: '群众未留电话' } })).status).toBe(200);
    expect((await t.api('POST', casePath(ticket.id, 'close'), { token: zhuren, body: { note: '不属实，已办结' } })).status).toBe(200);
  });
});

describe('over time', () => {
  it('a case not closed by its due day is overdue once the day has passed, and stays in the hall across the day change', async () => {
    const ticket = await badRatingAtWindow1();
    const token = await t.login('zhuren');
    const dueDay = (await t.api('GET', casePath(ticket.id), { token })).body.dueDay as string;
    now = Date.now();
    // Any command rolls the hall over to its new day; the case stays.
    await t.api('POST', `${hall}/tickets`, { token: await t.login('clerk1'), body: { serviceId: SERVICE_AT_1 } });
    const list = await t.api('GET', `${hall}/rating-cases?status=open`, { token });
    expect(list.body.today > dueDay).toBe(true);
    const listed = list.body.cases.find((rc: { id: string }) => rc.id === ticket.id);
    expect(listed).toMatchObject({ overdue: true, dueDay });
    // Overdue first.
    expect(list.body.cases[0].overdue).toBe(true);
    expect((await t.hallState()).day).toBe(list.body.today);
  });
});

describe('across a restart', () => {
  it('an open case and its steps are still there after the server restarts on the same data', async () => {
    const ticket = await badRatingAtWindow1();
    const zhuren = await t.login('zhuren');
    expect((await t.api('POST', casePath(ticket.id, 'verify'), { token: zhuren, body: { substantiated: true, note: '属实' } })).status).toBe(200);
    const before = (await t.api('GET', casePath(ticket.id), { token: zhuren })).body;
    // The same data directory, a new process's worth of server (the old one closed, not its data).
    const dataDir = t.config.dataDir;
    await t.server.close();
    const restarted = await startTestServer({ dataDir }, { clock: () => now });
    try {
      const after = await restarted.api('GET', casePath(ticket.id), { token: await restarted.login('zhuren') });
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before);
      expect(after.body).toMatchObject({ status: 'verified', followUpPhone: PHONE, nextStep: 'fix' });
      const fixed = await restarted.api('POST', casePath(ticket.id, 'fix'), { token: await restarted.login('zhuren'), body: { measures: '重启后继续整改' } });
      expect(fixed.body).toMatchObject({ status: 'fixed' });
    } finally {
      await restarted.close();
    }
  });
});
