/**
 * A small ESC/POS decoder for tests, written from the Epson command reference and not from the
 * encoder, so that a byte the encoder gets wrong shows up as a wrong item or an exception instead
 * of agreeing with itself. Every command it does not know throws: nothing can hide in the stream.
 * It decodes incrementally, so the fake printer can answer queries in a stream that arrives in pieces.
 */
import iconv from 'iconv-lite';

export type DecodedAlign = 'left' | 'center' | 'right';

export type DecodedItem =
  | { kind: 'init' }
  | { kind: 'chinese-mode'; on: boolean }
  /** ESC t: a single-byte code page; node-thermal-printer emits it when it leaves GBK. */
  | { kind: 'code-page'; n: number }
  /** One printed line; size is the width magnification, height the height magnification. */
  | { kind: 'text'; text: string; size: number; height: number; bold: boolean; align: DecodedAlign }
  | { kind: 'feed'; lines: number }
  | { kind: 'qr'; data: string; size: number; correction: 'L' | 'M' | 'Q' | 'H' }
  | { kind: 'cut' }
  | { kind: 'beep'; times: number; duration: number }
  | { kind: 'image'; width: number; height: number }
  | { kind: 'status-query'; n: number }
  | { kind: 'confirm-query' };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

const ALIGNS: Record<number, DecodedAlign> = { 0: 'left', 1: 'center', 2: 'right', 48: 'left', 49: 'center', 50: 'right' };
const CORRECTIONS = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as const;

/** Returned by a parse step when the command is not complete in the bytes received so far. */
const INCOMPLETE = -1;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/(..)/g, '$1 ').trim();
}

interface LineStyle {
  size: number;
  height: number;
  bold: boolean;
  align: DecodedAlign;
}

const INITIAL_STYLE: LineStyle = { size: 1, height: 1, bold: false, align: 'left' };

export class EscPosDecoder {
  private pending = Buffer.alloc(0);
  private line: number[] = [];
  private lineStyle = INITIAL_STYLE;
  private style = INITIAL_STYLE;
  private chinese = false;
  private qr: { size: number; correction: 'L' | 'M' | 'Q' | 'H'; data?: string } = { size: 3, correction: 'L' };
  private items: DecodedItem[] = [];

  /** Decodes what can be decoded of the stream so far; an incomplete command waits for more bytes. */
  feed(chunk: Uint8Array): DecodedItem[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (at < this.pending.length) {
      const next = this.step(this.pending, at);
      if (next === INCOMPLETE) break;
      at = next;
    }
    this.pending = this.pending.subarray(at);
    const items = this.items;
    this.items = [];
    return items;
  }

  /** The stream is over: a half command or a line never ended by LF is an error (it would not print). */
  end(): DecodedItem[] {
    if (this.pending.length > 0) throw new Error(`incomplete command at end: ${hex(this.pending)}`);
    if (this.line.length > 0) throw new Error(`line without LF at end: ${this.decodeLine()}`);
    return [];
  }

  private step(b: Buffer, at: number): number {
    const byte = b[at] ?? 0;
    if (byte === LF) {
      this.flushLine(true);
      return at + 1;
    }
    if (byte >= 0x20 && byte < 0x7f) return this.text(at, [byte]);
    if (byte >= 0x80) return this.doubleByte(b, at);
    if (byte === ESC) return this.esc(b, at);
    if (byte === GS) return this.gs(b, at);
    if (byte === FS) return this.fs(b, at);
    if (byte === DLE) return this.dle(b, at);
    throw new Error(`unknown control byte ${hex(b.subarray(at, at + 1))} at ${at}`);
  }

  private text(at: number, bytes: number[]): number {
    if (this.line.length === 0) this.lineStyle = this.style;
    this.line.push(...bytes);
    return at + bytes.length;
  }

