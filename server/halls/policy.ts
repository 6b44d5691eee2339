import type { CallingPolicy } from '../protocol/model.js';

/** The calling policy every new hall starts with (docs/rules.md); the admin UI changes it per hall. */
export function defaultPolicy(): CallingPolicy {
  return {
    priorityStreakCap: 2,
    boostAfterMinutes: 45,
    requeueAfter: 3,
    appointmentEarlyMinutes: 15,
    appointmentGraceMinutes: 15,
  };
}
