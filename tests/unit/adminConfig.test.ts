import { describe, expect, it } from 'vitest';
import { editNewService, lines, newService, newWindow, nextPeriod, serviceIdFor, timeLimitDays, timeZoneChoices, toggleDay, withTimeLimitDays } from '../../counter/src/lib/adminConfig.js';
import { isoDate, markOf, monthWeeks, shiftMonth, toggleMark } from '../../counter/src/lib/adminCalendar.js';
import { allowEntryFor, allowPrinter, printerAddress, readPrinter } from '../../counter/src/lib/adminPrinter.js';
import { issuePlaces } from '../../counter/src/lib/adminIssues.js';
import { adminZh } from '../../counter/src/locales/admin.zh.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { hallConfigSchema } from '../../server/protocol/configSchema.js';
import { parsePrinterAddress } from '../../server/protocol/printerAddress.js';

describe('admin configuration helpers', () => {
  it('new services and windows take free letters, ids and numbers and pass the schema once named', () => {
    const config = demoHallConfig();
    const service = newService(config);
    expect(config.services.map((s) => s.prefix)).not.toContain(service.prefix);
    expect(service.prefix).toBe('T');
    expect(service.id).toBe('service-t');
    const window = newWindow(config);
    expect(window.number).toBe(9);
    config.services.push({ ...service, name: '新业务' });
    config.windows.push({ ...window, name: '新窗口', services: [{ serviceId: service.id, tier: 1 }] });
    expect(hallConfigSchema.safeParse(config).success).toBe(true);
  });

  it('a new service’s id follows its names until it is set by hand, and never takes a deleted service’s id', () => {
    const taken = new Set(['service-t', 'social-security']);
    expect(serviceIdFor({ name: '社保卡补办', prefix: 'T' }, taken)).toBe('service-t-2');
    expect(serviceIdFor({ name: '社保卡补办', nameAlt: 'Social security', prefix: 'T' }, taken)).toBe('social-security-2');
    expect(serviceIdFor({ name: '水费', nameAlt: 'Water bills (paid at the desk)', prefix: 'W' }, new Set())).toBe('water-bills-paid-at-the-desk');
    const config = demoHallConfig();
    const service = newService(config, new Set(['service-t']));
    expect(service.id).toBe('service-t-2');
    const others = new Set(['service-t', ...config.services.map((s) => s.id)]);
    editNewService(service, others, (s) => (s.nameAlt = 'Water fees'));
    expect(service.id).toBe('water-fees');
    editNewService(service, others, (s) => (s.prefix = 'W'));
    expect(service.id).toBe('water-fees');
    service.id = 'shuifei';
    editNewService(service, others, (s) => (s.nameAlt = 'Water'));
    expect(service.id).toBe('shuifei');
  });

  it('issuing periods are picked: a morning, then an afternoon, and a period keeps at least one day', () => {
    const first = nextPeriod([]);
    expect(first).toEqual({ days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' });
    expect(nextPeriod([first])).toEqual({ days: [1, 2, 3, 4, 5], from: '14:00', to: '17:00' });
    const period = { days: [3], from: '09:00', to: '11:00' };
    toggleDay(period, 6, true);
    toggleDay(period, 1, true);
    expect(period.days).toEqual([1, 3, 6]);
    toggleDay(period, 1, false);
    toggleDay(period, 3, false);
    toggleDay(period, 6, false);
    expect(period.days).toEqual([6]);
  });

  it('time zones: China first, the hall’s own kept even if the browser does not list it', () => {
    expect(timeZoneChoices('Asia/Urumqi', ['Africa/Abidjan', 'Asia/Shanghai', 'Asia/Urumqi']).slice(0, 3)).toEqual(['Asia/Shanghai', 'Asia/Urumqi', 'Africa/Abidjan']);
    expect(timeZoneChoices('Asia/Shanghai', ['Europe/Paris'])).toEqual(['Asia/Shanghai', 'Europe/Paris']);
  });

  it('time limits and lines', () => {
    const service = newService(demoHallConfig());
    expect(timeLimitDays(service)).toBe(0);
    expect(withTimeLimitDays(service, 20)).toEqual({ kind: 'working-days', days: 20 });
    expect(withTimeLimitDays(service, 0)).toEqual({ kind: 'immediate' });
    expect(lines(' a \n\n b\n')).toEqual(['a', 'b']);
  });
});

describe('the holiday calendar', () => {
  it('lays a month out Monday first', () => {
    // 1 October 2026 is a Thursday.
    const weeks = monthWeeks(2026, 10);
    expect(weeks[0]!.slice(0, 3)).toEqual([null, null, null]);
    expect(weeks[0]![3]).toEqual({ date: '2026-10-01', day: 1, weekday: 4 });
    expect(weeks.flat().filter((day) => day !== null)).toHaveLength(31);
    expect(weeks.at(-1)!.filter((day) => day !== null).at(-1)).toEqual({ date: '2026-10-31', day: 31, weekday: 6 });
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 });
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 });
    expect(isoDate(2026, 2, 3)).toBe('2026-02-03');
  });

  it('marks a date as holiday or make-up workday, never both, and clears it again', () => {
    const config: { holidays?: string[]; makeUpWorkdays?: string[] } = {};
    toggleMark(config, '2026-10-02', 'holiday');
    toggleMark(config, '2026-10-01', 'holiday');
    toggleMark(config, '2026-10-10', 'workday');
    expect(config).toEqual({ holidays: ['2026-10-01', '2026-10-02'], makeUpWorkdays: ['2026-10-10'] });
    toggleMark(config, '2026-10-10', 'holiday');
    expect(markOf(config, '2026-10-10')).toBe('holiday');
    expect(config.makeUpWorkdays).toBeUndefined();
    toggleMark(config, '2026-10-10', 'holiday');
    expect(markOf(config, '2026-10-10')).toBeNull();
  });
});

