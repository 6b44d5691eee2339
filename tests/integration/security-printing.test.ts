/**
 * Issue 13 items 8 and 10: a hall prints only on its own printers (print
 * agents paired in the hall, network printers an administrator allowed), and
 * a kiosk reads only its own print jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { allowPrinters, pairKiosk, tcpTarget } from '../helpers/printing.js';
import { DEMO, type SecondHall, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
let t: TestServer;
let other: SecondHall;
let printer: FakePrinter;

beforeAll(async () => {
  t = await startTestServer();
  other = await t.createSecondHall();
  printer = await startFakePrinter();
});
afterAll(async () => {
  await printer.close();
  await t.close();
});

const pairWith = async (printerAddress: string) =>
  t.api('POST', `${hall}/devices`, { token: await t.login('zhuren'), body: { kind: 'kiosk', name: '取号机', printer: printerAddress } });

describe('printer addresses belong to the hall', () => {
  it("a supervisor cannot point a kiosk at another hall's print agent, or at a revoked or non-agent device", async () => {
    const admin = await t.login('admin');
    const foreign = await t.api('POST', `/api/halls/${other.hallId}/devices`, { token: admin, body: { kind: 'printer', name: '白石乡打印代理' } });
    expect(foreign.status).toBe(201);
    const refused = await pairWith(`agent:${foreign.body.device.id}`);
    expect(refused.status).toBe(400);
    expect(errorCodeOf(refused)).toBe('PRINTER_NOT_ALLOWED');
    const kiosk = await t.api('POST', `${hall}/devices`, { token: admin, body: { kind: 'kiosk', name: '另一台' } });
    expect(errorCodeOf(await pairWith(`agent:${kiosk.body.device.id}`))).toBe('PRINTER_NOT_ALLOWED');
    expect(errorCodeOf(await pairWith('agent:no-such-device'))).toBe('PRINTER_NOT_ALLOWED');
    // The hall's own agent is fine.
    const own = await t.api('POST', `${hall}/devices`, { token: admin, body: { kind: 'printer', name: '本厅打印代理' } });
    expect((await pairWith(`agent:${own.body.device.id}`)).status).toBe(201);
    await t.api('POST', `${hall}/devices/${own.body.device.id}/revoke`, { token: admin, body: {} });
    expect(errorCodeOf(await pairWith(`agent:${own.body.device.id}`))).toBe('PRINTER_NOT_ALLOWED');
  });

  it('tcp:// needs the hall allow-list: a kiosk, a window and the desk cannot make the server connect to any host and port', async () => {
    const before = printer.connections().length;
    expect(errorCodeOf(await pairWith('tcp://127.0.0.1:3260'))).toBe('PRINTER_NOT_ALLOWED');
    expect(errorCodeOf(await pairWith(printer.address))).toBe('PRINTER_NOT_ALLOWED');
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `${hall}/config`, { token: admin })).body;
    const withWindowPrinter = { ...config, windows: config.windows.map((w: { id: string }) => (w.id === '1' ? { ...w, printer: 'tcp://10.9.9.9:9100' } : w)) };
    const saved = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: withWindowPrinter } });
    expect(saved.status).toBe(400);
    expect(saved.body.error).toMatchObject({ code: 'PRINTER_NOT_ALLOWED', details: { printer: 'tcp://10.9.9.9:9100' } });
    const desk = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, deskPrinter: 'tcp://127.0.0.1:3260' } } });
    expect(errorCodeOf(desk)).toBe('PRINTER_NOT_ALLOWED');
    expect((await t.hallState()).config.deskPrinter).toBeUndefined();
    expect(printer.connections().length).toBe(before);

    // An entry of the allow-list lets exactly that in: a CIDR range for the window printer,
    // host:port for the kiosk's; another port of the same host stays out.
    const allowed = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...withWindowPrinter, printerAllowList: ['10.9.9.0/24', tcpTarget(printer.address)] } } });
    expect(allowed.status, allowed.text).toBe(200);
    expect((await pairWith(printer.address)).status).toBe(201);
    expect(errorCodeOf(await pairWith('tcp://127.0.0.1:3260'))).toBe('PRINTER_NOT_ALLOWED');
    const bad = await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, printerAllowList: ['not a host!'] } } });
    expect(errorCodeOf(bad)).toBe('VALIDATION_FAILED');
  });

  it('a printer that was configured but is no longer allowed is never contacted', async () => {
    await allowPrinters(t, DEMO, [tcpTarget(printer.address)]);
    const kiosk = await pairKiosk(t, DEMO, printer.address, '将被移出名单的取号机');
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `${hall}/config`, { token: admin })).body;
    const windows = config.windows.map(({ printer: _printer, ...window }: { printer?: string }) => window);
    expect((await t.api('PUT', `${hall}/config`, { token: admin, body: { config: { ...config, windows, printerAllowList: [] } } })).status).toBe(200);
    const before = printer.connections().length;
    const res = await t.api('POST', `${hall}/kiosk/tickets`, { token: kiosk.token, body: { serviceId: 'zonghe-zixun', delivery: 'paper' } });
    expect(errorCodeOf(res)).toBe('PRINTER_UNAVAILABLE');
    expect(printer.connections().length).toBe(before);
  });
});

describe('print jobs', () => {
  it('a kiosk reads only the jobs it asked for; staff read the whole hall', async () => {
    const first = await pairKiosk(t, DEMO, 'preview', '一号取号机');
    const second = await pairKiosk(t, DEMO, 'preview', '二号取号机');
    const slip = async (token: string) => {
      const res = await t.api('POST', `${hall}/kiosk/tickets`, { token, body: { serviceId: 'zonghe-zixun', delivery: 'paper' } });
      expect(res.status).toBe(201);
      return res.body.print.id as string;
    };
    const mine = await slip(first.token);
    const theirs = await slip(second.token);
    // A window receipt with a case number, printed by a clerk.
    const clerk = await t.login('clerk1');
    await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
    await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
    const receipt = await t.api('POST', `${hall}/windows/1/notices`, { token: clerk, body: { kind: 'acceptance-receipt', caseNumber: 'QS-2026-0042' } });
    expect(receipt.status).toBe(201);

    const seen = await t.api('GET', `${hall}/print-jobs`, { token: first.token });
    expect(seen.status).toBe(200);
    const ids = seen.body.jobs.map((job: { id: string }) => job.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    expect(JSON.stringify(seen.body)).not.toContain('QS-2026-0042');
    const staffIds = (await t.api('GET', `${hall}/print-jobs`, { token: await t.login('zhuren') })).body.jobs.map((job: { id: string }) => job.id);
    expect(staffIds).toEqual(expect.arrayContaining([mine, theirs, receipt.body.job.id]));
  });
});
