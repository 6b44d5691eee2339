import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

/** The report pages (/admin/reports) in Chromium: figures, charts, CSV export and the printable assessment. */

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('reports in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    // A short morning: three tickets, two served (one rated), one no-show.
    const clerk = await t.login('clerk3');
    await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} });
    for (let i = 0; i < 3; i++) await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: await t.login('admin'), body: { serviceId: 'jisheng-shengyu-dengji' } });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'completed' } });
    await t.api('POST', `/api/halls/${DEMO}/ratings`, { token: await t.windowScreenToken('3'), body: { windowId: '3', level: 5 } });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/no-show`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
    await t.api('POST', `/api/halls/${DEMO}/windows/3/finish`, { token: clerk, body: { outcome: 'accepted' } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function reportsPage(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    const page = await context.newPage();
    await page.goto(`${t.url}/admin/reports?hall=demo`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  }

  it("shows today's figures and three drawn charts, exports CSV and opens the printable assessment", async () => {
    const page = await reportsPage('zhuren');
    const totals = page.getByTestId('totals');
    await totals.waitFor({ timeout: 8000 });
    const figure = (label: string) => totals.locator('.figure', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value');
    expect(await figure('取号').textContent()).toBe('3');
    expect(await figure('办结').textContent()).toBe('2');
    expect(await figure('过号').textContent()).toBe('1');
    expect(await figure('满意率').textContent()).toMatch(/^100(\.0)?%$/);

    const canvases = page.locator('.charts canvas');
    await expect.poll(() => canvases.count(), POLL).toBe(3);
    for (let i = 0; i < 3; i++) {
      // A drawn chart has non-transparent pixels; an empty canvas has none.
      const drawn = await canvases.nth(i).evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let k = 3; k < data.length; k += 4) if (data[k]! > 0) painted++;
        return painted;
      });
      expect(drawn).toBeGreaterThan(100);
    }

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '按窗口 CSV' }).click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('计生窗口');

    await page.getByRole('button', { name: '周' }).click();
    await expect.poll(() => page.locator('.range .current').textContent(), POLL).toMatch(/^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);

    await page.getByRole('button', { name: '月度考核表（打印）' }).click();
    await page.getByText(/窗口及工作人员考核表/).first().waitFor();
    await page.getByText('考核人').first().waitFor();
  });

  it('a clerk is refused the admin pages', async () => {
    const page = await reportsPage('clerk3');
    await page.getByTestId('refused').waitFor({ timeout: 8000 });
    expect(await page.getByTestId('totals').count()).toBe(0);
  });
});
