import { describe, expect, it } from 'vitest';
import { callCaptionZh, callTextEn, callTextFromTemplate, callTextZh, numberZh, ticketDigitsZh } from '../../display/src/lib/announce.js';

describe('announcement text', () => {
  it.each([
    ['A001', 1, '请 A零零一号 到 一号窗口 办理'],
    ['B120', 10, '请 B一二零号 到 十号窗口 办理'],
    ['C007', 11, '请 C零零七号 到 十一号窗口 办理'],
    ['A101', 20, '请 A一零一号 到 二十号窗口 办理'],
  ])('reads %s at window %i in Chinese', (ticketNumber, windowNumber, spoken) => {
    expect(callTextZh({ ticketNumber, windowNumber })).toBe(spoken);
  });

  it.each([
    ['A001', 1, 'Number A, zero, zero, one, please go to window 1.'],
    ['B120', 10, 'Number B, one, two, zero, please go to window 10.'],
    ['C007', 11, 'Number C, zero, zero, seven, please go to window 11.'],
    ['A101', 20, 'Number A, one, zero, one, please go to window 20.'],
  ])('reads %s at window %i in English', (ticketNumber, windowNumber, spoken) => {
    expect(callTextEn({ ticketNumber, windowNumber })).toBe(spoken);
  });

  it('never reads ticket digits as a quantity', () => {
    expect(ticketDigitsZh('A101')).toBe('A一零一');
    expect(ticketDigitsZh('A101')).not.toContain('百');
    expect(ticketDigitsZh('b1000')).toBe('B一零零零');
  });

  it.each([
    [1, '一'],
    [9, '九'],
    [10, '十'],
    [11, '十一'],
    [19, '十九'],
    [20, '二十'],
    [21, '二十一'],
    [30, '三十'],
    [100, '一百'],
    [105, '一百零五'],
    [110, '一百一十'],
    [1005, '一千零五'],
  ])('reads window number %i as %s', (value, spoken) => {
    expect(numberZh(value)).toBe(spoken);
  });

  it('fills a configured template for another script, digits spaced', () => {
    expect(callTextFromTemplate('ꀉ {ticket} ꌠ {window}', { ticketNumber: 'A001', windowNumber: 3 })).toBe('ꀉ A 0 0 1 ꌠ 3');
  });

  it('captions with the number as printed', () => {
    expect(callCaptionZh({ ticketNumber: 'A001', windowNumber: 3 })).toBe('请 A001 号到 3 号窗口');
  });
});
