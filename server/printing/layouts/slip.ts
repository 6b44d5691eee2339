import type { Block, PaperWidth, PrintDocument } from '../../protocol/printDocument.js';
import type { HallConfig, ServiceConfig } from '../../protocol/model.js';
import { localDateTime } from '../../domain/time.js';
import { waitRange } from '../../protocol/waitRange.js';
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
  const wait = waitRange(input.estimatedWaitMinutes);
  const waitText = input.ahead === 0 ? '即将叫号' : `${wait.low}–${wait.high} 分钟`;
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
