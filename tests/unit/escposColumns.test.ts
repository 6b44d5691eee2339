import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { alignLine, displayWidth, foldLines, pair, paperColumns } from '../../ticket-printer/agent/escpos/columns.js';
import { toGbkPrintable } from '../../ticket-printer/agent/escpos/gbk.js';

describe('columns', () => {
  it('counts CJK and full-width characters as two columns, ASCII as one', () => {
    expect(displayWidth('A001')).toBe(4);
    expect(displayWidth('青山镇便民服务中心')).toBe(18);
    expect(displayWidth('5 人')).toBe(4);
    expect(displayWidth('（３号）')).toBe(8);
    expect(displayWidth('ā①℃—“')).toBe(10);
    expect(displayWidth('ｱ')).toBe(1);
    expect(displayWidth('e\u0301\u200b')).toBe(1);
  });

  it('gives the usable columns of each paper at each size', () => {
    expect([1, 2, 3].map((size) => paperColumns(58, size))).toEqual([32, 16, 10]);
    expect([1, 2, 3].map((size) => paperColumns(80, size))).toEqual([48, 24, 16]);
  });

  it('breaks between CJK characters and at spaces between Latin words', () => {
    expect(foldLines('青山镇便民服务中心', 8)).toEqual(['青山镇便', '民服务中', '心']);
    expect(foldLines('please wait for your number', 10)).toEqual(['please', 'wait for', 'your', 'number']);
    expect(foldLines('请到A001号窗口', 9)).toEqual(['请到A001', '号窗口']);
    expect(foldLines('https://hallq.example/t/1', 10)).toEqual(['https://ha', 'llq.exampl', 'e/t/1']);
    expect(foldLines('第一行\n\n第三行', 32)).toEqual(['第一行', '', '第三行']);
    expect(foldLines('', 32)).toEqual(['']);
  });

  it('never loops on a character wider than the line', () => {
    expect(foldLines('青山', 1)).toEqual(['青', '山']);
  });

  it('aligns a line to exactly the columns', () => {
    expect(alignLine('取号', 8, 'left')).toBe('取号    ');
    expect(alignLine('取号', 8, 'center')).toBe('  取号  ');
    expect(alignLine('取号', 9, 'right')).toBe('     取号');
    expect(alignLine('青山镇便民服务中心', 8, 'center')).toBe('青山镇便民服务中心');
  });

  it('pads a pair to exactly the columns, folding the label when it is too long', () => {
    expect(pair('前面等候', '5 人', 32)).toEqual([`前面等候${' '.repeat(20)}5 人`]);
    expect(pair('不动产登记及税费缴纳', '12 人', 20)).toEqual(['不动产登记及税费缴纳', `${' '.repeat(15)}12 人`]);
    expect(pair('不动产登记及税费缴纳综合窗口', '12 人', 20)).toEqual(['不动产登记及税费缴纳', `综合窗口${' '.repeat(7)}12 人`]);
    for (const line of pair('不动产登记及税费缴纳综合窗口', '12 人', 20)) expect(displayWidth(line)).toBe(20);
  });

  const mixedText = fc
    .array(fc.constantFrom('青', '山', '镇', '号', '，', 'A', 'b', '0', '1', ' ', ' ', '-', '😀', '\u00a0', 'é'), { maxLength: 80 })
    .map((chars) => chars.join(''));

  it('folds any mixed text into lines within the columns that give the text back but for break spaces', () => {
    fc.assert(
      fc.property(mixedText, fc.integer({ min: 2, max: 48 }), (raw, columns) => {
        const text = toGbkPrintable(raw);
        const lines = foldLines(text, columns);
        let at = 0;
        lines.forEach((line, index) => {
          expect(displayWidth(line)).toBeLessThanOrEqual(columns);
          // Spaces where a line breaks are dropped, before the first line too when they do not fit it.
          while (text[at] === ' ' && !text.startsWith(line, at)) at += 1;
          if (index > 0) expect(line.startsWith(' ')).toBe(false);
          expect(text.startsWith(line, at)).toBe(true);
          at += line.length;
        });
        expect(text.slice(at).trim()).toBe('');
      }),
    );
  });
});

describe('toGbkPrintable', () => {
  it('replaces each character outside GBK with one ?, emoji sequences included', () => {
    expect(toGbkPrintable('取号😀取号')).toBe('取号?取号');
    expect(toGbkPrintable('👨‍👩‍👧 家庭 👍🏻')).toBe('? 家庭 ?');
    expect(toGbkPrintable('𠀀 ß ™ €')).toBe('? ? ? ?');
  });

  it('normalises spaces, line breaks and invisible characters', () => {
    expect(toGbkPrintable('5\u00a0人\t号')).toBe('5 人 号');
    expect(toGbkPrintable('一\r\n二\r三\u2028四')).toBe('一\n二\n三\n四');
    expect(toGbkPrintable('\u200b取\u200d号\ufeff\u001b')).toBe('取号');
    expect(toGbkPrintable('a\u0304')).toBe('ā');
  });

  it('keeps every character it lets through encodable in the library code page, and two columns wide', () => {
    for (let code = 0x80; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code < 0xe000) continue;
      // Composition may turn a character into ASCII (U+037E into ';'), which prints in any mode.
      const printed = toGbkPrintable(String.fromCharCode(code));
      if (/^[\x00-\x7f]*$/.test(printed)) continue;
      expect(iconv.encode(printed, 'EUC-CN').length, `U+${code.toString(16)}`).toBe(2);
      expect(displayWidth(printed), `U+${code.toString(16)}`).toBe(2);
    }
  });
});
