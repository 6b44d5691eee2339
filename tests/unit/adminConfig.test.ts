import { describe, expect, it } from 'vitest';
import { formatPeriods, lines, newService, newWindow, parsePeriods, timeLimitDays, withTimeLimitDays } from '../../counter/src/lib/adminConfig.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { hallConfigSchema } from '../../server/protocol/configSchema.js';

describe('admin configuration helpers', () => {
  it('reads and writes issuing periods as text, refusing what it does not understand', () => {
    expect(parsePeriods('1-5 08:30-12:00\n6 09:00–11:30\n\n1,3,5 14:00-17:30')).toEqual([
      { days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' },
      { days: [6], from: '09:00', to: '11:30' },
      { days: [1, 3, 5], from: '14:00', to: '17:30' },
    ]);
    expect(parsePeriods('')).toEqual([]);
    for (const bad of ['monday 08:30-12:00', '8 08:00-09:00', '5-1 08:00-09:00', '1-5 8:30-12:00', '1-5']) expect(parsePeriods(bad), bad).toBeNull();
    const periods = [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' }, { days: [2, 4], from: '14:00', to: '17:00' }];
    expect(formatPeriods(periods)).toBe('1-5 08:30-12:00\n2,4 14:00-17:00');
    expect(parsePeriods(formatPeriods(periods))).toEqual(periods);
  });

  it('new services and windows take free letters, ids and numbers and pass the schema once named', () => {
    const config = demoHallConfig();
    const service = newService(config);
    expect(config.services.map((s) => s.prefix)).not.toContain(service.prefix);
    expect(service.prefix).toBe('T');
    const window = newWindow(config);
    expect(window.number).toBe(9);
    config.services.push({ ...service, name: '新业务' });
    config.windows.push({ ...window, name: '新窗口', services: [{ serviceId: service.id, tier: 1 }] });
    expect(hallConfigSchema.safeParse(config).success).toBe(true);
  });

  it('time limits and lines', () => {
    const service = newService(demoHallConfig());
    expect(timeLimitDays(service)).toBe(0);
    expect(withTimeLimitDays(service, 20)).toEqual({ kind: 'working-days', days: 20 });
    expect(withTimeLimitDays(service, 0)).toEqual({ kind: 'immediate' });
    expect(lines(' a \n\n b\n')).toEqual(['a', 'b']);
  });
});
