import type { HallEvent } from './events.js';
import type { RatingCase, RatingCaseStatus, RatingChannel, RatingLevel, Ticket } from './model.js';
import { isBadRating } from './rules/ratings.js';

/**
 * The 好差评 record HallQ hands to a provincial 好差评 platform: one per rating (`kind: 'rating'`) and one
 * per step of a 差评 case (`kind: 'case'`), made from the hall's event log. The same shape goes out by
 * the upload (docs/ratings-upload.md) and by the export (`GET …/ratings/export`, JSON and CSV), so a file
 * and the live feed can be reconciled line by line. Flat, every field always present (null when unknown),
 * because platforms map columns, not nested objects.
 *
 * What is never in it: the follow-up phone number (personal data: 回访 is the hall's job, the platform
 * gets the rating and the case's outcome), the ticket id (it is the citizen's e-ticket link, with which
 * a ticket can still be rated), staff account ids, and who did a case step.
 */

export const RATING_RECORD_SCHEMA = 'hallq.rating-record/1';

export type RatingRecordKind = 'rating' | 'case';
export type CaseStep = 'opened' | 'verified' | 'fixed' | 'followed-up' | 'closed';

export interface RatingExportRecord {
  schema: typeof RATING_RECORD_SCHEMA;
  kind: RatingRecordKind;
  /** `<hallId>:<seq>` of the event the record was made from: unique, stable, the idempotency key. */
  recordId: string;
  /** The rated service, `<hallId>:<day>:<serviceId>:<ticketNumber>`; a case record names the rating it follows. */
  ratingId: string;
  hallId: string;
  hallName: string;
  windowId: string | null;
  windowNumber: number | null;
  windowName: string | null;
  /** 工号 of the clerk who served. */
  staffNo: string | null;
  clerkName: string | null;
  serviceId: string;
  serviceName: string;
  /** 办件编号, when the clerk entered one. */
  caseNumber: string | null;
  ticketNumber: string;
  /** 5 非常满意 … 1 非常不满意. */
  level: RatingLevel;
  levelName: string;
  /** 差评 (不满意, 非常不满意), by rules/ratings.ts. */
  bad: boolean;
  reasons: string[];
  /** The citizen's own words, if any. */
  note: string | null;
  /** null only for ratings recorded before HallQ kept channels. */
  channel: RatingChannel | null;
  /** ISO 8601 with the hall's offset, e.g. 2026-11-27T10:05:33+08:00; null for a case whose rating is no longer known. */
  ratedAt: string | null;
  /** When the service finished (the ticket was served), same format. */
  servedAt: string | null;
  /** Case records only (null on ratings): which step, the case's status after it, its due day. */
  caseStep: CaseStep | null;
  caseStatus: RatingCaseStatus | null;
  caseDueDay: string | null;
  caseStepAt: string | null;
  /** 核实: 属实 (true) / 不属实 (false). */
  substantiated: boolean | null;
  /** 整改措施. */
  measures: string | null;
  /** 回访: reached or not, satisfied or not. */
  followUpReached: boolean | null;
  followUpSatisfied: boolean | null;
  /** The note of the step (核实, 回访 or 办结). */
  caseNote: string | null;
}

export const RATING_LEVEL_NAMES: Readonly<Record<RatingLevel, string>> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

/** What the mapper needs besides the event: names as the hall has them, and the case and ticket a case step is about. */
export interface RatingRecordContext {
  hallId: string;
  hallName: string;
  timeZone: string;
  service(serviceId: string): string;
  window(windowId: string): { number: number | null; name: string };
  clerk(clerkId: string): { name: string; staffNo: string | null } | undefined;
  /** The case as the hall holds it now (its opening fields do not change), if still held. */
  ratingCase(caseId: string): RatingCase | undefined;
  /** The ticket by id, finished ones included. */
  ticket(ticketId: string): Ticket | undefined;
}

const CASE_STEPS: Readonly<Record<string, CaseStep>> = {
  'rating-case:opened': 'opened',
  'rating-case:verified': 'verified',
  'rating-case:fixed': 'fixed',
  'rating-case:followed-up': 'followed-up',
  'rating-case:closed': 'closed',
};

/** The events that make a record: every rating, and every step of a 差评 case. */
export function makesRatingRecord(event: Pick<HallEvent, 'type'>): boolean {
  return event.type === 'ticket:rated' || CASE_STEPS[event.type] !== undefined;
}

