import { describe, expect, it } from 'vitest';
import { issuePlaces } from '../../counter/src/lib/adminIssues.js';
import { bookingPageUrl, defaultBookingSettings, nextHours, numberOrUnset, setRule, toggleWeekday } from '../../counter/src/lib/bookingAdmin.js';
import { deskInputProblem, slotLabel, slotsByDay } from '../../counter/src/lib/bookings.js';
import { adminZh } from '../../counter/src/locales/admin.zh.js';
import { bookingZh } from '../../counter/src/locales/booking.zh.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { hallConfigSchema } from '../../server/protocol/configSchema.js';
import { checkConfig } from '../../server/domain/handlers/config.js';
import { DomainError } from '../../server/domain/failure.js';
import type { HallConfig } from '../../server/protocol/model.js';

describe('the booking editors helpers', () => {
  it('a service opened for booking passes the configuration schema with its defaults', () => {
    const config = demoHallConfig();
    config.services[0]!.booking = defaultBookingSettings();
    expect(hallConfigSchema.safeParse(config).success).toBe(true);
  });

  it('weekdays stay sorted and keep at least one day; the next hours follow the morning', () => {
    expect(toggleWeekday(undefined, 6, true)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toggleWeekday([3], 3, false)).toEqual([3]);
    expect(toggleWeekday([5, 1], 1, false)).toEqual([5]);
    expect(nextHours([])).toEqual({ from: '09:00', to: '12:00' });
    expect(nextHours([{ from: '09:00', to: '12:00' }])).toEqual({ from: '13:30', to: '17:00' });
    expect(numberOrUnset(' ')).toBeUndefined();
    expect(numberOrUnset('0')).toBe(0);
  });

  it('a rule set to its default leaves the configuration, and the last one takes the rules object along', () => {
    const config = demoHallConfig();
    delete config.booking;
    setRule(config, 'maxOpenPerPhone', 2);
    setRule(config, 'address', '人民路 1 号');
    expect(config.booking).toEqual({ maxOpenPerPhone: 2, address: '人民路 1 号' });
    setRule(config, 'maxOpenPerPhone', undefined);
    setRule(config, 'address', undefined);
    expect('booking' in config).toBe(false);
  });

  it("names a refused booking field in the form's words", () => {
    const config = demoHallConfig();
    const index = config.services.findIndex((service) => service.id === 'minzheng-canji');
    config.services[index]!.booking = { ...defaultBookingSettings(), perSlot: 0 };
    config.booking = { noShowBlock: { count: 2, withinDays: 30, blockDays: 0 } };
    const refused = hallConfigSchema.safeParse(config);
    expect(refused.success).toBe(false);
    const issues = refused.error!.issues.map((issue) => ({ path: ['config', ...issue.path].join('.'), message: issue.message }));
    expect(issuePlaces(issues, config, adminZh)).toEqual([
      '网上预约规则：开启失信规则：多次预约不到，暂停预约',
      `业务「残疾人证申办」（列表第 ${index + 1} 项）：网上预约 · 每个时段可约人数`,
    ]);
  });

  it('the poster carries the booking page of the hall', () => {
    expect(bookingPageUrl('https://hall.example.cn', 'qingshan zhen')).toBe('https://hall.example.cn/book?hall=qingshan+zhen');
  });

  it('desk input is checked before it is sent, and slots group by the hall-local day', () => {
    expect(deskInputProblem(bookingZh, { name: '', phone: '13812345678', idTail: '' })).toBe(bookingZh.deskBadName);
    expect(deskInputProblem(bookingZh, { name: '张三', phone: '2381234567', idTail: '' })).toBe(bookingZh.deskBadPhone);
    expect(deskInputProblem(bookingZh, { name: '张三', phone: '13812345678', idTail: '12345Y' })).toBe(bookingZh.deskBadIdTail);
    expect(deskInputProblem(bookingZh, { name: '张三', phone: '13812345678', idTail: '12345x' })).toBeNull();
    // 2026-12-03 09:00 and 2026-12-04 00:30 in Shanghai (UTC+8).
    const first = Date.UTC(2026, 11, 3, 1, 0);
    const second = Date.UTC(2026, 11, 3, 16, 30);
    const days = slotsByDay([{ start: second, end: second + 1_800_000 }, { start: first, end: first + 1_800_000 }], 'Asia/Shanghai');
    expect([...days.keys()]).toEqual(['2026-12-03', '2026-12-04']);
    expect(slotLabel({ start: first, end: first + 1_800_000 }, 'Asia/Shanghai')).toBe('09:00–09:30');
  });
});

function reasonOf(config: HallConfig): unknown {
  try {
    checkConfig(config);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CONFIG_INVALID') return error.details?.reason;
    throw error;
  }
  return null;
}

describe('the booking hours a configuration may hold', () => {
  it('refuses a backwards range in Chinese, naming the service and the range', () => {
    const config = demoHallConfig();
    const service = config.services.find((candidate) => candidate.id === 'minzheng-canji')!;
    service.booking = { ...defaultBookingSettings(), hours: [{ from: '12:00', to: '09:00' }] };
    expect(reasonOf(config)).toBe('业务「残疾人证申办」的预约时段 12:00–09:00 结束时间不晚于开始时间，请修改');
    service.booking.hours = [{ from: '09:00', to: '09:30' }, { from: '13:30', to: '24:00' }];
    expect(() => checkConfig(config)).not.toThrow();
  });
});
