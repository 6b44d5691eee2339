/**
 * The letters of the boards' LED face: a 5×7 dot matrix, as on a hall's LED
 * strip, built here as a TrueType font at start-up. The digits stay in the
 * 7-segment face (DSEG7); a 7- or 14-segment face draws S like 5, O and Q
 * like 0, B like 8, and a citizen holding "S007" must never doubt. Built in
 * code rather than shipped as a binary so the shapes are readable and
 * reviewable here; the font is about 20 KB and is made once per page load.
 *
 * Metrics match DSEG7 Classic (1000 units per em, glyphs from the baseline
 * to 1000, advance 816), so letters and digits share one baseline and width.
 */

/** Rows from top to bottom, '#' = lit dot. */
const GLYPHS: Record<string, string> = {
  A: '.###./#...#/#...#/#####/#...#/#...#/#...#',
  B: '####./#...#/#...#/####./#...#/#...#/####.',
  C: '.###./#...#/#..../#..../#..../#...#/.###.',
  D: '###../#..#./#...#/#...#/#...#/#..#./###..',
  E: '#####/#..../#..../####./#..../#..../#####',
  F: '#####/#..../#..../####./#..../#..../#....',
  G: '.###./#...#/#..../#.###/#...#/#...#/.####',
  H: '#...#/#...#/#...#/#####/#...#/#...#/#...#',
  I: '.###./..#../..#../..#../..#../..#../.###.',
  J: '..###/...#./...#./...#./...#./#..#./.##..',
  K: '#...#/#..#./#.#../##.../#.#../#..#./#...#',
  L: '#..../#..../#..../#..../#..../#..../#####',
  M: '#...#/##.##/#.#.#/#.#.#/#...#/#...#/#...#',
  N: '#...#/#...#/##..#/#.#.#/#..##/#...#/#...#',
  O: '.###./#...#/#...#/#...#/#...#/#...#/.###.',
  P: '####./#...#/#...#/####./#..../#..../#....',
  Q: '.###./#...#/#...#/#...#/#.#.#/#..#./.##.#',
  R: '####./#...#/#...#/####./#.#../#..#./#...#',
  S: '.####/#..../#..../.###./....#/....#/####.',
  T: '#####/..#../..#../..#../..#../..#../..#..',
  U: '#...#/#...#/#...#/#...#/#...#/#...#/.###.',
  V: '#...#/#...#/#...#/#...#/#...#/.#.#./..#..',
  W: '#...#/#...#/#...#/#.#.#/#.#.#/#.#.#/.#.#.',
  X: '#...#/#...#/.#.#./..#../.#.#./#...#/#...#',
  Y: '#...#/#...#/.#.#./..#../..#../..#../..#..',
  Z: '#####/....#/...#./..#../.#.../#..../#####',
};

export const LED_LETTERS = Object.keys(GLYPHS).join('');
/** The characters the dot-matrix face draws (CSS unicode-range): A–Z and a–z, drawn alike. */
export const LED_LETTER_RANGE = 'U+0041-005A, U+0061-007A';

const UNITS = 1000;
const ADVANCE = 816;
const PITCH = UNITS / 7;
const RADIUS = PITCH * 0.43;
const LEFT = (ADVANCE - 5 * PITCH) / 2;

interface Glyph {
  contours: Array<Array<[number, number]>>;
}

/** One round dot: eight off-curve points (TrueType's implied on-curve midpoints make it a circle), clockwise. */
function dot(cx: number, cy: number): Array<[number, number]> {
  const reach = RADIUS / Math.cos(Math.PI / 8);
  return Array.from({ length: 8 }, (_, k) => {
    const angle = (-k * Math.PI) / 4;
    return [Math.round(cx + reach * Math.cos(angle)), Math.round(cy + reach * Math.sin(angle))] as [number, number];
  });
}

