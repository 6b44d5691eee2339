import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The report pages (/admin/reports) in Chromium: figures, charts, CSV export and the printable assessment.
 * Set HALLQ_SHOTS=/tmp/shots-stats to also keep screenshots and the printed PDF for a person to look at.
 */

const POLL = { timeout: 8000, interval: 50 };
const SHOTS = process.env.HALLQ_SHOTS;

describe.runIf(hasChromium())('reports in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    // A short morning at window 3 (计生窗口): three tickets, two served (one rated 5 at the window screen), one no-show.
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
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The reports tab after signing in; `warnings` collects what the page writes to the console as warnings. */
  async function reportsPage(username: string, options: { lang?: 'en'; viewport?: { width: number; height: number } } = {}) {
    const page = await pages.open(browser, options.viewport ?? { width: 1366, height: 768 });
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(`${t.url}/admin/reports?hall=demo${options.lang ? `&lang=${options.lang}` : ''}`);
    await page.getByLabel(options.lang ? 'User name' : '用户名').fill(username);
    await page.getByLabel(options.lang ? 'Password' : '密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: options.lang ? 'Sign in' : '登录' }).click();
    return { page, warnings };
  }

  const figureOf = (page: Page, testId: string, label: string) =>
    page
      .getByTestId(testId)
      .locator('.figure', { has: page.locator('.label', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) })
      .locator('.value');

  async function paintedPixels(page: Page, index: number): Promise<number> {
    return page.locator('.charts canvas').nth(index).evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k]! > 0) painted++;
      return painted;
    });
  }

  it("shows today's figures and 好差评, three drawn charts without a console warning, exports CSV and opens the assessment", async () => {
    const { page, warnings } = await reportsPage('zhuren');
    await page.getByTestId('totals').waitFor({ timeout: 8000 });
    expect(await figureOf(page, 'totals', '取号').textContent()).toBe('3');
    expect(await figureOf(page, 'totals', '办结').textContent()).toBe('2');
    expect(await figureOf(page, 'totals', '过号').textContent()).toBe('1');
    // Two served, one rated: half the services were rated; the one rating is good.
    expect(await figureOf(page, 'rating-totals', '评价覆盖率').textContent()).toBe('50.0%');
    expect(await figureOf(page, 'rating-totals', '好评率').textContent()).toBe('100.0%');
    expect(await figureOf(page, 'rating-totals', '差评数').textContent()).toBe('0');
    // The hall's old 满意率 stays, under its own name.
    expect(await figureOf(page, 'rating-totals', '满意率(原口径)').textContent()).toBe('100.0%');
    expect(await page.getByTestId('rating-totals').textContent()).toContain('窗口评价器 1');

    await expect.poll(() => page.locator('.charts canvas').count(), POLL).toBe(3);
    for (let i = 0; i < 3; i++) expect(await paintedPixels(page, i)).toBeGreaterThan(100);
    // Chart.js warns when a filled line is drawn without its Filler plugin (the arrival curve then has no area).
    expect(warnings).toEqual([]);

    // The month's day table ends today: days still to come are not listed as zeros.
    const dayRows = page.getByRole('region', { name: /^按日（/ }).locator('tbody tr');
    const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now()));
    expect(await dayRows.count()).toBe(Number(today.slice(8, 10)));
    expect(await dayRows.last().locator('th').textContent()).toBe(today);

    await expectAccessible(page, 'the reports page');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/reports-1366x768.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '按窗口 CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('计生窗口');
    expect(csv).toContain('评价覆盖率(%)(Rating coverage %)');

    await page.getByRole('button', { name: '周' }).click();
    await expect.poll(() => page.locator('.range .current').textContent(), POLL).toMatch(/^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);

    await page.getByRole('button', { name: '月度考核表（打印）' }).click();
    await page.getByText(/窗口及工作人员考核表/).first().waitFor();
    await page.getByText('考核人').first().waitFor();
    const assessment = page.getByTestId('assessment');
    expect(await assessment.getByRole('columnheader').allTextContents()).toEqual(expect.arrayContaining(['评价覆盖率', '好评率', '差评数', '差评整改率', '回访率', '超期工单']));
    expect(await assessment.getByRole('rowheader', { name: '全厅合计' }).count()).toBe(2);
  });

  it('scrolls the wide tables from the keyboard', async () => {
    const { page } = await reportsPage('zhuren');
    const region = page.getByRole('region', { name: '好差评（按窗口）（表格可左右滚动）' });
    await region.waitFor({ timeout: 8000 });
    await region.focus();
    expect(await region.evaluate((element) => element === document.activeElement)).toBe(true);
    const before = await region.evaluate((element) => element.scrollLeft);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('End');
    await expect.poll(() => region.evaluate((element) => element.scrollLeft), POLL).toBeGreaterThan(before);
  });

  it('names services and windows in English on the English page', async () => {
    const { page } = await reportsPage('zhuren', { lang: 'en' });
    const services = page.getByRole('region', { name: /^By service \(/ });
    await services.waitFor({ timeout: 8000 });
    expect(await services.getByRole('rowheader').allTextContents()).toContain('Childbirth service registration');
    expect(await services.textContent()).not.toContain('生育服务登记');
    expect(await page.getByRole('region', { name: /^By window \(/ }).getByRole('rowheader').allTextContents()).toContain('3 Family Planning');
    await expectAccessible(page, 'the English reports page');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/reports-en-1366x768.png` });
    await page.getByRole('button', { name: 'Monthly assessment (print)' }).click();
    expect(await page.getByTestId('assessment').textContent()).toContain('Qingshan Town Convenience Service Centre');
  });

  it('prints only the assessment, without the notice the page showed above it', async () => {
    const { page } = await reportsPage('zhuren', { viewport: { width: 1366, height: 900 } });
    await page.getByTestId('totals').waitFor({ timeout: 8000 });
    // An administrator saves elsewhere: the page shows a notice above the reports, which must not be printed.
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body;
    const saved = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: { ...config, complaintPhone: '12345-1' } } });
    expect(saved.status).toBe(200);
    const notice = page.getByTestId('admin-notice');
    await notice.waitFor({ timeout: 8000 });

    await page.getByRole('button', { name: '月度考核表（打印）' }).click();
    const assessment = page.getByTestId('assessment');
    await assessment.waitFor();
    await expectAccessible(page, 'the assessment');
    expect(await notice.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await notice.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    expect(await assessment.isVisible()).toBe(true);
    // Nothing but the assessment takes room on paper: it starts at the top of the page.
    expect((await assessment.boundingBox())!.y).toBeLessThan(5);
    if (SHOTS) {
      await page.screenshot({ path: `${SHOTS}/assessment-print.png`, fullPage: true });
      await page.pdf({ path: `${SHOTS}/assessment.pdf`, preferCSSPageSize: true });
    }
  });

  it('a clerk is refused the admin pages', async () => {
    const { page } = await reportsPage('clerk3');
    await page.getByTestId('refused').waitFor({ timeout: 8000 });
    expect(await page.getByTestId('totals').count()).toBe(0);
  });
});
