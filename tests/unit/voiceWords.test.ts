import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALL_TEMPLATE_EN,
  DEFAULT_CALL_TEMPLATE_ZH,
  announcementText,
  announcementWords,
  voiceClipCatalog,
  windowWordsZh,
} from '../../server/protocol/voice.js';

const names = (ticketNumber: string, windowNumber: number, lang = 'zh', template = DEFAULT_CALL_TEMPLATE_ZH, recall = false) =>
  announcementWords({ ticketNumber, windowNumber, recall }, lang, template).map((word) => word.name);

describe('the words of a call', () => {
  it('reads the ticket digit by digit and the window as a number', () => {
    expect(names('A001', 3)).toEqual(['qing', 'a', 'd0', 'd0', 'd1', 'hao', 'dao', 'd3', 'haochuangkou', 'banli']);
    expect(names('B120', 11)).toEqual(['qing', 'b', 'd1', 'd2', 'd0', 'hao', 'dao', 'shi', 'd1', 'haochuangkou', 'banli']);
    expect(names('C007', 105)).toEqual(['qing', 'c', 'd0', 'd0', 'd7', 'hao', 'dao', 'd1', 'bai', 'd0', 'd5', 'haochuangkou', 'banli']);
    expect(announcementText(announcementWords({ ticketNumber: 'C007', windowNumber: 105 }, 'zh', DEFAULT_CALL_TEMPLATE_ZH), 'zh')).toBe(
      '请C零零七号到一百零五号窗口办理',
    );
  });

  it('says window numbers as Chinese does', () => {
    const said = (n: number) => windowWordsZh(n).map((word) => word.text).join('');
    expect([1, 10, 11, 20, 21, 100, 101, 110, 111, 999].map(said)).toEqual([
      '一',
      '十',
      '十一',
      '二十',
      '二十一',
      '一百',
      '一百零一',
      '一百一十',
      '一百一十一',
      '九百九十九',
    ]);
    expect(() => windowWordsZh(0)).toThrow(RangeError);
    expect(() => windowWordsZh(1000)).toThrow(RangeError);
  });

  it('puts 再次呼叫 before a recall', () => {
    expect(names('A001', 3, 'zh', DEFAULT_CALL_TEMPLATE_ZH, true)[0]).toBe('zaici');
  });

  it('speaks English with its own number words', () => {
    expect(names('A001', 105, 'en', DEFAULT_CALL_TEMPLATE_EN)).toEqual(['number', 'a', 'd0', 'd0', 'd1', 'please', 'go', 'to', 'window', 'd1', 'hundred', 'd5']);
    expect(names('B120', 11, 'en', DEFAULT_CALL_TEMPLATE_EN).slice(-1)).toEqual(['n11']);
    expect(names('B120', 42, 'en', DEFAULT_CALL_TEMPLATE_EN).slice(-2)).toEqual(['n40', 'd2']);
  });

  it('speaks a second language from its template, the window digit by digit', () => {
    const template = '{ticket} ꉬ {window} ꀕꏦ';
    expect(names('A001', 12, 'ii', template)).toEqual(['a', 'd0', 'd0', 'd1', 'ꉬ', 'd1', 'd2', 'ꀕꏦ']);
    expect(voiceClipCatalog('ii', template).map((clip) => clip.name)).toEqual(expect.arrayContaining(['chime', 'd9', 'z', 'ꉬ', 'ꀕꏦ']));
  });

  it('gives a template word no fixed clip says a clip of its own', () => {
    expect(names('A001', 3, 'zh', '请{ticket}号到{window}号窗口受理').slice(-1)).toEqual(['受理']);
    expect(voiceClipCatalog('zh', '请{ticket}号到{window}号窗口受理').map((clip) => clip.name)).toContain('受理');
  });

  it('lists every clip a Chinese pack holds, each once', () => {
    const catalog = voiceClipCatalog('zh', DEFAULT_CALL_TEMPLATE_ZH);
    const list = catalog.map((clip) => clip.name);
    expect(new Set(list).size).toBe(list.length);
    expect(list).toEqual(expect.arrayContaining(['chime', 'qing', 'hao', 'dao', 'chuangkou', 'haochuangkou', 'banli', 'zaici', 'd0', 'd9', 'shi', 'bai', 'a', 'z']));
    expect(list).toHaveLength(1 + 7 + 10 + 2 + 26);
  });

  it('refuses a ticket number with a character it cannot say', () => {
    expect(() => names('A-01', 3)).toThrow(RangeError);
  });
});
