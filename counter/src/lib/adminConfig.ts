import type { HallConfig, IssuingPeriod, ServiceConfig, WindowConfig } from '../../../server/protocol/model.js';

/**
 * Plain-text editing of the list-like parts of a configuration, so an
 * administrator types "1-5 08:30-12:00" instead of filling nested forms.
 * The server validates the result again; these only translate.
 */

export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function dayList(days: number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const contiguous = sorted.every((day, index) => index === 0 || day === sorted[index - 1]! + 1);
  return contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted.at(-1)}` : sorted.join(',');
}

export function formatPeriods(periods: IssuingPeriod[]): string {
  return periods.map((period) => `${dayList(period.days)} ${period.from}-${period.to}`).join('\n');
}

/** "1-5 08:30-12:00" or "6 09:00-12:00" (1 = Monday), one period per line; null when a line is not understood. */
export function parsePeriods(text: string): IssuingPeriod[] | null {
  const periods: IssuingPeriod[] = [];
  for (const line of lines(text)) {
    const match = /^([1-7](?:-[1-7])?(?:,[1-7](?:-[1-7])?)*)\s+(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})$/.exec(line);
    if (!match) return null;
    const days = new Set<number>();
    for (const part of match[1]!.split(',')) {
      const [from, to = from] = part.split('-').map(Number) as [number, number?];
      if (to! < from) return null;
      for (let day = from; day <= to!; day++) days.add(day);
    }
    periods.push({ days: [...days].sort((a, b) => a - b), from: match[2]!, to: match[3]! });
  }
  return periods;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A new service with the first free letter and id, open, with no cap and an on-the-spot time limit. */
export function newService(config: HallConfig): ServiceConfig {
  const taken = new Set(config.services.map((service) => service.prefix));
  const prefix = [...LETTERS].find((letter) => !taken.has(letter)) ?? [...LETTERS].flatMap((a) => [...LETTERS].map((b) => a + b)).find((pair) => !taken.has(pair))!;
  const ids = new Set(config.services.map((service) => service.id));
  let n = config.services.length + 1;
  while (ids.has(`service-${n}`)) n += 1;
  return { id: `service-${n}`, name: '', prefix, dailyCap: null, issuingHours: [], timeLimit: { kind: 'immediate' }, materials: [], initialServiceMinutes: 10, enabled: true };
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
