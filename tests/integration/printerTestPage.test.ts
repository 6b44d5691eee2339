/**
 * 「打印测试页」 (POST /api/halls/:hallId/printers/test): one page on the printer
 * being set up on /admin, only on a printer the hall's saved allow-list
 * permits, only for managers of the hall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { allowPrinters, cuts, printedText, tcpTarget } from '../helpers/printing.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let printer: FakePrinter;
let stranger: FakePrinter;

beforeAll(async () => {
  printer = await startFakePrinter();
  stranger = await startFakePrinter();
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  await printer.close();
  await stranger.close();
});

const testPage = (token: string | null, body: unknown) => t.api('POST', `/api/halls/${DEMO}/printers/test`, { ...(token ? { token } : {}), body });

describe('the printer test page', () => {
  it('prints a test page, with the paper width, on an allowed network printer', async () => {
    await allowPrinters(t, DEMO, [tcpTarget(printer.address)]);
    const res = await testPage(await t.login('admin'), { printer: `${printer.address}?paper=58`, requestId: 'test-page-0001' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.job).toMatchObject({ kind: 'test-page', outcome: 'printed' });
    await printer.waitForConnections(printer.connections().length);
    const job = printer.decoded().filter((items) => cuts(items) === 1).at(-1)!;
    const lines = printedText(job).map((line) => line.trim());
    expect(lines).toContain('打印测试页');
    expect(lines).toContain('中文清楚即打印机字库正常。');
    expect(lines).toContain('01234567890123456789012345678901');
    expect(lines.some((line) => line.startsWith('纸宽') && line.endsWith('58 毫米'))).toBe(true);
    // A supervisor may test too; the preview printer needs no allow-list.
    const preview = await testPage(await t.login('zhuren'), { printer: 'preview' });
    expect(preview.status).toBe(201);
    expect(preview.body.job).toMatchObject({ kind: 'test-page', outcome: 'printed', address: 'preview' });
  });

  it('refuses a printer the hall may not use without contacting it, and bad requests', async () => {
    const before = stranger.connections().length;
    const refused = await testPage(await t.login('admin'), { printer: stranger.address });
    expect([refused.status, errorCodeOf(refused)]).toEqual([400, 'PRINTER_NOT_ALLOWED']);
    expect(refused.body.error.details).toEqual({ printer: stranger.address });
    expect(stranger.connections().length).toBe(before);

    expect(errorCodeOf(await testPage(await t.login('admin'), { printer: 'lp0' }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await testPage(await t.login('admin'), { printer: 'preview', extra: 1 }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await testPage(await t.login('clerk1'), { printer: 'preview' }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await testPage(null, { printer: 'preview' }))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('POST', '/api/halls/nowhere/printers/test', { token: await t.login('admin'), body: { printer: 'preview' } }))).toBe('HALL_NOT_FOUND');
    expect(stranger.connections().length).toBe(before);
  });
});
