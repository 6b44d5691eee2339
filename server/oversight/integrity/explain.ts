import { localTime } from '../../domain/time.js';
import type { IntegrityKind, IntegritySettings, IntegritySignal } from '../../protocol/integrity.js';
import type { HallConfig } from '../../protocol/model.js';
import { idleSpan } from '../../protocol/rules/integrity.js';

/**
 * The Chinese sentence a signal is explained with in the monthly CSV (the page words its own from the
 * locale files). Every number in it is the signal's own, so the sentence and the evidence agree.
 */

export const KIND_NAMES: Record<IntegrityKind, string> = {
  'idle-while-waiting': '有人等候时空闲',
  'out-of-order': '未按顺序叫号',
  'transfer-bounced': '转办被退回',
  'quick-no-show': '叫号后速标过号',
  'short-service': '办理时长过短',
  'rating-burst': '评价集中录入',
  'rating-all-top': '非常满意比例异常',
  'pause-over-limit': '暂停超时',
};

export function clock(at: number, timeZone: string): string {
  const minutes = localTime(at, timeZone).minutes;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "1号 综合受理窗口", or the name alone when it already says its number ("3号窗口"). */
export function windowName(window: { number: number; name: string } | undefined, fallback: string | undefined): string {
  if (!window) return fallback ?? '';
  return window.name.includes(`${window.number}号`) ? window.name : `${window.number}号 ${window.name}`;
}

function list(tickets: readonly string[] | undefined): string {
  return (tickets ?? []).join('、');
}

export function explainSignal(signal: IntegritySignal, config: Pick<HallConfig, 'windows' | 'timeZone'>, thresholds: Required<IntegritySettings>): string {
  const window = config.windows.find((candidate) => candidate.id === signal.windowId);
  const who = [windowName(window, signal.windowId), signal.clerkName].filter(Boolean).join(' ');
  const span = idleSpan(signal);
  const during = span ? `在 ${clock(span.from, config.timeZone)}–${clock(span.to, config.timeZone)} ` : '';
  const count = signal.tickets?.length ?? 0;
  switch (signal.kind) {
    case 'idle-while-waiting':
      return `${who} ${during}空闲 ${signal.amount} 分钟，期间 ${count} 人在等其可办事项（阈值 ${signal.threshold} 分钟）`;
    case 'out-of-order':
      return count > 0
        ? `${who} 有 ${signal.amount} 次按号叫号未按规则顺序，越过了应先叫的 ${list(signal.tickets)}`
        : `${who} 有 ${signal.amount} 次按号叫号未按规则顺序`;
    case 'transfer-bounced':
      return `${who} 把转来的 ${list(signal.tickets)} 又转回了来处（${signal.amount} 次）`;
    case 'quick-no-show':
      return `${who} 有 ${signal.amount} 次在叫号后 ${thresholds.quickNoShowSeconds} 秒内标记过号：${list(signal.tickets)}`;
    case 'short-service':
      return `${who} 有 ${signal.amount} 笔办理时长不足该事项标准时长的 ${Math.round(thresholds.shortServiceShare * 100)}%：${list(signal.tickets)}（阈值每天 ${signal.threshold} 笔）`;
    case 'rating-burst': {
      const first = signal.evidence[0];
      const last = signal.evidence.at(-1);
      const when = first && last ? `在 ${clock(first.at, config.timeZone)}–${clock(last.at, config.timeZone)} ` : '';
      return `${who} ${when}集中录入 ${signal.amount} 条评价（阈值 ${thresholds.ratingBurstSeconds} 秒内 ${signal.threshold} 条）`;
    }
    case 'rating-all-top':
      return `${who} 当天 ${signal.evidenceTotal} 条评价中 ${signal.amount}% 为非常满意（阈值 ${signal.threshold}%，至少 ${thresholds.allTopMinRatings} 条）`;
    case 'pause-over-limit':
      return `${who} 当天暂停 ${signal.amount} 分钟，超过 ${signal.threshold} 分钟`;
  }
}
