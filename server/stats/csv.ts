import { localDateTime } from '../domain/time.js';
import { RATING_LEVELS } from './summary.js';
import { RATING_CHANNEL_KEYS, type DurationSummary, type EvaluationRecord, type RatingChannelKey, type StaffFigures, type StatsReport, type TicketFigures } from '../protocol/stats.js';

/**
 * CSV exports. UTF-8 with a byte-order mark and CRLF line ends, because that
 * is what makes Excel on a Chinese Windows PC open the file with the Chinese
 * intact; headers are Chinese with the English name in parentheses, so the
 * same file serves the hall and a script.
 */

type Cell = string | number | null;

const BOM = '\uFEFF';

/** Quotes what needs it, and defuses text that a spreadsheet would run as a formula (a name starting with "="). */
function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return BOM + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export type StatsCsvGrouping = 'service' | 'window' | 'clerk' | 'day' | 'month' | 'booking';
export const STATS_CSV_GROUPINGS: readonly StatsCsvGrouping[] = ['service', 'window', 'clerk', 'day', 'month', 'booking'];

const minutes = (seconds: number | null): Cell => (seconds === null ? null : Math.round(seconds / 6) / 10);
const percent = (rate: number | null): Cell => (rate === null ? null : Math.round(rate * 1000) / 10);

/** Chinese names of the rating channels, as the hall calls them. */
export const CHANNEL_NAMES: Record<RatingChannelKey, string> = {
  'window-screen': '窗口评价器',
  qr: '扫码',
  desk: '导办台代录',
  default: '默认评价',
  unrecorded: '未记录',
};

const LEVEL_HEADERS: Record<number, string> = {
  5: '非常满意(Very satisfied)',
  4: '满意(Satisfied)',
  3: '基本满意(Fairly satisfied)',
  2: '不满意(Dissatisfied)',
  1: '非常不满意(Very dissatisfied)',
};

function durationColumns(label: string, english: string): string[] {
  return [`平均${label}(分钟)(Mean ${english} min)`, `${label}中位数(分钟)(Median ${english} min)`, `${label}P90(分钟)(P90 ${english} min)`];
}

function durationCells(summary: DurationSummary): Cell[] {
  return [minutes(summary.meanSeconds), minutes(summary.medianSeconds), minutes(summary.p90Seconds)];
}

/** Columns every grouping shares, in the order the report page shows them. */
const SHARED_HEADER = [
  '叫号次数(Calls)',
  '办结(Served)',
  '办结-已办结(Completed)',
  '办结-已受理(Accepted)',
  '办结-不予受理(Rejected)',
  '办结-咨询(Consulted)',
  '过号(No-shows)',
  '转移(Transferred)',
  '非顺序叫号(Out-of-order calls)',
  ...durationColumns('等候', 'wait'),
  ...durationColumns('办理', 'service'),
  '评价数(Ratings)',
  ...RATING_LEVELS.map((level) => LEVEL_HEADERS[level]!),
  '满意率(%)(Satisfaction rate %)',
  '评价覆盖率(%)(Rating coverage %)',
  '好评数(Good ratings)',
  '好评率(%)(Good rating rate %)',
  '差评数(Bad ratings)',
  ...RATING_CHANNEL_KEYS.map((channel) => `评价渠道-${CHANNEL_NAMES[channel]}(Channel ${channel})`),
  '差评工单(Bad-rating cases)',
  '已核实(Verified)',
  '属实(Substantiated)',
  '不属实(Unsubstantiated)',
  '已整改(Rectified)',
  '差评整改率(%)(Rectification rate %)',
  '已回访(Followed up)',
  '回访联系上(Reached)',
  '回访率(%)(Follow-up rate %)',
  '已办结工单(Cases closed)',
  '超期工单(Overdue cases)',
  '超期办结(Closed late)',
];

