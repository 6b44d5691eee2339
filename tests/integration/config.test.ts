/**
 * Live configuration by an administrator (issue 7): validated, atomic, in the
 * event log with who, when, before and after, and pushed to every screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { pairKiosk } from '../helpers/printing.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.login('admin');
});
afterAll(async () => {
  await t.close();
});

const current = async (): Promise<HallConfig> => (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config;
const save = (config: unknown, token: string | null = admin) =>
  t.api('PUT', `/api/halls/${DEMO}/config`, { ...(token ? { token } : {}), body: { config } });

describe('hall configuration', () => {
  it('is readable by supervisors and admins only', async () => {
    expect((await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('zhuren') })).body.config.id).toBe(DEMO);
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('clerk1') }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/config`))).toBe('UNAUTHENTICATED');
    const kiosk = (await pairKiosk(t, DEMO, 'preview')).token;
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/config`, { token: kiosk }))).toBe('FORBIDDEN');
  });

  it('an admin change is audited and reaches boards and kiosks live; supervisors and clerks may not change it', async () => {
    const board = await t.connect({ auth: { client: 'board' } });
    const staff = await t.connect({ token: await t.login('zhuren') });
    const config = await current();
    const renamed = structuredClone(config);
    renamed.services[0]!.name = '政策咨询与综合导办';
    renamed.services.push({ ...structuredClone(config.services[0]!), id: 'new-service', name: '新设业务', prefix: 'T', materials: [] });
    renamed.windows[0]!.services.push({ serviceId: 'new-service', tier: 1 });
    renamed.maxWaitMinutes = 25;

    expect(errorCodeOf(await save(renamed, await t.login('zhuren')))).toBe('FORBIDDEN');
    expect(errorCodeOf(await save(renamed, await t.login('clerk1')))).toBe('FORBIDDEN');
    expect(await current()).toEqual(config);

    const boardMark = board.mark();
    const staffMark = staff.mark();
    const res = await save(renamed);
    expect(res.status).toBe(200);
    const sections = res.body.changes.map((change: { section: string; id?: string }) => `${change.section}:${change.id ?? ''}`);
    expect(sections).toEqual(['hall:', `service:${config.services[0]!.id}`, 'service:new-service', `window:${config.windows[0]!.id}`]);
    expect(res.body.changes[0]).toEqual({ section: 'hall', before: { maxWaitMinutes: config.maxWaitMinutes }, after: { maxWaitMinutes: 25 } });
    expect(res.body.changes[2]).toMatchObject({ before: null, after: { id: 'new-service', prefix: 'T' } });

    const audit = await staff.waitForEvent('hall:configured', { from: staffMark });
    const adminId = (await t.api('GET', '/api/auth/me', { token: admin })).body.user.id;
    expect(audit).toMatchObject({ actor: `user:${adminId}`, at: expect.any(Number), changes: res.body.changes });
    const publicEvent = await board.waitForEvent('hall:configured', { from: boardMark });
    expect(publicEvent.changes).toBeUndefined();
    const snapshot = await board.waitForEvent('hall:snapshot', { from: boardMark, where: (s) => s.view.services.some((service: { id: string }) => service.id === 'new-service') });
    expect(snapshot.view.services[0].name).toBe('政策咨询与综合导办');

    // The new service issues at once, with its own prefix.
    const ticket = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: admin, body: { serviceId: 'new-service' } });
    expect(ticket.body.number).toBe('T001');
    const log = await t.api('GET', `/api/halls/${DEMO}/events?since=0`, { token: admin });
    expect(log.body.events.filter((event: { type: string }) => event.type === 'hall:configured')).toHaveLength(1);
  });

  it('saving the same configuration changes nothing and logs nothing', async () => {
    const before = await t.hallState();
    const res = await save(before.config);
    expect(res.body).toEqual({ changes: [] });
    expect((await t.hallState()).seq).toBe(before.seq);
  });

  it('refuses configurations that would break the hall, with a reason, changing nothing', async () => {
    const base = await current();
    const before = await t.stateJson();
    const variant = (change: (config: HallConfig) => void) => {
      const copy = structuredClone(base);
      change(copy);
      return copy;
    };
    // Somebody waits for the first service: it cannot be removed.
    await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: admin, body: { serviceId: base.services[1]!.id } });
    const afterTicket = await t.stateJson();
    const invalid: Array<[string, HallConfig]> = [
      ['的号码字母都是', variant((c) => (c.services[1]!.prefix = c.services[0]!.prefix))],
      ['的编号都是', variant((c) => (c.services[1]!.id = c.services[0]!.id))],
      ['两个窗口的窗口号都是', variant((c) => (c.windows[1]!.number = c.windows[0]!.number))],
      ['仍办理「ghost」，请先在该窗口的业务中移除', variant((c) => c.windows[0]!.services.push({ serviceId: 'ghost', tier: 1 }))],
      ['属于另一个大厅', variant((c) => (c.id = 'other-hall'))],
      ['时区「Mars/Olympus」无法识别', variant((c) => (c.timeZone = 'Mars/Olympus'))],
      ['结束时间不晚于开始时间', variant((c) => (c.services[0]!.issuingHours = [{ days: [1], from: '12:00', to: '08:00' }]))],
      ['还有号票（1 人等候），现在不能删除', variant((c) => c.services.splice(1, 1) && c.windows.forEach((w) => (w.services = w.services.filter((l) => l.serviceId !== base.services[1]!.id))))],
    ];
    for (const [reason, config] of invalid) {
      const res = await save(config);
      expect([res.status, errorCodeOf(res)], reason).toEqual([400, 'CONFIG_INVALID']);
      expect(res.body.error.details.reason, reason).toContain(reason);
    }
    expect(await t.stateJson()).toBe(afterTicket);
    expect(before).not.toBe(afterTicket);

    for (const bad of [
      variant((c) => (c.services[0]!.prefix = 'I')),
      variant((c) => ((c.services[0] as unknown as Record<string, unknown>).color = 'red')),
      variant((c) => (c.deskPrinter = 'lp0')),
      variant((c) => (c.maxWaitMinutes = 0)),
      { ...base, services: [] },
      'not a config',
    ]) {
      expect(errorCodeOf(await save(bad))).toBe('VALIDATION_FAILED');
    }
    expect(await t.stateJson()).toBe(afterTicket);
  });

  it('accepts a county-sized configuration beyond the usual request size', async () => {
    const base = await current();
    const big = structuredClone(base);
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    for (let i = 0; big.services.length < 150; i++) {
      const prefix = `${letters[Math.floor(i / letters.length) % letters.length]}${letters[i % letters.length]}`;
      big.services.push({ ...structuredClone(base.services[0]!), id: `county-${i}`, prefix, name: `县级业务 ${i}`, materials: ['身份证原件及复印件', '申请表（加盖公章）', '相关证明材料'] });
    }
    expect(Buffer.byteLength(JSON.stringify({ config: big }))).toBeGreaterThan(t.config.maxPayloadBytes);
    const res = await save(big);
    expect(res.status).toBe(200);
    expect((await current()).services).toHaveLength(150);
  });
});

describe('end of day over REST', () => {
  it('supervisors close the day; clerks may not; kiosks then refuse with OUTSIDE_HOURS', async () => {
    const clerk = await t.login('clerk1');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/close-day`, { token: clerk, body: {} }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/close-day`, { token: await t.login('zhuren'), body: { extra: 1 } }))).toBe('VALIDATION_FAILED');
    const closed = await t.api('POST', `/api/halls/${DEMO}/close-day`, { token: await t.login('zhuren'), body: { requestId: 'close-day-0001' } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ day: expect.any(String), expired: expect.any(Number) });
    const kiosk = (await pairKiosk(t, DEMO, 'preview', '日终取号机')).token;
    const refused = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kiosk, body: { serviceId: 'zonghe-zixun', delivery: 'paper' } });
    expect(errorCodeOf(refused)).toBe('OUTSIDE_HOURS');
    expect((await t.api('GET', `/api/halls/${DEMO}/board`)).body.services.every((service: { unavailable: string | null }) => service.unavailable === 'OUTSIDE_HOURS')).toBe(true);
  });
});
