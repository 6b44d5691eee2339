/**
 * Statistics over real HTTP: a morning scripted through the REST API on a
 * server whose clock the test moves, then the JSON report, the CSV exports
 * and who may read them. Demo hall, Friday 2026-11-27 (Asia/Shanghai):
 *
 *   08:00 王芳 (clerk1) opens window 1, 李娜 (clerk2) window 2; A001 and C001 issued
 *   08:10 A002
 *   08:12 window 1 calls A001 (waited 12 min)      08:20 completed (8 min from the call), rated 5
 *   08:15 window 2 calls C001 (waited 15 min)      08:16 no-show
 *   08:30 window 1 calls A002 (waited 20 min)      08:33 started   08:40 accepted (7 min from the start), 08:41 rated 2
 *   08:35 A003 issued, 08:36 cancelled
 *   09:00 the reports are read
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const DAY = '2026-11-27';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const MIN = 60;

describe('statistics over HTTP', () => {
  let t: TestServer;
  let now = at('08:00');
  let zhuren: string;

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now });
    zhuren = await t.login('zhuren');
    const clerk1 = await t.login('clerk1');
    const clerk2 = await t.login('clerk2');
    const step = async (hhmm: string, token: string | undefined, path: string, body: unknown = {}) => {
      now = at(hhmm);
      const res = await t.api('POST', `/api/halls/${DEMO}${path}`, { ...(token ? { token } : {}), body });
      if (res.status >= 300) throw new Error(`${hhmm} ${path}: ${res.status} ${res.text}`);
      return res.body;
    };
    await step('08:00', clerk1, '/windows/1/open');
    await step('08:00', clerk2, '/windows/2/open');
    await step('08:00', clerk1, '/tickets', { serviceId: 'zonghe-zixun' });
    await step('08:00', clerk1, '/tickets', { serviceId: 'minzheng-dibao' });
    await step('08:10', clerk1, '/tickets', { serviceId: 'zonghe-zixun' });
    expect((await step('08:12', clerk1, '/windows/1/call-next')).number).toBe('A001');
    expect((await step('08:15', clerk2, '/windows/2/call-next')).number).toBe('C001');
    await step('08:16', clerk2, '/windows/2/no-show');
    await step('08:20', clerk1, '/windows/1/finish', { outcome: 'completed' });
    const screen1 = await t.windowScreenToken('1');
    await step('08:20', screen1, '/ratings', { windowId: '1', level: 5 });
    expect((await step('08:30', clerk1, '/windows/1/call-next')).number).toBe('A002');
    await step('08:33', clerk1, '/windows/1/start');
    const a003 = await step('08:35', clerk1, '/tickets', { serviceId: 'zonghe-zixun' });
    await step('08:36', clerk1, `/tickets/${a003.id}/cancel`);
    await step('08:40', clerk1, '/windows/1/finish', { outcome: 'accepted' });
    await step('08:41', screen1, '/ratings', { windowId: '1', level: 2, reasons: ['办事效率低'] });
    now = at('09:00');
  });
  afterAll(async () => t?.close());

  const get = (path: string, token?: string) => t.api('GET', path, token ? { token } : {});
  const range = `from=${DAY}&to=${DAY}`;

  it('reports the morning in JSON', async () => {
    const res = await get(`/api/halls/${DEMO}/stats?${range}`, zhuren);
    expect(res.status).toBe(200);
    const { totals, windows, clerks, arrivals } = res.body;
    // Issued A001 C001 A002 A003; served A001 A002; C001 no-show (still in the hall: unfinished); A003 cancelled.
    expect(totals).toMatchObject({ issued: 4, served: 2, noShow: 1, cancelled: 1, transferred: 0, expired: 0, unfinished: 1, calls: 3, outOfOrder: 0 });
    expect(totals.outcomes).toEqual({ completed: 1, accepted: 1, rejected: 0, consulted: 0 });
    // Waits 12, 15, 20 min: mean 2820 s / 3 = 940 s; service 8 and 7 min: mean 450 s, median the 1st of 2 = 7 min.
    expect(totals.wait).toEqual({ count: 3, meanSeconds: 940, medianSeconds: 15 * MIN, p90Seconds: 20 * MIN });
    expect(totals.service).toEqual({ count: 2, meanSeconds: 450, medianSeconds: 7 * MIN, p90Seconds: 8 * MIN });
    expect(totals.satisfaction).toEqual({ levels: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 }, rated: 2, rate: 0.5 });
    expect(arrivals[8]).toBe(4);
    const window1 = windows.find((row: any) => row.windowId === '1');
    // Window 1 open from 08:00 to the report at 09:00.
    expect(window1).toMatchObject({ number: 1, name: '综合受理窗口', served: 2, openSeconds: 60 * MIN, pausedSeconds: 0 });
    expect(windows).toHaveLength(8);
    expect(clerks.map((row: any) => [row.name, row.staffNo, row.served, row.noShow])).toEqual([
      ['王芳', 'QS001', 2, 0],
      ['李娜', 'QS002', 0, 1],
    ]);
  });

  it('exports a CSV per grouping, for Excel', async () => {
    const res = await get(`/api/halls/${DEMO}/stats.csv?${range}&by=window`, zhuren);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename=hallq-stats-demo-${DAY}-${DAY}-window.csv`);
    const bytes = new Uint8Array(await (await fetch(`${t.url}/api/halls/${DEMO}/stats.csv?${range}&by=window`, { headers: { authorization: `Bearer ${zhuren}` } })).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]!.startsWith('窗口号(Window No.),窗口名称(Window),叫号次数(Calls),办结(Served),')).toBe(true);
    expect(lines).toHaveLength(1 + 8 + 1);
    // Window 1: 2 calls, 2 served (1 completed, 1 accepted), mean wait (12 + 20) / 2 = 16 min, mean service 7.5 min.
    expect(lines[1]!.startsWith('1,综合受理窗口,2,2,1,1,0,0,0,0,0,16,12,20,7.5,7,8,2,1,0,0,1,0,50,60,0')).toBe(true);
    for (const by of ['service', 'clerk', 'day']) expect((await get(`/api/halls/${DEMO}/stats.csv?${range}&by=${by}`, zhuren)).status).toBe(200);
  });

  it('exports one row per rating', async () => {
    const res = await get(`/api/halls/${DEMO}/evaluations.csv?${range}`, zhuren);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`hallq-evaluations-demo-${DAY}-${DAY}.csv`);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toEqual([
      '评价时间(Time),服务大厅(Hall),窗口号(Window No.),窗口名称(Window),业务(Service),号票(Ticket),工作人员(Clerk),工号(Staff No.),评价等级(Level),评价(Rating)',
      `${DAY} 08:20,青山镇便民服务中心,1,综合受理窗口,政策咨询与导办,A001,王芳,QS001,5,非常满意`,
      `${DAY} 08:41,青山镇便民服务中心,1,综合受理窗口,政策咨询与导办,A002,王芳,QS001,2,不满意`,
      '',
    ]);
  });

  it('lets the hall staff read statistics, and nobody else', async () => {
    const paths = [`stats?${range}`, `stats.csv?${range}&by=day`, `evaluations.csv?${range}`];
    for (const username of ['clerk3', 'zhuren', 'admin']) {
      const token = await t.login(username);
      for (const path of paths) expect((await get(`/api/halls/${DEMO}/${path}`, token)).status, `${username} ${path}`).toBe(200);
    }
    const device = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: zhuren, body: { kind: 'kiosk', name: '入口取号机' } });
    const other = await t.createSecondHall();
    const otherClerk = await t.login(other.clerkUsername, other.clerkPassword);
    for (const path of paths) {
      const anonymous = await get(`/api/halls/${DEMO}/${path}`);
      expect([anonymous.status, errorCodeOf(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
      const kiosk = await get(`/api/halls/${DEMO}/${path}`, device.body.token);
      expect([kiosk.status, errorCodeOf(kiosk)]).toEqual([403, 'FORBIDDEN']);
      const stranger = await get(`/api/halls/${DEMO}/${path}`, otherClerk);
      expect([stranger.status, errorCodeOf(stranger)]).toEqual([403, 'FORBIDDEN']);
    }
  });

  it('refuses bad ranges and unknown halls, and changes nothing', async () => {
    const before = await t.stateJson();
    const bad = [
      'stats',
      `stats?from=${DAY}`,
      'stats?from=2026-02-30&to=2026-03-01',
      'stats?from=2026-11-27&to=2026-11-26',
      'stats?from=2025-11-26&to=2026-11-27',
      `stats?from=${DAY}&to=${DAY}&from=${DAY}`,
      `stats.csv?${range}`,
      `stats.csv?${range}&by=hour`,
      'evaluations.csv?from=27-11-2026&to=2026-11-27',
    ];
    for (const path of bad) {
      const res = await get(`/api/halls/${DEMO}/${path}`, zhuren);
      expect([res.status, errorCodeOf(res)], path).toEqual([400, 'VALIDATION_FAILED']);
    }
    // 366 days is the longest range.
    expect((await get(`/api/halls/${DEMO}/stats?from=2025-11-27&to=2026-11-27`, zhuren)).status).toBe(200);
    const missing = await get(`/api/halls/nope/stats?${range}`, await t.login('admin'));
    expect([missing.status, errorCodeOf(missing)]).toEqual([404, 'HALL_NOT_FOUND']);
    expect(await t.stateJson()).toBe(before);
  });
});