describe('the printer set-up', () => {
  it('reads and writes every kind of address the server takes', () => {
    for (const raw of ['preview', 'preview?paper=58', 'tcp://192.168.1.50', 'tcp://192.168.1.50:9101?paper=58&raster=1', 'agent:dev_abc123?paper=58']) {
      expect(printerAddress(readPrinter(raw)), raw).toBe(raw);
      expect(parsePrinterAddress(raw), raw).not.toBeNull();
    }
    expect(readPrinter(undefined).kind).toBe('default');
    expect(printerAddress(readPrinter(undefined))).toBeUndefined();
    expect(readPrinter('tcp://printer-1.hall.local:9100?paper=58')).toMatchObject({ kind: 'network', host: 'printer-1.hall.local', port: 9100, paper: 58 });
  });

  it('a network printer set up is allowed; the entry it replaced goes unless saved or still used', () => {
    const config = demoHallConfig();
    const saved = structuredClone(config);
    saved.printerAllowList = ['10.0.0.0/8'];
    config.printerAllowList = ['10.0.0.0/8'];
    const first = readPrinter('tcp://192.168.1.50');
    allowPrinter(config, saved, null, allowEntryFor(first));
    expect(config.printerAllowList).toEqual(['10.0.0.0/8', '192.168.1.50']);
    // The IP corrected: the first entry was never saved, so it goes.
    allowPrinter(config, saved, '192.168.1.50', allowEntryFor(readPrinter('tcp://192.168.1.51:9101')));
    expect(config.printerAllowList).toEqual(['10.0.0.0/8', '192.168.1.51:9101']);
    // Another window still prints on the one replaced: it stays.
    config.windows[0]!.printer = 'tcp://192.168.1.51:9101';
    allowPrinter(config, saved, '192.168.1.51:9101', null);
    expect(config.printerAllowList).toEqual(['10.0.0.0/8', '192.168.1.51:9101']);
    expect(allowEntryFor(readPrinter('preview'))).toBeNull();
  });
});

describe('where a refused configuration is wrong', () => {
  it('names the service or window by its name and the field by its label, each place once', () => {
    const config = demoHallConfig();
    config.services[4]!.prefix = 'I';
    config.windows[1]!.name = '';
    const refused = hallConfigSchema.safeParse(config);
    expect(refused.success).toBe(false);
    const issues = refused.error!.issues.map((issue) => ({ path: ['config', ...issue.path].join('.'), message: issue.message }));
    expect(issuePlaces([...issues, ...issues], config, adminZh)).toEqual([
      '业务「残疾人证申办」（列表第 5 项）：号码字母（一到两个大写字母，不用 I 和 O）',
      '窗口 2：窗口名称',
    ]);
    expect(issuePlaces([{ path: 'config.maxWaitMinutes', message: 'Too small' }], config, adminZh)).toEqual(['大厅设置：等候超过多少分钟提醒值班负责人']);
    expect(issuePlaces([{ path: 'config.services', message: 'Too small' }], config, adminZh)).toEqual(['业务列表（至少要有一项业务）']);
    expect(issuePlaces('not a list', config, adminZh)).toEqual([]);
  });
});
