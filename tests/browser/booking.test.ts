import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { scanCode } from '../helpers/scanner.js';
import { DEMO, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

/**
 * 网上预约 as a citizen meets it on a 390×844 phone: service → day and slot → name and number →
 * the code (big, and as a QR of the six digits) on the manage page, which cancels (after a second
 * tap) and books again; then the day of the visit at the kiosk, typed and scanned, and a clerk's
 * call-next that picks the checked-in booking before earlier walk-ins. Refusals are said in plain
 * words: a full slot, a blocked number, a wrong field.
 */

const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记, window 3
const PHONE = { width: 390, height: 844 };
const ADDRESS = '青山镇人民路 8 号便民服务中心一楼';

/**
 * Large type and big targets as on the kiosk, at phone scale: no visible text under 16 px (what phones
 * need to read without zooming), no button, link or field under 44 px high (a thumb), the code at least 48 px.
 */
async function smallThings(page: Page): Promise<{ texts: Array<{ text: string; size: number }>; targets: Array<{ label: string; height: number }> }> {
  return page.evaluate(() => {
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && !element.closest('.sr-only');
    };
    const texts: Array<{ text: string; size: number }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim() || !visible(parent)) continue;
      const size = parseFloat(getComputedStyle(parent).fontSize);
      if (size < 16) texts.push({ text: node.textContent.trim().slice(0, 30), size });
    }
    const targets = Array.from(document.querySelectorAll('button, a[href], input, select, [role=button]'))
      .filter(visible)
      .map((element) => ({ label: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 30), height: element.getBoundingClientRect().height }))
      .filter((target) => target.height < 44);
    return { texts, targets };
  });
}

