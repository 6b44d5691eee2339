import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, ADMIN_PASSWORD, startTestServer } from '../helpers/testServer.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { HallConfig } from '../../server/protocol/model.js';

/**
 * The county overview (/admin/overview) in a real Chromium against a real server whose clock stands at a
 * Friday morning: the page shows every hall, follows a ticket issued in one of them with no reload (one
 * socket, no polling), filters by group, opens a hall's supervisor view, shows the figures, fits 1366×768
 * and 1920×1080, and passes axe.
 */

const POLL = { timeout: 5000, interval: 50 };
const NOW = Date.parse('2026-11-27T10:00:00+08:00');

function otherHall(): HallConfig {
  const demo = demoHallConfig();
  return {
    ...demo,
    id: 'other',
    name: '白石乡便民服务中心',
    group: ['城关县', '白石乡'],
    services: demo.services.map((service) => ({ ...service, id: `o-${service.id}` })),
    windows: demo.windows.map((window) => ({ ...window, id: `o${window.id}`, services: window.services.map((link) => ({ ...link, serviceId: `o-${link.serviceId}` })) })),
  };
}

describe.runIf(hasChromium())('county overview in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let clerk: string;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => NOW });
    await t.server.store.halls.createHall(newHallState(otherHall(), NOW));
    clerk = await t.login('clerk1');
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openOverview(width: number, height: number, query = ''): Promise<Page> {
    const page = await pages.open(browser, { width, height });
    await page.goto(`${t.url}/admin/overview${query}`);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByTestId('overview-rows').waitFor({ timeout: 5000 });
    return page;
  }

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

  it('follows a ticket issued in one hall live, and opens that hall’s supervisor view', async () => {
    const page = await openOverview(1920, 1080);
    await expect.poll(() => page.getByTestId('overview-row-other').count(), POLL).toBe(1);
    await expect.poll(() => page.getByTestId('overview-row-demo').count(), POLL).toBe(1);
    expect(await page.getByTestId('waiting-other').innerText()).toBe('0');
    await expectAccessible(page, 'overview, live');
    expect(await sideways(page)).toBe(false);

    const other = await t.login('admin');
    const issued = await t.api('POST', '/api/halls/other/tickets', { token: other, body: { serviceId: 'o-zonghe-zixun' } });
    expect(issued.status, issued.text).toBe(201);
    await expect.poll(() => page.getByTestId('waiting-other').innerText(), POLL).toBe('1');
    // Nobody is at a window in 'other': the row now needs a look and moves to the top.
    await expect.poll(() => page.getByTestId('overview-rows').locator('tbody tr').first().getAttribute('data-testid'), POLL).toBe('overview-row-other');
    expect(await page.getByTestId('waiting-demo').innerText()).toBe('0');

    // The group filter keeps the halls of the group.
    await page.getByTestId('overview-group').selectOption('白石乡');
    await expect.poll(() => page.getByTestId('overview-rows').locator('tbody tr').count(), POLL).toBe(1);
    await page.getByTestId('overview-group').selectOption('');

    await page.getByTestId('overview-row-other').getByRole('link').click();
    await page.waitForURL(/\/counter\/supervisor\?hall=other/);
  });

  it('shows the figures side by side, and fits a 1366×768 screen in English', async () => {
    expect((await t.api('POST', '/api/halls/demo/tickets', { token: clerk, body: { serviceId: 'zonghe-zixun' } })).status).toBe(201);
    const page = await openOverview(1366, 768, '?lang=en');
    expect(await page.getByTestId('overview-tab-live').innerText()).toBe('Live');
    expect(await sideways(page)).toBe(false);
    await expectAccessible(page, 'overview, live, 1366');
    await page.getByTestId('overview-tab-figures').click();
    const table = page.getByTestId('overview-figures');
    await table.waitFor({ timeout: 5000 });
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThanOrEqual(2);
    expect(await table.locator('tbody tr', { hasText: '2026-11-27' }).first().innerText()).toContain('2026-11-27');
    await page.getByTestId('figures-by').selectOption('month');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => table.locator('tbody tr').first().innerText(), POLL).toContain('2026-11');
    expect(await sideways(page)).toBe(false);
    await expectAccessible(page, 'overview, figures');
  });

  it('edits the hall’s group and market days in the hall settings, and gives an account a group', async () => {
    const page = await pages.open(browser, { width: 1440, height: 900 });
    await page.goto(`${t.url}/admin?hall=demo`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('admin').waitFor();
    expect(await page.getByTestId('overview-link').getAttribute('href')).toBe('/admin/overview');
    await page.getByTestId('hall-group').fill('城关县 / 城关镇');
    await page.getByTestId('hall-group').dispatchEvent('change');
    await page.getByTestId('market-digits').fill('二五八');
    await page.getByTestId('market-digits').dispatchEvent('change');
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => page.getByTestId('admin-notice').count(), POLL).toBe(1);
    const admin = await t.login('admin');
    const config = (await t.api('GET', '/api/halls/demo/config', { token: admin })).body.config;
    expect(config.group).toEqual(['城关县', '城关镇']);
    expect(config.marketDays).toEqual({ lastDigits: [2, 5, 8] });
    await expectAccessible(page, 'admin hall settings with the group');

    // The staff panel offers the groups the halls carry; clerk1 gets 白石乡 besides the demo hall.
    await page.reload();
    await page.getByTestId('admin').waitFor();
    await page.getByRole('button', { name: '人员', exact: true }).click();
    const scope = page.getByTestId('scope-clerk1');
    await expect.poll(() => scope.locator('option').count(), POLL).toBeGreaterThan(2);
    await scope.selectOption('白石乡');
    await expect.poll(async () => (await t.api('GET', '/api/users', { token: admin })).body.find((user: any) => user.username === 'clerk1')?.hallIds, POLL).toEqual(['demo', 'group:白石乡']);
    await expectAccessible(page, 'admin staff panel with group scopes');
  });
});
