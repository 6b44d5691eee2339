import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';
import { type Receiver, startReceiver } from '../integration/outboxReceiver.js';

/** /admin → 好差评上传 in Chromium: an administrator configures the upload and sees it fail and recover; a supervisor only reads. */

const POLL = { timeout: 8000, interval: 50 };
const SECRET = 'browser-test-secret-0123456789';
const SHOTS = '/tmp/shots-outbox';

describe.runIf(hasChromium())('the rating upload page in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let receiver: Receiver;
  const pages = new TestPages();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({}, { outboxTiming: { retryBaseMs: 200, retryMaxMs: 60_000, pollMs: 200, timeoutMs: 2000 } });
    receiver = await startReceiver(SECRET);
    browser = await launchChromium();
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  async function uploadPage(username: string, password: string, lang = ''): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/admin?hall=demo&tab=rating-upload${lang}`);
    await page.getByLabel(lang ? 'User name' : '用户名').fill(username);
    await page.getByLabel(lang ? 'Password' : '密码').fill(password);
    await page.getByRole('button', { name: lang ? 'Sign in' : '登录' }).click();
    await page.getByTestId('rating-upload').waitFor();
    return page;
  }

  async function servedAndRated(level: number): Promise<string> {
    const clerk = await t.login('clerk1');
    const hall = `/api/halls/${DEMO}`;
    await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
    const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: 'zonghe-zixun' } });
    for (;;) {
      const called = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
      await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'completed' } });
      if (called.body.id === issued.body.id) break;
    }
    const rated = await t.api('POST', `${hall}/ratings`, { ip: freshIp(), body: { ticketId: issued.body.id, level, ...(level <= 2 ? { reasons: ['其他'] } : {}) } });
    expect(rated.status).toBe(201);
    return issued.body.number as string;
  }

  it('an administrator configures the upload, sees it failing with the reason, then delivered, and sends a test record', async () => {
    let down = true;
    receiver.answer = () => (down ? 503 : 200);
    const page = await uploadPage('admin', ADMIN_PASSWORD);
    expect(await page.getByTestId('upload-status').textContent()).toBe('尚未配置');
    await expectAccessible(page, 'the rating upload page, not configured');
    expect(await page.getByTestId('upload-test').isDisabled()).toBe(true);

    await page.getByLabel('接收地址（http:// 或 https://）').fill(receiver.url);
    await page.getByLabel('签名密钥（16–256 位，不含空格）').fill('short');
    await page.getByLabel('开启上传').check();
    await page.getByRole('button', { name: '保存上传设置' }).click();
    // Too short a secret: which field and what it needs, and nothing saved.
    await expect.poll(() => page.getByTestId('upload-error').textContent(), POLL).toContain('签名密钥不对');
    expect((await t.api('GET', `/api/halls/${DEMO}/rating-upload`, { token: await t.login('admin') })).body.url).toBeNull();

    await page.getByLabel('签名密钥（16–256 位，不含空格）').fill(SECRET);
    await page.getByRole('button', { name: '保存上传设置' }).click();
    await expect.poll(() => page.getByTestId('upload-notice').textContent(), POLL).toBe('上传设置已保存。');
    expect(await page.getByTestId('upload-status').textContent()).toBe('已开启');
    // The secret is never shown back, only its last four characters.
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.getByTestId('upload-form').textContent()).toContain(`已设置密钥（…${SECRET.slice(-4)}）`);

    const number = await servedAndRated(1);
    await receiver.waitFor(() => receiver.requests.length >= 2);
    await page.getByTestId('upload-refresh').click();
    await expect.poll(() => page.getByTestId('upload-last-error').textContent(), POLL).toContain('HTTP 503');
    expect(await page.getByTestId('upload-pending').textContent()).toBe('2'); // the 差评 and its case
    expect(await page.getByTestId('upload-last-error').textContent()).toMatch(/已连续失败 \d+ 次/);
    await expectAccessible(page, 'the rating upload page, failing');
    await page.screenshot({ path: `${SHOTS}/upload-failing-1366x768.png`, fullPage: true });

    down = false;
    await receiver.waitFor(() => receiver.accepted.length >= 2);
    await expect
      .poll(async () => {
        await page.getByTestId('upload-refresh').click();
        return page.getByTestId('upload-pending').textContent();
      }, POLL)
      .toBe('0');
    expect(await page.getByTestId('upload-last-error').textContent()).toContain('无');
    expect(receiver.accepted.map((d) => d.body.data.ticketNumber)).toEqual([number, number]);

    await page.getByTestId('upload-test').click();
    await expect.poll(() => page.getByTestId('upload-notice').textContent(), POLL).toBe('测试记录已送达（HTTP 200）。');
    expect(receiver.requests.at(-1)?.body.test).toBe(true);
    await page.screenshot({ path: `${SHOTS}/upload-ok-1366x768.png`, fullPage: true });

    // The export downloads the same records as a CSV file.
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await (await downloading).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv).toContain('评价等级(level)');
    expect(csv).toContain(number);
  });

  it('a supervisor sees the state but cannot change the settings; English with ?lang=en', async () => {
    const page = await uploadPage('zhuren', DEMO_PASSWORD);
    expect(await page.getByTestId('upload-form').count()).toBe(0);
    expect(await page.getByTestId('rating-upload').textContent()).toContain('上传设置只能由管理员修改。');
    await expectAccessible(page, 'the rating upload page, supervisor');
    const english = await uploadPage('admin', ADMIN_PASSWORD, '&lang=en');
    expect(await english.getByRole('heading', { level: 2, name: 'Upload to the provincial 好差评 platform' }).count()).toBe(1);
    expect(await english.getByRole('button', { name: 'Save upload settings' }).count()).toBe(1);
    await expectAccessible(english, 'the rating upload page in English');
    await english.setViewportSize({ width: 800, height: 1000 });
    await english.screenshot({ path: `${SHOTS}/upload-en-800.png`, fullPage: true });
  });
});
