/**
 * The pages work under the Content-Security-Policy the server sends (issue
 * 13 item 9): no violation reported while each app starts and renders, and
 * an admin with a generated password is shown the change-password form
 * first (issue 11) and reaches the admin page after it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

describe.runIf(hasChromium())('pages under the CSP', () => {
  let t: TestServer;
  let browser: Browser;
  let generated = '';

  beforeAll(async () => {
    // No HALLQ_ADMIN_PASSWORD: the admin gets a generated one, announced once.
    t = await startTestServer({ adminPassword: undefined } as unknown as Parameters<typeof startTestServer>[0], {
      announce: (message) => {
        generated = /Password: (\S+)/.exec(message)?.[1] ?? '';
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records every CSP violation and console error it sees. */
  async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    return { page, problems };
  }

  async function violations(page: Page): Promise<string[]> {
    return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  }

  it.each([
    ['/', 'HallQ'],
    ['/display?hall=demo&voice=0', '青山镇'],
    ['/display?hall=demo&window=3&voice=0', '3'],
    ['/kiosk?hall=demo', '取号机配对'],
    ['/t/some-ticket', '找不到该号票'],
    ['/counter?hall=demo', '窗口呼叫器'],
    ['/book?hall=demo', '第 1 步：选择业务'],
  ])('%s renders with no CSP violation', async (path, words) => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(t.url + path);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByText(words).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("the board lays out its windows with custom properties set through the CSSOM, which style-src-attr 'none' leaves alone", async () => {
    const { page } = await watchedPage();
    await page.goto(`${t.url}/display?hall=demo&voice=0`);
    await page.locator('main.board').waitFor({ timeout: 10_000 });
    expect(await page.locator('main.board').evaluate((element) => getComputedStyle(element).getPropertyValue('--count').trim())).toBe('8');
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('a clerk works the counter panel under the CSP', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${t.url}/counter?hall=demo`);
    await page.getByLabel('用户名').fill('clerk1');
    await page.getByLabel('密码').fill('demo1234');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('选择窗口').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('an admin with a generated password must change it first, then reaches the admin page', { timeout: 40_000 }, async () => {
    expect(generated).not.toBe('');
    const { page, problems } = await watchedPage();
    await page.goto(`${t.url}/admin?hall=demo`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(generated);
    await page.getByRole('button', { name: '登录' }).click();
    const form = page.getByTestId('change-password');
    await form.waitFor({ timeout: 10_000 });
    expect(await page.getByRole('heading', { name: '请修改初始密码' }).count()).toBe(1);
    expect(await page.getByTestId('admin').count()).toBe(0);

    // Mistakes are named before anything is sent; a wrong current password is the server's answer.
    await page.getByLabel('当前密码').fill(generated);
    await page.getByLabel('新密码（至少 10 个字符）').fill('short');
    await page.getByLabel('再次输入新密码').fill('short');
    await page.getByRole('button', { name: '修改密码' }).click();
    expect(await page.getByTestId('change-password-error').innerText()).toBe('新密码至少需要 10 个字符。');
    await page.getByLabel('当前密码').fill('not-the-password');
    await page.getByLabel('新密码（至少 10 个字符）').fill('my-own-admin-password');
    await page.getByLabel('再次输入新密码').fill('my-own-admin-password');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByTestId('change-password-error').innerText().catch(() => '')).toMatch(/用户名或密码/);

    await page.getByLabel('当前密码').fill(generated);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByTestId('admin').waitFor({ timeout: 10_000 });
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    const login = await t.api('POST', '/api/auth/login', { body: { username: 'admin', password: 'my-own-admin-password' }, ip: freshIp() });
    expect(login.body.user.mustChangePassword).toBe(false);
    await page.context().close();
  });
});
