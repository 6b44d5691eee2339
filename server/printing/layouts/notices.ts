import type { Block, PaperWidth, PrintDocument } from '../../protocol/printDocument.js';
import type { Announcement, Clerk, HallConfig, ServiceConfig, WindowConfig } from '../../protocol/model.js';
import { addWorkingDays, localDateTime, localTime } from '../../domain/time.js';
import { footer, hallHeader } from './common.js';

export interface NoticeContext {
  hall: HallConfig;
  service: ServiceConfig;
  window: WindowConfig;
  clerk: Clerk;
  ticketNumber: string;
  at: number;
  paper: PaperWidth;
}

function title(text: string): Block {
  return { kind: 'text', text, align: 'center', size: 2, bold: true };
}

function particulars(context: NoticeContext): Block[] {
  return [
    { kind: 'pair', left: '业务', right: context.service.name },
    { kind: 'pair', left: '号票', right: context.ticketNumber },
    { kind: 'pair', left: '窗口', right: `${context.window.number}号窗口 ${context.window.name}` },
    { kind: 'pair', left: '时间', right: localDateTime(context.at, context.hall.timeZone) },
    { kind: 'rule' },
  ];
}

/** Every notice: hall, title, the ticket's particulars, the body, the clerk's signature; cut, with a beep the clerk hears. */
function notice(context: NoticeContext, heading: string, body: Block[]): PrintDocument {
  return {
    paper: context.paper,
    cut: true,
    beep: true,
    blocks: [...hallHeader(context.hall), title(heading), { kind: 'feed', lines: 1 }, ...particulars(context), ...body, ...signature(context)],
  };
}

function signature(context: NoticeContext): Block[] {
  const staffNo = context.clerk.staffNo ? `（工号 ${context.clerk.staffNo}）` : '';
  return [{ kind: 'rule' }, { kind: 'text', text: `经办人：${context.clerk.name}${staffNo}` }, ...footer(context.hall)];
}

/**
 * 一次性告知单: the full list of what is missing, in writing, so the citizen
 * comes back once with everything (一次性告知制度).
 */
export function missingMaterialsDocument(context: NoticeContext, missing: string[], note: string | undefined): PrintDocument {
  return notice(context, '一次性告知单', [
    { kind: 'text', text: `您申办的「${context.service.name}」尚需补齐以下材料：` },
    ...missing.map((item, index): Block => ({ kind: 'text', text: `${index + 1}. ${item}` })),
    ...(note ? [{ kind: 'text', text: `其他说明：${note}` } as const] : []),
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: '以上为需补正的全部材料。请补齐后再来办理，如有疑问请咨询本窗口。' },
  ]);
}

/** 承诺办结日期: the day of acceptance plus the service's time limit in working days. */
export function promisedDate(hall: HallConfig, service: ServiceConfig, at: number): { limitText: string; date: string } {
  const today = localTime(at, hall.timeZone).day;
  if (service.timeLimit.kind === 'immediate') return { limitText: '即办', date: today };
  const calendar = { ...(hall.holidays ? { holidays: hall.holidays } : {}), ...(hall.makeUpWorkdays ? { makeUpWorkdays: hall.makeUpWorkdays } : {}) };
  return { limitText: `${service.timeLimit.days} 个工作日`, date: addWorkingDays(today, service.timeLimit.days, calendar) };
}

/** 受理回执 (办件承诺单): what was accepted and by when it will be done. */
export function acceptanceReceiptDocument(context: NoticeContext, caseNumber: string | undefined): PrintDocument {
  const promise = promisedDate(context.hall, context.service, context.at);
  return notice(context, '受理回执', [
    ...(caseNumber ? [{ kind: 'pair', left: '受理编号', right: caseNumber } as const] : []),
    { kind: 'pair', left: '承诺时限', right: promise.limitText },
    { kind: 'pair', left: '承诺办结日期', right: promise.date },
    ...(context.service.fee ? [{ kind: 'pair', left: '收费', right: context.service.fee } as const] : []),
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: '您的申请已受理。请凭本回执查询办理进度或领取结果。' },
  ]);
}

/** A hall announcement printed on demand at the guide desk. */
export function announcementDocument(hall: HallConfig, announcement: Announcement, paper: PaperWidth): PrintDocument {
  return {
    paper,
    cut: true,
    blocks: [
      ...hallHeader(hall),
      title('公告'),
      { kind: 'feed', lines: 1 },
      { kind: 'text', text: announcement.text },
      ...(announcement.textAlt ? [{ kind: 'text', text: announcement.textAlt } as const] : []),
      { kind: 'feed', lines: 1 },
      { kind: 'text', text: localDateTime(announcement.postedAt, hall.timeZone), align: 'right' },
      ...footer(hall),
    ],
  };
}
