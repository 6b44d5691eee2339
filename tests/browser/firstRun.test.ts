import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * Putting a real hall into service (issue 11), as a county IT office would:
 * demo off, a fresh data directory, the administrator creates the hall from
 * the township template on the first-run page, a clerk opens window 1, a
 * kiosk paired to the new hall issues a ticket, and its board shows the call.
 */

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('first run in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer({ demo: false });
    browser = await launchChromium();
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(width = 1440, height = 900): Promise<Page> {
    return pages.open(browser, { width, height });
  }

  const text = (page: Page) => page.evaluate(() => document.body.innerText);

  it('the admin creates a hall from the township template; a window opens, a kiosk issues, the board shows the call', async () => {
    expect((await t.api('GET', '/api/halls')).body).toEqual([]);

    // /admin with no hall: the first-run page, never a connection error.
    const admin = await newPage();
    await admin.goto(`${t.url}/admin`);
    await admin.getByLabel('用户名').fill('admin');
    await admin.getByLabel('密码').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: '登录' }).click();
    await admin.getByTestId('first-run').waitFor({ timeout: 8000 });
    await admin.getByRole('heading', { name: '新建服务大厅' }).waitFor();
    expect(await text(admin)).not.toMatch(/连接中断|找不到该服务大厅/);

    await admin.getByLabel('大厅名称').fill('白马镇便民服务中心');
    await admin.getByLabel(/^大厅编号/).fill('baima-town');
    await admin.getByLabel(/乡镇便民服务中心（8 窗口）/).check();
    expect(await admin.getByLabel('时区').inputValue()).toBe('Asia/Shanghai');
    // A bad id is refused in words, and nothing is created.
    await admin.getByLabel(/^大厅编号/).fill('Baima Town');
    await admin.locator('form').evaluate((form: HTMLFormElement) => form.setAttribute('novalidate', ''));
    await admin.getByRole('button', { name: '新建大厅' }).click();
    await expect.poll(() => admin.getByTestId('new-hall-error').textContent(), POLL).toMatch(/大厅编号只能使用小写字母/);
    expect((await t.api('GET', '/api/halls')).body).toEqual([]);

    await admin.getByLabel(/^大厅编号/).fill('baima-town');
    await admin.getByRole('button', { name: '新建大厅' }).click();
    await admin.waitForURL(/\/admin\/?\?hall=baima-town$/, { timeout: 8000 });
    await admin.getByTestId('admin').waitFor({ timeout: 8000 });
    await expect.poll(() => admin.getByTestId('hall-name').textContent(), POLL).toBe('白马镇便民服务中心');
    await expect.poll(() => admin.getByTestId('connection').textContent(), POLL).toBe('已连接');
    const config = (await t.hallState('baima-town')).config;
    expect(config.windows).toHaveLength(8);
    expect(config.services.map((service) => service.id)).toContain('zonghe-zixun');

    // The home page lists the new hall, and no demo.
    const home = await newPage();
    await home.goto(`${t.url}/`);
    const homeLinks = await home.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(homeLinks).toEqual(expect.arrayContaining(['/display?hall=baima-town', '/kiosk?hall=baima-town', '/counter?hall=baima-town', '/admin?hall=baima-town']));
    expect(homeLinks.some((href) => href?.includes('hall=demo'))).toBe(false);

    // The board of the new hall, before anything happens.
    const board = await newPage(1920, 1080);
    await board.goto(`${t.url}/display?hall=baima-town&voice=0`);
    await expect.poll(() => text(board), POLL).toContain('白马镇便民服务中心');

    // A clerk's panel (here the administrator's login) opens window 1.
    const counter = await newPage();
    await counter.goto(`${t.url}/counter?hall=baima-town`);
    await counter.locator('input[name=username]').fill('admin');
    await counter.locator('input[name=password]').fill(ADMIN_PASSWORD);
    await counter.locator('button[type=submit]').click();
    await counter.getByRole('button', { name: '签到 1号窗口' }).click();
    await counter.getByTestId('panel').waitFor({ timeout: 8000 });

    // A kiosk paired to the new hall on its own pairing page issues a ticket.
    const kiosk = await newPage(1920, 1080);
    await kiosk.goto(`${t.url}/kiosk/?hall=baima-town`);
    await kiosk.getByRole('heading', { name: '取号机配对' }).waitFor({ timeout: 8000 });
    await kiosk.getByLabel('用户名').fill('admin');
    await kiosk.getByLabel('密码').fill(ADMIN_PASSWORD);
    await kiosk.getByLabel('取号机名称').fill('白马镇大厅取号机');
    await kiosk.getByRole('button', { name: '配对' }).click();
    const tile = kiosk.getByRole('button', { name: /^政策咨询与导办，/ });
    await tile.waitFor({ timeout: 8000 });
    await tile.click();
    await expect.poll(() => kiosk.getByTestId('ticket-number').textContent(), POLL).toBe('A001');

    // The clerk calls; the new hall's board shows it.
    await expect.poll(() => counter.getByTestId('queue-zonghe-zixun').getByTestId('queue-count').textContent(), POLL).toBe('1 人等候');
    await counter.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => board.getByTestId('latest-number').textContent(), POLL).toBe('A001');
    const events = (await t.api('GET', '/api/halls/baima-town/events?since=0', { token: await t.login('admin') })).body.events;
    expect(events.map((event: { type: string }) => event.type)).toEqual(['hall:created', 'window:opened', 'ticket:issued', 'ticket:called']);
  });

  it('with several halls the admin switches between them; a retired hall\'s board says it is out of service', async () => {
    const token = await t.login('admin');
    expect((await t.api('POST', '/api/halls', { token, body: { id: 'jinping-town', template: 'blank', name: '金坪镇便民服务中心' } })).status).toBe(201);
    const admin = await newPage();
    await admin.goto(`${t.url}/admin?hall=baima-town`);
    await admin.getByLabel('用户名').fill('admin');
    await admin.getByLabel('密码').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: '登录' }).click();
    const switcher = admin.getByLabel('切换大厅');
    await switcher.waitFor({ timeout: 8000 });
    await switcher.selectOption('jinping-town');
    await admin.waitForURL(/hall=jinping-town/);
    await expect.poll(() => admin.getByTestId('hall-name').textContent(), POLL).toBe('金坪镇便民服务中心');

    const board = await newPage(1920, 1080);
    await board.goto(`${t.url}/display?hall=jinping-town&voice=0`);
    await expect.poll(() => text(board), POLL).toContain('金坪镇便民服务中心');
    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: '停止本大厅服务' }).click();
    await admin.waitForURL(/\/admin\/?$/, { timeout: 8000 });
    await board.getByTestId('hall-archived').waitFor({ timeout: 8000 });
    expect(await board.getByTestId('hall-archived').textContent()).toContain('本大厅已停止服务');
    // Gone from the picker: only one hall is left, so no switcher.
    await admin.getByTestId('admin').waitFor({ timeout: 8000 });
    await expect.poll(() => admin.getByTestId('hall-name').textContent(), POLL).toBe('白马镇便民服务中心');
    expect(await admin.getByLabel('切换大厅').count()).toBe(0);
  });
});
