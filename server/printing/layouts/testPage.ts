import type { HallConfig } from '../../protocol/model.js';
import type { PaperWidth, PrintDocument } from '../../protocol/printDocument.js';
import type { PrinterAddress } from '../../protocol/printerAddress.js';
import { localDateTime } from '../../domain/time.js';
import { hallHeader } from './common.js';

/**
 * The page 「打印测试页」 prints from /admin: what an administrator checks by
 * eye when setting a printer up: Chinese text (a printer without the font
 * prints garbage; raster=1 is the cure), the full width of the roll (the
 * ruler must fit on one line), a QR code, and where the page was sent.
 */
export function testPageDocument(hall: HallConfig, address: PrinterAddress, at: number): PrintDocument {
  const columns = address.paper === 58 ? 32 : 48;
  return {
    paper: address.paper as PaperWidth,
    cut: true,
    blocks: [
      ...hallHeader(hall),
      { kind: 'text', text: '打印测试页', align: 'center', size: 2, bold: true },
      { kind: 'feed', lines: 1 },
      { kind: 'text', text: '中文清楚即打印机字库正常。' },
      { kind: 'text', text: '下面的刻度应正好占满一行：' },
      { kind: 'text', text: '0123456789'.repeat(Math.ceil(columns / 10)).slice(0, columns) },
      { kind: 'rule' },
      { kind: 'pair', left: '纸宽', right: `${address.paper} 毫米` },
      { kind: 'pair', left: '打印机', right: address.raw.replace(/^tcp:\/\//, '') },
      { kind: 'pair', left: '时间', right: localDateTime(at, hall.timeZone) },
      { kind: 'qr', data: 'HALLQ-TEST-PAGE' },
      { kind: 'feed', lines: 1 },
    ],
  };
}
