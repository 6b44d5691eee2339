import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';
import { type WebhookReceiver, startWebhookReceiver } from '../integration/webhookReceiver.js';

/** /admin → 接口推送 in Chromium: an administrator adds a webhook, tests it, sees its state failing and delivering, and deletes it. */

const POLL = { timeout: 8000, interval: 50 };
const SECRET = 'browser-webhook-secret-0123456789';
const SHOTS = '/tmp/shots-webhooks';

describe.runIf(hasChromium())('the webhooks page in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let receiver: WebhookReceiver;
  const pages = new TestPages();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({}, { outboxTiming: { retryBaseMs: 200, retryMaxMs: 60_000, pollMs: 200, timeoutMs: 2000 } });
    receiver = await startWebhookReceiver(SECRET);
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

  async function webhooksPage(username: string, password: string, lang = '', size = { width: 1366, height: 768 }): Promise<Page> {
    const page = await pages.open(browser, size);
    await page.goto(`${t.url}/admin?hall=demo&tab=webhooks${lang}`);
    await page.getByLabel(lang ? 'User name' : '用户名').fill(username);
    await page.getByLabel(lang ? 'Password' : '密码').fill(password);
    await page.getByRole('button', { name: lang ? 'Sign in' : '登录' }).click();
    await page.getByTestId('webhooks').waitFor();
    return page;
  }

  /** Clicks 刷新状态 and reads a field once the list is back. */
  async function refreshed(page: Page, testId: string): Promise<string | null> {
    await page.getByRole('button', { name: '刷新状态' }).click();
    await page.waitForLoadState('networkidle');
    return page.getByTestId(testId).textContent();
  }

  async function issueAndCall(): Promise<string> {
    const clerk = await t.login('clerk1');
    const hall = `/api/halls/${DEMO}`;
    await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} });
    const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: 'zonghe-zixun' } });
    expect(issued.status).toBe(201);
    expect((await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} })).status).toBe(200);
    return issued.body.number as string;
  }

  it('an administrator adds a webhook, sends a test, sees its state, and deletes it', async () => {
    const page = await webhooksPage('admin', ADMIN_PASSWORD);
    await page.getByTestId('webhooks-none').waitFor();
    await expectAccessible(page, 'the webhooks page, empty');

    await page.getByRole('button', { name: '添加推送地址' }).click();
    await page.getByLabel('接收地址（http:// 或 https://）').fill('ftp://hooks.example.gov.cn/in');
    await page.getByLabel('签名密钥（16–256 位，不含空格）').fill(SECRET);
    await page.getByRole('button', { name: '保存' }).click();
    // The server refuses the address; the page says which field and what it needs, and nothing is stored.
    await expect.poll(() => page.getByTestId('webhook-form-error').textContent(), POLL).toContain('接收地址不对');
    expect((await t.api('GET', `/api/halls/${DEMO}/webhooks`, { token: await t.login('admin') })).body.webhooks).toEqual([]);

    await page.getByLabel('接收地址（http:// 或 https://）').fill(receiver.url);
    // A ticket's issue, call and finish are ticked for a new webhook; leave out the finishes.
    expect(await page.getByLabel('取号', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('叫号', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('办结', { exact: true }).uncheck();
    await expectAccessible(page, 'the webhooks page, adding');
    await page.screenshot({ path: `${SHOTS}/webhook-add-1366x768.png`, fullPage: true });
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('webhooks-notice').textContent(), POLL).toBe('推送地址已保存。');
    await expect.poll(() => page.getByTestId('webhook').count(), POLL).toBe(1);
    expect(await page.getByTestId('webhook-status').textContent()).toBe('正常推送');
    expect(await page.content()).not.toContain(SECRET);

    await page.getByRole('button', { name: '发送测试' }).click();
    await expect.poll(() => page.getByTestId('webhooks-notice').textContent(), POLL).toBe('测试消息已送达（HTTP 200）。');
    expect(receiver.accepted.map((d) => [d.event, d.signed])).toEqual([['webhook:test', true]]);

    // The receiver fails: the page shows since when and why.
    receiver.answer = () => 503;
    const number = await issueAndCall();
    await receiver.waitFor(() => receiver.requests.length >= 2);
    await expect.poll(() => refreshed(page, 'webhook-status'), POLL).toContain('推送失败中');
    expect(await page.getByTestId('webhook-last-error').textContent()).toContain('HTTP 503');
    expect(await page.getByTestId('webhook-pending').textContent()).toBe('2');
    await expectAccessible(page, 'the webhooks page, failing');
    await page.screenshot({ path: `${SHOTS}/webhook-failing-1366x768.png`, fullPage: true });

    receiver.answer = () => 200;
    await receiver.waitFor(() => receiver.accepted.length === 3);
    expect(receiver.accepted.slice(1).map((d) => [d.event, d.body.ticket.number])).toEqual([
      ['ticket:issued', number],
      ['ticket:called', number],
    ]);
    // The cursor is written just after the 2xx: refresh until the page shows it.
    await expect.poll(() => refreshed(page, 'webhook-pending'), POLL).toBe('0');
    expect(await page.getByTestId('webhook-status').textContent()).toBe('正常推送');
    expect(await page.getByTestId('webhook-last-error').textContent()).toContain('无');
    // "Delivered up to seq": at least the call's seq, as the server has it.
    const calledSeq = receiver.accepted[2]!.body.seq as number;
    await expect
      .poll(async () => {
        const shown = Number(await refreshed(page, 'webhook-delivered'));
        const stored = (await t.api('GET', `/api/halls/${DEMO}/webhooks`, { token: await t.login('admin') })).body.webhooks[0].deliveredSeq as number;
        return shown === stored && shown >= calledSeq;
      }, POLL)
      .toBe(true);
    await page.screenshot({ path: `${SHOTS}/webhook-ok-1366x768.png`, fullPage: true });

    // Send again from the issue's seq: the same two deliveries, under the same ids.
    const issuedSeq = receiver.accepted[1]!.body.seq as number;
    const sentBefore = receiver.requests.length;
    await page.getByLabel('从事件序号').fill(String(issuedSeq));
    await page.getByRole('button', { name: '重新推送' }).click();
    await expect.poll(() => page.getByTestId('webhooks-notice').textContent(), POLL).toBe(`将从事件序号 ${issuedSeq} 起重新推送。`);
    await receiver.waitFor(() => receiver.requests.length === sentBefore + 2);
    expect(receiver.requests.slice(sentBefore).map((d) => d.id)).toEqual(receiver.accepted.slice(1).map((d) => d.id));

    // Change it: calls only; the secret is kept when left empty.
    await page.getByRole('button', { name: '修改' }).click();
    await page.getByLabel('取号', { exact: true }).uncheck();
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('webhooks-notice').textContent(), POLL).toBe('推送地址已保存。');
    await expect.poll(() => page.locator('.webhook-events').textContent(), POLL).toContain('1 种事件：叫号');
    const admin = await t.login('admin');
    expect((await t.api('GET', `/api/halls/${DEMO}/webhooks`, { token: admin })).body.webhooks[0]).toMatchObject({ events: ['ticket:called'], secretHint: `…${SECRET.slice(-4)}` });

    // Delete, after the confirmation: the list is empty and nothing more is sent.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '删除' }).click();
    await expect.poll(() => page.getByTestId('webhooks-notice').textContent(), POLL).toBe('推送地址已删除。');
    await page.getByTestId('webhooks-none').waitFor();
    const before = receiver.requests.length;
    await issueAndCall();
    expect((await t.api('GET', `/api/halls/${DEMO}/webhooks`, { token: await t.login('admin') })).body.webhooks).toEqual([]);
    expect(receiver.requests.length).toBe(before);
  });

  it('is in English with ?lang=en, and a supervisor is told it is the administrators’', async () => {
    const english = await webhooksPage('admin', ADMIN_PASSWORD, '&lang=en', { width: 1280, height: 1024 });
    await english.getByRole('button', { name: 'Add a webhook' }).click();
    await english.getByLabel('Receiving address (http:// or https://)').waitFor();
    expect(await english.getByLabel('Ticket called', { exact: true }).isChecked()).toBe(true);
    expect(await english.getByLabel('Window opened', { exact: true }).isChecked()).toBe(false);
    await expectAccessible(english, 'the webhooks page in English');
    await english.screenshot({ path: `${SHOTS}/webhook-en-1280x1024.png`, fullPage: true });

    const supervisor = await webhooksPage('zhuren', DEMO_PASSWORD);
    await supervisor.getByTestId('webhooks-admin-only').waitFor();
    expect(await supervisor.getByTestId('webhook-add').count()).toBe(0);
    await expectAccessible(supervisor, 'the webhooks page, supervisor');
  });
});
