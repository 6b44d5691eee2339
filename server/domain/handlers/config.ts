import type { Command } from '../../protocol/commands.js';
import type { Ctx } from '../context.js';
import type { ConfigChange } from '../../protocol/events.js';
import { fail } from '../failure.js';
import type { HallConfig, ServiceConfig, WindowConfig } from '../../protocol/model.js';
import { closingTimePassed } from '../lifecycle.js';
import { clockMinutes, isValidTimeZone, localTime } from '../time.js';
import { refuseConflicts } from './configConflicts.js';

/** The hall-level fields, compared one by one for the audit (services and windows are diffed by id). */
const HALL_FIELDS = [
  'name',
  'nameAlt',
  'timeZone',
  'secondLanguage',
  'complaintPhone',
  'callTemplateAlt',
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
 */
export function checkConfig(config: HallConfig): void {
  if (!isValidTimeZone(config.timeZone)) invalid('unknown time zone', { timeZone: config.timeZone });
  const serviceIds = new Set<string>();
  const prefixes = new Set<string>();
  for (const service of config.services) {
    if (serviceIds.has(service.id)) invalid('two services have the same id', { serviceId: service.id });
    if (prefixes.has(service.prefix)) invalid('two services have the same ticket prefix', { prefix: service.prefix });
    serviceIds.add(service.id);
    prefixes.add(service.prefix);
    for (const period of service.issuingHours) {
      if (clockMinutes(period.from) >= clockMinutes(period.to)) invalid('an issuing period ends before it starts', { serviceId: service.id, period });
    }
  }
  const windowIds = new Set<string>();
  const numbers = new Set<number>();
  for (const window of config.windows) {
    if (windowIds.has(window.id)) invalid('two windows have the same id', { windowId: window.id });
    if (numbers.has(window.number)) invalid('two windows have the same number', { number: window.number });
    windowIds.add(window.id);
    numbers.add(window.number);
    const served = new Set<string>();
    for (const link of window.services) {
      if (!serviceIds.has(link.serviceId)) invalid('a window serves a service that does not exist', { windowId: window.id, serviceId: link.serviceId });
      if (served.has(link.serviceId)) invalid('a window lists a service twice', { windowId: window.id, serviceId: link.serviceId });
      served.add(link.serviceId);
    }
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
  if (after.id !== before.id) invalid('the configuration is for another hall', { hallId: after.id });
  checkConfig(after);
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
