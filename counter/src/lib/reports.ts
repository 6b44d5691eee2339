import { RATING_CHANNEL_KEYS, type RatingChannelKey, type StatsReport } from '../../../server/protocol/stats.js';

/**
 * Pure helpers of the report pages: ranges, paths and number formats. The
 * figures themselves are the server's (server/stats, docs/stats.md); the
 * page only shows them.
 */

export { RATING_CHANNEL_KEYS };
export type { RatingChannelKey, StatsReport };
export type RangePreset = 'day' | 'week' | 'month';
export type CsvGrouping = 'service' | 'window' | 'clerk' | 'day' | 'month' | 'booking';
export const CSV_GROUPINGS: readonly CsvGrouping[] = ['service', 'window', 'clerk', 'day', 'month', 'booking'];

export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today in a time zone (the hall's once a report told it), as YYYY-MM-DD. */
export function todayIn(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The day, its Monday-to-Sunday week, or its calendar month. */
export function presetRange(preset: RangePreset, today: string): DayRange {
  if (preset === 'day') return { from: today, to: today };
  if (preset === 'week') {
    const weekday = (new Date(utc(today)).getUTCDay() + 6) % 7; // Monday = 0
    const monday = utc(today) - weekday * DAY_MS;
    return { from: iso(monday), to: iso(monday + 6 * DAY_MS) };
  }
  const [year, month] = today.split('-').map(Number) as [number, number];
  return { from: iso(Date.UTC(year, month - 1, 1)), to: iso(Date.UTC(year, month, 0)) };
}

/** "2026-12-02 08:05" in the hall's time zone: when a report was made, as its figures stand. */
export function localStamp(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(epochMs);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** The same kind of range one step earlier (-1) or later (+1). */
export function shiftRange(preset: RangePreset, range: DayRange, step: -1 | 1): DayRange {
  if (preset === 'day') return presetRange('day', iso(utc(range.from) + step * DAY_MS));
  if (preset === 'week') return presetRange('week', iso(utc(range.from) + step * 7 * DAY_MS));
  const [year, month] = range.from.split('-').map(Number) as [number, number];
  return presetRange('month', iso(Date.UTC(year, month - 1 + step, 1)));
}

export function isValidRange(range: DayRange): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(range.from) && /^\d{4}-\d{2}-\d{2}$/.test(range.to) && range.from <= range.to;
}

function query(range: DayRange, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ from: range.from, to: range.to, ...extra }).toString();
}

export function statsPath(hallId: string, range: DayRange): string {
  return `/api/halls/${encodeURIComponent(hallId)}/stats?${query(range)}`;
}

export function statsCsvPath(hallId: string, range: DayRange, by: CsvGrouping): string {
  return `/api/halls/${encodeURIComponent(hallId)}/stats.csv?${query(range, { by })}`;
}

export function evaluationsCsvPath(hallId: string, range: DayRange): string {
  return `/api/halls/${encodeURIComponent(hallId)}/evaluations.csv?${query(range)}`;
}

/** The file name a Content-Disposition header offers, or the fallback. */
export function filenameOf(contentDisposition: string | null, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

export const DASH = '—';

/** Seconds as minutes with one decimal ("12.5"), or a dash when there is no figure. */
export function minutes(seconds: number | null): string {
  return seconds === null ? DASH : (Math.round(seconds / 6) / 10).toFixed(1);
}

/** Seconds as hours and minutes ("7:05"), for open and paused time. */
export function hoursMinutes(seconds: number): string {
  const total = Math.round(seconds / 60);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function percent(rate: number | null): string {
  return rate === null ? DASH : `${(rate * 100).toFixed(1)}%`;
}

/** "2026年11月" or "November 2026" for the assessment's heading; a range over several months shows both ends. */
export function monthLabel(range: DayRange, lang: 'zh' | 'en'): string {
  const label = (day: string) => {
    const [year, month] = day.split('-').map(Number) as [number, number];
    return lang === 'zh' ? `${year}年${month}月` : new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  };
  const first = label(range.from);
  const last = label(range.to);
  return first === last ? first : `${first} – ${last}`;
}

/** Labels of the wait-distribution buckets: "0–5", …, "60+". */
export function bucketLabels(report: StatsReport): string[] {
  return report.waitDistribution.map((bucket) => (bucket.toMinutes === null ? `${bucket.fromMinutes}+` : `${bucket.fromMinutes}–${bucket.toMinutes}`));
}
