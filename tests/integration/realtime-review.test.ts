import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/** Behaviours added after review: the server's clock tick, socket languages, unknown events, kiosks' view. */
describe('realtime details', () => {
  let t: TestServer;
  // The server's clock is ours to move, so midnight comes when the test says.
  let now = Date.parse('2026-03-02T23:59:00+08:00');

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now, tickIntervalMs: 50 });
  });
  afterAll(async () => t?.close());

  it('rolls an idle hall over at local midnight by itself, and tells the boards', async () => {
    const token = await t.login('zhuren');
    const issued = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token, body: { serviceId: 'zonghe-zixun' } });
    expect(issued.body.number).toBe('A001');
    const board = await t.connect({ hallId: DEMO });
    now = Date.parse('2026-03-03T00:00:30+08:00');
    const started = await board.waitForEvent('hall:day-started');
    expect(started).toMatchObject({ day: '2026-03-03', previousDay: '2026-03-02' });
    expect((await t.api('GET', `/api/tickets/${issued.body.id}`)).body.status).toBe('expired');
    const view = (await t.api('GET', `/api/halls/${DEMO}/board`)).body;
    expect(view.day).toBe('2026-03-03');
    expect(view.services.find((s: any) => s.id === 'zonghe-zixun').waiting).toBe(0);
    const next = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token, body: { serviceId: 'zonghe-zixun' } });
    expect(next.body.number).toBe('A001');
  });

  it('answers socket errors in the language asked for at the handshake', async () => {
    const english = await t.connect({ hallId: DEMO, auth: { lang: 'en' } });
    const answer = await english.send('window:call-next', { windowId: '1' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in first.' } });
    const chinese = await t.connect({ hallId: DEMO });
    expect(await chinese.send('window:call-next', { windowId: '1' })).toMatchObject({ error: { message: '请先登录。' } });
  });

  it('answers an unknown socket event instead of leaving the client waiting', async () => {
    const board = await t.connect({ hallId: DEMO });
    expect(await board.send('ticket:teleport', { to: 'front' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('gives a kiosk the public view: no ticket ids of other citizens', async () => {
    const admin = await t.login('admin');
    const paired = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: admin, body: { kind: 'kiosk', name: '大厅入口取号机' } });
    expect(paired.status).toBe(201);
    const kiosk = await t.connect({ hallId: DEMO, token: paired.body.token });
    expect(kiosk.snapshot.audience).toBe('public');
    const staff = await t.login('zhuren');
    const other = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: staff, body: { serviceId: 'minzheng-dibao' } });
    const seen = await kiosk.waitForEvent('ticket:issued', { where: (event: any) => event.ticket.number === other.body.number });
    expect(JSON.stringify(seen)).not.toContain(other.body.id);
    // Its own ticket's id it gets in the answer, to print the e-ticket QR code.
    const own = await kiosk.send('ticket:issue', { serviceId: 'minzheng-dibao' });
    expect(own).toMatchObject({ ok: true, data: { id: expect.any(String), channel: 'kiosk' } });
  });
});

describe('cutting callers off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('disconnects a kiosk the moment its device is revoked', async () => {
    const admin = await t.login('admin');
    const paired = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: admin, body: { kind: 'kiosk', name: '二楼取号机' } });
    const kiosk = await t.connect({ hallId: DEMO, token: paired.body.token });
    const gone = kiosk.waitForEvent('disconnect');
    expect((await t.api('POST', `/api/halls/${DEMO}/devices/${paired.body.device.id}/revoke`, { token: admin })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect(await t.connectError({ hallId: DEMO, token: paired.body.token })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an empty socket token, in the language asked for', async () => {
    expect(await t.connectError({ hallId: DEMO, token: '', lang: 'en' })).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Please sign in first.' });
  });

  it('tells a window screen only the number and level of a rating it sends', async () => {
    const admin = await t.login('admin');
    const paired = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: admin, body: { kind: 'window-screen', name: '评价器', windowId: '6' } });
    const clerk = await t.login('clerk6');
    const hall = `/api/halls/${DEMO}`;
    await t.api('POST', `${hall}/windows/6/open`, { token: clerk });
    const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: 'caizheng-huinong-butie' } });
    await t.api('POST', `${hall}/windows/6/call-next`, { token: clerk });
    await t.api('POST', `${hall}/windows/6/finish`, { token: clerk, body: { outcome: 'completed', caseNumber: 'CZ-1' } });
    const rated = await t.api('POST', `${hall}/ratings`, { token: paired.body.token, body: { windowId: '6', level: 4 } });
    expect(rated.status).toBe(201);
    expect(rated.body).toEqual({ number: issued.body.number, level: 4 });
  });
});

describe('which screens are connected', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('lists boards and window screens for staff, and tells staff sockets when one drops', async () => {
    const token = await t.login('zhuren');
    const staff = await t.connect({ hallId: DEMO, token });
    const board = await t.connect({ hallId: DEMO, auth: { client: 'board' } });
    const screen = await t.connect({ hallId: DEMO, auth: { client: 'window-screen', windowId: '3' } });
    const listed = await t.api('GET', `/api/halls/${DEMO}/displays`, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.screens).toEqual([
      { kind: 'board', windowId: null, connections: 1, since: expect.any(Number) },
      { kind: 'window-screen', windowId: '3', connections: 1, since: expect.any(Number) },
    ]);
    const from = staff.mark();
    screen.close();
    const changed = await staff.waitForEvent('displays:changed', { from });
    expect(changed.screens).toEqual([{ kind: 'board', windowId: null, connections: 1, since: expect.any(Number) }]);
    expect(board.hallEvents()).toEqual([]);
    expect(JSON.stringify(board.events)).not.toContain('displays:changed');
    expect((await t.api('GET', `/api/halls/${DEMO}/displays`)).status).toBe(401);
  });
});
