import type { IntegrityReport } from '../../protocol/integrity.js';
import type { HallConfig } from '../../protocol/model.js';
import { toCsv } from '../../stats/csv.js';
import { KIND_NAMES, explainSignal, windowName } from './explain.js';

const UNIT_NAMES = { minutes: '分钟', count: '次', percent: '%' } as const;

const HEADER = [
  '日期(Day)',
  '窗口(Window)',
  '工作人员(Clerk)',
  '类型(Kind)',
  '数量(Amount)',
  '单位(Unit)',
  '阈值(Threshold)',
  '说明(Explanation)',
  '涉及号码(Tickets)',
  '证据事件序号(Evidence seq)',
  '证据事件数(Evidence total)',
];

/** The month's signals, one line each, as the stats CSVs are made (BOM, CRLF, Chinese headers). */
export function integrityCsv(report: IntegrityReport, config: Pick<HallConfig, 'windows' | 'timeZone'>): string {
  const rows = report.signals.map((signal) => [
    signal.day,
    signal.windowId === undefined ? null : windowName(config.windows.find((window) => window.id === signal.windowId), signal.windowId),
    signal.clerkName ?? null,
    `${KIND_NAMES[signal.kind]}(${signal.kind})`,
    signal.amount,
    UNIT_NAMES[signal.unit],
    signal.threshold,
    explainSignal(signal, config, report.thresholds),
    (signal.tickets ?? []).join(' '),
    signal.evidence.map((evidence) => evidence.seq).join(' '),
    signal.evidenceTotal,
  ]);
  return toCsv(HEADER, rows);
}
