/**
 * 好差评 settings in the admin page (issue 14): the rating period, the 差评 reasons (add, reorder, remove),
 * the case deadline and the default rating (off by default), saved through the configuration command; the
 * window screen then offers the new reasons list. A supervisor reads the tab but cannot change it.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

const POLL = { timeout: 8000, interval: 50 };
const SHOTS = '/tmp/shots-ratings';

describe.runIf(hasChromium())('好差评 settings in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function ratingsTab(username: string, password: string): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/admin?hall=demo&tab=ratings`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('rating-settings').waitFor({ timeout: 8000 });
    return page;
  }

  const reasonsShown = (page: Page) => page.getByTestId('rating-reasons-list').locator('.reason').allTextContents();
  const savedRatings = async () => (await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('admin') })).body.config.ratings;

  it('edits the period, the reasons and the default rating, and saves them through the configuration', async () => {
    const page = await ratingsTab('admin', ADMIN_PASSWORD);
    expect(await reasonsShown(page)).toEqual(['服务态度差', '办事效率低', '一次性告知不到位', '多次跑腿', '环境设施差', '其他']);
    expect(await page.getByLabel('开启默认评价（默认关闭）').isChecked()).toBe(false);
    await expectAccessible(page, 'admin 好差评 settings');

    await page.getByLabel('二维码/手机评价期限（天，默认 7）').fill('10');
    await page.getByLabel('差评整改期限（工作日，默认 5，不含周末和节假日）').fill('3');
    await page.getByLabel('新的原因').fill('收费不合理');
    await page.getByRole('button', { name: '添加原因' }).click();
    await page.getByRole('button', { name: '上移“收费不合理”' }).click();
    await page.getByRole('button', { name: '删除“环境设施差”' }).click();
    expect(await reasonsShown(page)).toEqual(['服务态度差', '办事效率低', '一次性告知不到位', '多次跑腿', '收费不合理', '其他']);
    await page.getByLabel('开启默认评价（默认关闭）').check();
    await page.getByLabel('默认评价等级').selectOption('4');
    await page.getByLabel('办结后多少天未评价即记默认评价（默认 7）').fill('9');
    await page.screenshot({ path: `${SHOTS}/admin-rating-settings-1366x768.png`, fullPage: true });
    await expectAccessible(page, 'admin 好差评 settings, edited');

    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => page.getByTestId('admin-notice').textContent(), POLL).toContain('已保存');
    expect(await savedRatings()).toEqual({
      periodDays: 10,
      caseDueWorkingDays: 3,
      reasons: ['服务态度差', '办事效率低', '一次性告知不到位', '多次跑腿', '收费不合理', '其他'],
      defaultLevel: 4,
      defaultAfterDays: 9,
    });
    // Public screens get the new list with their fresh snapshot.
    expect((await t.api('GET', `/api/halls/${DEMO}/board`)).body.hall.ratingReasons).toContain('收费不合理');

    // Back to the defaults: the default rating off, the default reasons.
    await page.getByLabel('开启默认评价（默认关闭）').uncheck();
    await page.getByRole('button', { name: '恢复默认原因' }).click();
    await page.getByLabel('二维码/手机评价期限（天，默认 7）').fill('');
    await page.getByLabel('差评整改期限（工作日，默认 5，不含周末和节假日）').fill('');
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(async () => JSON.stringify((await savedRatings()) ?? null), POLL).toBe('null');
  }, 40_000);

  it('a supervisor sees the settings read-only', async () => {
    const page = await ratingsTab('zhuren', DEMO_PASSWORD);
    expect(await page.getByLabel('二维码/手机评价期限（天，默认 7）').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '添加原因' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '删除“其他”' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'admin 好差评 settings, read-only');
  }, 30_000);
});
