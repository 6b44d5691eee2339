/**
 * Notices from a window (一次性告知单, 受理回执) and announcements printed on
 * demand, over REST with a fake printer as the guide desk's printer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { cuts, printedText } from '../helpers/printing.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';
import { addWorkingDays } from '../../server/domain/time.js';

const BIRTH = 'jisheng-shengyu-dengji'; // G at window 3, immediate
const HOMESTEAD = 'guotu-zhaijidi'; // M at window 5, 20 working days

let t: TestServer;
let printer: FakePrinter;

beforeAll(async () => {
  printer = await startFakePrinter();
  // The server's default printer serves the guide desk, which prints for windows without their own.
  t = await startTestServer({ printer: printer.address });
});
afterAll(async () => {
  await t.close();
  await printer.close();
});

const notice = (windowId: string, token: string | null, body: unknown) =>
  t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/notices`, { ...(token ? { token } : {}), body });

async function serveOne(windowId: string, clerk: string, serviceId: string): Promise<{ token: string; number: string }> {
  const token = await t.login(clerk);
  await t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/open`, { token, body: {} });
  await t.api('POST', `/api/halls/${DEMO}/tickets`, { token, body: { serviceId } });
  const called = await t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/call-next`, { token, body: {} });
  expect(called.status).toBe(200);
  return { token, number: called.body.number };
}

const printedJobs = () => printer.decoded().filter((items) => cuts(items) === 1);

describe('notices from a window', () => {
  it('prints the one-time notice of missing materials with every ticked item, once per request', async () => {
    const { token, number } = await serveOne('3', 'clerk3', BIRTH);
    const before = printedJobs().length;
    const body = { kind: 'missing-materials', items: ['户口簿', '结婚证原件及复印件'], note: '复印件需签字', requestId: 'notice-req-0001' };
    const res = await notice('3', token, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ticketNumber: number, job: { kind: 'missing-materials', outcome: 'printed', label: number } });
    const again = await notice('3', token, body);
    expect(again.body.job.id).toBe(res.body.job.id);
    await printer.waitForConnections(printer.connections().length);
    const jobs = printedJobs();
    expect(jobs.length).toBe(before + 1);
    const lines = printedText(jobs.at(-1)!).map((line) => line.trim());
    expect(lines).toContain('一次性告知单');
    expect(lines).toContain('1. 户口簿');
    expect(lines).toContain('2. 结婚证原件及复印件');
    expect(lines).toContain('其他说明：复印件需签字');
    expect(lines.some((line) => line.startsWith('经办人：陈静'))).toBe(true);
    expect(jobs.at(-1)!.some((item) => item.kind === 'beep')).toBe(true);
  });

  it('prints the acceptance receipt with the promised date in working days', async () => {
    const { token } = await serveOne('5', 'clerk5', HOMESTEAD);
    const res = await notice('5', token, { kind: 'acceptance-receipt', caseNumber: 'ZJD-2026-0042', requestId: 'notice-req-0002' });
    expect(res.status).toBe(201);
    const state = await t.hallState();
    const service = state.config.services.find((s) => s.id === HOMESTEAD)!;
    expect(service.timeLimit).toEqual({ kind: 'working-days', days: 20 });
    expect(res.body.promisedDate).toBe(addWorkingDays(state.day, 20));
    const lines = printedText(printedJobs().at(-1)!);
    expect(lines).toContain('受理回执');
    expect(lines.some((line) => line.startsWith('受理编号') && line.endsWith('ZJD-2026-0042'))).toBe(true);
    expect(lines.some((line) => line.startsWith('承诺办结日期') && line.endsWith(res.body.promisedDate))).toBe(true);
  });

  it('refuses with a clear code and prints nothing', async () => {
    const { token } = await serveOne('7', 'clerk7', 'nongye-linmu-caifa');
    const before = printedJobs().length;
    const other = await t.login('clerk4');
    const cases: Array<[string, string | null, unknown, string]> = [
      ['7', token, { kind: 'missing-materials' }, 'VALIDATION_FAILED'],
      ['7', token, { kind: 'missing-materials', items: ['一张不存在的证明'] }, 'VALIDATION_FAILED'],
      ['7', token, { kind: 'thank-you-letter' }, 'VALIDATION_FAILED'],
      ['7', token, { kind: 'acceptance-receipt', extra: true }, 'VALIDATION_FAILED'],
      ['7', other, { kind: 'acceptance-receipt' }, 'WINDOW_NOT_HELD'],
      ['7', null, { kind: 'acceptance-receipt' }, 'UNAUTHENTICATED'],
      ['99', token, { kind: 'acceptance-receipt' }, 'WINDOW_NOT_FOUND'],
    ];
    for (const [windowId, caller, body, code] of cases) expect(errorCodeOf(await notice(windowId, caller, body)), JSON.stringify(body)).toBe(code);
    // A window with nobody served yet has no ticket to write about.
    const clerk2 = await t.login('clerk2');
    await t.api('POST', `/api/halls/${DEMO}/windows/2/open`, { token: clerk2, body: {} });
    expect(errorCodeOf(await notice('2', clerk2, { kind: 'acceptance-receipt' }))).toBe('NO_CURRENT_TICKET');
    expect(printedJobs().length).toBe(before);
  });

  it('prints an announcement at the guide desk for a supervisor, not for a clerk', async () => {
    const zhuren = await t.login('zhuren');
    const posted = await t.api('POST', `/api/halls/${DEMO}/announcements`, { token: zhuren, body: { text: '本周六上午办理社保业务' } });
    const path = `/api/halls/${DEMO}/announcements/${posted.body.id}/print`;
    expect(errorCodeOf(await t.api('POST', path, { token: await t.login('clerk3'), body: {} }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/announcements/nope/print`, { token: zhuren, body: {} }))).toBe('ANNOUNCEMENT_NOT_FOUND');
    const printed = await t.api('POST', path, { token: zhuren, body: { requestId: 'announce-print-1' } });
    expect(printed.body.job).toMatchObject({ kind: 'announcement', outcome: 'printed' });
    expect(printedText(printedJobs().at(-1)!)).toContain('本周六上午办理社保业务');
  });
});

describe('phone tickets', () => {
  it('are limited per phone per day, even behind one shared address', async () => {
    const limited = await startTestServer({ phoneTicketsPerDevicePerDay: 2, phoneIssueLimitPerHour: 100 });
    try {
      const take = (cookie?: string) =>
        limited.api('POST', `/api/halls/${DEMO}/tickets`, { ip: '10.9.9.9', body: { serviceId: BIRTH, channel: 'phone' }, ...(cookie ? { headers: { cookie } } : {}) });
      const first = await take();
      expect(first.status).toBe(201);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      expect(cookie).toMatch(/^hq_phone=[A-Za-z0-9_-]{16,}$/);
      expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      expect((await take(cookie)).status).toBe(201);
      const third = await take(cookie);
      expect(errorCodeOf(third)).toBe('RATE_LIMITED');
      // Another phone on the same Wi-Fi address still gets its ticket.
      expect((await take()).status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});