  private doubleByte(b: Buffer, at: number): number {
    const lead = b[at] ?? 0;
    if (!this.chinese) throw new Error(`byte ${hex(b.subarray(at, at + 1))} at ${at} outside Chinese mode (FS &)`);
    if (at + 1 >= b.length) return INCOMPLETE;
    const trail = b[at + 1] ?? 0;
    if (lead === 0x80 || lead === 0xff || trail < 0x40 || trail === 0x7f || trail === 0xff) {
      throw new Error(`invalid GBK pair ${hex(b.subarray(at, at + 2))} at ${at}`);
    }
    return this.text(at, [lead, trail]);
  }

  private decodeLine(): string {
    return iconv.decode(Buffer.from(this.line), 'gb18030');
  }

  /** LF prints the line (an empty one too); printing commands print a pending line without feeding. */
  private flushLine(always: boolean): void {
    if (this.line.length === 0 && !always) return;
    const style = this.line.length > 0 ? this.lineStyle : this.style;
    this.items.push({ kind: 'text', text: this.decodeLine(), ...style });
    this.line = [];
  }

  /** Styles apply to the line they start: a change in mid-line is a layout bug this model cannot show. */
  private restyle(change: Partial<LineStyle>, at: number): void {
    if (this.line.length > 0) throw new Error(`style change ${JSON.stringify(change)} in mid-line at ${at}`);
    this.style = { ...this.style, ...change };
  }

  private esc(b: Buffer, at: number): number {
    if (at + 1 >= b.length) return INCOMPLETE;
    const command = String.fromCharCode(b[at + 1] ?? 0);
    if (command === '@') {
      if (this.line.length > 0) throw new Error(`ESC @ at ${at} discards the unprinted line ${this.decodeLine()}`);
      this.style = INITIAL_STYLE;
      this.chinese = false;
      this.items.push({ kind: 'init' });
      return at + 2;
    }
    if (command === '2') return at + 2;
    const argCount: Record<string, number> = { a: 1, E: 1, '!': 1, R: 1, t: 1, d: 1, '3': 1, B: 2 };
    const count = argCount[command];
    if (count === undefined) throw new Error(`unknown command ${hex(b.subarray(at, at + 2))} at ${at}`);
    if (at + 1 + count >= b.length) return INCOMPLETE;
    const n = b[at + 2] ?? 0;
    switch (command) {
      case 'a': {
        const align = ALIGNS[n];
        if (!align) throw new Error(`ESC a ${n} at ${at}`);
        this.restyle({ align }, at);
        break;
      }
      case 'E':
        this.restyle({ bold: (n & 1) === 1 }, at);
        break;
      case '!':
        this.restyle({ bold: (n & 0x08) !== 0, height: n & 0x10 ? 2 : 1, size: n & 0x20 ? 2 : 1 }, at);
        break;
      case 't':
        this.items.push({ kind: 'code-page', n });
        break;
      case 'd':
        this.flushLine(false);
        this.items.push({ kind: 'feed', lines: n });
        break;
      case 'B':
        this.items.push({ kind: 'beep', times: n, duration: b[at + 3] ?? 0 });
        break;
      // ESC R (international set) and ESC 3 (line spacing) change nothing this model records.
    }
    return at + 2 + count;
  }

  private gs(b: Buffer, at: number): number {
    if (at + 2 >= b.length) return INCOMPLETE;
    const command = String.fromCharCode(b[at + 1] ?? 0);
    const n = b[at + 2] ?? 0;
    switch (command) {
      case '!':
        this.restyle({ size: ((n >> 4) & 7) + 1, height: (n & 7) + 1 }, at);
        return at + 3;
      case 'r':
        if (n !== 1 && n !== 49) throw new Error(`GS r ${n} at ${at}`);
        this.items.push({ kind: 'confirm-query' });
        return at + 3;
      case 'V':
        return this.cut(b, at, n);
      case '(':
        return this.gsParenK(b, at);
      case 'v':
        return this.rasterImage(b, at);
    }
    throw new Error(`unknown command ${hex(b.subarray(at, at + 3))} at ${at}`);
  }

  private cut(b: Buffer, at: number, mode: number): number {
    const withFeed = [65, 66, 97, 98, 103, 104].includes(mode);
    if (!withFeed && ![0, 1, 48, 49].includes(mode)) throw new Error(`GS V ${mode} at ${at}`);
    if (withFeed && at + 3 >= b.length) return INCOMPLETE;
    this.flushLine(false);
    this.items.push({ kind: 'cut' });
    return at + (withFeed ? 4 : 3);
  }

