import { describe, expect, it } from 'vitest';
import {
  combineStatus,
  isStatusByte,
  parseOfflineCauseByte,
  parsePaperByte,
  parsePrinterByte,
} from '../../ticket-printer/agent/escpos/status.js';

/** The fixed bits of every DLE EOT reply: bits 1 and 4 set, bits 0 and 7 clear. */
const BASE = 0x12;

describe('DLE EOT bytes', () => {
  it('accepts only bytes with the fixed bits', () => {
    expect(isStatusByte(BASE)).toBe(true);
    expect(isStatusByte(0x7e)).toBe(true);
    for (const invalid of [0x00, 0x10, 0x02, 0x13, 0x92, 0xff, 0x3f]) expect(isStatusByte(invalid)).toBe(false);
    expect(parsePrinterByte(0x00)).toBeUndefined();
    expect(parseOfflineCauseByte(0x93)).toBeUndefined();
    expect(parsePaperByte(0x01)).toBeUndefined();
  });

  it('reads the offline bit of n=1', () => {
    expect(parsePrinterByte(BASE)).toEqual({ offline: false });
    expect(parsePrinterByte(BASE | 0x08)).toEqual({ offline: true });
  });

  it('reads each offline cause of n=2', () => {
    expect(parseOfflineCauseByte(BASE)).toEqual({ coverOpen: false, paperEndStop: false, error: false });
    expect(parseOfflineCauseByte(BASE | 0x04)).toEqual({ coverOpen: true, paperEndStop: false, error: false });
    expect(parseOfflineCauseByte(BASE | 0x20)).toEqual({ coverOpen: false, paperEndStop: true, error: false });
    expect(parseOfflineCauseByte(BASE | 0x40)).toEqual({ coverOpen: false, paperEndStop: false, error: true });
  });

  it('reads either bit of each paper sensor of n=4', () => {
    expect(parsePaperByte(BASE)).toEqual({ nearEnd: false, paperEnd: false });
    for (const bit of [0x04, 0x08, 0x0c]) expect(parsePaperByte(BASE | bit)).toEqual({ nearEnd: true, paperEnd: false });
    for (const bit of [0x20, 0x40, 0x60]) expect(parsePaperByte(BASE | bit)).toEqual({ nearEnd: false, paperEnd: true });
  });
});

describe('combineStatus', () => {
  const ok = { printer: BASE, offlineCause: BASE, paper: BASE };

  it('reports each condition alone', () => {
    expect(combineStatus(ok)).toBe('ready');
    expect(combineStatus({ ...ok, paper: BASE | 0x0c })).toBe('paper-near-end');
    expect(combineStatus({ ...ok, paper: BASE | 0x60 })).toBe('paper-out');
    expect(combineStatus({ ...ok, printer: BASE | 0x08, offlineCause: BASE | 0x20 })).toBe('paper-out');
    expect(combineStatus({ ...ok, printer: BASE | 0x08, offlineCause: BASE | 0x04 })).toBe('cover-open');
    expect(combineStatus({ ...ok, printer: BASE | 0x08, offlineCause: BASE | 0x40 })).toBe('error');
    expect(combineStatus({ ...ok, printer: BASE | 0x08 })).toBe('offline');
  });

  it('ranks cover-open > paper-out > error > offline > paper-near-end', () => {
    const everything = { printer: BASE | 0x08, offlineCause: BASE | 0x64, paper: BASE | 0x6c };
    expect(combineStatus(everything)).toBe('cover-open');
    expect(combineStatus({ ...everything, offlineCause: BASE | 0x60 })).toBe('paper-out');
    expect(combineStatus({ ...everything, offlineCause: BASE | 0x40, paper: BASE | 0x0c })).toBe('error');
    expect(combineStatus({ ...everything, offlineCause: BASE, paper: BASE | 0x0c })).toBe('offline');
  });

  it('treats any reply that is not a status byte as an error', () => {
    expect(combineStatus({ ...ok, printer: 0x00 })).toBe('error');
    expect(combineStatus({ ...ok, offlineCause: 0xff })).toBe('error');
    expect(combineStatus({ ...ok, paper: 0x01 })).toBe('error');
  });
});
