/**
 * The county overview (docs/oversight.md) over real HTTP and Socket.IO: a scripted morning in three
 * halls on a server whose clock the test moves, then the overview rows, the figures across halls
 * (JSON, CSV), the live socket, and who may see what (group-scoped accounts).
 *
 * Friday 2026-11-27 (Asia/Shanghai):
 *   demo (城关县 / 城关镇), as tests/integration/stats.test.ts scripts it:
 *     08:00 windows 1 and 2 open; A001, C001 issued; 08:10 A002
 *     08:12 A001 called (12 min)  08:20 completed, rated 5 on the paired window screen (not connected)
 *     08:15 C001 called (15 min)  08:16 no-show
 *     08:30 A002 called (20 min)  08:33 started  08:40 accepted, 08:41 rated 2 (a 差评 case)
 *     08:35 A003 issued, 08:36 cancelled
 *   other (城关县 / 白石乡): 08:00 window o1 opens; 08:05 and 08:06 two tickets; called 08:10 (5 min) and
 *     08:30 (24 min), finished 08:20 and 08:36; nobody rates
 *   third (城关县 / 石门乡): no window opens; 08:10 one ticket, still waiting at 09:00 (50 min > 30)
 *   09:00 the overview is read
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { DEMO, type TestServer, type TestSocket, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const DAY = '2026-11-27';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const PASSWORD = 'county-pass-1234';

/** A copy of the demo hall under another id, with its own service and window ids. */
function hallConfig(id: string, name: string, group: string[]): HallConfig {
  const demo = demoHallConfig();
  const serviceId = (service: string) => `${id}-${service}`;
  return {
    ...demo,
    id,
    name,
    group,
    services: demo.services.map((service) => ({ ...service, id: serviceId(service.id) })),
    windows: demo.windows.map((window) => ({
      ...window,
      id: `${id}${window.id}`,
      services: window.services.map((link) => ({ ...link, serviceId: serviceId(link.serviceId) })),
    })),
  };
}

