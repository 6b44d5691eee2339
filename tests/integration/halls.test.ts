/**
 * The hall lifecycle over real HTTP and sockets (issue 11): create from a
 * template or a configuration, export and copy, retire; on SQLite and on Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig, ServiceConfig } from '../../server/protocol/model.js';
import { localTime } from '../../server/domain/time.js';
import { pairKiosk } from '../helpers/printing.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const stores: Array<[string, boolean]> = [['sqlite', true], ['redis', hasRedis()]];

describe.each(stores)('hall lifecycle on %s', (kind, available) => {
  let t: TestServer;
  let redis: TestRedis | undefined;
  let admin: string;
  let adminId: string;
  let ids = 0;
  /** A fresh hall id per test, so tests do not depend on each other. */
  const freshId = (stem = 'hall') => `${stem}-${kind}-${++ids}`;

  beforeAll(async () => {
    if (!available) return;
    if (kind === 'redis') redis = await startTestRedis();
    t = await startTestServer(redis ? { redisUrl: redis.url } : {});
    admin = await t.login('admin');
    adminId = (await t.api('GET', '/api/auth/me', { token: admin })).body.user.id;
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  const create = (body: unknown, token: string | null = admin) => t.api('POST', '/api/halls', { ...(token ? { token } : {}), body });
  const listed = async (query = '', token: string | null = null) =>
    (await t.api('GET', `/api/halls${query}`, token ? { token } : {})).body.map((hall: { id: string }) => hall.id) as string[];
  const exported = async (hallId: string): Promise<HallConfig> => JSON.parse((await t.api('GET', `/api/halls/${hallId}/config/export`, { token: admin })).text);

  it.runIf(available)('lists the three templates by id, with their Chinese names', async () => {
    const res = await t.api('GET', '/api/hall-templates');
    expect(res.status).toBe(200);
    expect(res.body.map((template: { id: string; name: string }) => [template.id, template.name])).toEqual([
      ['township-8', '乡镇便民服务中心（8 窗口）'],
      ['street-one-window', '街道便民服务中心（一窗式 5–8 窗口）'],
      ['blank', '空白大厅'],
    ]);
    expect(res.body[0]).toMatchObject({ windows: 8, services: 17 });
  });

  it.runIf(available)('every template creates a valid hall in its own day, recorded as hall:created, that issues and calls a ticket', async () => {
    const templates = (await t.api('GET', '/api/hall-templates')).body.map((template: { id: string }) => template.id) as string[];
    for (const template of templates) {
      const id = freshId(template);
      const before = Date.now();
      const res = await create({ id, template, name: `${template} 测试中心`, timeZone: 'Asia/Urumqi' });
      expect(res.status, res.text).toBe(201);
      expect(res.body.hall).toEqual({ id, name: `${template} 测试中心`, timeZone: 'Asia/Urumqi' });
      expect(res.body.seq).toBe(1);
      expect(await listed()).toContain(id);

      const state = await t.hallState(id);
      expect(state.day).toBe(localTime(Date.now(), 'Asia/Urumqi').day);
      expect(state.tickets).toEqual({});
      expect(state.counters).toEqual({});
      expect(Object.values(state.windows).every((window) => window.status === 'closed')).toBe(true);
      const { events } = (await t.api('GET', `/api/halls/${id}/events?since=0`, { token: admin })).body;
      expect(events).toEqual([expect.objectContaining({ type: 'hall:created', seq: 1, template, actor: `user:${adminId}` })]);
      expect(events[0].at).toBeGreaterThanOrEqual(before);

      // Configured exactly as the admin UI would save it: the exported file goes back unchanged.
      const config = await exported(id);
      expect((await t.api('PUT', `/api/halls/${id}/config`, { token: admin, body: { config } })).body).toEqual({ changes: [] });
      const service = config.services[0]!;
      const window = config.windows.find((w) => w.services.some((link) => link.serviceId === service.id))!;
      const issued = await t.api('POST', `/api/halls/${id}/tickets`, { token: admin, body: { serviceId: service.id } });
      expect(issued.status, issued.text).toBe(201);
      expect(issued.body.number).toBe(`${service.prefix}001`);
      expect((await t.api('POST', `/api/halls/${id}/windows/${window.id}/open`, { token: admin, body: {} })).status).toBe(200);
      const called = await t.api('POST', `/api/halls/${id}/windows/${window.id}/call-next`, { token: admin, body: {} });
      expect(called.body.number).toBe(issued.body.number);
    }
  });

  it.runIf(available)('street-one-window: every window serves every service; opening hours apply to every service', async () => {
    const id = freshId('street');
    const hours = { days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' };
    expect((await create({ id, template: 'street-one-window', name: '东城街道便民服务中心', hours })).status).toBe(201);
    const config = await exported(id);
    expect(config.windows.length).toBeGreaterThanOrEqual(5);
    expect(config.windows.length).toBeLessThanOrEqual(8);
    for (const window of config.windows) expect(window.services.map((link) => link.serviceId).sort()).toEqual(config.services.map((s) => s.id).sort());
    expect(config.services.every((service) => JSON.stringify(service.issuingHours) === JSON.stringify([hours]))).toBe(true);
    expect(config.openingHoursText).toBe('周一至周五 08:30-17:30');
  });

  it.runIf(available)('township-8 is the demo layout without the demo hall\'s identity or people', async () => {
    const id = freshId('town');
    expect((await create({ id, template: 'township-8', name: '白马镇便民服务中心' })).status).toBe(201);
    const config = await exported(id);
    const demo = await exported(DEMO);
    // The demo books round the clock so that it can be tried at any hour; a real hall sets its own booking hours.
    const withoutBooking = (services: ServiceConfig[]) => services.map(({ booking: _booking, ...service }) => service);
    expect(config.services.some((service) => service.booking !== undefined)).toBe(false);
    expect(config.services).toEqual(withoutBooking(demo.services));
    expect(config.windows).toEqual(demo.windows);
    expect(config).toMatchObject({ id, name: '白马镇便民服务中心', timeZone: 'Asia/Shanghai' });
    expect(config.booking).toBeUndefined();
    expect(config.complaintPhone).toBeUndefined();
    expect(config.phoneTickets).toBeUndefined();
    const users = (await t.api('GET', '/api/users', { token: admin })).body as Array<{ hallIds: string[] }>;
    expect(users.some((user) => user.hallIds.includes(id))).toBe(false);
  });

  it.runIf(available)('refuses an id that is not a slug with HALL_ID_INVALID, and creates nothing', async () => {
    const before = await listed('?archived=1', admin);
    for (const id of ['A-hall', 'x', '-lead', 'has_underscore', 'has space', 'ü-hall', 'a'.repeat(41), 42, null, undefined]) {
      const res = await create({ id, template: 'blank', name: '测试' });
      expect([res.status, errorCodeOf(res)], String(id)).toEqual([400, 'HALL_ID_INVALID']);
      expect(res.body.error.message).toMatch(/小写字母/);
    }
    expect(await listed('?archived=1', admin)).toEqual(before);
    expect((await create({ id: 'a'.repeat(40), template: 'blank', name: '四十个字符' })).status).toBe(201);
  });

  it.runIf(available)('a taken id is 409 DUPLICATE and the first hall stays as it was', async () => {
    const id = freshId('dup');
    expect((await create({ id, template: 'blank', name: '第一个' })).status).toBe(201);
    const first = await t.stateJson(id);
    const again = await create({ id, template: 'township-8', name: '第二个' });
    expect([again.status, errorCodeOf(again)]).toEqual([409, 'DUPLICATE']);
    expect(await t.stateJson(id)).toBe(first);
    const demo = await exported(DEMO);
    expect(errorCodeOf(await create({ id: DEMO, config: demo }))).toBe('DUPLICATE');
  });

  it.runIf(available)('checks a configuration exactly as PUT …/config does: field errors, whole-config rules, the hall it is for', async () => {
    const id = freshId('cfg');
    const base = { ...(await exported(DEMO)), id, name: '导入的大厅' };
    const bad = (change: (config: HallConfig) => void) => {
      const config = structuredClone(base);
      change(config);
      return config;
    };
    const cases: Array<[string, HallConfig, string, RegExp | string]> = [
      ['prefix', bad((c) => (c.services[0]!.prefix = 'O')), 'VALIDATION_FAILED', 'config.services.0.prefix'],
      ['extra field', bad((c) => Object.assign(c, { colour: 'red' })), 'VALIDATION_FAILED', 'config'],
      ['same prefix', bad((c) => (c.services[1]!.prefix = c.services[0]!.prefix)), 'CONFIG_INVALID', '的号码字母都是'],
      ['time zone', bad((c) => (c.timeZone = 'Mars/Olympus')), 'CONFIG_INVALID', '时区「Mars/Olympus」无法识别'],
      ['missing service', bad((c) => c.windows[0]!.services.push({ serviceId: 'nope', tier: 1 })), 'CONFIG_INVALID', '仍办理「nope」，请先在该窗口的业务中移除'],
      ['other hall', bad((c) => (c.id = 'somewhere-else')), 'CONFIG_INVALID', '这份配置属于另一个大厅（somewhere-else）'],
    ];
    for (const [what, config, code, detail] of cases) {
      const posted = await create({ id, config });
      const put = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, id: config.id === id ? DEMO : config.id } } });
      expect([posted.status, errorCodeOf(posted)], what).toEqual([400, code]);
      expect(errorCodeOf(put), `${what} (PUT)`).toBe(code);
      const named = code === 'VALIDATION_FAILED' ? posted.body.error.details.issues.map((issue: { path: string }) => issue.path).join(' ') : posted.body.error.details.reason;
      expect(named, what).toContain(detail);
    }
    for (const body of [{ id, template: 'no-such-template', name: 'x' }, { id, template: 'blank' }, { id }, { id, config: base, extra: 1 }, [], 'text']) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(['VALIDATION_FAILED', 'TEMPLATE_NOT_FOUND']).toContain(errorCodeOf(res));
    }
    expect(errorCodeOf(await create({ id, template: 'no-such-template', name: 'x' }))).toBe('TEMPLATE_NOT_FOUND');
    expect(errorCodeOf(await create({ id, template: 'blank', name: 'x', timeZone: 'Nowhere/City' }))).toBe('CONFIG_INVALID');
    expect(await listed('?archived=1', admin)).not.toContain(id);
    expect((await create({ id, config: base })).status).toBe(201);
  });

  it.runIf(available)('only administrators of every hall create halls: 401 for the public, 403 for others', async () => {
    const id = freshId('perm');
    const body = { id, template: 'blank', name: '无权创建' };
    expect([(await create(body, null)).status, errorCodeOf(await create(body, null))]).toEqual([401, 'UNAUTHENTICATED']);
    for (const username of ['zhuren', 'clerk1']) expect([(await create(body, await t.login(username))).status, username]).toEqual([403, username]);
    // An administrator of one hall only may configure it, not found new ones.
    const local = await t.api('POST', '/api/users', { token: admin, body: { username: `admin-${kind}`, password: 'local-admin-pass', displayName: '镇管理员', role: 'admin', hallIds: [DEMO] } });
    expect(local.status, local.text).toBe(201);
    expect(errorCodeOf(await create(body, await t.login(`admin-${kind}`, 'local-admin-pass')))).toBe('FORBIDDEN');
    const kiosk = (await pairKiosk(t, DEMO, 'preview')).token;
    expect(errorCodeOf(await create(body, kiosk))).toBe('FORBIDDEN');
    expect(await listed('?archived=1', admin)).not.toContain(id);
  });

  it.runIf(available)('export is a JSON attachment that POST (as config, with a new id and name) and PUT accept unchanged', async () => {
    const res = await t.api('GET', `/api/halls/${DEMO}/config/export`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="hallq-demo-config.json"');
    const file = JSON.parse(res.text) as HallConfig;
    expect(file).toEqual((await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config);
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: file } })).body).toEqual({ changes: [] });

    const id = freshId('copy');
    const copied = await create({ id, config: { ...file, id, name: '复制的大厅' } });
    expect(copied.status, copied.text).toBe(201);
    expect(await exported(id)).toEqual({ ...file, id, name: '复制的大厅' });
    // The copy is a hall of its own: its queues start empty and its numbers at 001.
    expect((await t.api('POST', `/api/halls/${id}/tickets`, { token: admin, body: { serviceId: file.services[0]!.id } })).body.number).toBe(`${file.services[0]!.prefix}001`);

    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/config/export`, { token: await t.login('clerk1') }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/config/export`))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('GET', '/api/halls/no-such-hall/config/export', { token: admin }))).toBe('HALL_NOT_FOUND');
  });

  it.runIf(available)('a retired hall refuses tickets and queue work with HALL_ARCHIVED, leaves the pickers, and keeps its records', async () => {
    const id = freshId('retire');
    expect((await create({ id, template: 'blank', name: '将撤销的大厅' })).status).toBe(201);
    const kiosk = (await pairKiosk(t, id, 'preview', '取号机', 'admin')).token;
    const served = (await t.api('POST', `/api/halls/${id}/tickets`, { token: admin, body: { serviceId: 'zonghe' } })).body;
    await t.api('POST', `/api/halls/${id}/windows/1/open`, { token: admin, body: {} });
    await t.api('POST', `/api/halls/${id}/windows/1/call-next`, { token: admin, body: {} });
    await t.api('POST', `/api/halls/${id}/windows/1/finish`, { token: admin, body: {} });
    const waiting = (await t.api('POST', `/api/halls/${id}/kiosk/tickets`, { token: kiosk, body: { serviceId: 'zonghe', delivery: 'e-ticket', requestId: 'kiosk-before-archive' } })).body.ticket;
    expect(waiting.number).toBe('A002');

    const board = await t.connect({ hallId: id, auth: { client: 'board' } });
    const mark = board.mark();
    expect(errorCodeOf(await t.api('POST', `/api/halls/${id}/archive`, { token: await t.login('zhuren'), body: {} }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${id}/archive`, { body: {} }))).toBe('UNAUTHENTICATED');
    const archived = await t.api('POST', `/api/halls/${id}/archive`, { token: admin, body: {} });
    expect(archived.status, archived.text).toBe(200);
    expect(archived.body).toEqual({ archivedAt: expect.any(Number), expired: 1 });

    // Boards learn it at once: the event, then a fresh view saying the hall is out of service.
    expect(await board.waitForEvent('hall:archived', { from: mark })).toMatchObject({ expired: 1 });
    const snapshot = await board.waitForEvent('hall:snapshot', { from: mark });
    expect(snapshot.view.hall.archivedAt).toBe(archived.body.archivedAt);

    const refusals = [
      await t.api('POST', `/api/halls/${id}/kiosk/tickets`, { token: kiosk, body: { serviceId: 'zonghe', delivery: 'e-ticket', requestId: 'kiosk-after-archive' } }),
      await t.api('POST', `/api/halls/${id}/tickets`, { token: admin, body: { serviceId: 'zonghe' } }),
      await t.api('POST', `/api/halls/${id}/windows/1/call-next`, { token: admin, body: {} }),
      await t.api('POST', `/api/halls/${id}/windows/1/close`, { token: admin, body: {} }),
      await t.api('POST', `/api/halls/${id}/archive`, { token: admin, body: {} }),
      await t.api('PUT', `/api/halls/${id}/config`, { token: admin, body: { config: await exported(id) } }),
    ];
    for (const res of refusals) expect([res.status, errorCodeOf(res)], res.text).toEqual([409, 'HALL_ARCHIVED']);
    expect(refusals[0]!.body.error.message).toBe('本大厅已停止服务。');

    const view = (await t.api('GET', `/api/halls/${id}/board`)).body;
    expect(view.hall.archivedAt).toBe(archived.body.archivedAt);
    expect(view.services.map((service: { unavailable: string }) => service.unavailable)).toEqual(['HALL_ARCHIVED']);

    expect(await listed()).not.toContain(id);
    expect(await listed('?archived=1')).not.toContain(id);
    expect(await listed('?archived=1', await t.login('zhuren'))).not.toContain(id);
    const all = (await t.api('GET', '/api/halls?archived=1', { token: admin })).body as Array<{ id: string; archivedAt?: number }>;
    expect(all.find((hall) => hall.id === id)?.archivedAt).toBe(archived.body.archivedAt);

    // Records stay readable: tickets, the event log, the statistics.
    expect((await t.api('GET', `/api/tickets/${served.id}`)).body).toMatchObject({ number: 'A001', status: 'served' });
    expect((await t.api('GET', `/api/tickets/${waiting.id}`)).body).toMatchObject({ number: 'A002', status: 'expired' });
    const types = (await t.api('GET', `/api/halls/${id}/events?since=0`, { token: admin })).body.events.map((event: { type: string }) => event.type);
    expect(types[0]).toBe('hall:created');
    expect(types.slice(-2)).toEqual(['ticket:expired', 'hall:archived']);
    const day = localTime(Date.now(), 'Asia/Shanghai').day;
    const stats = await t.api('GET', `/api/halls/${id}/stats?from=${day}&to=${day}`, { token: admin });
    expect(stats.status, stats.text).toBe(200);
    expect(JSON.stringify(stats.body)).toContain('"issued":2');
    // Let the board's goodbye (presence, through the Redis adapter) finish before the server and Redis stop.
    board.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});

describe('the home page lists the halls in service', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ demo: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('with the demo off: no demo links, then each hall created with its pages; retired halls leave it', async () => {
    const empty = await t.api('GET', '/');
    expect(empty.headers.get('content-type')).toMatch(/^text\/html/);
    expect(empty.text).toContain('还没有服务大厅');
    expect(empty.text).not.toContain('hall=demo');
    const admin = await t.login('admin');
    await t.api('POST', '/api/halls', { token: admin, body: { id: 'baima-town', template: 'township-8', name: '白马镇<便民>服务中心', nameAlt: 'Baima Town' } });
    await t.api('POST', '/api/halls', { token: admin, body: { id: 'old-hall', template: 'blank', name: '旧大厅' } });
    await t.api('POST', '/api/halls/old-hall/archive', { token: admin, body: {} });
    const home = await t.api('GET', '/');
    for (const page of ['/display?hall=baima-town', '/kiosk?hall=baima-town', '/counter?hall=baima-town', '/admin?hall=baima-town']) expect(home.text).toContain(`href="${page}"`);
    expect(home.text).toContain('白马镇&lt;便民&gt;服务中心');
    expect(home.text).not.toContain('old-hall');
    expect(home.text).not.toContain('还没有服务大厅');
    const english = await t.api('GET', '/?lang=en');
    expect(english.text).toContain('Baima Town');
    expect(english.text).toContain('href="/display?hall=baima-town&amp;lang=en"');
    expect(english.text).toContain('<html lang="en">');
  });
});
