import { describe, expect, it } from 'vitest';
import { LED_LETTERS, buildLedLetterFont } from '../../display/src/lib/ledFont.js';

/**
 * The dot-matrix letter face is a TrueType file built in code; a browser refuses a font whose
 * tables are inconsistent (and silently falls back to another face). Its structure is read
 * back here; that Chromium draws it is tests/browser/boardFont.test.ts.
 */

function tables(font: DataView): Map<string, { offset: number; length: number; checksum: number }> {
  const found = new Map<string, { offset: number; length: number; checksum: number }>();
  for (let i = 0; i < font.getUint16(4); i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...[0, 1, 2, 3].map((k) => font.getUint8(at + k)));
    found.set(tag, { checksum: font.getUint32(at + 4), offset: font.getUint32(at + 8), length: font.getUint32(at + 12) });
  }
  return found;
}

function sum(font: DataView, offset: number, length: number): number {
  let total = 0;
  for (let i = 0; i < length; i += 4) {
    let word = 0;
    for (let k = 0; k < 4; k++) word = word * 256 + (offset + i + k < font.byteLength && i + k < length ? font.getUint8(offset + i + k) : 0);
    total = (total + word) >>> 0;
  }
  return total;
}

/** The glyph a character maps to in the font's format-4 cmap (0 = none). */
function glyphOf(font: DataView, cmap: number, char: string): number {
  const table = cmap + font.getUint32(cmap + 8);
  const segments = font.getUint16(table + 6) / 2;
  const code = char.charCodeAt(0);
  for (let s = 0; s < segments; s++) {
    const end = font.getUint16(table + 14 + 2 * s);
    const start = font.getUint16(table + 16 + 2 * segments + 2 * s);
    if (code > end) continue;
    if (code < start) return 0;
    return (code + font.getUint16(table + 16 + 4 * segments + 2 * s)) & 0xffff;
  }
  return 0;
}

describe('LED letter font', () => {
  const font = new DataView(buildLedLetterFont());
  const found = tables(font);

  it('has the tables a browser needs, each with its checksum, and the whole file sums to the constant', () => {
    expect([...found.keys()]).toEqual(['OS/2', 'cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'post']);
    for (const [tag, table] of found) {
      if (tag !== 'head') expect(sum(font, table.offset, table.length), tag).toBe(table.checksum);
      expect(table.offset % 4, tag).toBe(0);
    }
    expect(sum(font, 0, font.byteLength)).toBe(0xb1b0afba);
    expect(font.getUint32(found.get('head')!.offset + 12)).toBe(0x5f0f3cf5);
  });

  it('maps A–Z and a–z onto the same 26 glyphs, and nothing else (digits stay 7-segment)', () => {
    const cmap = found.get('cmap')!.offset;
    expect(font.getUint16(found.get('maxp')!.offset + 4)).toBe(27);
    [...LED_LETTERS].forEach((letter, index) => {
      expect(glyphOf(font, cmap, letter)).toBe(index + 1);
      expect(glyphOf(font, cmap, letter.toLowerCase())).toBe(index + 1);
    });
    for (const other of '0123456789:- @[') expect(glyphOf(font, cmap, other), other).toBe(0);
  });

  it('draws every letter with dots inside the digits’ box (baseline to 1000, advance 816)', () => {
    const loca = found.get('loca')!.offset;
    const glyf = found.get('glyf')!.offset;
    for (let glyph = 1; glyph <= 26; glyph++) {
      const start = font.getUint32(loca + 4 * glyph);
      expect(font.getUint32(loca + 4 * (glyph + 1)), LED_LETTERS[glyph - 1]).toBeGreaterThan(start);
      const at = glyf + start;
      const [contours, xMin, yMin, xMax, yMax] = [0, 2, 4, 6, 8].map((k) => font.getInt16(at + k));
      expect(contours).toBeGreaterThanOrEqual(7);
      expect(xMin).toBeGreaterThanOrEqual(0);
      expect(xMax).toBeLessThanOrEqual(816);
      expect(yMin).toBeGreaterThanOrEqual(0);
      expect(yMax).toBeLessThanOrEqual(1000);
    }
  });
});
