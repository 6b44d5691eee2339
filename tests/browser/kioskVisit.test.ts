import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';
import { DEMO_DESK_PIN } from '../../server/demo/demoHall.js';

/**
 * One citizen's visit at the kiosk, as an elderly citizen and a guide-desk
 * clerk meet it: the next citizen finds the kiosk as it stands (not in the
 * last one's 大字模式 or English), the wait on a tile says what is true,
 * a refused check-in is shown above the backdrop and says from when, and
 * the green channel takes a clerk's PIN instead of a password.
 */

const POLL = { timeout: 8000, interval: 50 };
const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记, window 3 only
const BIRTH_NAME = '生育服务登记';

describe.runIf(hasChromium())('a visit at the kiosk', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function kiosk(options: { clock?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const { token, deviceId } = await pairKiosk(t, DEMO, 'preview', `取号机-${Math.random().toString(36).slice(2, 6)}`);
    const page = await pages.open(browser, options.viewport ?? { width: 1920, height: 1080 });
    if (options.clock) await page.clock.install();
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=${DEMO}`, { hallId: DEMO, deviceId, token });
    return page;
  }
  const tile = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^${name}，`) });
  const toggle = (page: Page) => page.locator('header button[aria-pressed]');
  const inEnglishLarge = async (page: Page) => {
    await page.getByRole('button', { name: '大字模式' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Normal text' }).waitFor();
    expect(await page.locator('.kiosk').getAttribute('lang')).toBe('en');
  };
  const atPlainStart = async (page: Page) => {
    await page.getByRole('button', { name: '大字模式' }).waitFor();
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('.kiosk').getAttribute('lang')).toBe('zh-CN');
    await page.getByText('请选择您要办理的业务').waitFor();
  };

  it('大字模式 and English end with the visit: at 完成, at the result\'s count-down and when the start is left untouched', async () => {
    const page = await kiosk({ clock: true });
    await inEnglishLarge(page);
    await tile(page, 'Childbirth service registration').click();
    await page.getByTestId('ticket-number').waitFor();
    // The result is still the citizen's: in their mode.
    expect(await page.locator('.kiosk').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Done' }).click();
    await atPlainStart(page);

    await inEnglishLarge(page);
    await tile(page, 'Childbirth service registration').click();
    await page.getByText(/Back to start in \d+ s/).waitFor();
    await page.clock.runFor(21_000);
    await atPlainStart(page);

    // Someone switched to large text and walked away without a ticket.
    await inEnglishLarge(page);
    await page.clock.runFor(60_000);
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('true');
    await page.clock.runFor(31_000);
    await atPlainStart(page);
  });

  it('a tile says who is ahead and a range only while a window serves the service, 「暂无窗口办理，请咨询导办台」 when none does, live', async () => {
    const page = await kiosk();
    const clerk = await t.login('clerk3');
    const waiting = async () => Object.values((await t.hallState()).tickets).filter((ticket) => ticket.serviceId === BIRTH && ticket.status === 'waiting').length;
    const ahead = (count: number) => (count > 0 ? `前面 ${count} 人 · ` : '');
    const status = page.locator('.tile', { hasText: BIRTH_NAME }).locator('.status');
    // Window 3 is the only one for 生育服务登记, and it is closed.
    const before = await waiting();
    await expect.poll(async () => tile(page, BIRTH_NAME).getAttribute('aria-label'), POLL).toBe(`${BIRTH_NAME}，Childbirth service registration，${ahead(before)}暂无窗口办理，请咨询导办台，计生办`);
    const kioskToken = (await pairKiosk(t, DEMO, 'preview', '西门取号机')).token;
    const first = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kioskToken, body: { serviceId: BIRTH, delivery: 'e-ticket' } });
    expect(first.status).toBe(201);
    await expect.poll(() => status.textContent(), POLL).toBe(`前面 ${before + 1} 人 · 暂无窗口办理，请咨询导办台`);

    // A citizen taking one now is told the same on the result, not 「无需等候」.
    await tile(page, BIRTH_NAME).click();
    await page.getByTestId('ticket-number').waitFor();
    expect(await page.getByText(`前面还有 ${before + 1} 人`).count()).toBe(1);
    expect(await page.getByTestId('result-wait').textContent()).toBe('暂无窗口办理，请咨询导办台');
    await page.getByRole('button', { name: '完成' }).click();

    expect((await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} })).status).toBe(200);
    await expect.poll(() => status.textContent(), POLL).toMatch(new RegExp(`^前面 ${before + 2} 人 · 约 \\d+–\\d+ 分钟$`));
    // All called: nobody ahead, and a window serves it.
    for (;;) {
      const called = await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
      if (called.status !== 200) break;
    }
    await expect.poll(() => status.textContent(), POLL).toBe('无需等候');
    for (const text of await page.locator('.tile .status').allTextContents()) expect(text).not.toMatch(/前面 [1-9]\d* 人 · 无需等候/);
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/close`, { token: clerk, body: {} });
    await expect.poll(() => status.textContent(), POLL).toBe('暂无窗口办理，请咨询导办台');
  });

  it('a check-in refused as too early is drawn above the backdrop, focused, and says from when', async () => {
    const zhuren = await t.login('zhuren');
    const slotStart = Date.now() + 3 * 3_600_000;
    const booked = await t.api('POST', `/api/halls/${DEMO}/appointments`, { token: zhuren, body: { serviceId: BIRTH, slotStart, slotEnd: slotStart + 30 * 60_000 } });
    expect(booked.status).toBe(201);
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('admin') })).body;
    const early = config.policy.appointmentEarlyMinutes as number;
    const opensAt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(slotStart - early * 60_000);

    const page = await kiosk();
    await page.getByRole('button', { name: '预约签到' }).click();
    const dialog = page.getByRole('dialog', { name: '预约签到' });
    for (const digit of booked.body.code as string) await dialog.getByRole('button', { name: digit, exact: true }).click();
    await dialog.getByRole('button', { name: '确定' }).click();
    const error = page.getByTestId('check-in-error');
    await error.waitFor();
    const text = (await error.textContent())!;
    // From when, in the hall's time (the same day here unless the test runs just before midnight).
    expect(text).toContain(opensAt);
    expect(text).toMatch(/^还未到签到时间，请于 .+ 起签到。$/);
    expect(await error.evaluate((node) => node === document.activeElement)).toBe(true);
    // On top: the point at its centre is the message, not the backdrop or a tile.
    expect(
      await error.evaluate((node) => {
        const box = node.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return top !== null && node.contains(top);
      }),
    ).toBe(true);
    // Nothing else tells the same thing twice behind the dialog.
    expect(await page.locator('.toast').count()).toBe(0);
    await expectAccessible(page, 'kiosk check-in refused');
    await dialog.getByRole('button', { name: '取消' }).click();
    expect(await page.getByTestId('check-in-error').count()).toBe(0);
  });

  it('the demo hall\'s 绿色通道 works at once: its guide-desk clerk 王芳 is listed and takes the demo PIN', async () => {
    // Nothing set up by an administrator: the demo seed gave the guide desk its PIN.
    const page = await kiosk();
    await page.getByRole('button', { name: '绿色通道' }).click();
    const dialog = page.getByRole('dialog', { name: '导办员登录' });
    const clerks = dialog.getByRole('button', { name: '王芳', exact: true });
    await clerks.waitFor();
    expect(await dialog.getByText('还没有设置绿色通道 PIN').count()).toBe(0);
    await clerks.click();
    for (const digit of DEMO_DESK_PIN) await dialog.getByRole('button', { name: digit, exact: true }).click();
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByText('绿色通道：请选择业务').waitFor();
  });

  it('绿色通道 takes the guide-desk clerk\'s PIN, not a password: a wrong PIN is said in the dialog, the right one gives a priority ticket', async () => {
    const admin = await t.login('admin');
    const users = (await t.api('GET', '/api/users', { token: admin })).body as Array<{ id: string; username: string; displayName: string }>;
    const clerk1 = users.find((user) => user.username === 'clerk1')!;
    // The administrator sets it on the 人员 tab.
    const adminPage = await pages.open(browser, { width: 1366, height: 768 });
    await adminPage.goto(`${t.url}/admin?hall=${DEMO}`);
    await adminPage.getByLabel('用户名').fill('admin');
    await adminPage.getByLabel('密码').fill(ADMIN_PASSWORD);
    await adminPage.getByRole('button', { name: '登录' }).click();
    await adminPage.getByRole('button', { name: '人员', exact: true }).click();
    const pinField = adminPage.getByLabel(`绿色通道 PIN（4–6 位数字） ${clerk1.displayName}`);
    const pinCell = adminPage.getByTestId('desk-pin-clerk1');
    await pinField.fill('25');
    expect(await pinCell.getByRole('button', { name: '设置 PIN' }).isDisabled()).toBe(true);
    await pinField.fill('2580');
    await pinCell.getByRole('button', { name: '设置 PIN' }).click();
    await pinCell.getByText('已设 PIN').waitFor();
    expect(((await t.api('GET', '/api/users', { token: admin })).body as Array<{ id: string; hasPin: boolean }>).find((user) => user.id === clerk1.id)?.hasPin).toBe(true);

    const page = await kiosk();
    await page.getByRole('button', { name: '绿色通道' }).click();
    const dialog = page.getByRole('dialog', { name: '导办员登录' });
    expect(await dialog.locator('input[type=password], input[autocomplete=username]').count()).toBe(0);
    await dialog.getByRole('button', { name: clerk1.displayName, exact: true }).click();
    const type = async (pin: string) => {
      for (const digit of pin) await dialog.getByRole('button', { name: digit, exact: true }).click();
      await dialog.getByRole('button', { name: '确定' }).click();
    };
    await type('1111');
    const error = page.getByTestId('desk-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/PIN 不正确/);
    expect(await error.evaluate((node) => node === document.activeElement)).toBe(true);
    await expectAccessible(page, 'kiosk green-channel PIN');

    await type('2580');
    await page.getByText('绿色通道：请选择业务').waitFor();
    const before = Object.keys((await t.hallState()).tickets);
    await tile(page, BIRTH_NAME).click();
    const number = (await page.getByTestId('ticket-number').textContent())!;
    const state = await t.hallState();
    const issued = Object.values(state.tickets).find((ticket) => !before.includes(ticket.id) && ticket.number === number)!;
    expect(issued).toMatchObject({ priority: true, channel: 'desk', serviceId: BIRTH });
    // The green channel ended with the visit.
    await page.getByRole('button', { name: '完成' }).click();
    await page.getByText('请选择您要办理的业务').waitFor();
    expect(await page.getByRole('button', { name: '绿色通道', exact: true }).count()).toBe(1);
  });
});
