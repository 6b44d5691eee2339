/**
 * Random valid edits of a running hall's configuration, for the engine
 * property tests: each one is a configuration `checkConfig` accepts (unique
 * ids, numbers and prefixes; references resolve; periods in order), made from
 * the current one the way an administrator would edit it in the admin UI.
 * Whether the live hall lets it through (staffed windows, waiting tickets) is
 * the engine's to decide; the tests check that every outcome keeps the hall
 * consistent.
 */
import type { HallConfig, ServiceConfig, WindowConfig } from '../../server/protocol/model.js';

/** Numbers that pick what to edit and how; interpreted modulo what exists. */
export interface EditChoice {
  edit: number;
  a: number;
  b: number;
  c: number;
}

export const EDIT_KINDS = 13;

/** Time zones east and west of the test hall's, so the local date jumps forward and back. */
export const TIME_ZONES = ['Asia/Shanghai', 'Europe/London', 'America/Los_Angeles', 'Pacific/Auckland', 'Asia/Tokyo', 'Pacific/Honolulu'] as const;

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/**
 * A prefix never used in this hall before (`used` remembers them), so that no
 * two services ever print the same number; undefined when none is left.
 */
function freshPrefix(used: Set<string>, seed: number): string | undefined {
  for (let i = 0; i < LETTERS.length * LETTERS.length; i++) {
    const n = (seed + i) % (LETTERS.length * (LETTERS.length + 1));
    const prefix = n < LETTERS.length ? LETTERS[n]! : `${LETTERS[Math.floor(n / LETTERS.length) - 1]}${LETTERS[n % LETTERS.length]}`;
    if (!used.has(prefix)) return prefix;
  }
  return undefined;
}

function links(config: HallConfig, mask: number, tierSeed: number): WindowConfig['services'] {
  const chosen = config.services.filter((_, index) => (mask >> index) & 1);
  const services = chosen.length > 0 ? chosen : [pick(config.services, mask)!];
  return services.map((service, index) => ({ serviceId: service.id, tier: 1 + ((tierSeed + index) % 3) }));
}

/** The edited configuration and a label of the edit (for failure messages). */
export function randomEdit(current: HallConfig, choice: EditChoice, step: number, usedPrefixes: Set<string>): { config: HallConfig; label: string } {
  const config = structuredClone(current);
  const { a, b, c } = choice;
  const window = pick(config.windows, a);
  const service = pick(config.services, a);
  switch (choice.edit % EDIT_KINDS) {
    case 0: {
      const number = Math.max(0, ...config.windows.map((w) => w.number)) + 1;
      config.windows.push({ id: `wx${step}`, number, name: `${number}号窗口`, services: links(config, b, c) });
      return { config, label: `add window wx${step}` };
    }
    case 1:
      if (config.windows.length > 1 && window) config.windows = config.windows.filter((w) => w.id !== window.id);
      return { config, label: `remove window ${window?.id}` };
    case 2: {
      // Renumber: swap with another window, or take a number nobody has.
      const other = pick(config.windows, b);
      if (window && other && other !== window && c % 2 === 0) [window.number, other.number] = [other.number, window.number];
      else if (window) window.number = Math.max(...config.windows.map((w) => w.number)) + 1 + (c % 3);
      if (window) window.name = `${window.number}号窗口`;
      return { config, label: `renumber window ${window?.id}` };
    }
    case 3: {
      const prefix = freshPrefix(usedPrefixes, step + b);
      if (!prefix) return { config, label: 'no prefix left' };
      usedPrefixes.add(prefix);
      const added: ServiceConfig = {
        id: `sx${step}`,
        name: `新业务${step}`,
        prefix,
        dailyCap: c % 3 === 0 ? 1 + (c % 5) : null,
        issuingHours: [],
        timeLimit: { kind: 'immediate' },
        materials: [],
        initialServiceMinutes: 1 + (c % 10),
        enabled: true,
      };
      config.services.push(added);
      // Usually some window takes it on, as in the admin UI; sometimes none yet.
      if (b % 4 !== 0 && window) window.services.push({ serviceId: added.id, tier: 1 + (c % 2) });
      return { config, label: `add service ${added.id}` };
    }
    case 4:
      if (config.services.length > 1 && service) {
        config.services = config.services.filter((s) => s.id !== service.id);
        for (const w of config.windows) w.services = w.services.filter((link) => link.serviceId !== service.id);
        // A window left with nothing to do takes the first service.
        for (const w of config.windows) if (w.services.length === 0) w.services.push({ serviceId: config.services[0]!.id, tier: 1 });
      }
      return { config, label: `remove service ${service?.id}` };
    case 5:
      if (window) window.services = links(config, b, c);
      return { config, label: `services of window ${window?.id}` };
    case 6:
      if (service) service.dailyCap = b % 3 === 0 ? null : 1 + (c % 6);
      return { config, label: `cap of ${service?.id}` };
    case 7:
      if (service) {
        const from = (b * 37) % (23 * 60);
        const to = Math.min(24 * 60 - 1, from + 30 + (c % 600));
        const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        service.issuingHours = c % 3 === 0 ? [] : [{ days: [1, 2, 3, 4, 5, 6, 7].filter((d) => d % (1 + (b % 2)) === 0 || c % 2 === 0), from: hhmm(from), to: hhmm(to) }];
        if (service.issuingHours[0]?.days.length === 0) service.issuingHours = [];
      }
      return { config, label: `hours of ${service?.id}` };
    case 8:
      config.timeZone = pick(TIME_ZONES, b)!;
      return { config, label: `time zone ${config.timeZone}` };
    case 9:
      if (b % 3 === 0) delete config.closeDayAt;
      else config.closeDayAt = `${String(b % 24).padStart(2, '0')}:${String((c * 7) % 60).padStart(2, '0')}`;
      return { config, label: `closeDayAt ${config.closeDayAt}` };
    case 10:
      if (service) {
        service.name = `${service.name.slice(0, 10)}·${step}`;
        if (b % 2 === 0) service.enabled = !service.enabled;
      }
      return { config, label: `rename/toggle ${service?.id}` };
    case 11:
      config.policy = {
        ...config.policy,
        priorityStreakCap: 1 + (b % 4),
        boostAfterMinutes: c % 3 === 0 ? null : 5 + (c % 40),
        requeueAfter: b % 5,
      };
      return { config, label: 'policy' };
    default:
      if (window) {
        window.name = `${window.name.slice(0, 10)}·${step}`;
        const other = pick(config.windows, b);
        // Move the window to another place in the list (the order the boards show).
        if (other && other !== window) {
          config.windows = config.windows.filter((w) => w !== window);
          config.windows.splice(b % (config.windows.length + 1), 0, window);
        }
      }
      return { config, label: `rename/move window ${window?.id}` };
  }
}
