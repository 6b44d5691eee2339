/**
 * Column arithmetic for a thermal printer in Chinese mode: a half-width (ASCII) character takes one
 * column, a character printed with the CJK font takes two. The library's own folding and padding count
 * JavaScript characters instead (printing.md), so every layout width is computed here.
 */
import type { Align, PaperWidth } from '../../../server/protocol/printDocument.js';

/** Half-width columns at text size 1 (font A, 12 dots a column): 384 and 576 printable dots. */
const COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

/** Columns usable at a text size: GS ! magnifies each character `size` times horizontally. */
export function paperColumns(paper: PaperWidth, size = 1): number {
  return Math.floor(COLUMNS[paper] / size);
}

type Range = readonly [number, number];

/** Combining marks, zero-width characters and variation selectors: they take no column of their own. */
const ZERO_WIDTH: readonly Range[] = [
  [0x0300, 0x036f], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x200b, 0x200f], [0x2060, 0x2064],
  [0x20d0, 0x20ff], [0xfe00, 0xfe0f], [0xfe20, 0xfe2f], [0xfeff, 0xfeff], [0xe0100, 0xe01ef],
];

/** Half-width katakana and half-width forms: narrow although they sit among the full-width forms. */
const HALF_WIDTH: readonly Range[] = [[0xff61, 0xffdc], [0xffe8, 0xffee]];

/**
 * East Asian Width "W" and "F" ranges in common use, plus the "A" (ambiguous) blocks that GBK draws
 * from: a printer in Chinese mode, like a Chinese terminal, prints those with the 24-dot CJK font, so
 * ambiguous characters count as wide here (é in pinyin, ①, ℃, —, “”, Greek and Cyrillic, box drawing).
 */
const WIDE: readonly Range[] = [
  [0x00a1, 0x00ff], [0x0100, 0x02ff], [0x0391, 0x03c9], [0x0401, 0x0451], [0x1100, 0x115f],
  [0x2010, 0x205e], [0x2100, 0x23ff], [0x2460, 0x27bf], [0x2b1b, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f],
  [0xac00, 0xd7a3], [0xe000, 0xf8ff], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f],
  [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f000, 0x1faff], [0x20000, 0x3fffd],
];

function within(ranges: readonly Range[], code: number): boolean {
  return ranges.some(([low, high]) => code >= low && code <= high);
}

/** Columns taken by one code point. */
export function codePointWidth(code: number): 0 | 1 | 2 {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0) || within(ZERO_WIDTH, code)) return 0;
  if (code < 0x7f || within(HALF_WIDTH, code)) return 1;
  return within(WIDE, code) ? 2 : 1;
}

/** Columns taken by a string on the paper. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0) ?? 0);
  return width;
}

/**
 * Where a paragraph may break: between any two characters except inside a run of narrow characters
 * (a Latin word or a number such as A001), which only breaks at spaces unless it is longer than a line.
 */
type Segment = { kind: 'space' | 'word' | 'wide'; text: string; width: number };

function segments(paragraph: string): Segment[] {
  const result: Segment[] = [];
  for (const char of paragraph) {
    const width = codePointWidth(char.codePointAt(0) ?? 0);
    const kind = char === ' ' ? 'space' : width === 2 ? 'wide' : 'word';
    const last = result.at(-1);
    if (last && last.kind === kind && kind !== 'wide') {
      last.text += char;
      last.width += width;
    } else {
      result.push({ kind, text: char, width });
    }
  }
  return result;
}

/** Cuts a word longer than a line at character boundaries, the last piece left open for what follows. */
function chop(word: string, columns: number): string[] {
  const pieces = [''];
  let width = 0;
  for (const char of word) {
    const charWidth = codePointWidth(char.codePointAt(0) ?? 0);
    if (width + charWidth > columns && width > 0) {
      pieces.push('');
      width = 0;
    }
    pieces[pieces.length - 1] += char;
    width += charWidth;
  }
  return pieces;
}

function foldParagraph(paragraph: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  // Spaces are held back until a word follows them on the same line: spaces at a break are dropped,
  // so that a centred or right-aligned line is not pushed aside by a trailing space.
  let spaces = '';
  for (const segment of segments(paragraph)) {
    if (segment.kind === 'space') {
      spaces += segment.text;
      continue;
    }
    const gap = displayWidth(spaces);
    if (width + gap + segment.width <= columns) {
      line += spaces + segment.text;
      width += gap + segment.width;
    } else {
      if (line !== '') lines.push(line);
      const pieces = segment.width > columns ? chop(segment.text, columns) : [segment.text];
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? '';
      width = displayWidth(line);
    }
    spaces = '';
  }
  lines.push(line);
  return lines;
}

/**
 * Folds text into lines of at most `columns` columns: hard breaks at '\n', soft breaks anywhere
 * between CJK characters and at spaces between Latin words (the spaces at a soft break are dropped).
 * A single character wider than `columns` still gets a line of its own rather than looping forever.
 */
export function foldLines(text: string, columns: number): string[] {
  return text.split('\n').flatMap((paragraph) => foldParagraph(paragraph, columns));
}

/** Pads a line that fits to exactly `columns` columns; a longer line is returned as it is. */
export function alignLine(text: string, columns: number, align: Align): string {
  const room = Math.max(0, columns - displayWidth(text));
  const before = align === 'right' ? room : align === 'center' ? Math.floor(room / 2) : 0;
  return ' '.repeat(before) + text + ' '.repeat(room - before);
}

/**
 * A label and a value on one line, exactly `columns` wide (前面等候 … 5 人). When they do not fit
 * together, the label is folded and the value right-aligned on the last line that still has room.
 */
export function pair(left: string, right: string, columns: number): string[] {
  const rightWidth = displayWidth(right);
  const lines = foldLines(left, columns);
  const last = lines.pop() ?? '';
  if (displayWidth(last) + 1 + rightWidth <= columns) {
    return [...lines, last + ' '.repeat(columns - displayWidth(last) - rightWidth) + right];
  }
  return [...lines, last, ...foldLines(right, columns).map((line) => alignLine(line, columns, 'right'))];
}
