import { localTime } from '../../domain/time.js';
import type { IntegritySettings, IntegritySignal } from '../../protocol/integrity.js';
import { explainZh, integrityKindsZh, signalSpan, thresholdZh, windowLabelZh } from '../../protocol/rules/integrityWords.js';
import type { HallConfig } from '../../protocol/model.js';

/**
 * The Chinese sentence a signal is explained with in the monthly CSV: the page's own words
 * (protocol/rules/integrityWords.ts) with the threshold after it. Every number in it is the signal's own,
 * so the sentence and the evidence agree.
 */

export const KIND_NAMES = integrityKindsZh;

export function clock(at: number, timeZone: string): string {
  const minutes = localTime(at, timeZone).minutes;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "1号 综合受理窗口", or the name alone when it already says its number ("3号窗口"). */
export function windowName(window: { number: number; name: string } | undefined, fallback: string | undefined): string {
  return window ? windowLabelZh(window.number, window.name) : (fallback ?? '');
}

export function explainSignal(signal: IntegritySignal, config: Pick<HallConfig, 'windows' | 'timeZone'>, thresholds: Required<IntegritySettings>): string {
  const window = config.windows.find((candidate) => candidate.id === signal.windowId);
  const who = [windowName(window, signal.windowId), signal.clerkName].filter(Boolean).join(' ');
  const span = signalSpan(signal, (at) => clock(at, config.timeZone));
  return `${explainZh(signal, { who, ...(span ? { span } : {}), thresholds })}（${thresholdZh(signal)}）`;
}
