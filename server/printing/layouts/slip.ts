import type { Block, PaperWidth, PrintDocument } from '../../protocol/printDocument.js';
import type { HallConfig, ServiceConfig } from '../../protocol/model.js';
import { localDateTime } from '../../domain/time.js';
import { type WaitSummary, waitSummary } from '../../protocol/waitRange.js';
import { displayWidth, paperColumns } from '../../../ticket-printer/agent/escpos/columns.js';
import { footer, hallHeader } from './common.js';

export interface SlipInput {
  hall: HallConfig;
  service: ServiceConfig;
  number: string;
  priority: boolean;
  appointment: boolean;
  ahead: number;
  estimatedWaitMinutes: number;
  /** Windows open (or briefly paused) that serve the service now: with none, the slip says so instead of a wait. */
  windowsServing: number;
  issuedAt: number;
  /** The e-ticket link, printed as a QR code: ASCII only. */
  eTicketUrl: string;
  paper: PaperWidth;
}

/**
 * The number slip (号票). English lines are added when the hall's second
 * language is English; other second languages (彝文 …) get their names only,
 * since a thermal printer's font has no such script — the raster path would.
 */
export function slipDocument(input: SlipInput): PrintDocument {
  const { hall, service } = input;
  const english = hall.secondLanguage === 'en';
  const waitText = slipWaitWords(waitSummary(input.ahead, input.estimatedWaitMinutes, input.windowsServing));
  const blocks: Block[] = [
    ...hallHeader(hall),
    // Double size only when the name fits one line: a name broken after eight characters reads worse than a smaller one.
    { kind: 'text', text: service.name, align: 'center', size: displayWidth(service.name) <= paperColumns(input.paper, 2) ? 2 : 1, bold: true },
    ...(english && service.nameAlt ? [{ kind: 'text', text: service.nameAlt, align: 'center' } as const] : []),
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: input.number, align: 'center', size: 3, bold: true },
    ...(input.priority ? [{ kind: 'text', text: english ? '绿色通道 Priority' : '绿色通道', align: 'center', bold: true } as const] : []),
    ...(input.appointment ? [{ kind: 'text', text: english ? '预约签到 Appointment' : '预约签到', align: 'center', bold: true } as const] : []),
    { kind: 'feed', lines: 1 },
    { kind: 'pair', left: english ? '前面等候 Ahead' : '前面等候', right: `${input.ahead} 人` },
    { kind: 'pair', left: english ? '预计等候 Wait' : '预计等候', right: waitText },
    { kind: 'pair', left: english ? '取号时间 Issued' : '取号时间', right: localDateTime(input.issuedAt, hall.timeZone) },
    { kind: 'rule' },
    { kind: 'qr', data: input.eTicketUrl },
    { kind: 'text', text: '扫码查看排队进度', align: 'center' },
    ...(english ? [{ kind: 'text', text: 'Scan to follow your turn', align: 'center' } as const] : []),
    { kind: 'rule' },
    { kind: 'text', text: '请留意叫号；过号请到窗口说明，重新排队。' },
    ...footer(hall),
  ];
  return { paper: input.paper, blocks, cut: true };
}

/**
 * The kiosk's words for the same summary (ticket-printer/src/locales/zh.ts: noWindowServing, noWait,
 * aboutMinutes), so the paper and the screen beside it never disagree; a unit test holds them equal.
 */
export const SLIP_WAIT_WORDS = {
  unserved: '暂无窗口办理，请咨询导办台',
  none: '无需等候',
  range: (low: number, high: number) => `约 ${low}–${high} 分钟`,
};

function slipWaitWords(summary: WaitSummary): string {
  if (summary.kind === 'unserved') return SLIP_WAIT_WORDS.unserved;
  if (summary.kind === 'none') return SLIP_WAIT_WORDS.none;
  return SLIP_WAIT_WORDS.range(summary.low, summary.high);
}