describe.runIf(hasChromium())('网上预约 on the phone and the kiosk', () => {
  let t: TestServer;
  let browser: Browser;
  let offset = 0;
  const pages = new TestPages();

  beforeAll(async () => {
    // The server's clock may be moved forward to the slot (the browser's stays: the pages show the server's times).
    t = await startTestServer({}, { clock: () => Date.now() + offset });
    browser = await launchChromium();
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body as { config: HallConfig };
    config.booking = { address: ADDRESS, maxOpenPerPhone: 5, noShowBlock: { count: 1, withinDays: 30, blockDays: 7 } };
    for (const service of config.services) delete service.booking;
    // Every day, every half hour, today included: the test runs at any hour.
    config.services.find((service) => service.id === BIRTH)!.booking = {
      enabled: true,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      hours: [{ from: '00:00', to: '23:30' }],
      slotMinutes: 30,
      perSlot: 2,
      daysAhead: 2,
      sameDay: true,
      cutoffDayBefore: null,
    };
    const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config } });
    expect(saved.status, saved.text).toBe(200);
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const phone = () => pages.open(browser, PHONE);
  const slots = async () => (await t.api('GET', `/api/halls/${DEMO}/booking-slots?serviceId=${BIRTH}`)).body.slots as Array<{ start: number; end: number; remaining: number }>;
  const apiBook = (slotStart: number, phoneNumber: string) =>
    t.api('POST', `/api/halls/${DEMO}/bookings`, { ip: freshIp(), body: { serviceId: BIRTH, slotStart, name: '李四', phone: phoneNumber } });

  /** Service → the slot starting at `start` (or the first with room) → the form, filled. */
  async function chooseAndFill(page: Page, form: { name: string; phone: string }, options: { start?: number; lang?: 'en' } = {}): Promise<number> {
    await page.goto(`${t.url}/book?hall=${DEMO}${options.lang === 'en' ? '&lang=en' : ''}`);
    await page.getByRole('button', { name: new RegExp(options.lang === 'en' ? 'Childbirth service registration' : '生育服务登记') }).click();
    const slot = options.start !== undefined ? page.locator(`[data-testid=booking-slot][data-start="${options.start}"]`) : page.locator('[data-testid=booking-slot]:not([disabled])').first();
    await page.locator('[data-testid=booking-slot]').first().waitFor();
    // The slot may be on another day than the one shown first: the citizen taps through the days.
    const days = page.getByTestId('booking-day');
    for (let day = 0; (await slot.count()) === 0 && day < (await days.count()); day++) await days.nth(day).click();
    const start = Number(await slot.getAttribute('data-start'));
    await slot.click();
    await page.getByLabel(options.lang === 'en' ? 'Name' : '姓名').fill(form.name);
    await page.getByLabel(options.lang === 'en' ? 'Mobile number' : '手机号码').fill(form.phone);
    return start;
  }

  it('book, see the code and its QR, cancel through the link, book again; check in at the kiosk and be called first', async () => {
    const page = await phone();
    const start = await chooseAndFill(page, { name: '张三', phone: '1381234567' });
    await page.screenshot({ path: '/tmp/bookpage-phone-form.png', fullPage: true });
    expect(await smallThings(page), 'the form').toEqual({ texts: [], targets: [] });
    // Ten digits: said at the field before anything is sent.
    await page.getByRole('button', { name: '提交预约' }).click();
    await page.getByText('请填写 11 位手机号码（以 1 开头）').waitFor();
    expect(await page.getByLabel('手机号码').getAttribute('aria-invalid')).toBe('true');
    expect(Object.values((await t.hallState()).appointments)).toHaveLength(0);
    await expectAccessible(page, 'booking form with a field error');
    await page.getByLabel('手机号码').fill('13812345678');
    await page.getByRole('button', { name: '提交预约' }).click();

    // The manage link is the confirmation.
    await page.getByRole('heading', { name: '预约成功' }).waitFor();
    // The address bar holds the plain manage link: what a bookmark keeps.
    expect(page.url()).toMatch(/\/book\/manage\/[A-Za-z0-9_-]+\?secret=[^&]+&hall=demo$/);
    const code = (await page.getByTestId('booking-code').textContent())!;
    expect(code).toMatch(/^\d{6}$/);
    // The kiosk scanner types what the QR holds: just the six digits.
    expect(await page.locator('.qr[data-qr]').getAttribute('data-qr')).toBe(code);
    expect(await page.locator('.qr svg').count()).toBe(1);
    await page.getByText('请保存本页').waitFor();
    expect(await page.getByTestId('booking-address').textContent()).toBe(ADDRESS);
    expect(await page.getByTestId('booking-materials').locator('li').allTextContents()).toEqual(['夫妻双方身份证原件及复印件', '户口簿', '结婚证原件及复印件', '生育服务登记表']);
    expect(await page.getByText('138****5678').count()).toBe(1);
    await expectAccessible(page, 'booking confirmation');
    expect(await smallThings(page), 'the confirmation').toEqual({ texts: [], targets: [] });
    expect(await page.getByTestId('booking-code').evaluate((node) => parseFloat(getComputedStyle(node).fontSize))).toBeGreaterThanOrEqual(48);
    await page.screenshot({ path: '/tmp/bookpage-phone-confirmation.png', fullPage: true });
    const first = Object.values((await t.hallState()).appointments).find((booking) => booking.code === code)!;
    expect(first.slotStart).toBe(start);

    // Move it to another time from the link; its own slot is shown as the current one, not offered.
    await page.getByRole('button', { name: '改约到其他时段' }).click();
    const own = page.locator(`[data-testid=booking-slot][data-start="${start}"]`);
    await own.waitFor();
    expect(await own.isDisabled()).toBe(true);
    expect(await own.textContent()).toContain('当前预约');
    const target = page.locator('[data-testid=booking-slot]:not([disabled])').first();
    // Late in the evening the booked slot is the day's last: the citizen taps on to another day.
    const moveDays = page.getByTestId('booking-day');
    for (let day = 0; (await target.count()) === 0 && day < (await moveDays.count()); day++) await moveDays.nth(day).click();
    const movedTo = Number(await target.getAttribute('data-start'));
    await target.click();
    await page.getByRole('button', { name: '改到这个时段' }).click();
    await page.getByText('已改约，请记住新的时间。').waitFor();
    expect((await t.hallState()).appointments[first.id]?.slotStart).toBe(movedTo);
    expect(await page.getByTestId('booking-code').textContent()).toBe(code);

    // Cancel through the link, as the citizen opens it later: a second tap confirms.
    const manageUrl = new URL(page.url());
    manageUrl.searchParams.delete('new');
    await page.goto(manageUrl.toString());
    await page.getByRole('heading', { name: '我的预约' }).waitFor();
    await page.getByRole('button', { name: '取消预约' }).click();
    await page.getByRole('alertdialog').getByText('确定要取消这次预约吗？').waitFor();
    await expectAccessible(page, 'cancel confirmation');
    await page.screenshot({ path: '/tmp/bookpage-phone-cancel.png', fullPage: true });
    expect((await t.hallState()).appointments[first.id]?.status).toBe('booked');
    await page.getByRole('button', { name: '确定取消' }).click();
    await page.getByTestId('booking-cancelled').waitFor();
    expect(await page.getByTestId('booking-status').textContent()).toBe('已取消');
    expect(await page.getByTestId('booking-code').count()).toBe(0);
    expect((await t.hallState()).appointments[first.id]?.status).toBe('cancelled');

    // Book again, the same slot (its place came back).
    await page.getByRole('link', { name: '重新预约' }).click();
    await chooseAndFill(page, { name: '张三', phone: '13812345678' }, { start });
    await page.getByRole('button', { name: '提交预约' }).click();
    await page.getByRole('heading', { name: '预约成功' }).waitFor();
    const again = (await page.getByTestId('booking-code').textContent())!;
    // A second booking of the slot from a booking platform, checked in by the scanner below.
    const other = await apiBook(start, '13900001111');
    expect(other.status, other.text).toBe(201);

    // The day of the visit: the slot has come; two walk-ins took their tickets before.
    offset = start - Date.now() + 60_000;
    const kioskId = await pairKiosk(t, DEMO, 'preview', '入口取号机');
    const walkIns = [];
    for (let i = 0; i < 2; i++) {
      const walkIn = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kioskId.token, body: { serviceId: BIRTH, delivery: 'e-ticket' } });
      expect(walkIn.status, walkIn.text).toBe(201);
      walkIns.push(walkIn.body.ticket.id as string);
    }
    // A walk-in's e-ticket offers 网上预约 for next time, and the link leads to this hall's booking page.
    const eTicket = await phone();
    await eTicket.goto(`${t.url}/t/${walkIns[0]}`);
    const bookLink = eTicket.getByRole('link', { name: /网上预约/ });
    await bookLink.waitFor();
    await expectAccessible(eTicket, 'e-ticket with the booking link');
    await bookLink.click();
    await eTicket.getByRole('heading', { name: '第 1 步：选择业务' }).waitFor();
    expect(await smallThings(eTicket), 'the services').toEqual({ texts: [], targets: [] });
    expect(new URL(eTicket.url()).search).toBe(`?hall=${DEMO}`);

    const kiosk = await pages.open(browser, { width: 1920, height: 1080 });
    await openPairedKiosk(kiosk, `${t.url}/kiosk/?hall=${DEMO}`, { hallId: DEMO, ...kioskId });
    // Typed on the pad.
    await kiosk.getByRole('button', { name: '预约签到' }).click();
    const dialog = kiosk.getByRole('dialog', { name: '预约签到' });
    for (const digit of again) await dialog.getByRole('button', { name: digit, exact: true }).click();
    await dialog.getByRole('button', { name: '确定' }).click();
    await kiosk.getByTestId('result-appointment').waitFor();
    const typedNumber = await kiosk.getByTestId('ticket-number').textContent();
    await kiosk.screenshot({ path: '/tmp/bookpage-kiosk-checked-in.png' });
    await kiosk.getByRole('button', { name: '完成' }).click();
    // Scanned from the start screen.
    await scanCode(kiosk, other.body.code as string);
    await kiosk.getByTestId('result-appointment').waitFor();
    const scannedNumber = await kiosk.getByTestId('ticket-number').textContent();

    const clerk = await t.login('clerk3');
    expect((await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} })).status).toBe(200);
    const called: Array<{ number: string; callReason: string; id: string }> = [];
    for (let i = 0; i < 3; i++) {
      const next = await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
      expect(next.status, next.text).toBe(200);
      called.push(next.body);
    }
    expect(called.map((ticket) => [ticket.number, ticket.callReason])).toEqual([
      [typedNumber, 'appointment'],
      [scannedNumber, 'appointment'],
      [expect.any(String), 'queue-order'],
    ]);
    expect(called[2]!.id).toBe(walkIns[0]);
  }, 90_000);

  it('a slot taken meanwhile is said and shown as full, and the manage link reads, in English', async () => {
    const open = (await slots()).filter((slot) => slot.remaining === 2);
    const slot = open[open.length - 1]!;
    expect((await apiBook(slot.start, '13700000001')).status).toBe(201);
    const page = await phone();
    await chooseAndFill(page, { name: 'Wang Wu', phone: '13700000002' }, { start: slot.start, lang: 'en' });
    await page.getByRole('heading', { name: 'Step 3: your details' }).waitFor();
    // Someone else books the last place while this citizen types.
    expect((await apiBook(slot.start, '13700000003')).status).toBe(201);
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    const error = page.getByTestId('booking-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('That time slot is fully booked; choose another time or another day.');
    // Back at the slots, fetched afresh: that one greyed as full and not choosable.
    const full = page.locator(`[data-testid=booking-slot][data-start="${slot.start}"]`);
    await expect.poll(() => full.textContent()).toContain('Full');
    expect(await full.isDisabled()).toBe(true);
    // The slot before it on the same day (the window's last day, its slots all of the test's own) still has both places.
    const neighbour = page.locator(`[data-testid=booking-slot][data-start="${open[open.length - 2]!.start}"]`);
    expect(await neighbour.textContent()).toContain('2 left');
    expect(await neighbour.isDisabled()).toBe(false);
    await full.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'booking slots with a full slot, English');
    expect(await smallThings(page), 'the slots, English').toEqual({ texts: [], targets: [] });
    await page.screenshot({ path: '/tmp/bookpage-phone-full-en.png', fullPage: true });

    // The manage link in English: the booking in the page's words, the service by its English name.
    const mine = await apiBook(open[0]!.start, '13700000004');
    expect(mine.status, mine.text).toBe(201);
    const manage = await phone();
    await manage.goto(`${t.url}${mine.body.manageUrl}&lang=en`);
    await manage.getByRole('heading', { name: 'My appointment' }).waitFor();
    expect(await manage.getByTestId('booking-status').textContent()).toBe('Booked');
    expect(await manage.getByTestId('booking-code').textContent()).toBe(mine.body.code);
    await manage.getByText('Childbirth service registration').first().waitFor();
    await manage.getByText('Please bring').waitFor();
    await manage.getByRole('button', { name: 'Cancel booking' }).waitFor();
    expect(await smallThings(manage), 'the manage link, English').toEqual({ texts: [], targets: [] });
    await expectAccessible(manage, 'manage link, English');
  }, 40_000);

  it('a number blocked after no-shows is told until when, and nothing is booked', async () => {
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body as { config: HallConfig };
    const missed = (await slots()).find((slot) => slot.remaining > 0)!;
    expect((await apiBook(missed.start, '13600000009')).status).toBe(201);
    // The slot and its grace pass without a check-in: a no-show, and (1 in 30 days) the number is blocked.
    offset += missed.end - (Date.now() + offset) + (config.policy.appointmentGraceMinutes + 5) * 60_000;
    const kiosk = await pairKiosk(t, DEMO, 'preview', '取号机-noshow');
    await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kiosk.token, body: { serviceId: BIRTH, delivery: 'e-ticket' } });
    const before = Object.keys((await t.hallState()).appointments).length;

    const page = await phone();
    await chooseAndFill(page, { name: '赵六', phone: '13600000009' });
    await page.getByRole('button', { name: '提交预约' }).click();
    const error = page.getByTestId('booking-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^该手机号近期多次预约未到，网上预约暂停至 \d{1,2}月\d{1,2}日周.。您可以直接到大厅取号办理。$/);
    expect(Object.keys((await t.hallState()).appointments).length).toBe(before);
    await expectAccessible(page, 'booking refused: blocked number');
    await page.screenshot({ path: '/tmp/bookpage-phone-blocked.png', fullPage: true });
  }, 40_000);

  it('a hall that asks for the ID card’s last 6 gets them checked before sending, and only their hash kept', async () => {
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body as { config: HallConfig };
    const asking = structuredClone(config);
    asking.booking = { ...asking.booking, requireIdTail: true };
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: asking } })).status).toBe(200);
    try {
      const page = await phone();
      await chooseAndFill(page, { name: '孙七', phone: '13500000007' });
      const idField = page.getByLabel('身份证号后 6 位');
      await idField.fill('12a45');
      await page.getByRole('button', { name: '提交预约' }).click();
      await page.getByText('请填写身份证号最后 6 位（数字，最后一位可以是 X）').waitFor();
      expect(await idField.evaluate((node) => node === document.activeElement)).toBe(true);
      // Letters other than X are dropped as typed, x becomes X.
      await idField.fill('');
      await idField.pressSequentially('12345x');
      expect(await idField.inputValue()).toBe('12345X');
      await page.getByRole('button', { name: '提交预约' }).click();
      await page.getByRole('heading', { name: '预约成功' }).waitFor();
      const code = await page.getByTestId('booking-code').textContent();
      const booking = Object.values((await t.hallState()).appointments).find((entry) => entry.code === code)!;
      expect(booking.idTailHash).toBeDefined();
      expect(JSON.stringify(booking)).not.toContain('12345X');
    } finally {
      expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config } })).status).toBe(200);
    }
  }, 40_000);
});
