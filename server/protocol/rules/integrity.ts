import type { IntegritySettings } from '../integrity.js';
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
