import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { actOutDirtyMorning } from '../helpers/dirtyMorning.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * 履职提示 (the reports' integrity tab) in Chromium, over a dirty morning scripted a week ago on the
 * server's clock (a fixed local day, so the hour the test runs at does not matter; the morning is
 * tests/helpers/dirtyMorning.ts). The clock then returns to the present, so the browser's sign-in is fresh.
 */

const POLL = { timeout: 8000, interval: 50 };
const DAY_MS = 86_400_000;
const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now() - 7 * DAY_MS);
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);

describe.runIf(hasChromium())('履职提示 in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let now = at('08:00');
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now });
    browser = await launchChromium();
    await actOutDirtyMorning(t, DAY, (at) => (now = at));
    now = Date.now();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function integrityPage(username: string, password: string, lang?: 'en') {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/admin/reports?hall=${DEMO}&view=integrity${lang ? `&lang=${lang}` : ''}`);
    await page.getByLabel(lang ? 'User name' : '用户名').fill(username);
    await page.getByLabel(lang ? 'Password' : '密码').fill(password);
    await page.getByRole('button', { name: lang ? 'Sign in' : '登录' }).click();
    await page.getByRole('heading', { name: lang ? 'Integrity signals' : '履职提示' }).waitFor({ timeout: 8000 });
    await page.getByLabel(lang ? 'From' : '起始日期').fill(DAY);
    await page.getByLabel(lang ? 'To' : '截止日期').fill(DAY);
    await page.getByRole('button', { name: lang ? 'Show' : '查询', exact: true }).click();
    await expect.poll(() => page.locator('.integrity .current').textContent(), POLL).toBe(`${DAY} – ${DAY}`);
    return page;
  }

  it('lists the morning’s signals, each explained, with its evidence opening the logged event', async () => {
    const page = await integrityPage('zhuren', DEMO_PASSWORD);
    await expect.poll(() => page.getByTestId('integrity-signal').count(), POLL).toBe(3);
    expect(await page.getByTestId('integrity-group').locator('h3').textContent()).toBe(`${DAY} · 1号 综合受理窗口 王芳`);
    const idle = page.locator('[data-kind="idle-while-waiting"]');
    expect(await idle.getByTestId('integrity-explanation').textContent()).toBe('1号 综合受理窗口 王芳 在 08:00–08:10 空闲 10 分钟，期间 3 人在等其可办事项');
    expect(await page.locator('[data-kind="out-of-order"]').getByTestId('integrity-explanation').textContent()).toContain('越过了应先叫的 A002');

    await idle.locator('summary').click();
    const evidence = idle.getByTestId('integrity-evidence').locator('li');
    expect(await evidence.count()).toBe(2);
    expect(await evidence.nth(0).textContent()).toContain('08:00');
    expect(await evidence.nth(0).textContent()).toContain('取号');
    expect(await evidence.nth(1).textContent()).toContain('叫号');
    expect(await evidence.nth(1).textContent()).toContain('A001');
    const link = evidence.nth(1).locator('a');
    const seq = Number(await link.getAttribute('data-seq'));
    expect(await link.getAttribute('href')).toBe(`/api/halls/${DEMO}/events?since=${seq - 1}`);
    await link.click();
    const shown = JSON.parse((await idle.getByTestId('integrity-event').textContent())!);
    expect(shown).toMatchObject({ seq, type: 'ticket:called', windowId: '1', ticket: { number: 'A001' } });

    // The month's CSV, as Excel gets it: a BOM, then a line per signal with its Chinese explanation.
    await page.getByLabel('月份').fill(DAY.slice(0, 7));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载当月履职提示 CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('1号 综合受理窗口 王芳 在 08:00–08:10 空闲 10 分钟，期间 3 人在等其可办事项');
    expect(download.suggestedFilename()).toBe(`hallq-integrity-${DEMO}-${DAY.slice(0, 7)}.csv`);

    // A supervisor reads the thresholds; only an administrator changes them.
    expect(await page.locator('input[data-field="idleMinutes"]').isDisabled()).toBe(true);
    await expectAccessible(page, 'the 履职提示 page');
    if (process.env.HALLQ_SHOTS) await page.screenshot({ path: `${process.env.HALLQ_SHOTS}/integrity-1366x768.png`, fullPage: true });
  });

  it('an administrator raises the idle threshold: the ten idle minutes no longer count', async () => {
    const page = await integrityPage('admin', ADMIN_PASSWORD);
    await expect.poll(() => page.getByTestId('integrity-signal').count(), POLL).toBe(3);
    await page.locator('input[data-field="idleMinutes"]').fill('11');
    await page.getByRole('button', { name: '保存阈值' }).click();
    await page.getByRole('status').filter({ hasText: '阈值已保存。' }).waitFor({ timeout: 8000 });
    await expect.poll(() => page.getByTestId('integrity-signal').count(), POLL).toBe(2);
    expect(await page.locator('[data-kind="idle-while-waiting"]').count()).toBe(0);
    const config = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: await t.login('admin') })).body.config;
    expect(config.integrity).toEqual({ idleMinutes: 11 });
    await expectAccessible(page, 'the 履职提示 page with the threshold editor');
  });

  it('speaks English with ?lang=en', async () => {
    const page = await integrityPage('zhuren', DEMO_PASSWORD, 'en');
    await expect.poll(() => page.getByTestId('integrity-signal').count(), POLL).toBeGreaterThan(0);
    expect(await page.locator('[data-kind="out-of-order"]').getByTestId('integrity-explanation').textContent()).toBe(
      'Window 1 General Services & Guidance 王芳 called by number out of order once, passing over A002',
    );
  });
});
