/**
 * Text the printer can take in Chinese mode: printable ASCII or a GBK double-byte character.
 * node-thermal-printer switches to another code page for the rest of the text as soon as one character
 * is missing from GBK (printing.md), which garbles everything after an emoji; replacing such characters
 * first keeps the whole text in GBK.
 */
import iconv from 'iconv-lite';

/** What an unprintable character becomes: ASCII, so it is printable in any mode. */
export const REPLACEMENT = '?';

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** Unicode spaces that GBK lacks (no-break, thin, narrow...); the ideographic space U+3000 is in GBK and stays. */
const FOREIGN_SPACES = /[\t\u00a0\u1680\u2000-\u200a\u202f\u205f]/g;
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/**
 * Control and format characters (ZWJ, BOM, soft hyphen...) and variation selectors: invisible, so dropped
 * rather than shown as '?' (取 followed by a stray ZWJ still prints 取, ★ with an emoji selector prints ★).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u{fe00}-\u{fe0f}]/gu;

const encodable = new Map<string, boolean>();

/**
 * A lone GBK character encodes to a lead byte 0x81–0xFE and a trail byte. iconv-lite answers '?' for a
 * character outside GBK, and one byte for '€' (0x80), which a printer in double-byte mode cannot print.
 */
function inGbk(char: string): boolean {
  let known = encodable.get(char);
  if (known === undefined) {
    // The library's name for CHINA; iconv-lite maps it to cp936, which lacks a few characters of its 'GBK'.
    const bytes = iconv.encode(char, 'EUC-CN');
    known = bytes.length === 2 && (bytes[0] ?? 0) >= 0x81;
    encodable.set(char, known);
  }
  return known;
}

function printable(grapheme: string): boolean {
  for (const char of grapheme) {
    const code = char.codePointAt(0) ?? 0;
    if (!(code >= 0x20 && code < 0x7f) && !inGbk(char)) return false;
  }
  return true;
}

/**
 * Makes text printable in GBK: line breaks become '\n', tabs and foreign spaces a plain space,
 * invisible characters disappear, and each user-perceived character (an emoji with its modifiers
 * counts as one) that is not in GBK becomes a single REPLACEMENT. Composed first, so that a pinyin
 * vowel typed as letter + combining tone (a + ̄) prints as the GBK character ā.
 */
export function toGbkPrintable(text: string): string {
  const normalised = text.normalize('NFC').replace(LINE_BREAKS, '\n').replace(FOREIGN_SPACES, ' ');
  let result = '';
  for (const { segment } of graphemes.segment(normalised)) {
    if (segment === '\n') {
      result += segment;
      continue;
    }
    const visible = segment.replace(INVISIBLE, '');
    result += printable(visible) ? visible : REPLACEMENT;
  }
  return result;
}