function sharedCells(figures: StaffFigures | TicketFigures): Cell[] {
  const { outcomes, satisfaction, ratings, cases } = figures;
  return [
    figures.calls,
    figures.served,
    outcomes.completed,
    outcomes.accepted,
    outcomes.rejected,
    outcomes.consulted,
    figures.noShow,
    figures.transferred,
    figures.outOfOrder,
    ...durationCells(figures.wait),
    ...durationCells(figures.service),
    satisfaction.rated,
    ...RATING_LEVELS.map((level) => satisfaction.levels[level]),
    percent(satisfaction.rate),
    percent(ratings.coverage),
    ratings.good,
    percent(ratings.goodRate),
    ratings.bad,
    ...RATING_CHANNEL_KEYS.map((channel) => ratings.byChannel[channel]),
    cases.opened,
    cases.verified,
    cases.substantiated,
    cases.unsubstantiated,
    cases.rectified,
    percent(cases.rectificationRate),
    cases.followedUp,
    cases.reached,
    percent(cases.followUpRate),
    cases.closed,
    cases.overdue,
    cases.closedLate,
  ];
}

const TICKET_HEADER = ['取号(Issued)', '过号重排(Requeued)', '取消(Cancelled)', '过期作废(Expired)', '未办结(Unfinished)'];
const ticketCells = (figures: TicketFigures): Cell[] => [figures.issued, figures.requeued, figures.cancelled, figures.expired, figures.unfinished];
const TIME_HEADER = ['在岗时长(分钟)(Open min)', '暂停时长(分钟)(Paused min)'];
const timeCells = (figures: StaffFigures): Cell[] => [minutes(figures.openSeconds), minutes(figures.pausedSeconds)];

/** One row per service, window, clerk or day of the report. */
export function statsCsv(report: StatsReport, by: StatsCsvGrouping): string {
  switch (by) {
    case 'service':
      return toCsv(
        ['业务编号(Service ID)', '业务名称(Service)', ...TICKET_HEADER, ...SHARED_HEADER],
        report.services.map((row) => [row.serviceId, row.name, ...ticketCells(row), ...sharedCells(row)]),
      );
    case 'day':
      return toCsv(['日期(Date)', ...TICKET_HEADER, ...SHARED_HEADER], report.days.map((row) => [row.day, ...ticketCells(row), ...sharedCells(row)]));
    case 'month':
      return toCsv(['月份(Month)', ...TICKET_HEADER, ...SHARED_HEADER], report.months.map((row) => [row.month, ...ticketCells(row), ...sharedCells(row)]));
    case 'window':
      return toCsv(
        ['窗口号(Window No.)', '窗口名称(Window)', ...SHARED_HEADER, ...TIME_HEADER],
        report.windows.map((row) => [row.number, row.name, ...sharedCells(row), ...timeCells(row)]),
      );
    case 'clerk':
      return toCsv(
        ['工号(Staff No.)', '姓名(Clerk)', ...SHARED_HEADER, ...TIME_HEADER],
        report.clerks.map((row) => [row.staffNo, row.name, ...sharedCells(row), ...timeCells(row)]),
      );
    // 网上预约 per day and service.
    case 'booking':
      return toCsv(
        ['日期(Date)', '业务编号(Service ID)', '业务名称(Service)', '预约(Booked)', '签到(Checked in)', '爽约(No-show)', '取消预约(Cancelled)'],
        report.bookings.map((row) => [row.day, row.serviceId, row.name, row.booked, row.checkedIn, row.noShow, row.cancelled]),
      );
  }
}

/** GB/T 39734 names of the five levels. */
export const LEVEL_NAMES: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

export const EVALUATION_HEADER = [
  '评价时间(Time)',
  '服务大厅(Hall)',
  '窗口号(Window No.)',
  '窗口名称(Window)',
  '业务(Service)',
  '号票(Ticket)',
  '工作人员(Clerk)',
  '工号(Staff No.)',
  '评价等级(Level)',
  '评价(Rating)',
  '评价渠道(Channel)',
  '差评原因(Reasons)',
];

/** One row per rating, time in the hall's local time. */
export function evaluationsCsv(records: readonly EvaluationRecord[], hallName: string, timeZone: string): string {
  return toCsv(
    EVALUATION_HEADER,
    records.map((record) => [
      localDateTime(record.at, timeZone),
      hallName,
      record.windowNumber,
      record.windowName,
      record.serviceName,
      record.ticketNumber,
      record.clerkName,
      record.staffNo,
      record.level,
      LEVEL_NAMES[record.level] ?? null,
      CHANNEL_NAMES[record.channel],
      record.reasons.join('；'),
    ]),
  );
}
