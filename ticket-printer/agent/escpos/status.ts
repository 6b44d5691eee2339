/**
 * Replies to DLE EOT n (real-time status), which an ESC/POS printer answers at once, even offline
 * or out of paper, unlike GS r. Each reply is one byte; bits 1 and 4 are always set and bits 0
 * and 7 always clear, which tells a status byte from noise.
 */
import type { PrinterStatus } from '../../../server/protocol/printDocument.js';

export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** DLE EOT 1: printer status. */
export function parsePrinterByte(byte: number): { offline: boolean } | undefined {
  return isStatusByte(byte) ? { offline: (byte & 0x08) !== 0 } : undefined;
}

/** DLE EOT 2: why the printer is offline. */
export function parseOfflineCauseByte(
  byte: number,
): { coverOpen: boolean; paperEndStop: boolean; error: boolean } | undefined {
  if (!isStatusByte(byte)) return undefined;
  return { coverOpen: (byte & 0x04) !== 0, paperEndStop: (byte & 0x20) !== 0, error: (byte & 0x40) !== 0 };
}

/** DLE EOT 4: the paper roll sensors (each condition has two bits; clones set one or both). */
export function parsePaperByte(byte: number): { nearEnd: boolean; paperEnd: boolean } | undefined {
  if (!isStatusByte(byte)) return undefined;
  return { nearEnd: (byte & 0x0c) !== 0, paperEnd: (byte & 0x60) !== 0 };
}

/** The replies to DLE EOT 1, 2 and 4, in that order. */
export interface StatusReplies {
  printer: number;
  offlineCause: number;
  paper: number;
}

/**
 * One status for staff and for the decision to print. The most specific cause wins, the one staff
 * can fix at the printer: an open cover, then the paper, then a printer error, then a bare offline.
 * A byte that is not a status reply means the device is not speaking ESC/POS as expected: 'error',
 * so that nothing is sent to it.
 */
export function combineStatus(replies: StatusReplies): PrinterStatus {
  const printer = parsePrinterByte(replies.printer);
  const cause = parseOfflineCauseByte(replies.offlineCause);
  const paper = parsePaperByte(replies.paper);
  if (!printer || !cause || !paper) return 'error';
  if (cause.coverOpen) return 'cover-open';
  if (cause.paperEndStop || paper.paperEnd) return 'paper-out';
  if (cause.error) return 'error';
  if (printer.offline) return 'offline';
  if (paper.nearEnd) return 'paper-near-end';
  return 'ready';
}
