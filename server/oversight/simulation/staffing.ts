import { clockMinutes } from '../../domain/time.js';
import type { HallConfig } from '../../protocol/model.js';
import type { SimulationPolicy, StaffingShift } from '../../protocol/simulation.js';
import type { OpenInterval } from './dayRecord.js';

const MINUTE = 60_000;

/** "24:00" is the day's end; clockMinutes reads the rest. */
export function shiftMinutes(hhmm: string): number {
  return hhmm === '24:00' ? 24 * 60 : clockMinutes(hhmm);
}

/** Shifts as epoch intervals of the day that starts at `dayStart` (hall-local midnight; on a day a zone changes its offset, off by that change). */
export function intervalsOf(shifts: readonly StaffingShift[], dayStart: number): OpenInterval[] {
  return shifts
    .map((shift) => ({ windowId: shift.windowId, from: dayStart + shiftMinutes(shift.from) * MINUTE, to: dayStart + shiftMinutes(shift.to) * MINUTE }))
    .sort((a, b) => a.from - b.from);
}

/**
 * The configuration a replay runs under: the hall's, with the request's policy, and without what would
 * refuse a ticket the day really issued (issuing hours, daily caps, a service disabled since) or send
 * messages.
 */
export function replayConfig(config: HallConfig, policy: SimulationPolicy | undefined): HallConfig {
  const links = new Map((policy?.windows ?? []).map((window) => [window.windowId, window.services]));
  const { notify: _notify, ...rest } = structuredClone(config);
  return {
    ...rest,
    policy: {
      ...rest.policy,
      ...(policy?.priorityStreakCap !== undefined ? { priorityStreakCap: policy.priorityStreakCap } : {}),
      ...(policy?.boostAfterMinutes !== undefined ? { boostAfterMinutes: policy.boostAfterMinutes } : {}),
    },
    services: rest.services.map((service) => ({ ...service, issuingHours: [], dailyCap: null, enabled: true })),
    windows: rest.windows.map((window) => (links.has(window.id) ? { ...window, services: structuredClone(links.get(window.id)!) } : window)),
  };
}