describe('the county overview', () => {
  let t: TestServer;
  let now = at('07:00');
  let admin: string;
  let zhuren: string;
  let clerk1: string;
  let qingshan: string;

  const createUser = async (username: string, role: 'clerk' | 'supervisor', hallIds: string[]) => {
    await t.server.store.accounts.createUser({
      id: randomUUID(),
      username,
      displayName: username,
      role,
      hallIds,
      passwordHash: await hashPassword(PASSWORD),
      disabled: false,
      createdAt: now,
    });
    return t.login(username, PASSWORD);
  };

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now });
    admin = await t.login('admin');
    zhuren = await t.login('zhuren');
    clerk1 = await t.login('clerk1');
    const clerk2 = await t.login('clerk2');
    for (const config of [hallConfig('other', '白石乡便民服务中心', ['城关县', '白石乡']), hallConfig('third', '石门乡便民服务中心', ['城关县', '石门乡'])]) {
      await t.server.store.halls.createHall(newHallState(config, now));
    }
    const demoConfig = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config;
    const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...demoConfig, group: ['城关县', '城关镇'] } } });
    expect(saved.status, saved.text).toBe(200);
    const otherClerk = await createUser('other-clerk', 'clerk', ['other']);
    const thirdClerk = await createUser('third-clerk', 'clerk', ['third']);
    qingshan = await createUser('qingshan', 'supervisor', ['group:石门乡']);

    const step = async (hhmm: string, token: string, hallId: string, path: string, body: unknown = {}) => {
      now = at(hhmm);
      const res = await t.api('POST', `/api/halls/${hallId}${path}`, { token, body });
      if (res.status >= 300) throw new Error(`${hhmm} ${hallId}${path}: ${res.status} ${res.text}`);
      return res.body;
    };
    await step('08:00', clerk1, DEMO, '/windows/1/open');
    await step('08:00', clerk2, DEMO, '/windows/2/open');
    await step('08:00', clerk1, DEMO, '/tickets', { serviceId: 'zonghe-zixun' });
    await step('08:00', clerk1, DEMO, '/tickets', { serviceId: 'minzheng-dibao' });
    await step('08:00', otherClerk, 'other', '/windows/other1/open');
    await step('08:05', otherClerk, 'other', '/tickets', { serviceId: 'other-zonghe-zixun' });
    await step('08:06', otherClerk, 'other', '/tickets', { serviceId: 'other-zonghe-zixun' });
    await step('08:10', clerk1, DEMO, '/tickets', { serviceId: 'zonghe-zixun' });
    await step('08:10', thirdClerk, 'third', '/tickets', { serviceId: 'third-zonghe-zixun' });
    expect((await step('08:10', otherClerk, 'other', '/windows/other1/call-next')).number).toBe('A001');
    expect((await step('08:12', clerk1, DEMO, '/windows/1/call-next')).number).toBe('A001');
    expect((await step('08:15', clerk2, DEMO, '/windows/2/call-next')).number).toBe('C001');
    await step('08:16', clerk2, DEMO, '/windows/2/no-show');
    await step('08:20', clerk1, DEMO, '/windows/1/finish', { outcome: 'completed' });
    await step('08:20', otherClerk, 'other', '/windows/other1/finish', { outcome: 'completed' });
    const screen1 = await t.windowScreenToken('1');
    await step('08:20', screen1, DEMO, '/ratings', { windowId: '1', level: 5 });
    expect((await step('08:30', clerk1, DEMO, '/windows/1/call-next')).number).toBe('A002');
    expect((await step('08:30', otherClerk, 'other', '/windows/other1/call-next')).number).toBe('A002');
    await step('08:33', clerk1, DEMO, '/windows/1/start');
    const a003 = await step('08:35', clerk1, DEMO, '/tickets', { serviceId: 'zonghe-zixun' });
    await step('08:36', clerk1, DEMO, `/tickets/${a003.id}/cancel`);
    await step('08:36', otherClerk, 'other', '/windows/other1/finish', { outcome: 'accepted' });
    await step('08:40', clerk1, DEMO, '/windows/1/finish', { outcome: 'accepted' });
    await step('08:41', screen1, DEMO, '/ratings', { windowId: '1', level: 2, reasons: ['办事效率低'] });
    now = at('09:00');
  });
  afterAll(async () => t?.close());

  const overviewSocket = async (token: string): Promise<TestSocket> => {
    const socket = await t.connect({ token, auth: { overview: true, hallId: undefined }, waitForSnapshot: false });
    await socket.waitForEvent('overview:snapshot');
    return socket;
  };
  const snapshotOf = (socket: TestSocket) => socket.events.find((received) => received.event === 'overview:snapshot')!.data;

  it('shows one row per hall, sorted by what needs attention, with the morning’s exact figures', async () => {
    const socket = await overviewSocket(admin);
    const { rows, groups } = snapshotOf(socket);
    expect(rows.map((row: any) => row.hallId)).toEqual(['third', DEMO, 'other']);
    const [third, demo, other] = rows;
    expect(third).toMatchObject({
      name: '石门乡便民服务中心',
      group: ['城关县', '石门乡'],
      day: DAY,
      openWindows: 0,
      waiting: 1,
      longestWaitMinutes: 50,
      servedToday: 0,
      goodRatePercent: null,
      ratedToday: 0,
      devicesOffline: 0,
      openBadCases: 0,
      overdueBadCases: 0,
      attention: ['over-wait-limit', 'no-window-open'],
      at: at('09:00'),
    });
    // Two windows open, nobody waits (C001 is a no-show, A003 cancelled); 5 and 2: one good rating of two.
    expect(demo).toMatchObject({
      openWindows: 2,
      windows: 8,
      waiting: 0,
      longestWaitMinutes: 0,
      servedToday: 2,
      goodRatePercent: 50,
      ratedToday: 2,
      // The window screen paired for the ratings is not connected.
      devicesOffline: 1,
      openBadCases: 1,
      overdueBadCases: 0,
      attention: ['devices-offline'],
    });
    expect(other).toMatchObject({ openWindows: 1, waiting: 0, servedToday: 2, goodRatePercent: null, ratedToday: 0, devicesOffline: 0, attention: [] });
    expect(groups).toEqual(['白石乡', '城关县', '城关镇', '石门乡'].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    socket.close();
  });

  it('gives the halls’ daily figures side by side, from the reports’ own statistics', async () => {
    const res = await t.api('GET', `/api/overview/figures?from=${DAY}&to=${DAY}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ from: DAY, to: DAY, by: 'day' });
    const byHall = Object.fromEntries(res.body.rows.map((row: any) => [row.hallId, row]));
    expect(res.body.rows).toHaveLength(3);
    // Waits 12, 15, 20 min (mean 15.7, p90 20); service 8 and 7 min.
    expect(byHall[DEMO]).toEqual({
      hallId: DEMO,
      name: expect.any(String),
      group: ['城关县', '城关镇'],
      period: DAY,
      issued: 4,
      served: 2,
      noShows: 1,
      meanWaitMinutes: 15.7,
      p90WaitMinutes: 20,
      meanServiceMinutes: 7.5,
      rated: 2,
      goodRatePercent: 50,
      badRatings: 1,
      bookings: 0,
    });
    // Waits 5 and 24 min, services 10 and 6 min.
    expect(byHall.other).toMatchObject({ issued: 2, served: 2, noShows: 0, meanWaitMinutes: 14.5, p90WaitMinutes: 24, meanServiceMinutes: 8, rated: 0, goodRatePercent: null, badRatings: 0 });
    expect(byHall.third).toMatchObject({ issued: 1, served: 0, meanWaitMinutes: null, p90WaitMinutes: null, meanServiceMinutes: null, rated: 0 });

    const monthly = await t.api('GET', `/api/overview/figures?from=2026-11-01&to=2026-11-30&by=month`, { token: admin });
    expect(monthly.body.rows.map((row: any) => [row.hallId, row.period, row.issued, row.served])).toEqual(
      expect.arrayContaining([
        [DEMO, '2026-11', 4, 2],
        ['other', '2026-11', 2, 2],
        ['third', '2026-11', 1, 0],
      ]),
    );
    expect(monthly.body.rows).toHaveLength(3);
  });

  it('exports the figures as CSV with Chinese headers and a byte-order mark', async () => {
    const res = await t.api('GET', `/api/overview/figures.csv?from=${DAY}&to=${DAY}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await (await fetch(`${t.url}/api/overview/figures.csv?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${admin}` } })).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.text.replace(/^\uFEFF/, '').startsWith('大厅编号(Hall id),大厅(Hall),分组(Group),日期(Period),取号(Issued)')).toBe(true);
    const demoLine = res.text.split('\r\n').find((line) => line.startsWith(`${DEMO},`));
    expect(demoLine).toBe(`${DEMO},${demoHallConfig().name},城关县 / 城关镇,${DAY},4,2,1,15.7,20,7.5,2,50,1,0`);
  });

  it('refuses bad ranges and groupings, and clerks', async () => {
    for (const query of ['from=2026-11-31&to=2026-11-30', `from=${DAY}&to=2026-11-26`, `from=${DAY}&to=${DAY}&by=week`, 'to=2026-11-30', 'from=2025-01-01&to=2026-11-30']) {
      const res = await t.api('GET', `/api/overview/figures?${query}`, { token: admin });
      expect([res.status, errorCodeOf(res)], query).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(errorCodeOf(await t.api('GET', `/api/overview/figures?from=${DAY}&to=${DAY}`, { token: clerk1 }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('GET', `/api/overview/figures?from=${DAY}&to=${DAY}`))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('GET', '/api/overview/groups', { token: zhuren }))).toBe('FORBIDDEN');
    expect((await t.api('GET', '/api/overview/groups', { token: admin })).body).toEqual({ groups: ['白石乡', '城关县', '城关镇', '石门乡'].sort((a, b) => a.localeCompare(b, 'zh-CN')) });
  });

  it('refuses clerks, the public and malformed handshakes at the socket', async () => {
    expect((await t.connectError({ overview: true, token: clerk1 })).code).toBe('FORBIDDEN');
    expect((await t.connectError({ overview: true })).code).toBe('VALIDATION_FAILED');
    expect((await t.connectError({ overview: 'yes', token: admin })).code).toBe('VALIDATION_FAILED');
    expect((await t.connectError({ overview: true, token: admin, hallId: DEMO })).code).toBe('VALIDATION_FAILED');
    expect((await t.connectError({ overview: true, token: 'not-a-token' })).code).toBe('UNAUTHENTICATED');
    const device = await t.windowScreenToken('1');
    expect((await t.connectError({ overview: true, token: device })).code).toBe('FORBIDDEN');
  });

  it('pushes a row when a ticket is issued, and nothing for a commit that changes no row', async () => {
    const socket = await overviewSocket(zhuren);
    // zhuren is the demo hall's supervisor: one row.
    expect(snapshotOf(socket).rows.map((row: any) => row.hallId)).toEqual([DEMO]);
    let mark = socket.mark();
    now = at('09:01');
    expect((await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk1, body: { serviceId: 'zonghe-zixun' } })).status).toBe(201);
    const row = await socket.waitForEvent('overview:hall', { from: mark });
    expect(row).toMatchObject({ hallId: DEMO, waiting: 1, longestWaitMinutes: 0, servedToday: 2, at: at('09:01') });

    // An announcement changes no figure of the row: no frame. The next frame is the pause's.
    mark = socket.mark();
    expect((await t.api('POST', `/api/halls/${DEMO}/announcements`, { token: zhuren, body: { text: '本周六上午办理社保业务' } })).status).toBe(201);
    expect((await t.api('POST', `/api/halls/${DEMO}/windows/1/pause`, { token: clerk1, body: { reason: 'away' } })).status).toBeLessThan(300);
    const next = await socket.waitForEvent('overview:hall', { from: mark });
    expect(next).toMatchObject({ hallId: DEMO, openWindows: 1 });
    expect(socket.events.slice(mark).filter((received) => received.event === 'overview:hall')).toHaveLength(1);
    // A ticket issued in another hall reaches no socket of this account.
    mark = socket.mark();
    expect((await t.api('POST', '/api/halls/other/tickets', { token: await t.login('other-clerk', PASSWORD), body: { serviceId: 'other-zonghe-zixun' } })).status).toBe(201);
    expect((await t.api('POST', `/api/halls/${DEMO}/windows/1/resume`, { token: clerk1, body: {} })).status).toBeLessThan(300);
    expect(await socket.waitForEvent('overview:hall', { from: mark })).toMatchObject({ hallId: DEMO, openWindows: 2 });
    expect(socket.events.slice(mark).filter((received) => received.event === 'overview:hall').map((received) => received.data.hallId)).toEqual([DEMO]);
    socket.close();
  });

  it('scopes a group’s supervisor to the group’s halls, and follows a hall moved into and out of the group', async () => {
    const figures = async () => (await t.api('GET', `/api/overview/figures?from=${DAY}&to=${DAY}`, { token: qingshan })).body.rows.map((row: any) => row.hallId).sort();
    expect(await figures()).toEqual(['third']);
    const socket = await overviewSocket(qingshan);
    expect(snapshotOf(socket).rows.map((row: any) => row.hallId)).toEqual(['third']);
    // Another hall's staff view stays closed to the account.
    expect(errorCodeOf(await t.api('GET', '/api/halls/other/staff-view', { token: qingshan }))).toBe('FORBIDDEN');

    const config = (await t.api('GET', '/api/halls/other/config', { token: admin })).body.config;
    let mark = socket.mark();
    expect((await t.api('PUT', '/api/halls/other/config', { token: admin, body: { config: { ...config, group: ['城关县', '石门乡'] } } })).status).toBe(200);
    expect(await socket.waitForEvent('overview:hall', { from: mark, where: (row) => row.hallId === 'other' })).toMatchObject({ group: ['城关县', '石门乡'] });
    // The same token, the account untouched: the hall is now in scope.
    expect(await figures()).toEqual(['other', 'third']);
    expect((await t.api('GET', '/api/halls/other/staff-view', { token: qingshan })).status).toBe(200);

    mark = socket.mark();
    expect((await t.api('PUT', '/api/halls/other/config', { token: admin, body: { config: { ...config, group: ['城关县', '白石乡'] } } })).status).toBe(200);
    expect(await socket.waitForEvent('overview:removed', { from: mark })).toEqual({ hallId: 'other' });
    expect(await figures()).toEqual(['third']);
    socket.close();
  });

  it('lets an admin give an account a group, and refuses a malformed entry', async () => {
    const created = await t.api('POST', '/api/users', {
      token: admin,
      body: { username: 'baishi-sup', password: PASSWORD, displayName: '白石乡主任', role: 'supervisor', hallIds: ['group:白石乡'] },
    });
    expect(created.status, created.text).toBe(201);
    const token = await t.login('baishi-sup', PASSWORD);
    expect((await t.api('GET', `/api/overview/figures?from=${DAY}&to=${DAY}`, { token })).body.rows.map((row: any) => row.hallId)).toEqual(['other']);
    const bad = await t.api('POST', '/api/users', {
      token: admin,
      body: { username: 'bad-group', password: PASSWORD, displayName: 'x', role: 'supervisor', hallIds: ['group:'] },
    });
    expect([bad.status, errorCodeOf(bad)]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('keeps a retired hall at the bottom, greyed, with nothing to look at', async () => {
    await t.server.store.halls.createHall(newHallState(hallConfig('retired', '旧城关大厅', ['城关县']), now));
    const socket = await overviewSocket(admin);
    expect(snapshotOf(socket).rows.find((row: any) => row.hallId === 'retired')).not.toHaveProperty('archived');
    const mark = socket.mark();
    const archived = await t.api('POST', '/api/halls/retired/archive', { token: admin, body: {} });
    expect(archived.status, archived.text).toBe(200);
    expect(await socket.waitForEvent('overview:hall', { from: mark, where: (row) => row.hallId === 'retired' })).toMatchObject({ archived: true, attention: [] });
    const again = await overviewSocket(admin);
    expect(snapshotOf(again).rows.at(-1)).toMatchObject({ hallId: 'retired', archived: true });
    socket.close();
    again.close();
  });
});
