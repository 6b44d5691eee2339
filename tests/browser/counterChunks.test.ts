import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The counter app's pages as chunks of their own (issue 16), in Chromium against the built app
 * (`npx vite build counter`): the clerk's panel fetches no admin or reports code, the reports
 * come with their tab, a slow chunk says what is loading, and a chunk that fails reloads the page
 * once, then offers the reload itself.
 */

/** The chunk's file name (assets/Reports-….js), as the browser asks for it under /counter/. */
function chunk(source: string): string {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'counter', 'dist', '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string }>;
  return manifest[source]!.file;
}

describe.runIf(hasChromium())('counter app chunks in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();
  let panelFile: string, adminFile: string, reportsFile: string, supervisorFile: string;

  beforeAll(async () => {
    [panelFile, adminFile, reportsFile, supervisorFile] = ['Workspace', 'admin/AdminHome', 'reports/Reports', 'Supervisor'].map((name) => chunk(`src/components/${name}.svelte`)) as [string, string, string, string];
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that keeps every URL it requests and every CSP violation it meets. */
  async function watched(): Promise<{ page: Page; requested: string[]; violations: () => Promise<string[]> }> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const violations = () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return { page, requested, violations };
  }

  async function login(page: Page, username: string): Promise<void> {
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
  }

  const fetched = (requested: string[], file: string) => requested.filter((path) => path === `/counter/${file}`).length;

  it('the clerk panel requests no admin, reports or supervisor chunk; /admin/reports then brings the reports and draws them', { timeout: 40_000 }, async () => {
    const clerk = await watched();
    await clerk.page.goto(`${t.url}/counter?hall=demo`);
    await login(clerk.page, 'clerk1');
    await clerk.page.getByText('选择窗口').first().waitFor({ timeout: 10_000 });
    expect(fetched(clerk.requested, panelFile)).toBe(1);
    expect(clerk.requested.filter((path) => [adminFile, reportsFile, supervisorFile].some((file) => path === `/counter/${file}`))).toEqual([]);
    expect(await clerk.violations()).toEqual([]);

    const admin = await watched();
    await admin.page.goto(`${t.url}/admin/reports?hall=demo`);
    await login(admin.page, 'zhuren');
    await admin.page.getByTestId('totals').waitFor({ timeout: 10_000 });
    await admin.page.locator('.charts canvas').first().waitFor({ timeout: 10_000 });
    expect(fetched(admin.requested, adminFile)).toBe(1);
    expect(fetched(admin.requested, reportsFile)).toBe(1);
    expect(fetched(admin.requested, panelFile)).toBe(0);
    // The admin chunk builds zod schemas as it loads: zodWithoutEval ran first, or the probe for eval would be a violation.
    expect(await admin.violations()).toEqual([]);
  });

  it('another admin tab does not fetch the reports', { timeout: 30_000 }, async () => {
    const admin = await watched();
    await admin.page.goto(`${t.url}/admin?hall=demo&tab=booking`);
    await login(admin.page, 'zhuren');
    await admin.page.getByTestId('admin').waitFor({ timeout: 10_000 });
    await admin.page.getByRole('button', { name: '统计报表' }).waitFor();
    expect(fetched(admin.requested, adminFile)).toBe(1);
    expect(fetched(admin.requested, reportsFile)).toBe(0);
    expect(await admin.violations()).toEqual([]);
  });

  it('says what is loading while the panel chunk comes', { timeout: 30_000 }, async () => {
    const { page } = await watched();
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/counter/${panelFile}`, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${t.url}/counter?hall=demo`);
    await login(page, 'clerk1');
    await page.getByRole('status').filter({ hasText: '正在加载窗口呼叫器…' }).waitFor({ timeout: 10_000 });
    release();
    await page.getByText('选择窗口').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('page-loading').count()).toBe(0);
  });

  it('a panel chunk that fails reloads the page once, then says so with a reload that works once the chunk is back', { timeout: 40_000 }, async () => {
    const { page } = await watched();
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    await page.route(`**/counter/${panelFile}`, (route) => route.abort());
    await page.goto(`${t.url}/counter?hall=demo`);
    // The first failure reloads at once; after the second, the page waits for the clerk.
    await expect.poll(() => loads.length, { timeout: 10_000 }).toBe(2);
    await login(page, 'clerk1');
    const failed = page.getByTestId('page-load-failed');
    await failed.waitFor({ timeout: 10_000 });
    expect(await failed.getByRole('alert').innerText()).toBe('窗口呼叫器未能加载：网络可能中断了，或者系统刚刚升级。请重新加载页面。');
    await page.waitForTimeout(500);
    expect(loads).toHaveLength(2);

    await page.unroute(`**/counter/${panelFile}`);
    await failed.getByRole('button', { name: '重新加载' }).click();
    // The login survives the reload (sessionStorage): straight to the window list.
    await page.getByText('选择窗口').first().waitFor({ timeout: 10_000 });
    expect(loads).toHaveLength(3);
  });

  it('a reports chunk that fails never reloads on its own; its reload comes back to the reports', { timeout: 40_000 }, async () => {
    const { page } = await watched();
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    await page.route(`**/counter/${reportsFile}`, (route) => route.abort());
    await page.goto(`${t.url}/admin?hall=demo&tab=reports`);
    await login(page, 'zhuren');
    const failed = page.getByTestId('page-load-failed');
    await failed.waitFor({ timeout: 10_000 });
    expect(await failed.getByRole('alert').innerText()).toMatch(/^统计报表未能加载/);
    // Still the admin page around it, its tabs usable.
    expect(await page.getByTestId('admin').count()).toBe(1);
    expect(loads).toHaveLength(1);

    await page.unroute(`**/counter/${reportsFile}`);
    await failed.getByRole('button', { name: '重新加载' }).click();
    await page.getByTestId('totals').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/admin/reports?hall=demo');
  });
});
