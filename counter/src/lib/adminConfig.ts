import type { HallConfig, IssuingPeriod, ServiceConfig, WindowConfig } from '../../../server/protocol/model.js';

/**
 * The pieces of the admin forms that are logic rather than layout: new
 * services and windows, ids made from names, issuing periods as a clerk
 * picks them. The server validates the result again; these only translate.
 */

export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A service's id from what the administrator typed: the Latin name (second
 * language) as a slug when there is one, else `service-<prefix>`; a suffix
 * keeps it unique. `taken` holds every other id, including those of services
 * deleted but not yet saved: reusing one would carry their tickets over.
 */
export function serviceIdFor(service: Pick<ServiceConfig, 'name' | 'nameAlt' | 'prefix'>, taken: ReadonlySet<string>): string {
  const slug = (service.nameAlt ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const base = slug.length >= 2 ? slug : `service-${service.prefix.toLowerCase() || 'x'}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** A new service with the first free letter, open, with no cap and an on-the-spot time limit. */
export function newService(config: HallConfig, reserved: ReadonlySet<string> = new Set()): ServiceConfig {
  const taken = new Set(config.services.map((service) => service.prefix));
  const prefix = [...LETTERS].find((letter) => !taken.has(letter)) ?? [...LETTERS].flatMap((a) => [...LETTERS].map((b) => a + b)).find((pair) => !taken.has(pair))!;
  const ids = new Set([...reserved, ...config.services.map((service) => service.id)]);
  const service: ServiceConfig = { id: '', name: '', prefix, dailyCap: null, issuingHours: [], timeLimit: { kind: 'immediate' }, materials: [], initialServiceMinutes: 10, enabled: true };
  service.id = serviceIdFor(service, ids);
  return service;
}

/**
 * Applies an edit of a new service's name, second-language name or prefix,
 * and keeps its id following them as long as nobody set the id by hand
 * (under 高级): the id then still is what it would have been made from.
 */
export function editNewService(service: ServiceConfig, others: ReadonlySet<string>, change: (service: ServiceConfig) => void): void {
  const automatic = service.id === serviceIdFor(service, others);
  change(service);
  if (automatic) service.id = serviceIdFor(service, others);
}

export function newWindow(config: HallConfig): WindowConfig {
  const number = Math.max(0, ...config.windows.map((window) => window.number)) + 1;
  const ids = new Set(config.windows.map((window) => window.id));
  let id = String(number);
  while (ids.has(id)) id = `${id}b`;
  return { id, number, name: '', services: [] };
}

/** Working days as one number in the form: 0 = 即办. */
export function timeLimitDays(service: ServiceConfig): number {
  return service.timeLimit.kind === 'immediate' ? 0 : service.timeLimit.days;
}

export function withTimeLimitDays(service: ServiceConfig, days: number): ServiceConfig['timeLimit'] {
  return days > 0 ? { kind: 'working-days', days: Math.floor(days) } : { kind: 'immediate' };
}

/** Optional text fields: an empty input removes the field rather than sending "". */
export function optional<T extends object, K extends keyof T>(target: T, key: K, value: string): void {
  const trimmed = value.trim();
  if (trimmed === '') delete target[key];
  else (target as Record<K, unknown>)[key] = trimmed;
}

/**
 * A service's department. Joining a department takes the department's second-language name along
 * (one department has one, the engine refuses two); with no department, no second-language name.
 */
export function setDepartment(config: HallConfig, service: ServiceConfig, value: string): void {
  optional(service, 'department', value);
  if (service.department === undefined) {
    delete service.departmentAlt;
    return;
  }
  const other = config.services.find((candidate) => candidate !== service && candidate.department === service.department);
  if (!other) return;
  if (other.departmentAlt === undefined) delete service.departmentAlt;
  else service.departmentAlt = other.departmentAlt;
}

/** The department's second-language name (the English kiosk's tag), for every service of the department at once. */
export function setDepartmentAlt(config: HallConfig, service: ServiceConfig, value: string): void {
  if (service.department === undefined) return;
  for (const other of config.services) if (other.department === service.department) optional(other, 'departmentAlt', value);
}

/** The period a clerk adds first: the working week's morning, then its afternoon. */
export function nextPeriod(periods: readonly IssuingPeriod[]): IssuingPeriod {
  const morning = periods.some((period) => period.from < '12:00');
  return morning ? { days: [1, 2, 3, 4, 5], from: '14:00', to: '17:00' } : { days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' };
}

/** Ticks or unticks a day (1 = Monday) of a period; the last day stays, a period needs one. */
export function toggleDay(period: IssuingPeriod, day: number, on: boolean): void {
  const days = new Set(period.days);
  if (on) days.add(day);
  else if (days.size > 1) days.delete(day);
  period.days = [...days].sort((a, b) => a - b);
}

/** The time zones of the picker: the hall's own and China's first, then every zone the browser knows. */
export function timeZoneChoices(current: string, known: readonly string[]): string[] {
  return [...new Set(['Asia/Shanghai', current, ...known])];
}