function glyphOf(rows: string): Glyph {
  const contours: Glyph['contours'] = [];
  rows.split('/').forEach((row, rowIndex) => {
    [...row].forEach((cell, column) => {
      if (cell === '#') contours.push(dot(LEFT + (column + 0.5) * PITCH, UNITS - (rowIndex + 0.5) * PITCH));
    });
  });
  return { contours };
}

/** Big-endian writer for the font's tables. */
class Bytes {
  private readonly data: number[] = [];
  u8(value: number) { this.data.push(value & 0xff); return this; }
  u16(value: number) { return this.u8(value >> 8).u8(value); }
  i16(value: number) { return this.u16(value < 0 ? value + 0x10000 : value); }
  u32(value: number) { return this.u16(Math.floor(value / 0x10000) & 0xffff).u16(value & 0xffff); }
  tag(text: string) { for (const char of text) this.u8(char.charCodeAt(0)); return this; }
  bytes(other: number[]) { this.data.push(...other); return this; }
  pad4() { while (this.data.length % 4) this.u8(0); return this; }
  get length() { return this.data.length; }
  get array() { return this.data; }
}

function checksum(data: number[]): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum + ((data[i]! << 24) >>> 0) + ((data[i + 1] ?? 0) << 16) + ((data[i + 2] ?? 0) << 8) + (data[i + 3] ?? 0)) >>> 0;
  return sum;
}

function encodeGlyph(glyph: Glyph): number[] {
  if (glyph.contours.length === 0) return [];
  const points = glyph.contours.flat();
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const out = new Bytes().i16(glyph.contours.length).i16(Math.min(...xs)).i16(Math.min(...ys)).i16(Math.max(...xs)).i16(Math.max(...ys));
  let end = -1;
  for (const contour of glyph.contours) out.u16((end += contour.length));
  out.u16(0); // no instructions
  for (let i = 0; i < points.length; i++) out.u8(0); // off-curve, 16-bit x and y deltas
  let last = 0;
  for (const x of xs) { out.i16(x - last); last = x; }
  last = 0;
  for (const y of ys) { out.i16(y - last); last = y; }
  return out.pad4().array;
}

function nameTable(family: string): number[] {
  const names: Array<[number, string]> = [[1, family], [2, 'Regular'], [3, `${family} 1.0`], [4, family], [6, family.replace(/\s/g, '')]];
  const strings = names.map(([, text]) => [...text].flatMap((char) => [char.charCodeAt(0) >> 8, char.charCodeAt(0) & 0xff]));
  const out = new Bytes().u16(0).u16(names.length).u16(6 + 12 * names.length);
  let offset = 0;
  names.forEach(([id], index) => {
    out.u16(3).u16(1).u16(0x409).u16(id).u16(strings[index]!.length).u16(offset);
    offset += strings[index]!.length;
  });
  strings.forEach((text) => out.bytes(text));
  return out.array;
}

function cmapTable(): number[] {
  // Glyph 1 is A: upper and lower case map onto the same 26 glyphs.
  const segments: Array<[start: number, end: number, delta: number]> = [[0x41, 0x5a, 1 - 0x41], [0x61, 0x7a, 1 - 0x61], [0xffff, 0xffff, 1]];
  const count = segments.length;
  const out = new Bytes().u16(0).u16(1).u16(3).u16(1).u32(12);
  out.u16(4).u16(16 + 8 * count).u16(0).u16(2 * count).u16(4).u16(1).u16(2 * count - 4);
  segments.forEach(([, end]) => out.u16(end));
  out.u16(0);
  segments.forEach(([start]) => out.u16(start));
  segments.forEach(([, , delta]) => out.u16((delta + 0x10000) & 0xffff));
  segments.forEach(() => out.u16(0));
  return out.array;
}

