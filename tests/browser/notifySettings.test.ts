/**
 * 无声叫号 settings on the admin page (issue 19): off by default; switching texts on with a limit,
 * saved through the configuration command, puts the number step on the kiosk's board view; the
 * e-ticket alert can be on without texts. A supervisor reads the settings but cannot change them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('无声叫号 settings in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function hallTab(username: string, password: string): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/admin?hall=demo&tab=hall`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('notify-settings').waitFor({ timeout: 8000 });
    return page;
  }
  const saved = async () => (await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('admin') })).body.config.notify;

  it('switches texts on with a limit and the phone alert, and saves them', { timeout: 60_000 }, async () => {
    const page = await hallTab('admin', ADMIN_PASSWORD);
    const enabled = page.getByLabel('开启短信提醒');
    expect(await enabled.isChecked()).toBe(false);
    expect(await page.getByLabel('叫到号时也发一条短信').isChecked()).toBe(true);
    await enabled.check();
    await page.getByLabel('前面剩几人时提醒（默认 2）').fill('3');
    await page.getByLabel('每个手机号每天最多几条（默认 10）').fill('5');
    await page.getByLabel('叫到号时也发一条短信').uncheck();
    await page.getByLabel(/电子号票页面/).check();
    await page.getByTestId('notify-settings').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/notify-admin-1366x768.png' });
    await expectAccessible(page, 'admin 无声叫号 settings');
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => page.getByTestId('admin-notice').textContent(), POLL).toContain('已保存');
    expect(await saved()).toEqual({ enabled: true, aheadAt: 3, perNumberPerDay: 5, onCall: false, phoneAlert: true });
    const board = (await t.api('GET', `/api/halls/${DEMO}/board`)).body.hall;
    expect(board).toMatchObject({ notifySms: true, phoneAlertAt: 3 });

    // Texts off, the free phone alert stays.
    await enabled.uncheck();
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(saved, POLL).toMatchObject({ enabled: false, phoneAlert: true });
    const after = (await t.api('GET', `/api/halls/${DEMO}/board`)).body.hall;
    expect(after.notifySms).toBeUndefined();
    expect(after.phoneAlertAt).toBe(3);
  });

  it('shows a supervisor the settings without letting them change them', { timeout: 60_000 }, async () => {
    const page = await hallTab('zhuren', DEMO_PASSWORD);
    expect(await page.getByLabel('开启短信提醒').isDisabled()).toBe(true);
  });
});
