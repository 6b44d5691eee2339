import type { IntegrityKind, IntegrityReport, IntegritySettings, IntegritySignal } from '../../../server/protocol/integrity.js';
import type { DayRange } from './reports.js';

/**
 * Pure helpers of the 履职提示 page: paths, grouping and time formats. The signals are the server's
 * (server/oversight/integrity, docs/oversight.md); the page only explains them.
 */

export type { IntegrityKind, IntegrityReport, IntegritySettings, IntegritySignal };
export { idleSpan, INTEGRITY_DEFAULTS } from '../../../server/protocol/rules/integrity.js';

/** The fields of the threshold editor, in the order the page shows them. */
export const THRESHOLD_FIELDS: readonly (keyof IntegritySettings)[] = [
  'idleMinutes',
  'quickNoShowSeconds',
  'shortServiceShare',
  'shortServiceCount',
  'ratingBurstCount',
  'ratingBurstSeconds',
  'allTopShare',
  'allTopMinRatings',
  'pauseMinutesPerDay',
];

/** The longest range the route answers (server/http/integrityApi.ts). */
export const MAX_INTEGRITY_DAYS = 31;

export function integrityPath(hallId: string, range: DayRange): string {
  return `/api/halls/${encodeURIComponent(hallId)}/integrity?${new URLSearchParams({ from: range.from, to: range.to })}`;
}

export function integrityCsvPath(hallId: string, month: string): string {
  return `/api/halls/${encodeURIComponent(hallId)}/integrity.csv?${new URLSearchParams({ month })}`;
}

/** Where an event of the evidence is in the hall's log: the log read from just before it. */
export function eventLogPath(hallId: string, seq: number): string {
  return `/api/halls/${encodeURIComponent(hallId)}/events?since=${seq - 1}`;
}

export function rangeDays(range: DayRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** "10:05" in the hall's time zone. */
export function clockIn(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}

/** Signals per day, then per window and clerk, in the report's order. */
export interface SignalGroup {
  key: string;
  day: string;
  windowId?: string;
  clerkName?: string;
  signals: IntegritySignal[];
}

export function groupSignals(report: IntegrityReport): SignalGroup[] {
  const groups = new Map<string, SignalGroup>();
  for (const signal of report.signals) {
    const key = `${signal.day}/${signal.windowId ?? ''}/${signal.clerkId ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, day: signal.day, signals: [], ...(signal.windowId !== undefined ? { windowId: signal.windowId } : {}), ...(signal.clerkName !== undefined ? { clerkName: signal.clerkName } : {}) };
      groups.set(key, group);
    }
    group.signals.push(signal);
  }
  return [...groups.values()];
}

/** What the editor sends: the fields filled in; an empty one (null) keeps the default, so it is left out. */
export function settingsFrom(values: Partial<Record<keyof IntegritySettings, number | null>>): IntegritySettings | undefined {
  const settings: IntegritySettings = {};
  for (const field of THRESHOLD_FIELDS) {
    const value = values[field];
    if (typeof value === 'number' && Number.isFinite(value)) settings[field] = value;
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}
