/**
 * 网上预约 in the admin page (issue 18): a service's booking capacity edited in its detail card and saved
 * through the configuration; bad values refused in Chinese with the place named and nothing saved; the
 * hall's booking rules (ID tail, open bookings, the 失信 rule, the address); the printable QR poster of
 * the booking page, whose QR code is checked against the one the qrcode package makes of the right URL.
 */
import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookingZh } from '../../counter/src/locales/booking.zh.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { openSlots } from '../../server/protocol/rules/booking.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

const POLL = { timeout: 8000, interval: 50 };
const SHOTS = '/tmp/shots-booking';
const SERVICE = 'minzheng-canji';

describe.runIf(hasChromium())('网上预约 admin in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();
  let pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const savedConfig = async (): Promise<HallConfig> => (await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('admin') })).body.config;
  /** The service starts without booking whatever the demo hall sets, so the editor's first opening is tested. */
  async function withoutBooking(serviceId: string): Promise<void> {
    const config = await savedConfig();
    const service = config.services.find((candidate) => candidate.id === serviceId)!;
    delete service.booking;
    delete config.booking;
    const answer = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: await t.login('admin'), body: { config } });
    expect(answer.status).toBe(200);
  }

  async function adminPage(tab: string, username = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/admin?hall=demo&tab=${tab}`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('admin').waitFor({ timeout: 8000 });
    return page;
  }
  const save = async (page: Page) => page.getByRole('button', { name: '保存配置' }).click();

  it('opens booking for a service, sets its days, hours and places, and the configuration reads them back', async () => {
    await withoutBooking(SERVICE);
    const page = await adminPage('services');
    await page.getByTestId(`service-item-${SERVICE}`).click();
    const card = page.getByTestId(`service-${SERVICE}`).getByTestId('booking-capacity');
    await card.getByLabel('开放网上预约').check();
    // The defaults: a working week, morning and afternoon.
    expect(await card.getByLabel('周一').isChecked()).toBe(true);
    expect(await card.getByLabel('周六').isChecked()).toBe(false);
    await card.getByLabel('周六').check();
    await card.getByLabel('周五').uncheck();
    await card.getByRole('button', { name: '删除时间段 2' }).click();
    await card.getByTestId('booking-hours-1').getByLabel('从').fill('08:30');
    await card.getByTestId('booking-hours-1').getByLabel('到').fill('11:30');
    await card.getByLabel('每个时段多长（分钟）').fill('20');
    await card.getByLabel('每个时段可约人数').fill('3');
    await card.getByLabel('可提前预约几个工作日（默认 5）').fill('7');
    await card.getByLabel('前一天截止预约的时间（留空：到时段开始前都可预约）').fill('17:00');
    await card.getByLabel('当天也可以预约（当天剩余时段）').check();
    // The preview is the shared rule's answer for these settings (the one the booking page and the engine use).
    const draft = { enabled: true, weekdays: [1, 2, 3, 4, 6], hours: [{ from: '08:30', to: '11:30' }], slotMinutes: 20, perSlot: 3, daysAhead: 7, cutoffDayBefore: '17:00', sameDay: true };
    const open = openSlots(draft, await savedConfig(), Date.now());
    const openDays = new Set(open.map((slot) => slot.day)).size;
    expect(await card.getByTestId('booking-preview-summary').textContent()).toBe(bookingZh.previewDays(openDays, open.length, open.length * 3));
    // A half-typed slot length gives no preview rather than a wrong one.
    await card.getByLabel('每个时段多长（分钟）').fill('');
    await card.getByTestId('booking-preview-none').waitFor();
    await card.getByLabel('每个时段多长（分钟）').fill('20');
    await card.getByTestId('booking-preview-summary').waitFor();
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/admin-capacity-1366x768.png` });
    await expectAccessible(page, 'admin booking capacity');

    await save(page);
    await expect.poll(() => page.getByTestId('admin-notice').textContent(), POLL).toContain('已保存');
    const service = (await savedConfig()).services.find((candidate) => candidate.id === SERVICE)!;
    expect(service.booking).toEqual({
      enabled: true,
      weekdays: [1, 2, 3, 4, 6],
      hours: [{ from: '08:30', to: '11:30' }],
      slotMinutes: 20,
      perSlot: 3,
      daysAhead: 7,
      cutoffDayBefore: '17:00',
      sameDay: true,
    });

    // Turning booking off keeps the settings for next time, and only says enabled: false.
    await card.getByLabel('开放网上预约').uncheck();
    expect(await card.getByLabel('每个时段可约人数').count()).toBe(0);
    await save(page);
    await expect.poll(async () => (await savedConfig()).services.find((candidate) => candidate.id === SERVICE)!.booking?.enabled, POLL).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('refuses a slot of no places in Chinese, naming the service and the field, and saves nothing', async () => {
    await withoutBooking(SERVICE);
    const before = await t.stateJson();
    const page = await adminPage('services');
    await page.getByTestId(`service-item-${SERVICE}`).click();
    const card = page.getByTestId(`service-${SERVICE}`).getByTestId('booking-capacity');
    await card.getByLabel('开放网上预约').check();
    await card.getByLabel('每个时段可约人数').fill('0');
    await save(page);
    const error = page.getByTestId('admin-error');
    await error.waitFor({ timeout: 8000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('残疾人证申办');
    expect(text).toContain('每个时段可约人数');
    expect(text).not.toMatch(/booking|perSlot|VALIDATION/);
    await page.screenshot({ path: `${SHOTS}/admin-capacity-refused-1366x768.png` });
    expect(await t.stateJson()).toBe(before);
    // Still there to be put right: the draft is kept, 保存 still possible.
    expect(await card.getByLabel('每个时段可约人数').inputValue()).toBe('0');

    // Hours that end before they start: the engine's reason, in Chinese, and still nothing saved.
    await card.getByLabel('每个时段可约人数').fill('2');
    await card.getByTestId('booking-hours-1').getByLabel('从').fill('12:00');
    await card.getByTestId('booking-hours-1').getByLabel('到').fill('09:00');
    await save(page);
    await expect.poll(() => error.textContent(), POLL).toContain('业务「残疾人证申办」的预约时段 12:00–09:00 结束时间不晚于开始时间');
    expect(await t.stateJson()).toBe(before);
  }, 40_000);

  it('edits the hall booking rules: ID tail, open bookings, the 失信 rule and the address', async () => {
    await withoutBooking(SERVICE);
    const page = await adminPage('booking');
    const rules = page.getByTestId('booking-rules');
    await rules.waitFor();
    await rules.getByLabel('预约时要求填写身份证号后 6 位（只保存加密后的结果）').check();
    await rules.getByLabel('同一手机号最多同时有几个有效预约（默认 3）').fill('2');
    await rules.getByLabel('大厅地址（印在预约确认上）').fill('清溪镇人民路 18 号便民服务中心一楼');
    await rules.getByLabel('开启失信规则：多次预约不到，暂停预约').check();
    await rules.getByLabel('爽约几次').fill('2');
    await rules.getByLabel('在几天之内').fill('30');
    await rules.getByLabel('暂停预约几天').fill('14');
    expect(await rules.getByTestId('block-summary').textContent()).toBe('30 天内爽约 2 次，从最后一次起 14 天内不能预约。');
    await page.screenshot({ path: `${SHOTS}/admin-rules-1366x768.png`, fullPage: true });
    await expectAccessible(page, 'admin booking rules');
    await save(page);
    await expect
      .poll(async () => (await savedConfig()).booking ?? null, POLL)
      .toEqual({ requireIdTail: true, maxOpenPerPhone: 2, address: '清溪镇人民路 18 号便民服务中心一楼', noShowBlock: { count: 2, withinDays: 30, blockDays: 14 } });

    // A block of 0 days is refused in Chinese; the saved rules stay as they were.
    const before = await t.stateJson();
    await rules.getByLabel('暂停预约几天').fill('0');
    await save(page);
    await page.getByTestId('admin-error').waitFor({ timeout: 8000 });
    expect(await page.getByTestId('admin-error').textContent()).toContain('网上预约规则');
    expect(await t.stateJson()).toBe(before);

    // Off again: the rules leave the configuration, so the hall follows the defaults.
    await page.getByRole('button', { name: '放弃修改' }).click();
    await rules.getByLabel('开启失信规则：多次预约不到，暂停预约').uncheck();
    await rules.getByLabel('预约时要求填写身份证号后 6 位（只保存加密后的结果）').uncheck();
    await rules.getByLabel('同一手机号最多同时有几个有效预约（默认 3）').fill('');
    await rules.getByLabel('大厅地址（印在预约确认上）').fill('');
    await save(page);
    await expect.poll(async () => JSON.stringify((await savedConfig()).booking ?? null), POLL).toBe('null');
  }, 60_000);

  it('a supervisor reads the rules but cannot change them', async () => {
    const page = await adminPage('booking', 'zhuren', DEMO_PASSWORD);
    await page.getByTestId('booking-rules').waitFor();
    expect(await page.getByLabel('同一手机号最多同时有几个有效预约（默认 3）').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '保存配置' }).count()).toBe(0);
    await expectAccessible(page, 'admin booking rules, read-only');
  }, 30_000);

  it('prints a poster whose QR code is the booking page of this hall, with the bookable services', async () => {
    const config = await savedConfig();
    const service = config.services.find((candidate) => candidate.id === SERVICE)!;
    service.booking = { enabled: true, hours: [{ from: '09:00', to: '12:00' }], slotMinutes: 30, perSlot: 2 };
    for (const other of config.services) if (other.id !== SERVICE && other.booking) other.booking.enabled = false;
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: await t.login('admin'), body: { config } })).status).toBe(200);

    const page = await adminPage('booking');
    await page.getByTestId('show-poster').click();
    const poster = page.getByTestId('booking-poster');
    await poster.waitFor();
    const url = `${t.url}/book?hall=${DEMO}`;
    expect(await poster.getByTestId('poster-link').getAttribute('href')).toBe(url);
    expect(await poster.getByTestId('poster-link').textContent()).toBe(url);
    expect(await poster.getByTestId('poster-services').locator('li').allTextContents()).toEqual(['残疾人证申办']);
    expect(await poster.textContent()).toContain('扫码预约');
    // The image is the QR code of exactly that URL (the same encoder and options), not of some other text.
    const qr = poster.getByTestId('poster-qr');
    await qr.waitFor();
    const src = (await qr.getAttribute('src')) ?? '';
    const expected = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
    expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(expected);
    const other = await QRCode.toString(`${t.url}/book?hall=other`, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
    expect(expected).not.toBe(other);
    await page.screenshot({ path: `${SHOTS}/admin-poster-1366x768.png`, fullPage: true });
    await expectAccessible(page, 'booking poster');

    // On paper only the poster: no tabs, no print buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: '打印', exact: true }).isVisible()).toBe(false);
    expect(await page.locator('nav.tabs').isVisible()).toBe(false);
    expect(await qr.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/admin-poster-print.png`, fullPage: true });
  }, 40_000);
});
