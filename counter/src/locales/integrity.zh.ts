import type { IntegrityKind, IntegritySettings, IntegritySignal } from '../lib/integrity.js';

/** What an explanation needs beside the signal: who, when (already formatted), the thresholds in force. */
export interface ExplainContext {
  who: string;
  /** "10:05–10:17" for an idle stretch or a burst, when the evidence tells. */
  span?: string;
  thresholds: Required<IntegritySettings>;
}

const list = (signal: IntegritySignal) => (signal.tickets ?? []).join('、');

/** 履职提示页面的中文文字。 */
export const integrityZh = {
  tabStats: '数据统计',
  tabIntegrity: '履职提示',
  tabsLabel: '报表内容',
  title: '履职提示',
  intro: '以下提示均由事件记录得出，每条都附有所依据的事件，供核实，不是评分。',
  from: '起始日期',
  to: '截止日期',
  apply: '查询',
  loading: '正在分析…',
  badRange: (max: number) => `请选择有效的日期范围（截止日期不早于起始日期，最多 ${max} 天）。`,
  none: '所选期间没有履职提示。',
  count: (n: number) => `共 ${n} 条提示`,
  windowLabel: (number: number, name: string) => (name.includes(`${number}号`) ? name : `${number}号 ${name}`),
  unknownClerk: '（未记录人员）',
  day: '日期',
  kinds: {
    'idle-while-waiting': '有人等候时空闲',
    'out-of-order': '未按顺序叫号',
    'transfer-bounced': '转办被退回',
    'quick-no-show': '叫号后速标过号',
    'short-service': '办理时长过短',
    'rating-burst': '评价集中录入',
    'rating-all-top': '非常满意比例异常',
    'pause-over-limit': '暂停超时',
  } as Record<IntegrityKind, string>,
  explain: (signal: IntegritySignal, c: ExplainContext): string => {
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
  },
  threshold: (signal: IntegritySignal): string =>
    signal.unit === 'minutes' ? `阈值 ${signal.threshold} 分钟` : signal.unit === 'percent' ? `阈值 ${signal.threshold}%` : `阈值 ${signal.threshold} 次`,
  evidence: (shown: number, total: number) => (shown < total ? `依据事件（显示 ${shown} / 共 ${total} 条）` : `依据事件（${total} 条）`),
  openEvent: (seq: number) => `查看事件 #${seq}`,
  eventFailed: '读取事件失败，请重试。',
  types: {
    'ticket:issued': '取号',
    'ticket:called': '叫号',
    'ticket:recalled': '重呼',
    'ticket:no-show': '过号',
    'ticket:finished': '办结',
    'ticket:transferred': '转办',
    'ticket:rated': '评价',
    'ticket:cancelled': '取消',
    'ticket:expired': '过期',
    'window:opened': '开窗',
    'window:paused': '暂停',
    'window:resumed': '恢复',
    'window:closed': '关窗',
    'window:taken-over': '接班',
    'hall:configured': '配置变更',
    'hall:day-closed': '结束营业',
  } as Record<string, string>,
  csvTitle: '月度导出',
  csvMonth: '月份',
  csvDownload: '下载当月履职提示 CSV',
  downloadFailed: '导出失败，请重试。',
  thresholdsTitle: '提示阈值',
  thresholdsHint: '留空即使用默认值（括号中）。',
  thresholdsReadOnly: '只有管理员可以修改阈值。',
  fields: {
    idleMinutes: '有人等候时空闲（分钟）≥',
    quickNoShowSeconds: '叫号后多少秒内标记过号算速标（秒）<',
    shortServiceShare: '办理时长低于标准时长的比例（0–1）<',
    shortServiceCount: '每天过短办理笔数 ≥',
    ratingBurstCount: '集中录入评价条数 ≥',
    ratingBurstSeconds: '集中录入的时间窗（秒）',
    allTopShare: '非常满意比例（0–1）≥',
    allTopMinRatings: '计算比例的最少评价数',
    pauseMinutesPerDay: '每天暂停（分钟）>',
  } as Record<keyof IntegritySettings, string>,
  save: '保存阈值',
  saving: '正在保存…',
  saved: '阈值已保存。',
};

export type IntegrityMessages = typeof integrityZh;
