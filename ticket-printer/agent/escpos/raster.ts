/**
 * The raster fallback (printing.md): some printers sold outside China have no
 * Chinese font and print GBK bytes as garbage. For those, the whole document
 * is drawn into a bitmap with a CJK font of this machine and printed as an
 * image. A 576-dot slip is about 20 KB of raster data: slower, always legible.
 */
import { type SKRSContext2D, GlobalFonts, createCanvas } from '@napi-rs/canvas';
import { create as createQr } from 'qrcode';
import type { Block, PaperWidth, PrintDocument } from '../../../server/protocol/printDocument.js';
import { foldLines, pair, paperColumns } from './columns.js';

const DOTS: Record<PaperWidth, number> = { 58: 384, 80: 576 };
/** Families tried in order; Debian's fonts-noto-cjk registers its TTC under the JP name. */
const CJK_FAMILIES = ['Noto Sans CJK SC', 'Noto Sans CJK JP', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'WenQuanYi Zen Hei'];
const BASE_FONT_DOTS = 24;
const LINE_GAP = 6;

/** The CJK font this machine can draw with, or an error that says how to get one. */
export function rasterFontFamily(): string {
  const available = new Set(GlobalFonts.families.map((family) => family.family));
  const family = CJK_FAMILIES.find((candidate) => available.has(candidate));
  if (!family) throw new Error(`no Chinese font for the raster fallback; install one (Debian: apt-get install fonts-noto-cjk)`);
  return family;
}

class RasterWriter {
  /** Drawn on a tall canvas first; the image is cut to the height used. */
  private readonly ctx: SKRSContext2D;
  private y = 8;

  constructor(
    private readonly paper: PaperWidth,
    private readonly family: string,
    private readonly canvas = createCanvas(DOTS[paper], 4000),
  ) {
    this.ctx = canvas.getContext('2d');
    this.ctx.fillStyle = '#fff';
    this.ctx.fillRect(0, 0, canvas.width, canvas.height);
    this.ctx.fillStyle = '#000';
    this.ctx.textBaseline = 'top';
  }

  block(block: Block): void {
    switch (block.kind) {
      case 'text': {
        const size = block.size ?? 1;
        // Fold by the same column count as the text encoder, so both paths break lines alike.
        for (const line of foldLines(block.text, paperColumns(this.paper, size))) this.line(line, size, block.bold ?? false, block.align ?? 'left');
        return;
      }
      case 'pair':
        for (const line of pair(block.left, block.right, paperColumns(this.paper))) this.line(line, 1, false, 'left');
        return;
      case 'rule':
        this.ctx.fillRect(0, this.y + 6, DOTS[this.paper], 2);
        this.y += 14;
        return;
      case 'qr': {
        const modules = createQr(block.data, { errorCorrectionLevel: 'M' }).modules;
        const cell = Math.max(2, Math.min(6, Math.floor((DOTS[this.paper] * 0.6) / modules.size)));
        const left = Math.floor((DOTS[this.paper] - modules.size * cell) / 2);
        for (let row = 0; row < modules.size; row++) {
          for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) this.ctx.fillRect(left + col * cell, this.y + 4 * cell + row * cell, cell, cell);
        }
        this.y += (modules.size + 8) * cell;
        return;
      }
      case 'feed':
        this.y += block.lines * (BASE_FONT_DOTS + LINE_GAP);
        return;
      case 'image':
        // Already a bitmap: nothing to draw into it.
        return;
    }
  }

  /** One monospaced-column line; the half-width cell is half the font size, as on the printer. */
  private line(text: string, size: number, bold: boolean, align: 'left' | 'center' | 'right'): void {
    const fontDots = BASE_FONT_DOTS * size;
    this.ctx.font = `${bold ? 'bold ' : ''}${fontDots}px "${this.family}"`;
    const width = this.ctx.measureText(text).width;
    const x = align === 'center' ? (DOTS[this.paper] - width) / 2 : align === 'right' ? DOTS[this.paper] - width : 0;
    this.ctx.fillText(text, Math.max(0, x), this.y);
    this.y += fontDots + LINE_GAP;
  }

  /** The drawn part as GS v 0 rows: a dot is black where the (anti-aliased) pixel is darker than mid-grey. */
  bitmap(): Extract<Block, { kind: 'image' }> {
    const width = DOTS[this.paper];
    const height = Math.min(this.canvas.height, this.y + 8);
    const pixels = this.ctx.getImageData(0, 0, width, height).data;
    const rowBytes = Math.ceil(width / 8);
    const bits = Buffer.alloc(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (pixels[(y * width + x) * 4]! < 128) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    }
    return { kind: 'image', width, height, bits: bits.toString('base64') };
  }
}

/** The same document as one bitmap; cut and beep stay commands. Throws when no CJK font is installed. */
export function rasterizeDocument(document: PrintDocument): PrintDocument {
  const writer = new RasterWriter(document.paper, rasterFontFamily());
  for (const block of document.blocks) writer.block(block);
  return { paper: document.paper, cut: document.cut, ...(document.beep ? { beep: true } : {}), blocks: [writer.bitmap()] };
}
