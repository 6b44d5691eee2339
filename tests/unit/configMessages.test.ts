/**
 * A refused configuration says, in Chinese, what is wrong and where, by the
 * names the administrator sees on /admin (the ids stay in the details).
 */
import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { admin, clerk1, harness, testHallConfig } from '../helpers/engineHarness.js';
import { checkConfig } from '../../server/domain/handlers/config.js';
import { DomainError } from '../../server/domain/failure.js';

function refusal(config: HallConfig, previous?: HallConfig): { code: string; details: Record<string, unknown> } {
  try {
    checkConfig(config, previous);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, details: (error.details ?? {}) as Record<string, unknown> };
    throw error;
  }
  throw new Error('the configuration was accepted');
}

function edited(change: (config: HallConfig) => void): HallConfig {
  const config = testHallConfig();
  change(config);
  return config;
}

describe('configuration refusals in the administrator’s words', () => {
  it('deleting a service a window still serves names the window and the deleted service', () => {
    const before = testHallConfig();
    const after = edited((config) => (config.services = config.services.filter((service) => service.id !== 'svc-c')));
    expect(refusal(after, before)).toEqual({
      code: 'CONFIG_INVALID',
      details: { reason: '3号窗口仍办理「户籍业务」，请先在该窗口的业务中移除', windowId: 'w3', serviceId: 'svc-c' },
    });
    // A window whose name does not say its number gets it in front.
    const renamed = structuredClone(after);
    renamed.windows.find((window) => window.id === 'w3')!.name = '综合窗口';
    expect(refusal(renamed, before).details.reason).toBe('窗口 3（综合窗口）仍办理「户籍业务」，请先在该窗口的业务中移除');
    // Without the configuration before, the id is all there is to name.
    expect(refusal(after).details.reason).toBe('3号窗口仍办理「svc-c」，请先在该窗口的业务中移除');
  });

  it.each([
    ['duplicate prefix', (c: HallConfig) => (c.services[1]!.prefix = 'A'), '业务「社保业务」和「医保业务」的号码字母都是「A」，请给其中一项换一个字母'],
    ['duplicate id', (c: HallConfig) => (c.services[1]!.id = 'svc-a'), '业务「社保业务」和「医保业务」的编号都是「svc-a」，请在其中一项的「高级」中修改编号'],
    ['duplicate number', (c: HallConfig) => (c.windows[1]!.number = 1), '「1号窗口」和「2号窗口」两个窗口的窗口号都是 1，请修改其中一个的窗口号'],
    ['backwards period', (c: HallConfig) => (c.services[0]!.issuingHours = [{ days: [1], from: '12:00', to: '08:30' }]), '业务「社保业务」的取号时段 12:00–08:30 结束时间不晚于开始时间，请修改'],
    ['service twice', (c: HallConfig) => c.windows[0]!.services.push({ serviceId: 'svc-a', tier: 3 }), '1号窗口的业务中「社保业务」出现了两次，请只保留一次'],
    ['time zone', (c: HallConfig) => (c.timeZone = 'Mars/Olympus'), '时区「Mars/Olympus」无法识别，请在「大厅设置」的时区列表中选择'],
  ])('%s', (_what, change, reason) => {
    const result = refusal(edited(change));
    expect(result.code).toBe('CONFIG_INVALID');
    expect(result.details.reason).toBe(reason);
  });

  it('a service with people waiting says how many and what to do; the hall is unchanged', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-b');
    h.issue('svc-b');
    const before = h.state;
    const config = structuredClone(h.state.config);
    config.services = config.services.filter((service) => service.id !== 'svc-b');
    for (const window of config.windows) window.services = window.services.filter((link) => link.serviceId !== 'svc-b');
    const outcome = h.run({ type: 'hall.configure', config }, admin);
    expect(!outcome.ok && outcome.error.details?.reason).toBe('业务「医保业务」还有号票（2 人等候），现在不能删除：请先取消「开放取号」并保存，等号票办完后再删除');
    expect(h.state).toBe(before);
  });

  it('a department has one English name, and an English name needs its department', () => {
    const departments = (config: HallConfig) => {
      const [a, b] = config.services;
      a!.department = '社保所';
      a!.departmentAlt = 'Social security';
      b!.department = '社保所';
      b!.departmentAlt = 'Social security';
    };
    expect(() => checkConfig(edited(departments))).not.toThrow();
    const differing = edited((config) => {
      departments(config);
      config.services[1]!.departmentAlt = 'Social insurance';
    });
    expect(refusal(differing)).toEqual({
      code: 'CONFIG_INVALID',
      details: {
        reason: '部门「社保所」在业务「社保业务」的英文名是「Social security」，在业务「医保业务」是「Social insurance」：同一部门请用同一个英文名',
        serviceId: 'svc-b',
        department: '社保所',
      },
    });
    const missing = edited((config) => {
      departments(config);
      delete config.services[1]!.departmentAlt;
    });
    expect(refusal(missing).details.reason).toBe('部门「社保所」在业务「社保业务」的英文名是「Social security」，在业务「医保业务」是「（空）」：同一部门请用同一个英文名');
    const alone = edited((config) => {
      delete config.services[0]!.department;
      config.services[0]!.departmentAlt = 'Social security';
    });
    expect(refusal(alone).details).toEqual({ reason: '业务「社保业务」有部门英文名「Social security」却没有部门，请先填写部门，或删去英文名', serviceId: 'svc-a' });
  });
});
