import type { HallConfig, IssuingPeriod, ServiceConfig, WindowConfig } from '../../protocol/model.js';

/**
 * The reasons a configuration is refused (CONFIG_INVALID `details.reason`), in
 * the words of the township clerk who edits it on /admin: what is wrong and
 * where, by the names the clerk sees (「窗口 3（综合窗口）」, 「业务「社保卡补办」」),
 * never by the internal ids alone, and what to do about it. The details next
 * to the reason keep the ids for programs.
 */

/** 「窗口 3（综合窗口）」; a name that already says its number (「9号窗口（社保卡）」) is enough by itself. */
export function windowLabel(window: Pick<WindowConfig, 'number' | 'name'>): string {
  if (window.name.includes(`${window.number}号`)) return window.name;
  return window.name ? `窗口 ${window.number}（${window.name}）` : `窗口 ${window.number}`;
}

export function serviceLabel(service: Pick<ServiceConfig, 'name'> | undefined, id: string): string {
  return `「${service?.name || id}」`;
}

/** A service by id, in the configuration being saved or, for one just deleted, in the one before. */
export function serviceNamed(id: string, ...configs: Array<HallConfig | undefined>): string {
  for (const config of configs) {
    const found = config?.services.find((service) => service.id === id);
    if (found) return serviceLabel(found, id);
  }
  return serviceLabel(undefined, id);
}

export const configReasons = {
  anotherHall: (hallId: string) => `这份配置属于另一个大厅（${hallId}），不能保存到本大厅`,
  unknownTimeZone: (timeZone: string) => `时区「${timeZone}」无法识别，请在「大厅设置」的时区列表中选择`,
  sameServiceId: (id: string, first: ServiceConfig, second: ServiceConfig) =>
    `业务${serviceLabel(first, id)}和${serviceLabel(second, id)}的编号都是「${id}」，请在其中一项的「高级」中修改编号`,
  samePrefix: (prefix: string, first: ServiceConfig, second: ServiceConfig) =>
    `业务${serviceLabel(first, first.id)}和${serviceLabel(second, second.id)}的号码字母都是「${prefix}」，请给其中一项换一个字母`,
  periodBackwards: (service: ServiceConfig, period: IssuingPeriod) =>
    `业务${serviceLabel(service, service.id)}的取号时段 ${period.from}–${period.to} 结束时间不晚于开始时间，请修改`,
  sameWindowId: (id: string, first: WindowConfig, second: WindowConfig) =>
    `${windowLabel(first)}和${windowLabel(second)}的内部编号都是「${id}」，请删除其中一个后重新新增`,
  sameNumber: (number: number, first: WindowConfig, second: WindowConfig) =>
    `「${first.name || '未命名窗口'}」和「${second.name || '未命名窗口'}」两个窗口的窗口号都是 ${number}，请修改其中一个的窗口号`,
  missingService: (window: WindowConfig, service: string) => `${windowLabel(window)}仍办理${service}，请先在该窗口的业务中移除`,
  serviceTwice: (window: WindowConfig, service: string) => `${windowLabel(window)}的业务中${service}出现了两次，请只保留一次`,
  removedWithTickets: (service: string, waiting: number, atWindows: number[], awaitingRating: number) => {
    const parts = [
      waiting > 0 ? `${waiting} 人等候` : '',
      atWindows.length > 0 ? `窗口 ${atWindows.join('、')} 正在办理` : '',
      awaitingRating > 0 ? `${awaitingRating} 人待评价` : '',
    ].filter((part) => part !== '');
    return `业务${service}还有号票（${parts.join('，')}），现在不能删除：请先取消「开放取号」并保存，等号票办完后再删除`;
  },
  removedWithBookings: (service: string, bookings: number) =>
    `业务${service}还有 ${bookings} 个可签到的预约，现在不能删除：请先取消「开放取号」并保存，预约过期或办完后再删除`,
  staffedWindow: (window: WindowConfig, clerk: string | undefined) =>
    `${windowLabel(window)}正在使用${clerk ? `（${clerk}）` : ''}，现在不能删除：请先在该窗口签退`,
  lastWindowRemoved: (service: string, waiting: number) =>
    `业务${service}还有 ${waiting} 人等候，改动后没有窗口办理它：请至少保留一个办理它的窗口，等候的群众办完后再移除`,
  departmentAltAlone: (service: ServiceConfig) =>
    `业务${serviceLabel(service, service.id)}有部门英文名「${service.departmentAlt ?? ''}」却没有部门，请先填写部门，或删去英文名`,
  departmentAltDiffers: (department: string, first: ServiceConfig, second: ServiceConfig) =>
    `部门「${department}」在业务${serviceLabel(first, first.id)}的英文名是「${first.departmentAlt ?? '（空）'}」，在业务${serviceLabel(second, second.id)}是「${second.departmentAlt ?? '（空）'}」：同一部门请用同一个英文名`,
  bookingHoursBackwards: (service: ServiceConfig, range: { from: string; to: string }) =>
    `业务${serviceLabel(service, service.id)}的预约时段 ${range.from}–${range.to} 结束时间不晚于开始时间，请修改`,
  bookingHoursOverlap: (service: ServiceConfig, first: { from: string; to: string }, second: { from: string; to: string }) =>
    `业务${serviceLabel(service, service.id)}的预约时段 ${first.from}–${first.to} 和 ${second.from}–${second.to} 有重叠，同一时间会被预约两次，请修改`,
};
