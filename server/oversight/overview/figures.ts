import type { HallConfig } from '../../protocol/model.js';
import type { OverviewFigureRow } from '../../protocol/overview.js';
import type { StatsReport, TicketFigures } from '../../protocol/stats.js';
import { toCsv } from '../../stats/csv.js';

/** Minutes with one decimal, as the reports' CSV shows them. */
const minutes = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds / 6) / 10);

/**
 * One hall's report (computeStats, the reports' own figures) as overview rows, one per day or month: the
 * overview shows the same statistic side by side, it never computes one of its own.
 */
export function figureRows(report: StatsReport, config: Pick<HallConfig, 'id' | 'name' | 'group'>, by: 'day' | 'month'): OverviewFigureRow[] {
  const periods: Array<{ period: string; figures: TicketFigures }> =
    by === 'day' ? report.days.map(({ day, ...figures }) => ({ period: day, figures })) : report.months.map(({ month, ...figures }) => ({ period: month, figures }));
  return periods.map(({ period, figures }) => ({
    hallId: config.id,
    name: config.name,
    group: [...(config.group ?? [])],
    period,
    issued: figures.issued,
    served: figures.served,
    noShows: figures.noShow,
    meanWaitMinutes: minutes(figures.wait.meanSeconds),
    p90WaitMinutes: minutes(figures.wait.p90Seconds),
    meanServiceMinutes: minutes(figures.service.meanSeconds),
    rated: figures.satisfaction.rated,
    goodRatePercent: figures.ratings.goodRate === null ? null : Math.round(figures.ratings.goodRate * 1000) / 10,
    badRatings: figures.ratings.bad,
    bookings: report.bookings.filter((row) => row.day.startsWith(period)).reduce((sum, row) => sum + row.booked, 0),
  }));
}

const HEADER = [
  '大厅编号(Hall id)',
  '大厅(Hall)',
  '分组(Group)',
  '日期(Period)',
  '取号(Issued)',
  '办结(Served)',
  '过号(No-shows)',
  '平均等候(分钟)(Mean wait min)',
  '等候P90(分钟)(P90 wait min)',
  '平均办理(分钟)(Mean service min)',
  '评价数(Rated)',
  '好评率(%)(Good rate %)',
  '差评数(Bad ratings)',
  '预约(Bookings)',
];

/** The figures as CSV: Chinese headers (English in parentheses) and a BOM, like the reports' exports. */
export function figuresCsv(rows: readonly OverviewFigureRow[]): string {
  return toCsv(
    HEADER,
    rows.map((row) => [
      row.hallId,
      row.name,
      row.group.join(' / '),
      row.period,
      row.issued,
      row.served,
      row.noShows,
      row.meanWaitMinutes,
      row.p90WaitMinutes,
      row.meanServiceMinutes,
      row.rated,
      row.goodRatePercent,
      row.badRatings,
      row.bookings,
    ]),
  );
}
