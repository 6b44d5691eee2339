/**
 * 今日预约 for the supervisor and the guide desk (issue 18): the day's bookings with masked names and
 * numbers and the counts per service; a booking made at the desk for a citizen (service, slot with what is
 * left, name, phone), bad input refused before anything is stored; a booking cancelled; a clerk sees the
 * same masked list at the counter and never the person's full name or number.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BookingList, BookingSlotsAnswer } from '../../server/protocol/booking.js';
import { DEMO_BOOKABLE_SERVICES } from '../../server/demo/demoHall.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

const POLL = { timeout: 8000, interval: 50 };
const SHOTS = '/tmp/shots-booking';
const SERVICE = DEMO_BOOKABLE_SERVICES[0]!;
const hallDay = (epochMs: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(epochMs));

describe.runIf(hasChromium())('今日预约 in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();
  let slot: { start: number; end: number; remaining: number };
  let day: string;
  let serviceName: string;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    // A slot the day after tomorrow, so that the lists are asked for a day other than today at any hour
    // (late in the evening today's slots are gone) and the day is never today's by accident.
    const slots = await t.api<BookingSlotsAnswer>('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${SERVICE}`);
    const today = hallDay(Date.now());
    const laterDays = [...new Set(slots.body.slots.map((candidate) => hallDay(candidate.start)))].filter((candidate) => candidate > today);
    slot = slots.body.slots.find((candidate) => hallDay(candidate.start) === laterDays[1] && candidate.remaining >= 3)!;
    day = hallDay(slot.start);
    serviceName = (await t.hallState()).config.services.find((service) => service.id === SERVICE)!.name;
    const online = await t.api('POST', `/api/halls/${DEMO}/bookings`, { body: { serviceId: SERVICE, slotStart: slot.start, name: '张三丰', phone: '13812345678' }, ip: freshIp() });
    expect(online.status).toBe(201);
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function login(path: string, username: string, unfold = false): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}${path}`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    const list = page.getByTestId('bookings-today');
    await list.waitFor({ timeout: 8000 });
    // Folded at the counter, so the window's own work keeps the screen.
    if (unfold) {
      expect(await list.getAttribute('open')).toBeNull();
      await list.locator('summary').click();
    }
    expect(await list.getByLabel('日期').inputValue()).toBe(hallDay(Date.now()));
    await list.getByLabel('日期').fill(day);
    return page;
  }
  const staffList = async (): Promise<BookingList> => (await t.api<BookingList>('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: await t.login('zhuren') })).body;
  const rows = (page: Page) => page.getByTestId('booking-row');

  it('the supervisor sees the day masked, books for a citizen at the desk and cancels a booking', async () => {
    const page = await login(`/counter/supervisor?hall=${DEMO}`, 'zhuren');
    const list = page.getByTestId('bookings-today');
    await expect.poll(() => rows(page).count(), POLL).toBeGreaterThan(0);
    const first = rows(page).filter({ hasText: '张*' });
    expect(await first.textContent()).toContain('138****5678');
    expect(await first.textContent()).toContain('网上预约');
    expect(await first.textContent()).toContain(serviceName);
    expect(await page.locator('body').textContent()).not.toContain('张三丰');
    expect(await page.locator('body').textContent()).not.toContain('13812345678');
    expect(await list.getByTestId(`booking-count-${SERVICE}`).locator('td').first().textContent()).toBe('1');
    // The log names the booking by service and slot, never the person.
    const log = (await page.locator('.sv-log').textContent()) ?? '';
    expect(log).toContain(`新预约：${serviceName} ${slotLabel(slot)}（网上预约）`);
    expect(log).not.toContain('张');
    await page.screenshot({ path: `${SHOTS}/supervisor-bookings-1366x768.png`, fullPage: true });
    await expectAccessible(page, 'supervisor with the bookings of the day');

    // At the desk: a bad number is told at once and nothing is stored.
    await list.getByTestId('desk-book').click();
    const dialog = page.getByTestId('desk-booking-dialog');
    await dialog.getByTestId('desk-service').selectOption(SERVICE);
    await expect.poll(() => dialog.getByTestId('desk-day').locator('option').count(), POLL).toBeGreaterThan(0);
    await dialog.getByTestId('desk-day').selectOption(day);
    await dialog.getByTestId('desk-slot').selectOption(String(slot.start));
    const left = await dialog.getByTestId('desk-slot').locator(`option[value="${slot.start}"]`).textContent();
    expect(left).toContain(`剩 ${slot.remaining - 1} 个`);
    await dialog.getByLabel('姓名').fill('李四');
    await dialog.getByLabel('手机号（11 位）').fill('1390000');
    await dialog.getByRole('button', { name: '确认预约' }).click();
    expect(await dialog.getByTestId('desk-booking-error').textContent()).toBe('手机号不对：请填写 11 位手机号（1 开头）。');
    expect((await staffList()).bookings).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}/desk-booking-1366x768.png` });
    await expectAccessible(page, 'desk booking dialog');

    await dialog.getByLabel('手机号（11 位）').fill('13900001111');
    await dialog.getByRole('button', { name: '确认预约' }).click();
    const done = dialog.getByTestId('desk-booking-done');
    await done.waitFor({ timeout: 8000 });
    const code = /预约码 (\d{6})/.exec((await done.textContent()) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const state = await t.hallState();
    const desk = Object.values(state.appointments).find((appointment) => appointment.code === code)!;
    expect(desk).toMatchObject({ source: 'desk', name: '李四', phone: '13900001111', serviceId: SERVICE, slotStart: slot.start });
    await dialog.getByRole('button', { name: '关闭' }).click();
    await expect.poll(() => rows(page).count(), POLL).toBe(2);
    expect(await rows(page).filter({ hasText: '李*' }).textContent()).toContain('窗口代约');
    expect(await list.getByTestId(`booking-count-${SERVICE}`).locator('td').first().textContent()).toBe('2');

    // Cancel the online booking: confirmed, then listed as cancelled and counted so.
    page.once('dialog', (confirm) => void confirm.accept());
    await page.getByRole('button', { name: `取消预约：${slotLabel(slot)} 张**` }).click();
    await expect.poll(() => rows(page).filter({ hasText: '张*' }).getAttribute('data-status'), POLL).toBe('cancelled');
    expect(await list.getByTestId(`booking-count-${SERVICE}`).locator('td').nth(3).textContent()).toBe('1');
    expect((await staffList()).bookings.find((row) => row.name.startsWith('张'))!.status).toBe('cancelled');
    // Cancelled: nothing left to cancel on that row.
    expect(await rows(page).filter({ hasText: '张*' }).getByRole('button').count()).toBe(0);
    await expectAccessible(page, 'supervisor after a cancellation');
  }, 60_000);

  it('a clerk at the counter sees the masked list under 今日预约, never a full name or number', async () => {
    const page = await login(`/counter?hall=${DEMO}`, 'clerk1', true);
    const list = page.getByTestId('bookings-today');
    await expect.poll(() => rows(page).count(), POLL).toBeGreaterThan(0);
    const text = (await list.textContent()) ?? '';
    expect(text).toContain('李*');
    expect(text).toContain('139****1111');
    expect(text).not.toContain('李四');
    expect(text).not.toContain('13900001111');
    // A booking made elsewhere (the booking page) shows without 刷新, once the hall's state has moved.
    const before = await rows(page).count();
    const online = await t.api('POST', `/api/halls/${DEMO}/bookings`, { body: { serviceId: SERVICE, slotStart: slot.start, name: '王五', phone: '13700002222' }, ip: freshIp() });
    expect(online.status).toBe(201);
    await expect.poll(() => rows(page).count(), { timeout: 10_000, interval: 100 }).toBe(before + 1);
    expect(await list.textContent()).toContain('137****2222');
    await page.screenshot({ path: `${SHOTS}/counter-bookings-1366x768.png`, fullPage: true });
    await expectAccessible(page, 'counter with the bookings of the day');
    // A clerk's token lists the hall's bookings masked as well; a public caller gets nothing.
    const clerkList = await t.api<BookingList>('GET', `/api/halls/${DEMO}/bookings?date=${day}`, { token: await t.login('clerk1') });
    expect(JSON.stringify(clerkList.body)).not.toContain('13900001111');
    expect((await t.api('GET', `/api/halls/${DEMO}/bookings?date=${day}`)).status).toBe(401);
  }, 40_000);

  it("the reports count the day's bookings and cancellations per service, on the page and in the CSV", async () => {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/admin/reports?hall=${DEMO}`);
    await page.getByLabel('用户名').fill('zhuren');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('totals').waitFor({ timeout: 8000 });
    await page.getByRole('button', { name: '日', exact: true }).click();
    const today = hallDay(Date.now());
    // Counted on the day they happened: three bookings were made today and one was cancelled today.
    const row = page.getByTestId('report-bookings').locator('tbody tr', { hasText: `${today} ${serviceName}` });
    await expect.poll(async () => (await row.locator('td').allTextContents()).join(' '), POLL).toBe('3 0 0 1');
    await page.getByTestId('report-bookings').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/reports-bookings-1366x768.png` });
    await expectAccessible(page, 'reports with the bookings');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '网上预约 CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('预约(Booked)');
    expect(csv).toContain(`${today},${SERVICE},${serviceName},3,0,0,1`);
    // No person in a report.
    expect(csv).not.toContain('李');
    expect(csv).not.toContain('13900001111');
  }, 40_000);
});

function slotLabel(slot: { start: number; end: number }): string {
  const clock = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  return `${clock(slot.start)}–${clock(slot.end)}`;
}
