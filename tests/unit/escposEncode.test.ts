import { describe, expect, it } from 'vitest';
import type { PrintDocument } from '../../server/protocol/printDocument.js';
import { displayWidth } from '../../ticket-printer/agent/escpos/columns.js';
import { encodeDocument, encodeProbe } from '../../ticket-printer/agent/escpos/encode.js';
import { decodeEscPos, textLines } from '../helpers/escposDecoder.js';

const URL = 'https://hallq.example/t/7f3a9c?hall=qingshan';

function slip(paper: 58 | 80): PrintDocument {
  return {
    paper,
    cut: true,
    blocks: [
      { kind: 'text', text: '青山镇便民服务中心', align: 'center', bold: true },
      { kind: 'rule' },
      { kind: 'text', text: 'A001', align: 'center', size: 3 },
      { kind: 'pair', left: '前面等候', right: '5 人' },
      { kind: 'qr', data: URL },
      { kind: 'feed', lines: 2 },
      { kind: 'text', text: '请留意叫号屏幕', align: 'right', size: 2 },
    ],
  };
}

describe.each([
  [58, 32],
  [80, 48],
] as const)('a %i mm slip', (paper, columns) => {
  const items = decodeEscPos(encodeDocument(slip(paper)));
  const lines = textLines(items);

  it('starts with ESC @ then Chinese mode and never leaves GBK', () => {
    expect(items.slice(0, 2)).toEqual([{ kind: 'init' }, { kind: 'chinese-mode', on: true }]);
    expect(items.filter((item) => item.kind === 'code-page')).toEqual([]);
  });

  it('prints each line with its text and style', () => {
    expect(lines).toEqual([
      { kind: 'text', text: '青山镇便民服务中心', size: 1, height: 1, bold: true, align: 'center' },
      { kind: 'text', text: '-'.repeat(columns), size: 1, height: 1, bold: false, align: 'left' },
      { kind: 'text', text: 'A001', size: 3, height: 3, bold: false, align: 'center' },
      { kind: 'text', text: `前面等候${' '.repeat(columns - 8 - 4)}5 人`, size: 1, height: 1, bold: false, align: 'left' },
      { kind: 'text', text: '请留意叫号屏幕', size: 2, height: 2, bold: false, align: 'right' },
    ]);
    expect(displayWidth(lines[3]?.text ?? '')).toBe(columns);
  });

  it('prints the QR code with the URL, within the paper, then feeds and cuts', () => {
    const qr = items.find((item) => item.kind === 'qr');
    expect(qr).toMatchObject({ data: URL, correction: 'M' });
    const size = qr?.kind === 'qr' ? qr.size : 0;
    expect(size).toBeGreaterThanOrEqual(1);
    expect(size).toBeLessThanOrEqual(paper === 58 ? 6 : 8);
    const kinds = items.map((item) => item.kind);
    expect(kinds.indexOf('feed')).toBeGreaterThan(kinds.indexOf('qr'));
    expect(kinds.filter((kind) => kind === 'cut')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('init');
  });
});

describe('encodeDocument', () => {
  it('replaces an emoji and keeps the rest of the line in GBK', () => {
    const bytes = encodeDocument({ paper: 58, cut: false, blocks: [{ kind: 'text', text: '取号😀取号' }] });
    expect(bytes.includes(Buffer.from([0xc8, 0xa1, 0xba, 0xc5, 0x3f, 0xc8, 0xa1, 0xba, 0xc5, 0x0a]))).toBe(true);
    expect(textLines(decodeEscPos(bytes)).map((line) => line.text)).toEqual(['取号?取号']);
  });

  it('folds a long Chinese paragraph to the columns of its size', () => {
    const text = '办理社保、医保、户籍业务请携带本人身份证原件及复印件，老年人和残疾人可到绿色通道窗口优先办理。';
    for (const [size, columns] of [[1, 32], [2, 16], [3, 10]] as const) {
      const lines = textLines(decodeEscPos(encodeDocument({ paper: 58, cut: false, blocks: [{ kind: 'text', text, size }] })));
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((line) => displayWidth(line.text) <= columns)).toBe(true);
      expect(lines.map((line) => line.text).join('')).toBe(text);
    }
  });

  it('ends a confirmed job with GS r 1 after the cut', () => {
    const bytes = encodeDocument({ paper: 80, cut: true, beep: true, blocks: [{ kind: 'text', text: '请到3号窗口' }] }, { confirm: true });
    expect([...bytes.subarray(-3)]).toEqual([0x1d, 0x72, 0x01]);
    const kinds = decodeEscPos(bytes).map((item) => item.kind);
    expect(kinds.slice(-4)).toEqual(['cut', 'init', 'beep', 'confirm-query']);
  });

  it('leaves GS r out of an unconfirmed job and a cut out of an uncut one', () => {
    const kinds = decodeEscPos(encodeDocument({ paper: 80, cut: false, blocks: [{ kind: 'rule' }] })).map((item) => item.kind);
    expect(kinds).not.toContain('confirm-query');
    expect(kinds).not.toContain('cut');
  });

  it('refuses a QR payload that is not ASCII', () => {
    const document: PrintDocument = { paper: 58, cut: true, blocks: [{ kind: 'qr', data: 'https://例子.cn/票' }] };
    expect(() => encodeDocument(document)).toThrow(/ASCII/);
  });

  it('shrinks the QR module so that a long payload still fits 58 mm paper', () => {
    const data = `https://hallq.example/t/${'x'.repeat(200)}`;
    const items = decodeEscPos(encodeDocument({ paper: 58, cut: false, blocks: [{ kind: 'qr', data, size: 8 }] }));
    // 224 bytes at level M need version 11: 61 modules and 8 of quiet zone in 384 dots leave 5 dots a module.
    expect(items.find((item) => item.kind === 'qr')).toMatchObject({ data, size: 5 });
  });

  it('encodes DLE EOT probes', () => {
    expect([...encodeProbe(1)]).toEqual([0x10, 0x04, 0x01]);
    expect([...encodeProbe(4)]).toEqual([0x10, 0x04, 0x04]);
  });
});
