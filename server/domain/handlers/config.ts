import type { Command } from '../../protocol/commands.js';
import type { Ctx } from '../context.js';
import type { ConfigChange } from '../../protocol/events.js';
import { fail } from '../failure.js';
import type { HallConfig, ServiceConfig, WindowConfig } from '../../protocol/model.js';
import { closingTimePassed } from '../lifecycle.js';
import { clockMinutes, isValidTimeZone, localTime } from '../time.js';
import { refuseConflicts } from './configConflicts.js';
import { configReasons, serviceNamed } from './configMessages.js';

/** The hall-level fields, compared one by one for the audit (services and windows are diffed by id). */
const HALL_FIELDS = [
  'name',
  'nameAlt',
  'timeZone',
  'secondLanguage',
  'complaintPhone',
  'callTemplateAlt',
  'callTemplate',
  'voice',
  'phoneTickets',
  'deskPrinter',
  'printerAllowList',
  'openingHoursText',
  'closeDayAt',
  'retentionDays',
  'holidays',
  'makeUpWorkdays',
  'maxWaitMinutes',
  'evaluationMinutes',
  'ratings',
  'policy',
  'notify',
  // 网上预约 rules (issue 18): without it a change of only these was no change, and not saved.
  'booking',
  // Issue 20 (docs/oversight.md): the hall's group, its market days and the integrity thresholds.
  'group',
  'marketDays',
  'integrity',
] as const satisfies ReadonlyArray<keyof HallConfig>;

/** Deep equality that ignores key order: a configuration parsed from a request lists keys in the schema's order. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function invalid(reason: string, details: Record<string, unknown> = {}): never {
  fail('CONFIG_INVALID', { reason, ...details });
}

/**
 * What a configuration must satisfy beyond its shape (the schema checks that):
 * references resolve, numbers and prefixes are unique (a duplicate prefix would
 * print two different services' tickets as "A001"), times make sense.
 * `previous`, the configuration being replaced, names a service just deleted.
 */
export function checkConfig(config: HallConfig, previous?: HallConfig): void {
  if (!isValidTimeZone(config.timeZone)) invalid(configReasons.unknownTimeZone(config.timeZone), { timeZone: config.timeZone });
  const servicesById = new Map<string, ServiceConfig>();
  const byPrefix = new Map<string, ServiceConfig>();
  for (const service of config.services) {
    const sameId = servicesById.get(service.id);
    if (sameId) invalid(configReasons.sameServiceId(service.id, sameId, service), { serviceId: service.id });
    const samePrefix = byPrefix.get(service.prefix);
    if (samePrefix) invalid(configReasons.samePrefix(service.prefix, samePrefix, service), { prefix: service.prefix, serviceId: service.id });
    servicesById.set(service.id, service);
    byPrefix.set(service.prefix, service);
    for (const period of service.issuingHours) {
      if (clockMinutes(period.from) >= clockMinutes(period.to)) invalid(configReasons.periodBackwards(service, period), { serviceId: service.id, period });
    }
    checkBookingHours(service);
  }
  const windowsById = new Map<string, WindowConfig>();
  const byNumber = new Map<number, WindowConfig>();
  for (const window of config.windows) {
    const sameId = windowsById.get(window.id);
    if (sameId) invalid(configReasons.sameWindowId(window.id, sameId, window), { windowId: window.id });
    const sameNumber = byNumber.get(window.number);
    if (sameNumber) invalid(configReasons.sameNumber(window.number, sameNumber, window), { number: window.number, windowId: window.id });
    windowsById.set(window.id, window);
    byNumber.set(window.number, window);
    const served = new Set<string>();
    for (const link of window.services) {
      // A service just deleted is named as it was, so the clerk knows which window still lists it.
      const named = serviceNamed(link.serviceId, config, previous);
      if (!servicesById.has(link.serviceId)) invalid(configReasons.missingService(window, named), { windowId: window.id, serviceId: link.serviceId });
      if (served.has(link.serviceId)) invalid(configReasons.serviceTwice(window, named), { windowId: window.id, serviceId: link.serviceId });
      served.add(link.serviceId);
    }
  }
}

/** 网上预约 hours: each range forwards, none overlapping another (a slot offered twice would take twice its places). */
function checkBookingHours(service: ServiceConfig): void {
  const ranges = [...(service.booking?.hours ?? [])].sort((a, b) => clockMinutes(a.from) - clockMinutes(b.from));
  for (const range of ranges) {
    if (clockMinutes(range.from) >= clockMinutes(range.to)) invalid(configReasons.bookingHoursBackwards(service, range), { serviceId: service.id, range });
  }
  for (let k = 1; k < ranges.length; k++) {
    const [before, after] = [ranges[k - 1]!, ranges[k]!];
    if (clockMinutes(after.from) < clockMinutes(before.to)) invalid(configReasons.bookingHoursOverlap(service, before, after), { serviceId: service.id, ranges: [before, after] });
  }
}

/** Added, changed and removed items by id, each with its before and after (null = absent). */
function diffById<T extends { id: string }>(before: T[], after: T[]): Array<{ id: string; before: T | null; after: T | null }> {
  const old = new Map(before.map((item) => [item.id, item]));
  const changes: Array<{ id: string; before: T | null; after: T | null }> = [];
  for (const item of after) {
    const previous = old.get(item.id) ?? null;
    old.delete(item.id);
    if (!same(previous, item)) changes.push({ id: item.id, before: previous, after: item });
  }
  for (const [id, item] of old) changes.push({ id, before: item, after: null });
  return changes;
}

/**
 * Replaces the configuration, or refuses with what is in the way
 * (configConflicts.ts). The live state follows in the same step: evolve gives
 * the hall the new configuration and reconciles the windows' live entries.
 */
export function configure(ctx: Ctx, command: Extract<Command, { type: 'hall.configure' }>): { changes: ConfigChange[] } {
  const before = ctx.state.config;
  const after = command.config;
  if (after.id !== before.id) invalid(configReasons.anotherHall(after.id), { hallId: after.id });
  checkConfig(after, before);
  refuseConflicts(ctx.state, after, ctx.now);
  const hallBefore: Partial<HallConfig> = {};
  const hallAfter: Partial<HallConfig> = {};
  for (const field of HALL_FIELDS) {
    if (same(before[field], after[field])) continue;
    (hallBefore as Record<string, unknown>)[field] = before[field];
    (hallAfter as Record<string, unknown>)[field] = after[field];
  }
  const changes: ConfigChange[] = [
    ...(Object.keys(hallAfter).length + Object.keys(hallBefore).length > 0 ? [{ section: 'hall', before: hallBefore, after: hallAfter } as const] : []),
    ...diffById<ServiceConfig>(before.services, after.services).map((change): ConfigChange => ({ section: 'service', ...change })),
    ...diffById<WindowConfig>(before.windows, after.windows).map((change): ConfigChange => ({ section: 'window', ...change })),
  ];
  // Saving an unchanged configuration is not an event: nothing to audit, nothing to push to screens.
  if (changes.length === 0) return { changes };
  // Saving a setting never closes the day by itself: a closing time (or time zone) that puts the
  // close in the past of today, still open, applies from the next day.
  const local = localTime(ctx.now, after.timeZone);
  const waive = ctx.state.dayClosedAt === undefined && local.day === ctx.state.day && closingTimePassed(after, local);
  ctx.emit({ type: 'hall:configured', changes, config: structuredClone(after), ...(waive ? { closeDayWaivedFor: ctx.state.day } : {}) });
  return { changes };
}
