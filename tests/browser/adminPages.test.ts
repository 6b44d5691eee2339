import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * What every page asks of the server besides its own data: an icon (no 404
 * on any page), a title of its own (the admin page is not the counter panel),
 * and the print log at /kiosk/slips, which a PC reaches by a staff login;
 * and a notice of the admin page stays with the tab it was given on.
 */

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('icons, titles and the print log in Chromium', () => {
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

  /** Opens a page and collects every file it could not load (API answers are data, not files). */
  /** The demo hall's /admin, signed in as the administrator. */
  async function openAdminSignedIn(): Promise<Page> {
    const { page } = await open('/admin?hall=demo');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('admin').waitFor({ timeout: 8000 });
    return page;
  }

  async function open(path: string): Promise<{ page: Page; missing: string[] }> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400 && !new URL(response.url()).pathname.startsWith('/api/')) missing.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${t.url}${path}`);
    await page.waitForLoadState('networkidle');
    return { page, missing };
  }

  it.each([
    ['/', 'HallQ 排队叫号系统'],
    ['/display?hall=demo&voice=0', 'HallQ 综合屏'],
    ['/counter?hall=demo', 'HallQ 窗口呼叫器'],
    ['/admin?hall=demo', 'HallQ 大厅管理'],
    ['/admin?hall=demo&lang=en', 'HallQ Hall administration'],
    ['/kiosk?hall=demo', null],
    ['/kiosk/slips?hall=demo', null],
    ['/t/no-such-ticket', null],
  ])('%s loads every file it asks for and has its title', async (path, title) => {
    const { page, missing } = await open(path);
    // The icon each page links, and the one browsers ask for by name.
    const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel=icon]')?.getAttribute('href') ?? '/favicon.ico');
    const answer = await page.request.get(`${t.url}${icon}`);
    expect([answer.status(), answer.headers()['content-type']]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    expect((await page.request.get(`${t.url}/favicon.ico`)).status()).toBe(200);
    if (title) await expect.poll(() => page.title(), POLL).toBe(title);
    expect(missing).toEqual([]);
  });

  it('the print log on a PC asks for a staff login, shows the hall’s print jobs, and logs out', async () => {
    // Something printed: a test page on the preview printer.
    const printed = await t.api('POST', `/api/halls/${DEMO}/printers/test`, { token: await t.login('admin'), body: { printer: 'preview' } });
    expect(printed.status).toBe(201);

    const { page } = await open('/kiosk/slips?hall=demo');
    const form = page.getByTestId('slips-login');
    await form.waitFor();
    await expectAccessible(page, '/kiosk/slips login');
    await form.getByLabel('用户名').fill('zhuren');
    await form.getByLabel('密码').fill('wrong-password');
    await form.getByRole('button', { name: '登录' }).click();
    await form.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { name: /打印测试页/ }).count()).toBe(0);

    await form.getByLabel('密码').fill(DEMO_PASSWORD);
    await form.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '打印测试页 · preview' }).waitFor({ timeout: 8000 });
    expect(await page.getByText(/^已登录：/).textContent()).toMatch(/^已登录：\S+/);
    await expectAccessible(page, '/kiosk/slips list');
    // A reload in the same tab stays logged in; logging out shows the form again.
    await page.reload();
    await page.getByRole('heading', { name: '打印测试页 · preview' }).waitFor({ timeout: 8000 });
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByTestId('slips-login').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('the save notice is gone after switching to another tab, and a later save shows it again', async () => {
    const page = await openAdminSignedIn();
    await page.getByRole('button', { name: '业务', exact: true }).click();
    await page.getByTestId('service-item-minzheng-canji').click();
    await page.getByTestId('service-minzheng-canji').getByLabel('业务名称').fill('残疾人证申办（切换页签）');
    await page.getByRole('button', { name: '保存配置' }).click();
    const notice = page.getByTestId('admin-notice');
    await expect.poll(() => notice.textContent(), POLL).toContain('已保存 1 处修改');

    await page.getByRole('button', { name: '统计报表', exact: true }).click();
    await page.getByTestId('totals').waitFor({ timeout: 8000 });
    expect(await notice.count()).toBe(0);
    await page.getByRole('button', { name: '业务', exact: true }).click();
    expect(await notice.count()).toBe(0);
    await expectAccessible(page, '/admin services after a tab switch');

    // The notice still answers the save made on the tab being shown.
    await page.getByTestId('service-item-minzheng-canji').click();
    await page.getByTestId('service-minzheng-canji').getByLabel('业务名称').fill('残疾人证申办');
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => notice.textContent(), POLL).toContain('已保存 1 处修改');
  });

  it('a save still on its way when the reports are opened says nothing on the reports', async () => {
    const page = await openAdminSignedIn();
    // The save's answer is held back until the reports are on the screen (a slow township line).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered!: () => void;
    const landed = new Promise<void>((resolve) => (answered = resolve));
    await page.route(`**/api/halls/${DEMO}/config`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      await held;
      const response = await route.fetch();
      await route.fulfill({ response });
      answered();
    });
    await page.getByRole('button', { name: '业务', exact: true }).click();
    await page.getByTestId('service-item-minzheng-canji').click();
    await page.getByTestId('service-minzheng-canji').getByLabel('业务名称').fill('残疾人证申办（途中切换）');
    await page.getByRole('button', { name: '保存配置' }).click();
    await page.getByRole('button', { name: '统计报表', exact: true }).click();
    await page.getByTestId('totals').waitFor({ timeout: 8000 });
    // The page sets its notice when the save answers, before it loads the saved configuration again.
    const reloaded = page.waitForResponse((response) => response.url().endsWith(`/api/halls/${DEMO}/config`) && response.request().method() === 'GET');
    release();
    await landed;
    await reloaded;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    expect((await t.hallState()).config.services.find((service) => service.id === 'minzheng-canji')?.name).toBe('残疾人证申办（途中切换）');
    expect(await page.getByTestId('admin-notice').count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: '已保存' }).count()).toBe(0);
    await page.unroute(`**/api/halls/${DEMO}/config`);
    // Back on the services, the saved name is there and no old notice comes back with the tab.
    await page.getByRole('button', { name: '业务', exact: true }).click();
    expect(await page.getByTestId('admin-notice').count()).toBe(0);
  });

  it('an edit typed while the saved configuration is on its way back is kept, not overwritten', async () => {
    const page = await openAdminSignedIn();
    await page.getByRole('button', { name: '业务', exact: true }).click();
    await page.getByTestId('service-item-minzheng-canji').click();
    const name = page.getByTestId('service-minzheng-canji').getByLabel('业务名称');
    await name.fill('残疾人证申办（先保存）');
    // The reload after the save is held back (a slow township line) while the clerk types on.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const reloading = new Promise<void>((resolve) => (asked = resolve));
    await page.route(`**/api/halls/${DEMO}/config`, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      asked();
      await held;
      await route.fulfill({ response: await route.fetch() });
    });
    await page.getByRole('button', { name: '保存配置' }).click();
    await reloading;
    await name.fill('残疾人证申办（再修改）');
    const reloaded = page.waitForResponse((response) => response.url().endsWith(`/api/halls/${DEMO}/config`) && response.request().method() === 'GET');
    release();
    await reloaded;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    await page.unroute(`**/api/halls/${DEMO}/config`);
    expect((await t.hallState()).config.services.find((service) => service.id === 'minzheng-canji')?.name).toBe('残疾人证申办（先保存）');
    expect(await name.inputValue()).toBe('残疾人证申办（再修改）');
    expect(await page.getByRole('button', { name: '保存配置' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: '放弃修改' }).click();
    expect(await name.inputValue()).toBe('残疾人证申办（先保存）');
  });
});