/** The record of one event, or null for an event that makes none (or a case step on a ticket no longer known). */
export function ratingRecordOf(event: HallEvent, ctx: RatingRecordContext): RatingExportRecord | null {
  const iso = (at: number | undefined) => (at === undefined ? null : isoWithOffset(at, ctx.timeZone));
  if (event.type === 'ticket:rated') {
    return {
      ...serviceFields(event.ticket, event.windowId ?? event.ticket.windowId, event.clerkId ?? event.ticket.clerkId, ctx),
      kind: 'rating',
      recordId: `${ctx.hallId}:${event.seq}`,
      ...levelFields(event.level),
      reasons: event.reasons ?? [],
      note: event.note ?? null,
      channel: event.channel ?? null,
      ratedAt: iso(event.at),
      ...NO_CASE,
    };
  }
  const step = CASE_STEPS[event.type];
  if (step === undefined) return null;
  const caseId = event.type === 'rating-case:opened' ? event.case.id : (event as { caseId: string }).caseId;
  const known = event.type === 'rating-case:opened' ? event.case : ctx.ratingCase(caseId);
  const ticket = ctx.ticket(known?.ticketId ?? caseId);
  if (!ticket) return null;
  const level = known?.level ?? ticket.rating;
  if (level === undefined) return null;
  const base = {
    ...serviceFields(ticket, known?.windowId ?? ticket.windowId, known?.clerkId ?? ticket.clerkId, ctx),
    kind: 'case' as const,
    recordId: `${ctx.hallId}:${event.seq}`,
    ...levelFields(level),
    reasons: known?.reasons ?? [],
    note: known?.note ?? null,
    channel: known?.channel ?? ticket.ratedVia ?? null,
    ratedAt: iso(known?.openedAt),
    ...NO_CASE,
    caseStep: step,
    caseStatus: step === 'opened' ? ('open' as const) : step,
    caseDueDay: known?.dueDay ?? null,
    caseStepAt: iso(event.at),
  };
  switch (event.type) {
    case 'rating-case:verified':
      return { ...base, substantiated: event.verification.substantiated, caseNote: event.verification.note || null };
    case 'rating-case:fixed':
      return { ...base, measures: event.fix.measures };
    case 'rating-case:followed-up':
      return { ...base, followUpReached: event.followUp.reached, followUpSatisfied: event.followUp.satisfied ?? null, caseNote: event.followUp.note ?? null };
    case 'rating-case:closed':
      return { ...base, caseNote: event.closed.note ?? null };
    default:
      return base;
  }
}

const NO_CASE = {
  caseStep: null,
  caseStatus: null,
  caseDueDay: null,
  caseStepAt: null,
  substantiated: null,
  measures: null,
  followUpReached: null,
  followUpSatisfied: null,
  caseNote: null,
} as const;

function levelFields(level: RatingLevel) {
  return { level, levelName: RATING_LEVEL_NAMES[level], bad: isBadRating(level) };
}

function serviceFields(ticket: Ticket, windowId: string | undefined, clerkId: string | undefined, ctx: RatingRecordContext) {
  const window = windowId !== undefined ? ctx.window(windowId) : undefined;
  const clerk = clerkId !== undefined ? ctx.clerk(clerkId) : undefined;
  return {
    schema: RATING_RECORD_SCHEMA,
    ratingId: `${ctx.hallId}:${ticket.day}:${ticket.serviceId}:${ticket.number}`,
    hallId: ctx.hallId,
    hallName: ctx.hallName,
    windowId: windowId ?? null,
    windowNumber: window?.number ?? null,
    windowName: window?.name ?? null,
    staffNo: clerk?.staffNo ?? null,
    clerkName: clerk?.name ?? null,
    serviceId: ticket.serviceId,
    serviceName: ctx.service(ticket.serviceId),
    caseNumber: ticket.caseNumber ?? null,
    ticketNumber: ticket.number,
    servedAt: ticket.finishedAt !== undefined ? isoWithOffset(ticket.finishedAt, ctx.timeZone) : null,
  } as const;
}

const isoFormatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-11-27T10:05:33+08:00`: the hall's wall-clock time with its UTC offset at that instant (seconds). */
export function isoWithOffset(epochMs: number, timeZone: string): string {
  let formatter = isoFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    isoFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const [y, mo, d, h, mi, s] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number) as [number, number, number, number, number, number];
  const offsetMinutes = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(epochMs / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The export's CSV columns, in order: header (Chinese, then the field name) and the record field. */
export const RATING_CSV_COLUMNS: ReadonlyArray<readonly [string, keyof RatingExportRecord]> = [
  ['记录编号(recordId)', 'recordId'],
  ['记录类型(kind)', 'kind'],
  ['评价编号(ratingId)', 'ratingId'],
  ['大厅编号(hallId)', 'hallId'],
  ['大厅(hallName)', 'hallName'],
  ['窗口编号(windowId)', 'windowId'],
  ['窗口号(windowNumber)', 'windowNumber'],
  ['窗口(windowName)', 'windowName'],
  ['工号(staffNo)', 'staffNo'],
  ['工作人员(clerkName)', 'clerkName'],
  ['事项编号(serviceId)', 'serviceId'],
  ['事项(serviceName)', 'serviceName'],
  ['办件编号(caseNumber)', 'caseNumber'],
  ['号码(ticketNumber)', 'ticketNumber'],
  ['评价等级(level)', 'level'],
  ['评价(levelName)', 'levelName'],
  ['差评(bad)', 'bad'],
  ['差评原因(reasons)', 'reasons'],
  ['评价内容(note)', 'note'],
  ['评价渠道(channel)', 'channel'],
  ['评价时间(ratedAt)', 'ratedAt'],
  ['办结时间(servedAt)', 'servedAt'],
  ['整改环节(caseStep)', 'caseStep'],
  ['工单状态(caseStatus)', 'caseStatus'],
  ['整改期限(caseDueDay)', 'caseDueDay'],
  ['环节时间(caseStepAt)', 'caseStepAt'],
  ['核实属实(substantiated)', 'substantiated'],
  ['整改措施(measures)', 'measures'],
  ['回访联系上(followUpReached)', 'followUpReached'],
  ['回访满意(followUpSatisfied)', 'followUpSatisfied'],
  ['环节说明(caseNote)', 'caseNote'],
];

/** One CSV cell's value: lists joined by ；, booleans as 是/否, absent as empty. */
export function ratingCsvValue(record: RatingExportRecord, field: keyof RatingExportRecord): string | number | null {
  const value = record[field];
  if (value === null) return null;
  if (Array.isArray(value)) return value.join('；');
  if (typeof value === 'boolean') return value ? '是' : '否';
  return value;
}
