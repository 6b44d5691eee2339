import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, staffEvents, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * Editing a hall while it works, in Chromium against a real server: a clerk
 * serves at window 1 with people waiting while the administrator adds window 9
 * and a new service in /admin; window 9 is signed in and calls at once, no
 * restart. Then window 9 is removed while the clerk at window 1 has it chosen
 * as a transfer target on a panel that has not heard of the change yet: the
 * transfer is refused, with the reason, and the ticket stays where it was.
 */

const POLL = { timeout: 8000, interval: 50 };
const SERVICE = 'zonghe-zixun'; // 政策咨询与导办, A; window 1 serves it

describe.runIf(hasChromium())('live configuration in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let adminToken: string;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    adminToken = await t.login('admin');
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    return pages.open(browser, { width: 1440, height: 900 });
  }

  /**
   * A page whose news from the server can be held back, as on a slow network: while held, the
   * socket's events (Socket.IO `42…` frames) and the panel's view reads wait; acknowledgements
   * of its own commands still arrive.
   */
  async function holdablePage(): Promise<{ page: Page; hold: () => void; release: () => void }> {
    const page = await newPage();
    let holding = false;
    const held: Array<() => void> = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const deliver = () => ws.send(message);
        if (holding && typeof message === 'string' && message.startsWith('42')) held.push(deliver);
        else deliver();
      });
    });
    await page.route(/\/staff-view(\?|$)/, (route) => {
      if (holding) held.push(() => void route.continue());
      else void route.continue();
    });
    return {
      page,
      hold: () => (holding = true),
      release: () => {
        holding = false;
        for (const deliver of held.splice(0)) deliver();
      },
    };
  }

  async function openPanel(page: Page, username: string): Promise<void> {
    await page.goto(`${t.url}/counter?hall=demo`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.locator('main.picker').waitFor({ timeout: 8000 });
  }

  async function signIn(page: Page, windowNumber: number): Promise<void> {
    await page.getByRole('button', { name: `签到 ${windowNumber}号窗口` }).click();
    await page.getByTestId('panel').waitFor({ timeout: 8000 });
    await expect.poll(() => page.getByTestId('connection').getAttribute('class'), POLL).not.toMatch(/offline/);
  }

  async function adminPage(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${t.url}/admin?hall=demo`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('admin').waitFor({ timeout: 8000 });
    return page;
  }

  const current = (page: Page) => page.getByTestId('current-number').textContent();
  const issue = async (serviceId: string) => ticketOf(await postJson(`${t.url}/api/halls/demo/tickets`, adminToken, { serviceId }));

  it('window 9 and a new service added in /admin work at once; a transfer to window 9 once it is removed is refused with the reason', async () => {
    const first = await issue(SERVICE);
    const second = await issue(SERVICE);
    await issue(SERVICE);

    // The clerk at window 1 serves the first citizen; two more wait.
    const one = await holdablePage();
    await openPanel(one.page, 'clerk1');
    await signIn(one.page, 1);
    await one.page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(one.page), POLL).toBe(first!.number);

    // Another clerk's window list is open before the change.
    const nine = await newPage();
    await openPanel(nine, 'clerk2');
    expect(await nine.getByRole('button', { name: '签到 9号窗口' }).count()).toBe(0);

    // The administrator adds a service, and window 9 serving it and 政策咨询与导办.
    const admin = await adminPage();
    await admin.getByRole('button', { name: '业务', exact: true }).click();
    await admin.getByRole('button', { name: '新增业务' }).click();
    const added = admin.locator('[data-testid^="service-service-"]').last();
    await added.getByLabel('业务名称').fill('社保卡补换');
    await admin.getByRole('button', { name: '窗口', exact: true }).click();
    await admin.getByRole('button', { name: '新增窗口' }).click();
    const card = admin.getByTestId('window-9');
    await card.getByLabel('窗口名称').fill('9号窗口（社保卡）');
    await card.getByLabel('9 · 政策咨询与导办').selectOption('1');
    await card.getByLabel('9 · 社保卡补换').selectOption('1');
    // Window 1 backs it up (so window 9 can later go without leaving its queue to nobody).
    await admin.getByTestId('window-item-1').click();
    await admin.getByTestId('window-1').getByLabel('1 · 社保卡补换').selectOption('2');
    await admin.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toContain('已保存 3 处修改');
    const config = (await t.hallState()).config;
    const newService = config.services.find((service) => service.name === '社保卡补换')!;
    expect(config.windows.find((window) => window.id === '9')).toMatchObject({ number: 9, services: [{ serviceId: SERVICE, tier: 1 }, { serviceId: newService.id, tier: 1 }] });

    // The new service issues at once; window 9 appears in the open window list, signs in and calls at once.
    const newTicket = await issue(newService.id);
    expect(newTicket!.number).toBe(`${newService.prefix}001`);
    await nine.getByRole('button', { name: '签到 9号窗口' }).waitFor({ timeout: 8000 });
    await signIn(nine, 9);
    await nine.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(nine), POLL).toBe(second!.number);

    // Removing window 9 while it is staffed is refused, and the administrator is told why.
    await admin.getByTestId('window-item-9').click();
    await admin.getByTestId('window-9').getByRole('button', { name: '删除' }).click();
    await admin.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => admin.getByTestId('admin-error').textContent(), POLL).toContain('9号窗口（社保卡）正在使用');
    expect((await t.hallState()).windows['9']?.status).toBe('open');

    // The clerk at window 1 chooses window 9 as the transfer target …
    await one.page.getByRole('button', { name: '转移…' }).click();
    const dialog = one.page.getByTestId('transfer-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('转到窗口').locator('option').allTextContents(), POLL).toContainEqual(expect.stringMatching(/^9号窗口/));
    await dialog.getByLabel('转到窗口').selectOption('9');
    // … and hears nothing more from the server for a while.
    one.hold();

    // Window 9 finishes, signs out, and is removed.
    await nine.getByRole('button', { name: '办结' }).click();
    await nine.getByTestId('current-none').waitFor({ timeout: 8000 });
    await nine.getByRole('button', { name: '签退窗口' }).click();
    await expect.poll(async () => (await t.hallState()).windows['9']?.status, POLL).toBe('closed');
    await admin.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toContain('已保存 1 处修改');
    expect(Object.keys((await t.hallState()).windows)).not.toContain('9');

    // The transfer the panel still offers is refused with the reason; the citizen stays at window 1.
    await dialog.getByRole('button', { name: '确认转移' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent(), POLL).toBe('找不到该窗口：它可能刚从大厅配置中删除，请重新选择。');
    one.release();
    await expect.poll(() => dialog.getByLabel('转到窗口').locator('option').allTextContents(), POLL).not.toContainEqual(expect.stringMatching(/^9号窗口/));
    expect(await current(one.page)).toBe(first!.number);
    const state = await t.hallState();
    expect(state.windows['1']?.currentTicketId).toBe(first!.id);
    const log = await staffEvents(t.url, adminToken);
    expect(log.some((event: { type: string }) => event.type === 'ticket:transferred')).toBe(false);
  }, 60_000);
});