/** The dot-matrix letter face as a TrueType file, for `new FontFace(family, buffer)`. */
export function buildLedLetterFont(family = 'HallQ LED Letters'): ArrayBuffer {
  const glyphs: Glyph[] = [{ contours: [] }, ...LED_LETTERS.split('').map((letter) => glyphOf(GLYPHS[letter]!))];
  const encoded = glyphs.map(encodeGlyph);
  const loca = new Bytes();
  let offset = 0;
  for (const data of encoded) { loca.u32(offset); offset += data.length; }
  loca.u32(offset);
  const maxPoints = Math.max(...glyphs.map((g) => g.contours.flat().length));
  const maxContours = Math.max(...glyphs.map((g) => g.contours.length));
  const top = UNITS;
  const tables: Record<string, number[]> = {
    'OS/2': new Bytes()
      .u16(4).i16(ADVANCE).u16(700).u16(5).u16(0)
      .i16(650).i16(700).i16(0).i16(140).i16(650).i16(700).i16(0).i16(480).i16(50).i16(500).i16(0)
      .bytes(Array(10).fill(0)).u32(1).u32(0).u32(0).u32(0).tag('HLQ ')
      .u16(0x20 | 0x40).u16(0x41).u16(0x7a).i16(top).i16(0).i16(90).u16(top).u16(0).u32(1).u32(0)
      .i16(top).i16(top).u16(0).u16(0x20).u16(1).array,
    cmap: cmapTable(),
    glyf: encoded.flat(),
    head: new Bytes()
      .u32(0x00010000).u32(0x00010000).u32(0).u32(0x5f0f3cf5).u16(0x000b).u16(UNITS)
      .u32(0).u32(0).u32(0).u32(0)
      .i16(0).i16(0).i16(ADVANCE).i16(top).u16(1).u16(8).i16(2).i16(1).i16(0).array,
    hhea: new Bytes()
      .u32(0x00010000).i16(top).i16(0).i16(90).u16(ADVANCE).i16(0).i16(0).i16(ADVANCE).i16(1).i16(0).i16(0)
      .i16(0).i16(0).i16(0).i16(0).i16(0).u16(glyphs.length).array,
    hmtx: glyphs.flatMap((glyph) => {
      const xs = glyph.contours.flat().map(([x]) => x);
      return new Bytes().u16(ADVANCE).i16(xs.length ? Math.min(...xs) : 0).array;
    }),
    loca: loca.array,
    maxp: new Bytes()
      .u32(0x00010000).u16(glyphs.length).u16(maxPoints).u16(maxContours).u16(0).u16(0).u16(2)
      .u16(0).u16(0).u16(0).u16(0).u16(0).u16(0).u16(0).u16(0).array,
    name: nameTable(family),
    post: new Bytes().u32(0x00030000).u32(0).i16(-100).i16(50).u32(1).u32(0).u32(0).u32(0).u32(0).array,
  };
  const tags = Object.keys(tables).sort();
  const power = 2 ** Math.floor(Math.log2(tags.length));
  const font = new Bytes().u32(0x00010000).u16(tags.length).u16(power * 16).u16(Math.log2(power)).u16(tags.length * 16 - power * 16);
  let tableOffset = 12 + 16 * tags.length;
  for (const tag of tags) {
    const data = tables[tag]!;
    font.tag(tag).u32(checksum(data)).u32(tableOffset).u32(data.length);
    tableOffset += Math.ceil(data.length / 4) * 4;
  }
  for (const tag of tags) font.bytes(tables[tag]!).pad4();
  const bytes = Uint8Array.from(font.array);
  // head.checkSumAdjustment makes the whole file sum to the spec's constant.
  const headOffset = 12 + 16 * tags.length + tags.slice(0, tags.indexOf('head')).reduce((sum, tag) => sum + Math.ceil(tables[tag]!.length / 4) * 4, 0);
  const adjustment = (0xb1b0afba - checksum(font.array) + 0x100000000) >>> 0;
  new DataView(bytes.buffer).setUint32(headOffset + 8, adjustment);
  return bytes.buffer;
}
