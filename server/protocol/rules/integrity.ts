import type { IntegritySettings, IntegritySignal } from '../integrity.js';
import type { HallConfig } from '../model.js';

/** The thresholds of docs/oversight.md; a hall overrides any of them in HallConfig.integrity. */
export const INTEGRITY_DEFAULTS: Readonly<Required<IntegritySettings>> = Object.freeze({
  idleMinutes: 5,
  quickNoShowSeconds: 30,
  shortServiceShare: 0.25,
  shortServiceCount: 3,
  ratingBurstCount: 5,
  ratingBurstSeconds: 60,
  allTopShare: 0.98,
  allTopMinRatings: 20,
  pauseMinutesPerDay: 60,
});

/** The thresholds in force for a hall: its own settings over the defaults (an absent field keeps the default). */
export function integritySettings(config: Pick<HallConfig, 'integrity'>): Required<IntegritySettings> {
  const own = config.integrity ?? {};
  const merged: Required<IntegritySettings> = { ...INTEGRITY_DEFAULTS };
  for (const key of Object.keys(merged) as (keyof IntegritySettings)[]) {
    const value = own[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Events that end an idle stretch when they are its only evidence (the stretch began at midnight). */
const IDLE_ENDINGS: ReadonlySet<string> = new Set(['ticket:called', 'window:paused', 'window:closed', 'ticket:cancelled', 'ticket:expired', 'hall:day-closed']);

/**
 * When an idle stretch (or a single pause) ran, for its explanation: from its cause to its end event, or
 * from the one of them it has and its length (a stretch running at midnight or at the report's end has
 * only its cause; one running since midnight only its end).
 */
export function idleSpan(signal: Pick<IntegritySignal, 'amount' | 'evidence'>): { from: number; to: number } | undefined {
  const first = signal.evidence[0];
  const last = signal.evidence.at(-1);
  if (!first || !last) return undefined;
  if (signal.evidence.length >= 2) return { from: first.at, to: last.at };
  const length = Math.round(signal.amount * 60_000);
  return IDLE_ENDINGS.has(first.type) ? { from: first.at - length, to: first.at } : { from: first.at, to: first.at + length };
}
