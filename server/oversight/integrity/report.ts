import type { HallEvent } from '../../protocol/events.js';
import type { IntegrityKind, IntegrityReport, IntegritySignal } from '../../protocol/integrity.js';
import type { HallConfig, WindowRuntime } from '../../protocol/model.js';
import { integritySettings } from '../../protocol/rules/integrity.js';
import { rangeSpan, type StatsRange } from '../../stats/compute.js';
import { signalOf } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';
import { startingHall, walkHall } from './hallReplay.js';
import { idleDetector } from './idle.js';
import { quickNoShowDetector } from './noShows.js';
import { outOfOrderDetector } from './outOfOrder.js';
import { pauseDetector } from './pauses.js';
import { ratingDetector } from './ratings.js';
import { shortServiceDetector } from './shortService.js';
import { transferBouncedDetector } from './transfers.js';

/** Order of the kinds in a report: what a supervisor checks first. */
export const INTEGRITY_KINDS: readonly IntegrityKind[] = [
  'idle-while-waiting',
  'out-of-order',
  'transfer-bounced',
  'quick-no-show',
  'short-service',
  'rating-burst',
  'rating-all-top',
  'pause-over-limit',
];

export interface IntegrityOptions {
  /** Signals still running (an idle stretch, a pause) end here when the range reaches the present. */
  now: number;
  /** Events before the range's first day (a month read for the norms): walked, never reported. */
  readFrom?: string;
  /** The hall's windows now, for windows open since before the events with no event among them. */
  liveWindows?: Record<string, WindowRuntime>;
  /** Names of clerks the events name by id only (accounts). */
  clerkNames?: Record<string, string>;
}

/**
 * Every integrity signal of a range of hall-local days, from the event log (docs/oversight.md).
 * `events` must hold, in seq order, every event from the first moment of `options.readFrom ?? range.from`;
 * events past the range are read for norms only. Pure: the same events and configuration give the
 * same report.
 */
export function computeIntegrity(events: readonly HallEvent[], config: HallConfig, range: StatsRange, options: IntegrityOptions): IntegrityReport {
  const timeZone = config.timeZone;
  const settings = integritySettings(config);
  const span = rangeSpan({ from: options.readFrom ?? range.from, to: range.to }, timeZone);
  const end = Math.min(span.end, options.now);
  const within = events.filter((event) => event.at >= span.start && event.at < end);
  const state = startingHall(config, within, span.start, options.liveWindows);
  const context: DetectorContext = { config, settings, timeZone };
  const detectors: Detector[] = [
    idleDetector(context, span.start, state),
    outOfOrderDetector(context),
    transferBouncedDetector(context),
    quickNoShowDetector(context),
    shortServiceDetector(context),
    ratingDetector(context),
    pauseDetector(context, span.start, state),
  ];
  walkHall(state, within, detectors);
  const numbers = new Map(config.windows.map((window) => [window.id, window.number]));
  const signals = detectors
    .flatMap((detector) => detector.signals(end))
    .filter((draft) => draft.day >= range.from && draft.day <= range.to)
    .map(signalOf)
    .map((signal) => named(signal, options.clerkNames))
    .sort(
      (a, b) =>
        a.day.localeCompare(b.day) ||
        (numbers.get(a.windowId ?? '') ?? Infinity) - (numbers.get(b.windowId ?? '') ?? Infinity) ||
        INTEGRITY_KINDS.indexOf(a.kind) - INTEGRITY_KINDS.indexOf(b.kind) ||
        (a.evidence[0]?.seq ?? 0) - (b.evidence[0]?.seq ?? 0),
    );
  return { hallId: config.id, from: range.from, to: range.to, thresholds: settings, signals, totals: totalsOf(signals) };
}

/** A clerk the events knew only by id gets the account's name. */
function named(signal: IntegritySignal, names: Record<string, string> | undefined): IntegritySignal {
  if (signal.clerkId === undefined || signal.clerkName !== signal.clerkId) return signal;
  const name = names?.[signal.clerkId];
  return name !== undefined ? { ...signal, clerkName: name } : signal;
}

function totalsOf(signals: readonly IntegritySignal[]): IntegrityReport['totals'] {
  const totals = new Map<string, IntegrityReport['totals'][number]>();
  for (const signal of signals) {
    const key = [signal.day, signal.windowId ?? '', signal.clerkId ?? '', signal.kind].join('\u0000');
    const total = totals.get(key);
    if (total) total.count += 1;
    else
      totals.set(key, {
        day: signal.day,
        ...(signal.windowId !== undefined ? { windowId: signal.windowId } : {}),
        ...(signal.clerkId !== undefined ? { clerkId: signal.clerkId } : {}),
        kind: signal.kind,
        count: 1,
      });
  }
  return [...totals.values()];
}
