/**
 * The kiosk's ticket path over real HTTP with a fake ESC/POS printer: a
 * ticket counts only if it reaches the citizen (printer probed first, an
 * e-ticket offered instead of paper), jobs are never printed twice, and staff
 * learn about printer trouble.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { cuts, pairKiosk, printedText, qrPayloads } from '../helpers/printing.js';
import { hasCjkFont } from '../helpers/requirements.js';
import { DEMO, type TestServer, type TestSocket, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const BIRTH = 'jisheng-shengyu-dengji'; // G, window 3

let t: TestServer;
let printer: FakePrinter;
let kiosk: string;
let staff: TestSocket;
let n = 0;
const requestId = () => `kiosk-test-${++n}-${Date.now()}`;

const issue = (body: Record<string, unknown>, token: string | null = kiosk) =>
  t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { ...(token ? { token } : {}), body });

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  printer = await startFakePrinter();
  kiosk = (await pairKiosk(t, DEMO, printer.address)).token;
  staff = await t.connect({ token: await t.login('zhuren') });
});
afterEach(async () => {
  await printer.close();
});

describe('kiosk ticket with a working printer', () => {
  it('prints the slip (Chinese lines, number, QR with the e-ticket link, cut) and answers the ticket', async () => {
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() });
    expect(res.status).toBe(201);
    const { ticket, eTicketUrl, print } = res.body;
    expect(ticket).toMatchObject({ number: expect.stringMatching(/^G\d{3}$/), channel: 'kiosk', priority: false, ahead: expect.any(Number) });
    expect(eTicketUrl).toBe(`${t.url}/t/${ticket.id}`);
    expect(print).toMatchObject({ id: `slip-${ticket.id}`, kind: 'slip', outcome: 'printed', status: 'ready', label: ticket.number });
    expect(print.document).toBeUndefined();

    await printer.waitForConnections(2);
    const jobs = printer.decoded().filter((items) => items.some((item) => item.kind === 'cut'));
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const lines = printedText(job);
    expect(lines).toContain('青山镇便民服务中心');
    expect(lines).toContain('生育服务登记');
    expect(textOf(job, ticket.number)).toMatchObject({ size: 3, bold: true, align: 'center' });
    expect(lines.some((line) => /^前面等候 Ahead\s+\d+ 人$/.test(line))).toBe(true);
    expect(lines).toContain('监督电话：0834-1234567');
    expect(qrPayloads(job)).toEqual([eTicketUrl]);
    expect(cuts(job)).toBe(1);
    expect(printer.errors()).toEqual([]);

    // The e-ticket link works for the citizen's phone.
    expect((await t.api('GET', `/api/tickets/${ticket.id}`)).body).toMatchObject({ number: ticket.number, status: 'waiting' });
  });

  it('the slip says the wait as the kiosk does: 「暂无窗口办理，请咨询导办台」 while no window serves the service, a range once one does', async () => {
    const slips = () => printer.decoded().filter((items) => items.some((item) => item.kind === 'cut'));
    const waitOnSlip = async () => {
      const before = slips().length;
      const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() });
      expect(res.status).toBe(201);
      await expect.poll(() => slips().length, { timeout: 5000, interval: 20 }).toBe(before + 1);
      return printedText(slips().at(-1)!).join('\n');
    };
    // Windows 1 and 3 (the ones serving 生育服务登记) are closed: nobody would call the number.
    const board = (await t.api('GET', `/api/halls/${DEMO}/board`)).body as { services: Array<{ id: string; windowsServing: number }> };
    expect(board.services.find((service) => service.id === BIRTH)?.windowsServing).toBe(0);
    const unserved = await waitOnSlip();
    expect(unserved).toContain('暂无窗口办理，请咨询导办台');
    expect(unserved).not.toContain('即将叫号');

    const clerk3 = await t.login('clerk3');
    expect((await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk3, body: {} })).status).toBe(200);
    try {
      const served = await waitOnSlip();
      expect(served).toMatch(/预计等候 Wait\s+约 \d+–\d+ 分钟/);
      expect(served).not.toContain('暂无窗口办理');
    } finally {
      await t.api('POST', `/api/halls/${DEMO}/windows/3/close`, { token: clerk3, body: {} });
    }
  });

  it('a double tap (same request id) issues one ticket and prints one slip', async () => {
    const id = requestId();
    const [first, second] = await Promise.all([
      issue({ serviceId: BIRTH, delivery: 'paper', requestId: id }),
      issue({ serviceId: BIRTH, delivery: 'paper', requestId: id }),
    ]);
    const retry = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: id });
    expect(first.status).toBe(201);
    expect(second.body.ticket.id).toBe(first.body.ticket.id);
    expect(retry.body.ticket.id).toBe(first.body.ticket.id);
    expect(retry.body.print.outcome).toBe('printed');
    const slips = printer.decoded().filter((items) => items.some((item) => item.kind === 'cut'));
    expect(slips).toHaveLength(1);
  });

  it.runIf(hasCjkFont())('a printer without a Chinese font (?raster=1) gets the slip as one bitmap', async () => {
    const rasterKiosk = (await pairKiosk(t, DEMO, `${printer.address}?raster=1`, '外资品牌打印机取号机')).token;
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() }, rasterKiosk);
    expect(res.body.print).toMatchObject({ outcome: 'printed' });
    const job = printer.decoded().find((items) => cuts(items) === 1)!;
    expect(job.filter((item) => item.kind === 'image')).toEqual([{ kind: 'image', width: 576, height: expect.any(Number) }]);
    expect(printedText(job)).toEqual([]);
  });

  it('paper near its end still prints, and staff see the warning', async () => {
    printer.setStatus('paper-near-end');
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() });
    expect(res.body.print).toMatchObject({ outcome: 'printed', status: 'paper-near-end' });
    const printers = (await t.api('GET', `/api/halls/${DEMO}/printers`, { token: await t.login('clerk3') })).body.printers;
    expect(printers).toContainEqual(expect.objectContaining({ address: printer.address, role: 'kiosk', status: 'paper-near-end', lastJob: expect.objectContaining({ outcome: 'printed' }) }));
  });
});

describe('a printer that cannot print: no ticket the citizen never receives', () => {
  it.each([
    ['paper-out', 'paper-out'],
    ['cover-open', 'cover-open'],
    ['silent', 'offline'],
  ] as const)('%s: refused before issuing, staff alerted, the same intent then becomes an e-ticket', async (fault, status) => {
    printer.setStatus(fault);
    const before = await t.hallState();
    const id = requestId();
    const mark = staff.mark();
    const refused = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'PRINTER_UNAVAILABLE', details: { status } });
    expect(refused.body.error.message).toMatch(/电子号票/);
    expect((await t.hallState()).counters).toEqual(before.counters);
    // No job bytes: only status queries reached the printer.
    expect(printer.decoded().flat().filter((item) => item.kind === 'text' || item.kind === 'cut')).toEqual([]);

    const alarm = await staff.waitForEvent('printers:changed', { from: mark, where: (update) => update.printers.some((p: { address: string; status: string }) => p.address === printer.address && p.status === status) });
    expect(alarm.hallId).toBe(DEMO);

    const eTicket = await issue({ serviceId: BIRTH, delivery: 'e-ticket', requestId: id });
    expect(eTicket.status).toBe(201);
    expect(eTicket.body.print).toBeNull();
    expect(eTicket.body.eTicketUrl).toBe(`${t.url}/t/${eTicket.body.ticket.id}`);
    // Asking for paper again with the same intent finds the ticket instead of issuing a second one.
    printer.setStatus('ok');
    const again = await issue({ serviceId: BIRTH, delivery: 'e-ticket', requestId: id });
    expect(again.body.ticket.id).toBe(eTicket.body.ticket.id);
    expect((await t.hallState()).counters[BIRTH]).toBe((before.counters[BIRTH] ?? 0) + 1);
  });

  it('connection refused: offline, nothing issued', async () => {
    printer.refuse();
    const before = (await t.hallState()).counters[BIRTH] ?? 0;
    const refused = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() });
    expect(refused.body.error).toMatchObject({ code: 'PRINTER_UNAVAILABLE', details: { status: 'offline' } });
    expect((await t.hallState()).counters[BIRTH] ?? 0).toBe(before);
  });

  it('a printer that dies mid-job: the ticket stands, the answer says so, and the slip is not re-sent', async () => {
    printer.dieAfter(20);
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() });
    expect(res.status).toBe(201);
    expect(res.body.print).toMatchObject({ outcome: 'uncertain' });
    expect(res.body.eTicketUrl).toContain(res.body.ticket.id);
    const jobConnections = printer.jobs().filter((bytes) => bytes.length > 0);
    expect(jobConnections).toHaveLength(1);
    const printers = (await t.api('GET', `/api/halls/${DEMO}/printers`, { token: await t.login('zhuren') })).body.printers;
    expect(printers).toContainEqual(expect.objectContaining({ address: printer.address, lastJob: expect.objectContaining({ outcome: 'uncertain' }) }));
  });
});

describe('kiosk paths and refusals', () => {
  it('checks in an appointment by code and prints its slip', async () => {
    const zhuren = await t.login('zhuren');
    const now = Date.now();
    const booked = await t.api('POST', `/api/halls/${DEMO}/appointments`, { token: zhuren, body: { serviceId: BIRTH, slotStart: now - 60_000, slotEnd: now + 30 * 60_000 } });
    expect(booked.status).toBe(201);
    const code = (await t.hallState()).appointments[booked.body.id]!.code;
    const res = await issue({ code, delivery: 'paper', requestId: requestId() });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ channel: 'appointment' });
    const slip = printer.decoded().find((items) => items.some((item) => item.kind === 'cut'))!;
    expect(printedText(slip)).toContain('预约签到 Appointment');
    expect(errorCodeOf(await issue({ code: '000000', delivery: 'e-ticket' }))).toBe('APPOINTMENT_NOT_FOUND');
  });

  it('the green channel needs a clerk login; the ticket is the clerk\'s, printed at the kiosk', async () => {
    expect(errorCodeOf(await issue({ serviceId: BIRTH, delivery: 'paper', priority: true }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await issue({ serviceId: BIRTH, delivery: 'paper', priority: true, staffToken: 'not-a-token' }))).toBe('UNAUTHENTICATED');
    const other = await t.createSecondHall();
    const otherClerk = await t.login(other.clerkUsername, other.clerkPassword);
    expect(errorCodeOf(await issue({ serviceId: BIRTH, delivery: 'paper', priority: true, staffToken: otherClerk }))).toBe('FORBIDDEN');
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', priority: true, staffToken: await t.login('clerk1'), requestId: requestId() });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ priority: true, channel: 'desk' });
    const slip = printer.decoded().find((items) => items.some((item) => item.kind === 'cut'))!;
    expect(printedText(slip)).toContain('绿色通道 Priority');
  });

  it('refuses bad input and the wrong callers with a clear code, printing nothing', async () => {
    const before = await t.stateJson();
    const cases: Array<[Record<string, unknown>, string | null, number, string]> = [
      [{ serviceId: BIRTH }, kiosk, 400, 'VALIDATION_FAILED'],
      [{ serviceId: BIRTH, code: '123456', delivery: 'paper' }, kiosk, 400, 'VALIDATION_FAILED'],
      [{ delivery: 'paper' }, kiosk, 400, 'VALIDATION_FAILED'],
      [{ serviceId: BIRTH, delivery: 'fax' }, kiosk, 400, 'VALIDATION_FAILED'],
      [{ serviceId: BIRTH, delivery: 'paper', extra: 1 }, kiosk, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'no-such-service', delivery: 'e-ticket' }, kiosk, 404, 'SERVICE_NOT_FOUND'],
      [{ serviceId: BIRTH, delivery: 'paper' }, null, 401, 'UNAUTHENTICATED'],
      [{ serviceId: BIRTH, delivery: 'paper' }, await t.login('clerk3'), 403, 'FORBIDDEN'],
    ];
    for (const [body, token, status, code] of cases) {
      const res = await issue(body, token);
      expect([res.status, errorCodeOf(res)], JSON.stringify(body)).toEqual([status, code]);
    }
    // A kiosk of another hall may not issue here.
    const other = await t.createSecondHall();
    const otherKiosk = (await pairKiosk(t, other.hallId, 'preview', '外厅取号机', 'admin')).token;
    expect(errorCodeOf(await issue({ serviceId: BIRTH, delivery: 'e-ticket' }, otherKiosk))).toBe('FORBIDDEN');
    expect(await t.stateJson()).toBe(before);
    expect(printer.decoded().flat().filter((item) => item.kind === 'cut')).toEqual([]);
  });

  it('pairing validates the printer address', async () => {
    const zhuren = await t.login('zhuren');
    for (const printerAddress of ['lp0', 'tcp://', 'tcp://10.0.0.5:99999', 'preview?paper=57', 'agent:', 42]) {
      const res = await t.api('POST', `/api/halls/${DEMO}/devices`, { token: zhuren, body: { kind: 'kiosk', name: 'x', printer: printerAddress } });
      expect(errorCodeOf(res), String(printerAddress)).toBe('VALIDATION_FAILED');
    }
  });
});

describe('the preview printer', () => {
  it('keeps each slip as a document the kiosk shows and staff can list', async () => {
    const previewKiosk = (await pairKiosk(t, DEMO, 'preview?paper=58', '预览取号机')).token;
    const res = await issue({ serviceId: BIRTH, delivery: 'paper', requestId: requestId() }, previewKiosk);
    expect(res.body.print).toMatchObject({ outcome: 'printed', address: 'preview?paper=58' });
    expect(res.body.print.document.paper).toBe(58);
    expect(res.body.print.document.blocks).toContainEqual({ kind: 'qr', data: res.body.eTicketUrl });
    const jobs = await t.api('GET', `/api/halls/${DEMO}/print-jobs`, { token: previewKiosk });
    expect(jobs.body.jobs[0]).toMatchObject({ id: res.body.print.id, kind: 'slip', label: res.body.ticket.number });
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/print-jobs`))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('GET', `/api/halls/${DEMO}/printers`, { token: previewKiosk }))).toBe('FORBIDDEN');
  });
});

function textOf(items: ReturnType<FakePrinter['decoded']>[number], text: string) {
  return items.find((item) => item.kind === 'text' && item.text.trim() === text);
}
