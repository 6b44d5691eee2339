import { describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { addWorkingDays } from '../../server/domain/time.js';
import { parsePrinterAddress } from '../../server/protocol/printerAddress.js';
import { AgentPrinter, type AgentChannel } from '../../server/printing/agentPrinter.js';
import { missingMaterialsDocument, promisedDate } from '../../server/printing/layouts/notices.js';
import { SLIP_WAIT_WORDS, slipDocument } from '../../server/printing/layouts/slip.js';
import { zh } from '../../ticket-printer/src/locales/zh.js';
import { waitRange } from '../../server/protocol/waitRange.js';
import { decodeEscPos, textLines } from '../helpers/escposDecoder.js';
import { encodeDocument } from '../../ticket-printer/agent/escpos/encode.js';
import { rasterizeDocument } from '../../ticket-printer/agent/escpos/raster.js';
import { hasCjkFont } from '../helpers/requirements.js';

describe('printer addresses', () => {
  it('parses preview, network and agent printers with the paper width', () => {
    expect(parsePrinterAddress('preview')).toMatchObject({ kind: 'preview', paper: 80 });
    expect(parsePrinterAddress('tcp://10.0.0.5?paper=58')).toMatchObject({ kind: 'tcp', url: 'tcp://10.0.0.5', paper: 58 });
    expect(parsePrinterAddress('agent:abc_123')).toMatchObject({ kind: 'agent', deviceId: 'abc_123', paper: 80 });
    expect(parsePrinterAddress('tcp://10.0.0.5:9100?raster=1&paper=58')).toMatchObject({ kind: 'tcp', paper: 58, raster: true });
    expect(parsePrinterAddress('preview')).toMatchObject({ raster: false });
    for (const bad of ['', 'lp0', 'tcp://', 'tcp://a:70000', 'preview?paper=60', 'agent:', 'tcp://a b', 'printer:EPSON', 'preview?', 'preview?raster=0', 'preview?paper=58&paper=80', 'preview?color=red', 'preview?paper=58?raster=1']) {
      expect(parsePrinterAddress(bad), bad).toBeNull();
    }
  });
});

describe('working days and wait ranges', () => {
  it('counts working days past weekends and holidays, and counts make-up working days', () => {
    // 2026-11-27 is a Friday.
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-27', 5)).toBe('2026-12-04');
    expect(addWorkingDays('2026-11-27', 1, { holidays: ['2026-11-30'] })).toBe('2026-12-01');
    expect(addWorkingDays('2026-11-27', 1, { makeUpWorkdays: ['2026-11-28'] })).toBe('2026-11-28');
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('shows an estimate as a range, in five-minute steps beyond half an hour', () => {
    expect(waitRange(0)).toEqual({ low: 0, high: 0 });
    expect(waitRange(1)).toEqual({ low: 0, high: 2 });
    expect(waitRange(12)).toEqual({ low: 9, high: 15 });
    expect(waitRange(40)).toEqual({ low: 30, high: 50 });
  });
});

describe('layouts', () => {
  const hall = demoHallConfig();
  const service = hall.services.find((s) => s.id === 'guotu-zhaijidi')!;

  it('a 58 mm slip fits its columns and carries the e-ticket link as its only QR code', () => {
    const document = slipDocument({
      hall,
      service,
      number: 'M012',
      priority: false,
      appointment: false,
      ahead: 4,
      estimatedWaitMinutes: 22,
      windowsServing: 1,
      issuedAt: Date.UTC(2026, 10, 27, 1, 5),
      eTicketUrl: 'http://192.168.1.10:3000/t/abc',
      paper: 58,
    });
    const items = decodeEscPos(encodeDocument(document));
    const lines = textLines(items).map((line) => line.text);
    // Nine characters do not fit 58 mm at double size: printed at normal size on one line, not broken.
    expect(textLines(items).find((line) => line.text === '农村宅基地用地申请')).toMatchObject({ size: 1, bold: true });
    expect(textLines(items).find((line) => line.text === 'M012')).toMatchObject({ size: 3 });
    expect(lines.some((line) => /^预计等候 Wait\s+约 16–28 分钟$/.test(line))).toBe(true);
    expect(lines.some((line) => /^取号时间 Issued\s+2026-11-27 09:05$/.test(line))).toBe(true);
    expect(items.filter((item) => item.kind === 'qr').map((item) => (item as { data: string }).data)).toEqual(['http://192.168.1.10:3000/t/abc']);
  });

  it('the slip says the wait as the kiosk does: no window serving it, nobody ahead, or a range; never 「即将叫号」', () => {
    const waitLine = (ahead: number, estimatedWaitMinutes: number, windowsServing: number) => {
      const document = slipDocument({ hall, service, number: 'M003', priority: false, appointment: false, ahead, estimatedWaitMinutes, windowsServing, issuedAt: Date.UTC(2026, 10, 27, 1, 5), eTicketUrl: 'http://h/t/x', paper: 80 });
      const pair = document.blocks.find((block) => block.kind === 'pair' && block.left.startsWith('预计等候'));
      expect(JSON.stringify(document)).not.toContain('即将叫号');
      return pair?.kind === 'pair' ? pair.right : null;
    };
    // Nobody ahead but no window open for it: nobody will call the number.
    expect(waitLine(0, 0, 0)).toBe(zh.noWindowServing);
    expect(waitLine(3, 15, 0)).toBe(zh.noWindowServing);
    expect(waitLine(0, 0, 1)).toBe(zh.noWait);
    // With people ahead a fast average never rounds to "no wait".
    expect(waitLine(1, 0, 1)).toBe(zh.aboutMinutes(0, 2));
    expect(waitLine(4, 22, 2)).toBe(zh.aboutMinutes(16, 28));
    // The slip's words are the kiosk's, word for word.
    expect([SLIP_WAIT_WORDS.unserved, SLIP_WAIT_WORDS.none, SLIP_WAIT_WORDS.range(3, 7)]).toEqual([zh.noWindowServing, zh.noWait, zh.aboutMinutes(3, 7)]);
  });

  it('the promised date follows the service time limit; the notice lists exactly the ticked items', () => {
    const at = Date.UTC(2026, 10, 27, 2, 0);
    expect(promisedDate(hall, service, at)).toEqual({ limitText: '20 个工作日', date: addWorkingDays('2026-11-27', 20) });
    const immediate = hall.services.find((s) => s.timeLimit.kind === 'immediate')!;
    expect(promisedDate(hall, immediate, at)).toEqual({ limitText: '即办', date: '2026-11-27' });
    const window = hall.windows.find((w) => w.id === '5')!;
    const document = missingMaterialsDocument(
      { hall, service, window, clerk: { id: 'u5', name: '刘洋', role: 'clerk', staffNo: 'QS005' }, ticketNumber: 'M001', at, paper: 80 },
      [service.materials[0]!],
      undefined,
    );
    const texts = document.blocks.flatMap((block) => (block.kind === 'text' ? [block.text] : []));
    expect(texts.filter((text) => /^\d+\. /.test(text))).toEqual([`1. ${service.materials[0]}`]);
    expect(texts).toContain('经办人：刘洋（工号 QS005）');
  });
});

describe('agent printer delivery', () => {
  const timing = { probeTimeoutMs: 50, attemptTimeoutMs: 50, deadlineMs: 200, retryDelayMs: 20 };
  const doc = { paper: 80 as const, blocks: [], cut: true };

  it('is offline when no agent ever takes the job, uncertain when one took it without answering', async () => {
    const absent: AgentChannel = { probe: async () => [], print: async () => [] };
    expect(await new AgentPrinter('agent:x', 'x', absent, timing).print(doc, 'j1')).toEqual({ outcome: 'offline', status: 'offline' });
    expect(await new AgentPrinter('agent:x', 'x', absent, timing).status()).toBe('offline');
    const silent: AgentChannel = { probe: async () => Promise.reject(new Error('timeout')), print: async () => Promise.reject(new Error('timeout')) };
    expect(await new AgentPrinter('agent:x', 'x', silent, timing).print(doc, 'j2')).toEqual({ outcome: 'uncertain', status: 'offline' });
  });

  it('offers the same job id again after a lost answer', async () => {
    const seen: string[] = [];
    let attempts = 0;
    const flaky: AgentChannel = {
      probe: async () => ['ready'],
      print: async (_device, job) => {
        seen.push(job.jobId);
        attempts += 1;
        if (attempts === 1) throw new Error('timeout');
        return [{ outcome: 'printed', status: 'ready' }];
      },
    };
    expect(await new AgentPrinter('agent:x', 'x', flaky, timing).print(doc, 'slip-42')).toEqual({ outcome: 'printed', status: 'ready' });
    expect(seen).toEqual(['slip-42', 'slip-42']);
  });
});

describe.runIf(hasCjkFont())('raster fallback', () => {
  const hall = demoHallConfig();
  const service = hall.services[0]!;
  const slip = (paper: 58 | 80) =>
    slipDocument({ hall, service, number: 'A001', priority: true, appointment: false, ahead: 0, estimatedWaitMinutes: 0, windowsServing: 1, issuedAt: Date.UTC(2026, 10, 27, 1, 0), eTicketUrl: 'http://h/t/x', paper });

  it('draws the whole slip into one bitmap of the paper width and prints it with GS v 0, then cuts', () => {
    for (const paper of [58, 80] as const) {
      const raster = rasterizeDocument(slip(paper));
      expect(raster.blocks).toHaveLength(1);
      const image = raster.blocks[0]!;
      if (image.kind !== 'image') throw new Error('expected an image block');
      expect(image.width).toBe(paper === 58 ? 384 : 576);
      const bits = Buffer.from(image.bits, 'base64');
      expect(bits.length).toBe((image.width / 8) * image.height);
      // Text, rules and the QR code leave a fair share of black dots; a blank page would have none.
      const black = [...bits].reduce((sum, byte) => sum + byte.toString(2).replaceAll('0', '').length, 0);
      expect(black / (image.width * image.height)).toBeGreaterThan(0.03);
      const items = decodeEscPos(encodeDocument(raster));
      expect(items.filter((item) => item.kind === 'image')).toEqual([{ kind: 'image', width: image.width, height: image.height }]);
      expect(textLines(items)).toEqual([]);
      expect(items.filter((item) => item.kind === 'cut')).toHaveLength(1);
    }
  });

  it('refuses an image that does not fit the paper or its data', () => {
    expect(() => encodeDocument({ paper: 58, cut: false, blocks: [{ kind: 'image', width: 576, height: 1, bits: Buffer.alloc(72).toString('base64') }] })).toThrow(/does not fit/);
    expect(() => encodeDocument({ paper: 80, cut: false, blocks: [{ kind: 'image', width: 576, height: 2, bits: Buffer.alloc(72).toString('base64') }] })).toThrow(/does not fit/);
  });
});
