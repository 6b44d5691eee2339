/**
 * The demo hall: a fictional township convenience service centre (青山镇), laid
 * out as every township template hall is (server/halls/township.ts), with demo
 * staff accounts. It has no daily caps and no issuing hours so that it works
 * at any time of day.
 */
import type { HallConfig } from '../protocol/model.js';
import { defaultPolicy } from '../halls/policy.js';
import { townshipLayout } from '../halls/township.js';

export const DEMO_HALL_ID = 'demo';

/** A fresh copy of the demo hall's configuration (callers may mutate it). */
export function demoHallConfig(): HallConfig {
  return {
    id: DEMO_HALL_ID,
    name: '青山镇便民服务中心',
    nameAlt: 'Qingshan Town Convenience Service Centre',
    timeZone: 'Asia/Shanghai',
    secondLanguage: 'en',
    complaintPhone: '0834-1234567',
    phoneTickets: true,
    maxWaitMinutes: 30,
    evaluationMinutes: 10,
    policy: defaultPolicy(),
    ...withDemoBooking(townshipLayout()),
    booking: { address: '青山镇人民路 1 号便民服务中心一楼' },
  };
}

/** Services the demo hall takes 网上预约 for. */
export const DEMO_BOOKABLE_SERVICES = ['minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-jumin-yanglao', 'guotu-zhaijidi'];

/**
 * 网上预约 in the demo: every day of the week, round the clock in half-hour slots, today included, so that
 * a demo at any hour has a slot within the next half hour to book and check in at the kiosk.
 */
function withDemoBooking<L extends Pick<HallConfig, 'services'>>(layout: L): L {
  return {
    ...layout,
    services: layout.services.map((service) =>
      DEMO_BOOKABLE_SERVICES.includes(service.id)
        ? { ...service, booking: { enabled: true, weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [{ from: '00:00', to: '24:00' }], slotMinutes: 30, perSlot: 4, daysAhead: 7, sameDay: true } }
        : service,
    ),
  };
}

export interface DemoStaffAccount {
  username: string;
  displayName: string;
  role: 'clerk' | 'supervisor';
  password: string;
  staffNo: string;
  post: string;
  /** The 绿色通道 PIN the kiosk asks of a guide-desk clerk (DEMO_DESK_PIN), on the demo's guide desk only. */
  pin?: string;
}

/** Password of every demo account. Demo only: these accounts exist only in the demo hall. */
export const DEMO_PASSWORD = 'demo1234';

/**
 * 绿色通道 PIN of the demo's guide-desk clerk (clerk1, 王芳), published in the README like the demo
 * password, so the kiosk's 绿色通道 can be tried at once. Demo seed only: a hall in service has no
 * PIN until an administrator (or the clerk) sets one, and a start with the demo off removes this one.
 */
export const DEMO_DESK_PIN = '2468';

/**
 * Demo staff accounts: clerkN usually works window N (clerks are not bound to
 * a window; they choose one when they open it), plus the centre director.
 */
export function demoStaff(): DemoStaffAccount[] {
  const clerk = (n: number, displayName: string, post: string): DemoStaffAccount => ({
    username: `clerk${n}`,
    displayName,
    role: 'clerk',
    password: DEMO_PASSWORD,
    staffNo: `QS${String(n).padStart(3, '0')}`,
    post,
  });
  return [
    { ...clerk(1, '王芳', '综合受理（导办）员'), pin: DEMO_DESK_PIN },
    clerk(2, '李娜', '民政专干'),
    clerk(3, '陈静', '计生专干'),
    clerk(4, '张丽', '劳动保障专干'),
    clerk(5, '刘洋', '国土村建专干'),
    clerk(6, '杨帆', '财政所会计'),
    clerk(7, '赵敏', '农业技术员'),
    clerk(8, '黄磊', '收费员'),
    {
      username: 'zhuren',
      displayName: '周建华',
      role: 'supervisor',
      password: DEMO_PASSWORD,
      staffNo: 'QS100',
      post: '中心主任',
    },
  ];
}
