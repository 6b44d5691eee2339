import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';
import type { HallConfig, Ticket } from '../../server/protocol/model.js';

/**
 * 无声叫号 as the citizen meets it: the kiosk's number step after choosing a service (a large pad,
 * skipping is the default), the phone take page's optional field, and the e-ticket page's own
 * vibration at "2 ahead"; no step at all in a hall that sends no texts.
 */

const POLL = { timeout: 8000, interval: 50 };
const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记, window 3 only
const BIRTH_NAME = '生育服务登记';
const PHONE = '13812345678';

describe.runIf(hasChromium())('无声叫号 in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function configure(notify: HallConfig['notify']): Promise<void> {
    const config = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body.config as HallConfig;
    const { notify: _old, ...rest } = config;
    const answer = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...rest, ...(notify ? { notify } : {}) } } });
    expect(answer.status, answer.text).toBe(200);
  }

  async function kiosk(viewport = { width: 1920, height: 1080 }): Promise<Page> {
    const { token, deviceId } = await pairKiosk(t, DEMO, 'preview', `取号机-${Math.random().toString(36).slice(2, 6)}`);
    const page = await pages.open(browser, viewport);
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=${DEMO}`, { hallId: DEMO, deviceId, token });
    return page;
  }
  const tile = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^${name}，`) });
  const ticketByNumber = async (number: string): Promise<Ticket | undefined> =>
    Object.values((await t.hallState()).tickets).find((ticket) => ticket.number === number && ticket.serviceId === BIRTH);

  it('the kiosk offers the number step with a large keypad and issues the ticket with the number', { timeout: 60_000 }, async () => {
    await configure({ enabled: true });
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 1024 }]) {
      const page = await kiosk(viewport);
      await tile(page, BIRTH_NAME).click();
      const dialog = page.getByRole('dialog', { name: '留手机号，快到时短信提醒' });
      await dialog.waitFor();
      await expectAccessible(page, `kiosk number step ${viewport.width}×${viewport.height}`);
      // 适老化: every key at least 60 px.
      for (const box of await dialog.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height))) expect(box).toBeGreaterThanOrEqual(60);
      const confirm = dialog.getByRole('button', { name: '确定取号' });
      for (const digit of PHONE.slice(0, 10)) await dialog.getByRole('button', { name: digit, exact: true }).click();
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByRole('button', { name: PHONE.at(-1)!, exact: true }).click();
      await expect.poll(() => page.getByTestId('notify-number').textContent(), POLL).toBe('138 1234 5678');
      await page.screenshot({ path: `/tmp/notify-kiosk-${viewport.width}x${viewport.height}.png` });
      await confirm.click();
      await page.getByTestId('ticket-number').waitFor();
      const number = (await page.getByTestId('ticket-number').textContent())!;
      expect((await ticketByNumber(number))?.notifyPhone).toBe(PHONE);
    }
  });

  it('skipping is one tap and issues the ticket without a number; a hall without texts asks nothing', { timeout: 60_000 }, async () => {
    await configure({ enabled: true });
    const page = await kiosk();
    await tile(page, BIRTH_NAME).click();
    await page.getByTestId('notify-skip').click();
    const number = (await page.getByTestId('ticket-number').textContent())!;
    const ticket = await ticketByNumber(number);
    expect(ticket).toBeDefined();
    expect(ticket!.notifyPhone).toBeUndefined();

    // Back returns to the services without a ticket.
    const before = (await t.hallState()).counters[BIRTH] ?? 0;
    await page.getByRole('button', { name: '完成' }).click();
    await tile(page, BIRTH_NAME).click();
    await page.getByRole('button', { name: '返回，重新选择业务' }).click();
    await tile(page, BIRTH_NAME).waitFor();
    expect(await page.getByTestId('notify-phone').count()).toBe(0);
    expect((await t.hallState()).counters[BIRTH] ?? 0).toBe(before);

    await configure(undefined);
    const plain = await kiosk();
    await tile(plain, BIRTH_NAME).click();
    const second = (await plain.getByTestId('ticket-number').textContent())!;
    expect(second).not.toBe(number);
    expect(await plain.getByTestId('notify-phone').count()).toBe(0);
  });

  it('at the guide desk (绿色通道) the clerk is offered the number step too, and the priority ticket keeps the number', { timeout: 60_000 }, async () => {
    await configure({ enabled: true });
    const clerkToken = await t.login('clerk1');
    expect((await t.api('PUT', '/api/auth/pin', { token: clerkToken, body: { currentPassword: DEMO_PASSWORD, pin: '2580' } })).status).toBe(200);
    const me = (await t.api('GET', '/api/auth/me', { token: clerkToken })).body.user as { displayName: string };
    const page = await kiosk();
    await page.getByRole('button', { name: '绿色通道' }).click();
    const login = page.getByRole('dialog', { name: '导办员登录' });
    await login.getByRole('button', { name: me.displayName, exact: true }).click();
    for (const digit of '2580') await login.getByRole('button', { name: digit, exact: true }).click();
    await login.getByRole('button', { name: '确定' }).click();
    await page.getByText('绿色通道：请选择业务').waitFor();
    await tile(page, BIRTH_NAME).click();
    const dialog = page.getByRole('dialog', { name: '留手机号，快到时短信提醒' });
    await dialog.waitFor();
    for (const digit of PHONE) await dialog.getByRole('button', { name: digit, exact: true }).click();
    await dialog.getByRole('button', { name: '确定取号' }).click();
    await page.getByTestId('ticket-number').waitFor();
    const number = (await page.getByTestId('ticket-number').textContent())!;
    expect(await ticketByNumber(number)).toMatchObject({ priority: true, channel: 'desk', notifyPhone: PHONE });
  });

  it('the phone take page takes an optional number, and refuses a wrong one without issuing', { timeout: 60_000 }, async () => {
    await configure({ enabled: true });
    const page = await pages.open(browser, { width: 390, height: 844 });
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    await page.goto(`${t.url}/t/take?hall=${DEMO}`);
    const field = page.getByLabel('手机号（选填，快到时短信提醒）');
    await field.waitFor();
    await expectAccessible(page, 'phone take page with the number field');
    const before = (await t.hallState()).counters[BIRTH] ?? 0;
    await field.fill('12345');
    await page.getByRole('button', { name: new RegExp(BIRTH_NAME) }).click();
    await page.getByText('请输入 11 位手机号，以 1 开头').waitFor();
    expect((await t.hallState()).counters[BIRTH] ?? 0).toBe(before);
    await page.screenshot({ path: '/tmp/notify-phone-take-390x844.png' });
    await field.fill(PHONE);
    await page.getByRole('button', { name: new RegExp(BIRTH_NAME) }).click();
    await page.waitForURL(/\/t\/[A-Za-z0-9_-]+$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect((await t.hallState()).tickets[id]?.notifyPhone).toBe(PHONE);
  });

  it('the e-ticket page vibrates once at "2 ahead" when the hall switches it on, without texts', { timeout: 60_000 }, async () => {
    await configure({ enabled: false, phoneAlert: true, aheadAt: 2 });
    const clerk = await t.login('clerk3');
    await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} });
    // An empty queue for the service, then four ahead of the citizen.
    for (;;) {
      const called = await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
      await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
      if (called.status !== 200) break;
    }
    for (let i = 0; i < 4; i++) await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk, body: { serviceId: BIRTH } });
    const mine = (await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk, body: { serviceId: BIRTH } })).body as { id: string };
    const page = await pages.open(browser, { width: 390, height: 844 });
    await page.addInitScript(() => {
      const calls: unknown[] = [];
      (window as unknown as { vibrations: unknown[] }).vibrations = calls;
      navigator.vibrate = (pattern: VibratePattern) => {
        calls.push(pattern);
        return true;
      };
    });
    await page.goto(`${t.url}/t/${mine.id}`);
    await page.getByTestId('eticket-alert-hint').waitFor();
    expect(await page.getByTestId('eticket-ahead').textContent()).toBe('4');
    const vibrations = () => page.evaluate(() => (window as unknown as { vibrations: unknown[] }).vibrations.length);
    expect(await vibrations()).toBe(0);
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await expect.poll(() => page.getByTestId('eticket-ahead').textContent(), POLL).toBe('3');
    expect(await vibrations()).toBe(0);
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await page.getByTestId('eticket-near').waitFor();
    await expect.poll(vibrations, POLL).toBe(1);
    await expectAccessible(page, 'e-ticket near its turn');
    await page.screenshot({ path: '/tmp/notify-eticket-near-390x844.png' });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await expect.poll(() => page.getByTestId('eticket-ahead').textContent(), POLL).toBe('1');
    expect(await vibrations()).toBe(1);
  });

  it("the clerk's panel shows the number masked, never whole", { timeout: 60_000 }, async () => {
    await configure({ enabled: true });
    const clerk = await t.login('clerk3');
    await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} });
    for (;;) {
      const called = await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
      await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
      if (called.status !== 200) break;
    }
    await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: clerk, body: { serviceId: BIRTH, notifyPhone: PHONE } });
    expect((await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} })).status).toBe(200);
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/counter?hall=${DEMO}`);
    await page.locator('input[name=username]').fill('clerk3');
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    const flag = page.getByTestId('flag-notify');
    await flag.waitFor({ timeout: 8000 });
    expect(await flag.textContent()).toBe('短信提醒 138****5678');
    expect(await page.content()).not.toContain(PHONE);
    await expectAccessible(page, 'clerk panel with a text-alert ticket');
    await page.screenshot({ path: '/tmp/notify-counter-1366x768.png' });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
  });
});
