/**
 * 今日预约 on the day of the visit (issue 18): the supervisor's list shows each booking of the day as it
 * stands — still booked, checked in (with its ticket's number), or a no-show once its slot and the grace
 * have passed — and counts them per service. The server's clock runs ahead of the wall clock by what the
 * test says, and ticks every 50 ms, so the slot and its grace pass in a moment.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingCreated, BookingSlotsAnswer } from '../../server/protocol/booking.js';
import { DEMO_BOOKABLE_SERVICES } from '../../server/demo/demoHall.js';
import { localTime } from '../../server/protocol/rules/time.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

const SERVICE = DEMO_BOOKABLE_SERVICES[0]!;
const POLL = { timeout: 8000, interval: 50 };
const MINUTE = 60_000;

describe.runIf(hasChromium())('今日预约 on the day of the visit', () => {
  let t: TestServer;
  let browser: Browser;
  let offset = 0;
  const now = () => Date.now() + offset;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer({}, { clock: now, tickIntervalMs: 50 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await t?.close();
  });

  const book = async (slotStart: number, name: string, phone: string): Promise<BookingCreated> => {
    const res = await t.api<BookingCreated>('POST', `/api/halls/${DEMO}/bookings`, { ip: freshIp(), body: { serviceId: SERVICE, slotStart, name, phone } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('lists the day booked, checked in with the ticket, and no-show, and counts each', async () => {
    const { slots } = (await t.api<BookingSlotsAnswer>('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}`)).body;
    // A slot ending before 22:00 hall time, so that its grace passes on the same day (the roll-over would take the list).
    const first = slots.find((slot) => localTime(slot.start, 'Asia/Shanghai').minutes < 22 * 60)!;
    const second = slots.find((slot) => slot.start === first.end)!;
    const day = localTime(first.start, 'Asia/Shanghai').day;
    const arrived = await book(first.start, '张三丰', '13812340001');
    const missed = await book(first.start, '李四光', '13812340002');
    const later = await book(second.start, '王五', '13812340003');

    // A minute into the first slot the first citizen checks in at the kiosk.
    offset = first.start + MINUTE - Date.now();
    const kiosk = await pairKiosk(t, DEMO, 'preview', '入口取号机');
    const checkedIn = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kiosk.token, body: { code: arrived.code, delivery: 'e-ticket' } });
    expect(checkedIn.status, checkedIn.text).toBe(201);
    const ticketNumber = checkedIn.body.ticket.number as string;
    // The slot's end and the grace pass: the second is recorded as a no-show; the later slot has only begun.
    const grace = (await t.hallState()).config.policy.appointmentGraceMinutes;
    offset = first.end + (grace + 1) * MINUTE - Date.now();
    await expect.poll(async () => (await t.hallState()).appointments[missed.id]?.status, POLL).toBe('no-show');
    expect((await t.hallState()).appointments[later.id]?.status).toBe('booked');

    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/counter/supervisor?hall=${DEMO}`);
    await page.getByLabel('用户名').fill('zhuren');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    const list = page.getByTestId('bookings-today');
    await list.waitFor({ timeout: 8000 });
    await list.getByLabel('日期').fill(day);
    const rows = page.getByTestId('booking-row');
    await expect.poll(() => rows.count(), POLL).toBe(3);
    const row = (name: string) => rows.filter({ hasText: name });
    expect(await row('张*').getAttribute('data-status')).toBe('checked-in');
    expect(await row('张*').textContent()).toMatch(new RegExp(`已签到\\s*·\\s*${ticketNumber}`));
    expect(await row('李*').getAttribute('data-status')).toBe('no-show');
    expect(await row('李*').textContent()).toContain('未到');
    expect(await row('王*').getAttribute('data-status')).toBe('booked');
    expect(await row('王*').textContent()).toContain('已预约');
    // Booked, checked in, no-show, cancelled.
    expect(await list.getByTestId(`booking-count-${SERVICE}`).locator('td').allTextContents()).toEqual(['1', '1', '1', '0']);
    const text = (await page.locator('body').textContent()) ?? '';
    for (const hidden of ['张三丰', '李四光', '13812340001', '13812340002']) expect(text).not.toContain(hidden);
    await page.screenshot({ path: '/tmp/shots-booking/supervisor-visit-day-1366x768.png', fullPage: true });
    await expectAccessible(page, 'supervisor with checked-in and no-show bookings');
  }, 60_000);
});
