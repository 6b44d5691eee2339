/**
 * 履职提示 over HTTP: a morning of the demo hall scripted through the REST API on a server whose clock the
 * test moves, then the integrity report, its monthly CSV, bad parameters and who may read them.
 * Friday 2026-11-27 (Asia/Shanghai):
 *
 *   08:00 王芳 (clerk1) opens window 1; A001, A002, A003 issued (综合咨询)
 *   08:10 window 1 calls A001 (idle 10 min while three waited), and marks it a no-show at once
 *   08:11 window 1 calls A003 by number (A002 was due first)
 *   09:00 the reports are read
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOutDirtyMorning } from '../helpers/dirtyMorning.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';
import type { IntegrityReport } from '../../server/protocol/integrity.js';

const DAY = '2026-11-27';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);

describe('integrity signals over HTTP', () => {
  let t: TestServer;
  let now = at('08:00');
  let zhuren: string;
  let clerk1: string;

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now });
    zhuren = await t.login('zhuren');
    clerk1 = await t.login('clerk1');
    const morning = await actOutDirtyMorning(t, DAY, (at) => (now = at));
    expect(morning.firstCall.number).toBe('A001');
    expect(morning.byNumber.outOfOrder).toBe(true);
    now = at('09:00');
  });
  afterAll(async () => t?.close());

  const get = (path: string, token?: string) => t.api('GET', path, token ? { token } : {});

  it('reports the signals of the morning, each with evidence that the event log holds', async () => {
    const res = await get(`/api/halls/${DEMO}/integrity?from=${DAY}&to=${DAY}`, zhuren);
    expect(res.status).toBe(200);
    const report = res.body as IntegrityReport;
    expect(report).toMatchObject({ hallId: DEMO, from: DAY, to: DAY });
    expect(report.thresholds.idleMinutes).toBe(5);
    const kinds = report.signals.map((signal) => signal.kind).sort();
    expect(kinds).toEqual(['idle-while-waiting', 'out-of-order', 'quick-no-show']);
    const idle = report.signals.find((signal) => signal.kind === 'idle-while-waiting')!;
    expect(idle).toMatchObject({ windowId: '1', clerkName: '王芳', amount: 10, tickets: ['A001', 'A002', 'A003'] });
    const skipped = report.signals.find((signal) => signal.kind === 'out-of-order')!;
    expect(skipped.tickets).toEqual(['A002']);
    // The evidence links into the event log: the event after seq-1 is the one named.
    for (const evidence of [...idle.evidence, ...skipped.evidence]) {
      const log = await get(`/api/halls/${DEMO}/events?since=${evidence.seq - 1}`, zhuren);
      expect(log.body.events[0]).toMatchObject({ seq: evidence.seq, type: evidence.type, at: evidence.at });
    }
    expect(skipped.evidence.map((evidence) => [evidence.type, evidence.ticketNumber])).toEqual([['ticket:called', 'A003']]);
  });

  it('gives the month as CSV: BOM, Chinese headers, one line per signal', async () => {
    const res = await get(`/api/halls/${DEMO}/integrity.csv?month=2026-11`, zhuren);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toContain(`hallq-integrity-${DEMO}-2026-11.csv`);
    // The text decoder drops a BOM: the raw bytes show it (EF BB BF), which is what Excel reads.
    const raw = new Uint8Array(await (await fetch(`${t.url}/api/halls/${DEMO}/integrity.csv?month=2026-11`, { headers: { authorization: `Bearer ${zhuren}` } })).arrayBuffer());
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('日期(Day),窗口(Window),工作人员(Clerk)')).toBe(true);
    expect(lines).toHaveLength(4);
    expect(lines.find((line) => line.includes('idle-while-waiting'))).toContain('1号 综合受理窗口 王芳 在 08:00–08:10 空闲 10 分钟，期间 3 人在等其可办事项');
    expect(lines.find((line) => line.includes('out-of-order'))).toContain('越过了应先叫的 A002');
  });

  it.each([
    [`from=${DAY}&to=2026-11-26`, 'to before from'],
    ['from=2026-10-01&to=2026-11-01', 'more than 31 days'],
    ['from=2026-02-30&to=2026-03-01', 'not a calendar day'],
    [`from=${DAY}`, 'no to'],
  ])('refuses %s (%s) with VALIDATION_FAILED', async (query) => {
    const res = await get(`/api/halls/${DEMO}/integrity?${query}`, zhuren);
    expect(res.status).toBe(400);
    expect(errorCodeOf(res)).toBe('VALIDATION_FAILED');
  });

  it('accepts 31 days', async () => {
    expect((await get(`/api/halls/${DEMO}/integrity?from=2026-11-01&to=2026-12-01`, zhuren)).status).toBe(200);
  });

  it.each(['2026-13', '2026-1', '2026-11-01', ''])('refuses the month %j with VALIDATION_FAILED', async (month) => {
    const res = await get(`/api/halls/${DEMO}/integrity.csv?month=${month}`, zhuren);
    expect(res.status).toBe(400);
    expect(errorCodeOf(res)).toBe('VALIDATION_FAILED');
  });

  it('is for supervisors and admins: a clerk is FORBIDDEN, nobody UNAUTHENTICATED, another hall FORBIDDEN', async () => {
    const clerk = await get(`/api/halls/${DEMO}/integrity?from=${DAY}&to=${DAY}`, clerk1);
    expect(clerk.status).toBe(403);
    expect(errorCodeOf(clerk)).toBe('FORBIDDEN');
    expect(errorCodeOf(await get(`/api/halls/${DEMO}/integrity.csv?month=2026-11`, clerk1))).toBe('FORBIDDEN');
    expect(errorCodeOf(await get(`/api/halls/${DEMO}/integrity?from=${DAY}&to=${DAY}`))).toBe('UNAUTHENTICATED');
    const second = await t.createSecondHall();
    expect(errorCodeOf(await get(`/api/halls/${second.hallId}/integrity?from=${DAY}&to=${DAY}`, zhuren))).toBe('FORBIDDEN');
    const admin = await t.login('admin');
    expect((await get(`/api/halls/${DEMO}/integrity?from=${DAY}&to=${DAY}`, admin)).status).toBe(200);
  });

  it('takes its thresholds from the configuration: a bad one is refused and changes nothing, a good one is used', async () => {
    const admin = await t.login('admin');
    const { config } = (await get(`/api/halls/${DEMO}/config`, admin)).body;
    const before = await t.stateJson();
    const refused = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, integrity: { idleMinutes: 0 } } } });
    expect(refused.status).toBe(400);
    expect(errorCodeOf(refused)).toBe('VALIDATION_FAILED');
    expect(await t.stateJson()).toBe(before);

    const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, integrity: { idleMinutes: 11, quickNoShowSeconds: 1 } } } });
    expect(saved.status).toBe(200);
    const report = (await get(`/api/halls/${DEMO}/integrity?from=${DAY}&to=${DAY}`, zhuren)).body as IntegrityReport;
    expect(report.thresholds).toMatchObject({ idleMinutes: 11, quickNoShowSeconds: 1, pauseMinutesPerDay: 60 });
    // Ten idle minutes are under 11; the no-show came 0 s after the call, still under 1 s.
    expect(report.signals.map((signal) => signal.kind).sort()).toEqual(['out-of-order', 'quick-no-show']);
  });
});
