/**
 * PrintDocument → ESC/POS bytes. node-thermal-printer is used only to build bytes: its transports
 * hang or throw (printing.md), so the drivers send the buffer themselves. Its line breaking and
 * padding count JavaScript characters, so folding and padding are done here with CJK counted as two
 * columns, and every string is made GBK-printable first so that it never leaves the Chinese code page.
 */
import { BreakLine, CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { create as createQr } from 'qrcode';
import type { Align, Block, PaperWidth, PrintDocument } from '../../../server/protocol/printDocument.js';
import { foldLines, pair, paperColumns } from './columns.js';
import { toGbkPrintable } from './gbk.js';

/** ESC @: a known state whatever the previous job left behind. */
const INITIALISE = [0x1b, 0x40];
/** FS &: Chinese double-byte mode; ESC R 15 (the library's CHINA) only picks an international set. */
const CHINESE_MODE = [0x1c, 0x26];
/** GS r 1: answered only once everything before it has been processed, i.e. printed. */
const CONFIRM = [0x1d, 0x72, 0x01];

const DOTS: Record<PaperWidth, number> = { 58: 384, 80: 576 };
/** Largest QR module that still scans well from a phone held over the slip, per paper. */
const MAX_QR_CELL: Record<PaperWidth, number> = { 58: 6, 80: 8 };
/** Modules of white around a QR code that scanners need, on each side. */
const QR_QUIET_ZONE = 4;

interface Style {
  align: Align;
  size: 1 | 2 | 3;
  bold: boolean;
}

const PLAIN: Style = { align: 'left', size: 1, bold: false };

/** Probe for one DLE EOT status byte: 1 printer, 2 offline cause, 4 paper sensors. */
export function encodeProbe(n: 1 | 2 | 4): Buffer {
  return Buffer.from([0x10, 0x04, n]);
}

/**
 * The module size for a QR payload: the largest that fits the paper with its quiet zone, within the
 * paper's maximum and the document's wish. The symbol is measured in byte mode, the mode a printer
 * falls back to for a lower-case URL, so the printed symbol is never larger than the estimate.
 */
function qrCellSize(data: string, paper: PaperWidth, wanted: number | undefined): number {
  const modules = createQr([{ data: Buffer.from(data), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules.size;
  const fits = Math.floor(DOTS[paper] / (modules + 2 * QR_QUIET_ZONE));
  if (fits < 1) throw new Error(`QR payload of ${data.length} characters is too long for ${paper} mm paper`);
  return Math.max(1, Math.min(fits, MAX_QR_CELL[paper], Math.floor(wanted ?? Infinity)));
}

function assertQrPayload(data: string): void {
  // The library sends UTF-8 but declares the length in JavaScript characters: only ASCII survives.
  if (!/^[\x20-\x7e]+$/.test(data)) {
    throw new Error(`QR payload must be non-empty printable ASCII (a URL), got ${JSON.stringify(data)}`);
  }
}

class SlipWriter {
  private readonly printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // No interface: the library then loads no transport at all.
    interface: '',
    characterSet: CharacterSet.CHINA,
    breakLine: BreakLine.NONE,
  });
  /** ESC @ resets alignment, size and emphasis, so the state after it is known. */
  private style: Style = PLAIN;

  constructor(private readonly paper: PaperWidth) {
    // The library queued ESC R 15 on construction; ESC @ has to precede it or would undo it.
    this.printer.setBuffer(Buffer.from([...INITIALISE, ...CHINESE_MODE]));
    this.printer.setCharacterSet(CharacterSet.CHINA);
  }

  block(block: Block): void {
    switch (block.kind) {
      case 'text': {
        const style: Style = { align: block.align ?? 'left', size: block.size ?? 1, bold: block.bold ?? false };
        this.lines(foldLines(toGbkPrintable(block.text), paperColumns(this.paper, style.size)), style);
        return;
      }
      case 'pair':
        this.lines(pair(toGbkPrintable(block.left), toGbkPrintable(block.right), paperColumns(this.paper)), PLAIN);
        return;
      case 'rule':
        this.lines(['-'.repeat(paperColumns(this.paper))], PLAIN);
        return;
      case 'qr':
        assertQrPayload(block.data);
        this.setStyle({ ...PLAIN, align: 'center' });
        this.printer.printQR(block.data, {
          cellSize: qrCellSize(block.data, this.paper, block.size),
          correction: 'M',
          model: 2,
        });
        return;
      case 'image': {
        // GS v 0 m xL xH yL yH, then the rows as they are: the block already holds GS v 0's layout.
        const rowBytes = Math.ceil(block.width / 8);
        const bits = Buffer.from(block.bits, 'base64');
        if (block.width < 1 || block.width > DOTS[this.paper] || bits.length !== rowBytes * block.height) {
          throw new Error(`image of ${block.width}×${block.height} dots does not fit ${this.paper} mm paper or its data`);
        }
        this.setStyle({ ...PLAIN, align: 'center' });
        this.printer.append(Buffer.from([0x1d, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, block.height & 0xff, block.height >> 8]));
        this.printer.append(bits);
        return;
      }
      case 'feed':
        // ESC d takes one byte; a longer feed is never wanted on a slip.
        if (block.lines > 0) this.printer.append(Buffer.from([0x1b, 0x64, Math.min(255, Math.floor(block.lines))]));
        return;
    }
  }

  finish(document: PrintDocument, confirm: boolean): Buffer {
    if (document.cut) {
      this.printer.cut();
      this.style = PLAIN;
    }
    if (document.beep) this.printer.beep(1, 3);
    if (confirm) this.printer.append(Buffer.from(CONFIRM));
    return this.printer.getBuffer();
  }

  private lines(lines: string[], style: Style): void {
    this.setStyle(style);
    for (const line of lines) this.printer.println(line);
  }

  /** Sends only what changes; ESC a is honoured at the start of a line, which is where blocks begin. */
  private setStyle(next: Style): void {
    if (next.align !== this.style.align) {
      if (next.align === 'center') this.printer.alignCenter();
      else if (next.align === 'right') this.printer.alignRight();
      else this.printer.alignLeft();
    }
    if (next.size !== this.style.size) this.printer.setTextSize(next.size - 1, next.size - 1);
    if (next.bold !== this.style.bold) this.printer.bold(next.bold);
    this.style = next;
  }
}

/**
 * The bytes of one job. With `confirm`, GS r 1 ends the job so that a bidirectional connection learns
 * when the printer has processed all of it. Throws on a document that cannot be printed as asked
 * (a non-ASCII or oversized QR payload), before any byte could reach a printer.
 */
export function encodeDocument(document: PrintDocument, options: { confirm?: boolean } = {}): Buffer {
  const writer = new SlipWriter(document.paper);
  for (const block of document.blocks) writer.block(block);
  return writer.finish(document, options.confirm ?? false);
}
