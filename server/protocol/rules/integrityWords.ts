import type { IntegrityKind, IntegritySettings, IntegritySignal } from '../integrity.js';
import { idleSpan } from './integrity.js';

/**
 * The Chinese words of integrity signals: the 履职提示 page (counter/src/locales/integrity.zh.ts) and the
 * monthly CSV (server/oversight/integrity/csv.ts) say the same sentence for the same signal. English is the
 * page's own (integrity.en.ts).
 */

/** What an explanation needs beside the signal: who, when (already formatted), the thresholds in force. */
export interface ExplainContext {
  who: string;
  /** "10:05–10:17" for an idle stretch or a burst, when the evidence tells. */
  span?: string;
  thresholds: Required<IntegritySettings>;
}

const list = (signal: IntegritySignal) => (signal.tickets ?? []).join('、');

/** "1号 综合受理窗口", or the name alone when it already says its number ("3号窗口"). */
export const windowLabelZh = (number: number, name: string): string => (name.includes(`${number}号`) ? name : `${number}号 ${name}`);

export const integrityKindsZh: Record<IntegrityKind, string> = {
  'idle-while-waiting': '有人等候时空闲',
  'out-of-order': '未按顺序叫号',
  'transfer-bounced': '转办被退回',
  'quick-no-show': '叫号后速标过号',
  'short-service': '办理时长过短',
  'rating-burst': '评价集中录入',
  'rating-all-top': '非常满意比例异常',
  'pause-over-limit': '暂停超时',
};

export function explainZh(signal: IntegritySignal, c: ExplainContext): string {
  const during = c.span ? `在 ${c.span} ` : '';
  const n = signal.tickets?.length ?? 0;
  switch (signal.kind) {
    case 'idle-while-waiting':
      return `${c.who} ${during}空闲 ${signal.amount} 分钟，期间 ${n} 人在等其可办事项`;
    case 'out-of-order':
      return n > 0 ? `${c.who} 有 ${signal.amount} 次按号叫号未按规则顺序，越过了应先叫的 ${list(signal)}` : `${c.who} 有 ${signal.amount} 次按号叫号未按规则顺序`;
    case 'transfer-bounced':
      return `${c.who} 把转来的 ${list(signal)} 又转回了来处（${signal.amount} 次）`;
    case 'quick-no-show':
      return `${c.who} 有 ${signal.amount} 次在叫号后 ${c.thresholds.quickNoShowSeconds} 秒内标记过号：${list(signal)}`;
    case 'short-service':
      return `${c.who} 有 ${signal.amount} 笔办理时长不足该事项标准时长的 ${Math.round(c.thresholds.shortServiceShare * 100)}%：${list(signal)}`;
    case 'rating-burst':
      return `${c.who} ${during}集中录入 ${signal.amount} 条评价`;
    case 'rating-all-top':
      return `${c.who} 当天 ${signal.evidenceTotal} 条评价中 ${signal.amount}% 为非常满意`;
    case 'pause-over-limit':
      return `${c.who} 当天暂停 ${signal.amount} 分钟，超过 ${signal.threshold} 分钟`;
  }
}

export const thresholdZh = (signal: IntegritySignal): string =>
  signal.unit === 'minutes' ? `阈值 ${signal.threshold} 分钟` : signal.unit === 'percent' ? `阈值 ${signal.threshold}%` : `阈值 ${signal.threshold} 次`;

/** The stretch a signal covers, "10:05–10:17": an idle stretch, or a burst's first to last rating; `clock` formats a time of the hall. */
export function signalSpan(signal: IntegritySignal, clock: (at: number) => string): string | undefined {
  const idle = signal.kind === 'idle-while-waiting' ? idleSpan(signal) : undefined;
  if (idle) return `${clock(idle.from)}–${clock(idle.to)}`;
  const first = signal.evidence[0];
  const last = signal.evidence.at(-1);
  return signal.kind === 'rating-burst' && first && last ? `${clock(first.at)}–${clock(last.at)}` : undefined;
}
