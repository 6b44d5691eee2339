/**
 * What is printed, independent of how: the slip and notice layouts produce a
 * PrintDocument, the ESC/POS encoder turns it into bytes for a thermal printer,
 * and the preview printer shows the same document on screen. Plain JSON, so a
 * job can travel to a standalone print agent over Socket.IO unchanged.
 */

/** Paper roll width. 58 mm = 384 dots, 32 half-width columns; 80 mm = 576 dots, 48 columns. */
export type PaperWidth = 58 | 80;

export type Align = 'left' | 'center' | 'right';

export type Block =
  /** One paragraph; folded to the paper width by the encoder, counting a CJK character as two columns. */
  | { kind: 'text'; text: string; align?: Align; /** 1 = normal, 2 = double width and height, 3 = triple. */ size?: 1 | 2 | 3; bold?: boolean }
  /** A label on the left and a value on the right of the same line (e.g. 前面等候 … 5 人). */
  | { kind: 'pair'; left: string; right: string }
  /** A full-width separator line. */
  | { kind: 'rule' }
  /** A QR code; the payload must be ASCII (a URL): see printing.md on the library's UTF-8 bug. */
  | { kind: 'qr'; data: string; /** Module size 1–8; the encoder picks one that fits the paper when absent. */ size?: number }
  | { kind: 'feed'; lines: number }
  /**
   * A monochrome bitmap, printed with GS v 0: the raster fallback for printers without a Chinese
   * font renders a whole document into one (escpos/raster.ts). `bits`: base64 of the rows, each
   * ceil(width / 8) bytes, most significant bit first, 1 = black — GS v 0's own layout.
   */
  | { kind: 'image'; width: number; height: number; bits: string };

export interface PrintDocument {
  paper: PaperWidth;
  blocks: Block[];
  /** Cut the paper after the document (every slip and notice is cut). */
  cut: boolean;
  /** Beep once when done (notices at a window, so the clerk hears them). */
  beep?: boolean;
}

/** What a printer says about itself (DLE EOT over TCP; 'unknown' where the interface cannot tell). */
export type PrinterStatus = 'ready' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'offline' | 'error' | 'unknown';

/** A status in which a job may be sent. Near end still prints: it only warns staff. */
export function mayPrint(status: PrinterStatus): boolean {
  return status === 'ready' || status === 'paper-near-end' || status === 'unknown';
}

/**
 * How one print job ended.
 * - printed: the printer confirmed it had processed the whole job (GS r after the job).
 * - paper-out / cover-open / offline / error: refused before any byte of the job was sent; nothing printed, safe to retry.
 * - uncertain: bytes were sent but the printer never confirmed (it died mid-job); part of it may be on paper, so it is
 *   never retried automatically.
 */
export type PrintOutcome = 'printed' | 'paper-out' | 'cover-open' | 'offline' | 'error' | 'uncertain';

export interface PrintResult {
  outcome: PrintOutcome;
  /** The printer's status after the job (or at the refusal). */
  status: PrinterStatus;
}

/** One printer as the server or a print agent drives it. Implementations serialise jobs: one at a time per printer. */
export interface PrinterDriver {
  /** The interface string it was opened with, e.g. tcp://10.0.0.5:9100. */
  readonly address: string;
  /** Probes the printer now. Never throws; an unreachable printer is 'offline'. */
  status(): Promise<PrinterStatus>;
  /**
   * Probes, sends the job and waits for confirmation. Never throws. `jobId` lets a driver that
   * forwards jobs (to a standalone print agent) have a retry recognised instead of printed twice.
   */
  print(document: PrintDocument, jobId?: string): Promise<PrintResult>;
  close(): Promise<void>;
}
