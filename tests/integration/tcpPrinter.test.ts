import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrintDocument, PrinterStatus } from '../../server/protocol/printDocument.js';
import { TcpPrinter } from '../../ticket-printer/agent/drivers/tcp.js';
import { decodeEscPos, textLines } from '../helpers/escposDecoder.js';
import { startFakePrinter, type FakePrinter, type FakeStatus } from '../helpers/fakePrinter.js';

const SLIP: PrintDocument = {
  paper: 58,
  cut: true,
  blocks: [
    { kind: 'text', text: '青山镇便民服务中心', align: 'center' },
    { kind: 'text', text: 'A001', align: 'center', size: 3 },
    { kind: 'pair', left: '前面等候', right: '5 人' },
    { kind: 'qr', data: 'https://hallq.example/t/A001' },
  ],
};

const PROBES = Buffer.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]);

let fake: FakePrinter;
let printer: TcpPrinter;

beforeEach(async () => {
  fake = await startFakePrinter();
  printer = new TcpPrinter(fake.address, { connectTimeoutMs: 1000, replyTimeoutMs: 150, confirmTimeoutMs: 1000 });
});

afterEach(async () => {
  await printer.close();
  await fake.close();
  expect(fake.errors()).toEqual([]);
});

describe('TcpPrinter.print', () => {
  it('probes, prints and confirms a slip on one connection', async () => {
    expect(await printer.print(SLIP)).toEqual({ outcome: 'printed', status: 'ready' });
    await fake.waitForConnections(1);
    expect(fake.connections()).toHaveLength(1);
    expect(fake.jobs()).toHaveLength(1);
    const items = fake.decoded()[0] ?? [];
    expect(items.slice(0, 3)).toEqual([1, 2, 4].map((n) => ({ kind: 'status-query', n })));
    expect(items.slice(-4).map((item) => item.kind)).toEqual(['confirm-query', 'status-query', 'status-query', 'status-query']);
    const job = decodeEscPos(fake.jobs()[0] ?? Buffer.alloc(0));
    expect(textLines(job).map((line) => line.text)).toEqual(['青山镇便民服务中心', 'A001', `前面等候${' '.repeat(20)}5 人`]);
    expect(job.find((item) => item.kind === 'qr')).toMatchObject({ data: 'https://hallq.example/t/A001' });
    expect(job.filter((item) => item.kind === 'cut')).toHaveLength(1);
  });

  it('prints with the paper near its end and says so', async () => {
    fake.setStatus('paper-near-end');
    expect(await printer.print(SLIP)).toEqual({ outcome: 'printed', status: 'paper-near-end' });
    await fake.waitForConnections(1);
    expect(fake.jobs()).toHaveLength(1);
  });

  it.each(['paper-out', 'cover-open', 'offline', 'error'] as const)('refuses to send a job when %s', async (status) => {
    fake.setStatus(status);
    expect(await printer.print(SLIP)).toEqual({ outcome: status, status });
    await fake.waitForConnections(1);
    expect(fake.connections()).toEqual([PROBES]);
    expect(fake.jobs()).toEqual([]);
  });

  it('gives up on a silent printer after the first unanswered query', async () => {
    fake.setStatus('silent');
    expect(await printer.print(SLIP)).toEqual({ outcome: 'offline', status: 'offline' });
    await fake.waitForConnections(1);
    expect(fake.allBytes()).toEqual(Buffer.from([0x10, 0x04, 0x01]));
  });

  it('reports a refused connection as offline', async () => {
    fake.refuse();
    expect(await printer.print(SLIP)).toEqual({ outcome: 'offline', status: 'offline' });
    expect(fake.connections()).toEqual([]);
  });

  it('reports a printer that dies mid-job as uncertain and does not send the job again', async () => {
    fake.dieAfter(20);
    expect(await printer.print(SLIP)).toEqual({ outcome: 'uncertain', status: 'offline' });
    await fake.waitForConnections(1);
    expect(fake.connections()).toHaveLength(1);
    expect(fake.jobs()[0]).toHaveLength(20);
  });

  it('never lets two jobs overlap on the printer', async () => {
    const results = await Promise.all([printer.print(SLIP), printer.print(SLIP)]);
    expect(results.map((result) => result.outcome)).toEqual(['printed', 'printed']);
    await fake.waitForConnections(2);
    expect(fake.jobs()).toHaveLength(2);
    const arrivals = fake.arrivals();
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect(new Set(arrivals)).toEqual(new Set([0, 1]));
  });

  it('refuses jobs once closed', async () => {
    await printer.close();
    expect(await printer.print(SLIP)).toEqual({ outcome: 'offline', status: 'offline' });
    expect(fake.connections()).toEqual([]);
  });
});

describe('TcpPrinter.status', () => {
  const cases: Array<[FakeStatus, PrinterStatus]> = [
    ['ok', 'ready'],
    ['paper-near-end', 'paper-near-end'],
    ['paper-out', 'paper-out'],
    ['cover-open', 'cover-open'],
    ['offline', 'offline'],
    ['error', 'error'],
    ['silent', 'offline'],
  ];

  it.each(cases)('reads %s as %s and sends nothing but queries', async (fakeStatus, expected) => {
    fake.setStatus(fakeStatus);
    expect(await printer.status()).toBe(expected);
    await fake.waitForConnections(1);
    expect(fake.jobs()).toEqual([]);
    expect(PROBES.subarray(0, fake.allBytes().length)).toEqual(fake.allBytes());
  });

  it('reads a refused connection as offline', async () => {
    fake.refuse();
    expect(await printer.status()).toBe('offline');
  });
});
