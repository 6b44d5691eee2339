import type { HallState, ServiceConfig } from '../model.js';
import { clockMinutes, localTime } from './time.js';

/** Why a ticket of a service cannot be taken now; the kiosk greys the tile with it. */
export type IssuingRefusal = 'HALL_ARCHIVED' | 'SERVICE_UNAVAILABLE' | 'OUTSIDE_HOURS' | 'CAP_REACHED';

export function isWithinIssuingHours(service: ServiceConfig, now: number, timeZone: string): boolean {
  if (service.issuingHours.length === 0) return true;
  const local = localTime(now, timeZone);
  return service.issuingHours.some(
    (period) =>
      period.days.includes(local.weekday) &&
      local.minutes >= clockMinutes(period.from) &&
      local.minutes < clockMinutes(period.to),
  );
}

/** Why a service cannot issue a ticket right now, or null. The engine refuses with it; the board view shows it. */
export function issuingRefusal(ctx: { state: HallState; now: number }, service: ServiceConfig): IssuingRefusal | null {
  if (ctx.state.archivedAt !== undefined) return 'HALL_ARCHIVED';
  if (!service.enabled) return 'SERVICE_UNAVAILABLE';
  if (ctx.state.dayClosedAt !== undefined) return 'OUTSIDE_HOURS';
  if (!isWithinIssuingHours(service, ctx.now, ctx.state.config.timeZone)) return 'OUTSIDE_HOURS';
  if (service.dailyCap !== null && (ctx.state.counters[service.id] ?? 0) >= service.dailyCap) return 'CAP_REACHED';
  return null;
}
