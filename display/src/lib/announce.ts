/**
 * The words a board speaks for a call. One tested function, because how a
 * number is read aloud is what citizens complain about most: "A101" must be
 * "A一零一", never "A一百零一", while "3号窗口" is read as a number (十一, 二十).
 */

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "A001" → "A零零一": letters stay letters (the voice spells them), digits one by one. */
export function ticketDigitsZh(ticketNumber: string): string {
  return [...ticketNumber].map((char) => (/[0-9]/.test(char) ? ZH_DIGITS[Number(char)] : char.toUpperCase())).join('');
}

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五: a window number as Chinese says it. */
export function numberZh(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 9999) return String(value);
  if (value < 10) return ZH_DIGITS[value]!;
  if (value < 20) return `十${value % 10 ? ZH_DIGITS[value % 10] : ''}`;
  const units = ['', '十', '百', '千'];
  const digits = String(value);
  let text = '';
  let pendingZero = false;
  [...digits].forEach((char, index) => {
    const digit = Number(char);
    if (digit === 0) {
      pendingZero = true;
      return;
    }
    if (pendingZero) text += '零';
    pendingZero = false;
    text += ZH_DIGITS[digit]! + units[digits.length - 1 - index];
  });
  return text;
}

/** "A001" → "A, zero, zero, one": digits one by one, so no voice reads "one hundred and one". */
export function ticketDigitsEn(ticketNumber: string): string {
  return [...ticketNumber].map((char) => (/[0-9]/.test(char) ? EN_DIGITS[Number(char)] : char.toUpperCase())).join(', ');
}

export interface CallAnnouncement {
  ticketNumber: string;
  windowNumber: number;
  /** The window's name in the language being spoken, e.g. 民政窗口, added after the number when given. */
  windowName?: string;
}

/** 「请 A零零一号 到 3号窗口 办理」, spoken; the window number as a number. */
export function callTextZh(call: CallAnnouncement): string {
  return `请 ${ticketDigitsZh(call.ticketNumber)}号 到 ${numberZh(call.windowNumber)}号窗口 办理`;
}

export function callTextEn(call: CallAnnouncement): string {
  return `Number ${ticketDigitsEn(call.ticketNumber)}, please go to window ${call.windowNumber}.`;
}

/**
 * Text for a second language the app has no grammar for (彝文 and others): the
 * hall configures a template with {ticket} and {window}; digits stay digits,
 * so whatever voice reads them reads them one by one.
 */
export function callTextFromTemplate(template: string, call: CallAnnouncement): string {
  const spacedTicket = [...call.ticketNumber].join(' ');
  return template.replaceAll('{ticket}', spacedTicket).replaceAll('{window}', String(call.windowNumber));
}

/** What the board shows (not speaks) for a call, e.g. 「请 A001 号到 3 号窗口」. */
export function callCaptionZh(call: CallAnnouncement): string {
  return `请 ${call.ticketNumber} 号到 ${call.windowNumber} 号窗口`;
}