  /** GS ( k pL pH cn fn …: 2D codes; only QR (cn 49) is expected. */
  private gsParenK(b: Buffer, at: number): number {
    if (b[at + 2] !== 0x6b) throw new Error(`unknown command ${hex(b.subarray(at, at + 3))} at ${at}`);
    if (at + 4 >= b.length) return INCOMPLETE;
    const length = (b[at + 3] ?? 0) + (b[at + 4] ?? 0) * 256;
    const end = at + 5 + length;
    if (end > b.length) return INCOMPLETE;
    const body = b.subarray(at + 5, end);
    const [cn, fn, m] = body;
    if (cn !== 0x31) throw new Error(`GS ( k for symbol ${cn} at ${at}: only QR (49) is expected`);
    if (fn === 0x41) {
      if (m !== 0x32) throw new Error(`QR model ${m} at ${at}: model 2 expected`);
    } else if (fn === 0x43 && length === 3) {
      this.qr.size = m ?? 0;
    } else if (fn === 0x45 && length === 3) {
      const correction = CORRECTIONS[m as keyof typeof CORRECTIONS];
      if (!correction) throw new Error(`QR error correction ${m} at ${at}`);
      this.qr.correction = correction;
    } else if (fn === 0x50 && m === 0x30) {
      this.qr.data = body.subarray(3).toString('utf8');
    } else if (fn === 0x51 && m === 0x30 && length === 3) {
      if (this.qr.data === undefined) throw new Error(`QR print at ${at} with no data stored`);
      this.flushLine(false);
      this.items.push({ kind: 'qr', data: this.qr.data, size: this.qr.size, correction: this.qr.correction });
    } else {
      throw new Error(`unknown QR function ${hex(body)} at ${at}`);
    }
    return end;
  }

  /** GS v 0 m xL xH yL yH d…: a raster image of x bytes by y dots. */
  private rasterImage(b: Buffer, at: number): number {
    if (b[at + 2] !== 0x30) throw new Error(`unknown command ${hex(b.subarray(at, at + 3))} at ${at}`);
    if (at + 7 >= b.length) return INCOMPLETE;
    const widthBytes = (b[at + 4] ?? 0) + (b[at + 5] ?? 0) * 256;
    const height = (b[at + 6] ?? 0) + (b[at + 7] ?? 0) * 256;
    const end = at + 8 + widthBytes * height;
    if (end > b.length) return INCOMPLETE;
    this.flushLine(false);
    this.items.push({ kind: 'image', width: widthBytes * 8, height });
    return end;
  }

  private fs(b: Buffer, at: number): number {
    if (at + 1 >= b.length) return INCOMPLETE;
    const command = b[at + 1];
    if (command !== 0x26 && command !== 0x2e) throw new Error(`unknown command ${hex(b.subarray(at, at + 2))} at ${at}`);
    this.chinese = command === 0x26;
    this.items.push({ kind: 'chinese-mode', on: this.chinese });
    return at + 2;
  }

  private dle(b: Buffer, at: number): number {
    if (at + 2 >= b.length) return INCOMPLETE;
    const n = b[at + 2] ?? 0;
    if (b[at + 1] !== 0x04 || n < 1 || n > 4) throw new Error(`unknown command ${hex(b.subarray(at, at + 3))} at ${at}`);
    this.items.push({ kind: 'status-query', n });
    return at + 3;
  }
}

/** Decodes a whole job; throws on anything unknown, incomplete or unprinted. */
export function decodeEscPos(bytes: Uint8Array): DecodedItem[] {
  const decoder = new EscPosDecoder();
  return [...decoder.feed(bytes), ...decoder.end()];
}

/** The printed text lines only, for assertions about layout. */
export function textLines(items: DecodedItem[]): Extract<DecodedItem, { kind: 'text' }>[] {
  return items.filter((item): item is Extract<DecodedItem, { kind: 'text' }> => item.kind === 'text');
}
