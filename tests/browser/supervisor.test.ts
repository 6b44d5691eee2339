import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, ticketOf, windowScreenUrl } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The supervisor's live view (/counter/supervisor) in a real Chromium against
 * a real server: clerks act through the REST API, the page must follow with
 * no reload (window rows, queues, the event log with out-of-order calls
 * marked, pauses with their reason, display-offline alarms), a clerk account
 * is turned away, and ?lang=en switches the language.
 */

const POLL = { timeout: 5000, interval: 50 };

describe.runIf(hasChromium())('supervisor view in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();
  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(width = 1920, height = 1080): Promise<Page> {
    return pages.open(browser, { width, height });
  }

  async function openView(username: string, query = 'hall=demo', size = { width: 1920, height: 1080 }): Promise<Page> {
    const page = await newPage(size.width, size.height);
    await page.goto(`${t.url}/counter/supervisor?${query}`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=supervisor], [data-testid=supervisors-only]').first().waitFor({ timeout: 5000 });
    return page;
  }

  const row = (page: Page, windowId: string) => page.getByTestId(`window-row-${windowId}`);
  const cell = (page: Page, windowId: string, name: string) => row(page, windowId).getByTestId(name).innerText();
  const firstLog = (page: Page) => page.getByTestId('log-entry').first().innerText();
  const windowScreenAlarm = (page: Page, windowId: string) => page.locator(`[data-testid=alert-window-screen-offline][data-window="${windowId}"]`).count();

  it('follows the hall live: windows, queues, the log with out-of-order calls marked, pauses, display alarms', async () => {
    const page = await openView('zhuren');
    expect(await page.title()).toContain('大厅监控');
    expect(await page.getByTestId('user-name').innerText()).toContain('周建华');
    expect(await page.getByRole('heading', { name: '窗口', exact: true }).count()).toBe(1);
    expect(await cell(page, '6', 'window-state')).toContain('未签到');
    // Nothing connected yet: the hall has no board.
    await page.getByTestId('alert-board-offline').waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('connection').getAttribute('class'), POLL).not.toMatch(/offline/);

    // The page never polls: a quiet hall makes no requests.
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.waitForTimeout(1500);
    expect(requests).toEqual([]);

    const clerk = await t.login('clerk6');
    await postJson(hall('/windows/6/open'), clerk);
    await expect.poll(() => cell(page, '6', 'window-state'), POLL).toContain('服务中');
    expect(await cell(page, '6', 'window-clerk')).toContain('杨帆');
    await expect.poll(() => windowScreenAlarm(page, '6'), POLL).toBe(1);
    expect(await page.getByTestId('alert-window-screen-offline').innerText()).toBe('⚠ 6号窗口评价屏未连接');
    expect(await firstLog(page)).toContain('杨帆 签到6号窗口');

    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(ticketOf(await postJson(hall('/tickets'), admin, { serviceId: 'caizheng-huinong-butie' })));
    const queue = page.getByTestId('queue-row-caizheng-huinong-butie');
    await expect.poll(() => queue.getByTestId('queue-waiting').innerText(), POLL).toBe('3');

    await postJson(hall('/windows/6/call-next'), clerk);
    await expect.poll(() => cell(page, '6', 'window-ticket'), POLL).toContain(tickets[0]!.number);
    expect(await cell(page, '6', 'window-ticket')).toContain('已叫号');
    // Durations in words (「叫号后 3 秒」), not "0:03".
    expect(await cell(page, '6', 'window-time')).toMatch(/叫号后\s+\d+ 秒/);
    await expect.poll(() => queue.getByTestId('queue-waiting').innerText(), POLL).toBe('2');
    await expect.poll(() => firstLog(page), POLL).toContain(`杨帆 在6号窗口叫 ${tickets[0]!.number} 号（按顺序）`);
    expect(await page.getByTestId('log-out-of-order').count()).toBe(0);

    // Out of order: the third ticket while the second is next.
    await postJson(hall('/windows/6/call'), clerk, { ticketId: tickets[2]!.id });
    await expect.poll(() => cell(page, '6', 'window-ticket'), POLL).toContain(tickets[2]!.number);
    await expect.poll(() => firstLog(page), POLL).toContain(`杨帆 在6号窗口叫 ${tickets[2]!.number} 号（指定叫号）`);
    const marked = page.locator('[data-testid=log-entry].out-of-order');
    expect(await marked.count()).toBe(1);
    expect(await marked.getByTestId('log-out-of-order').innerText()).toBe('审计：不按顺序叫号');
    expect(await marked.innerText()).toContain(tickets[2]!.number);
    // The call before it finished the first ticket implicitly, and says so.
    expect(await page.getByTestId('log-entry').nth(1).innerText()).toContain(`杨帆 在6号窗口结束 ${tickets[0]!.number} 号：办结`);

    // A pause, with its reason and note, in the row and in the log.
    await postJson(hall('/windows/6/finish'), clerk, { outcome: 'completed' });
    await postJson(hall('/windows/6/pause'), clerk, { reason: 'lunch', note: '13:30 回来' });
    await expect.poll(() => cell(page, '6', 'window-state'), POLL).toContain('暂停');
    const state = await cell(page, '6', 'window-state');
    expect(state).toContain('午休');
    expect(state).toContain('13:30 回来');
    expect(state).toMatch(/已 \d+ 秒/);
    await expect.poll(() => firstLog(page), POLL).toContain('杨帆 暂停6号窗口：午休（13:30 回来）');
    // A paused window is still staffed: its screen alarm stays.
    expect(await windowScreenAlarm(page, '6')).toBe(1);

    // A window screen of window 6 connects: its alarm goes; it comes back when the screen goes.
    const screen = await newPage(1280, 800);
    await screen.goto(await windowScreenUrl(t, '6'));
    await expect.poll(() => windowScreenAlarm(page, '6'), POLL).toBe(0);
    expect(await cell(page, '6', 'window-screen')).toContain('在线');
    const board = await newPage(1280, 720);
    await board.goto(`${t.url}/display?hall=demo&voice=0`);
    await expect.poll(() => page.getByTestId('alert-board-offline').count(), POLL).toBe(0);
    await screen.close();
    await expect.poll(() => windowScreenAlarm(page, '6'), POLL).toBe(1);

    // Resume and sign out: the row goes back to closed and the alarm with it.
    await postJson(hall('/windows/6/resume'), clerk);
    await expect.poll(() => firstLog(page), POLL).toMatch(/杨帆 恢复6号窗口服务（暂停 0 分钟）/);
    await postJson(hall('/windows/6/close'), clerk);
    await expect.poll(() => cell(page, '6', 'window-state'), POLL).toContain('未签到');
    expect(await windowScreenAlarm(page, '6')).toBe(0);
    // The second ticket still waits and no window is open for it: not 「一切正常」.
    const unserved = page.locator('[data-testid=alert-unserved][data-service=caizheng-huinong-butie]');
    await expect.poll(() => unserved.innerText(), POLL).toBe('⚠ 惠农补贴查询与发放（粮食直补、良种补贴）：1 人等候，没有开放的窗口办理');
    expect(await page.getByTestId('no-alerts').count()).toBe(0);
    await postJson(hall(`/tickets/${tickets[1]!.id}/cancel`), admin);
    await expect.poll(() => page.getByTestId('no-alerts').count(), POLL).toBe(1);
    await board.close();
  });

  /** Elements of `selector` whose box sticks out of its parent's sides, and scroll regions wider than they are. */
  async function overflowing(page: Page, selector: string): Promise<string[]> {
    return page.locator(selector).evaluate((root) => {
      const bad: string[] = [];
      for (const element of [root, ...Array.from(root.querySelectorAll('*'))]) {
        const parent = element.parentElement;
        const box = element.getBoundingClientRect();
        if (!parent || (box.width === 0 && box.height === 0)) continue;
        const outer = parent.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1) {
          bad.push(`${element.tagName}.${element.className} [${Math.round(box.left)}, ${Math.round(box.right)}] in [${Math.round(outer.left)}, ${Math.round(outer.right)}]`);
        }
        if (element.classList.contains('sv-scroll') && element.scrollWidth > element.clientWidth + 1) bad.push(`${element.className} scrolls sideways`);
      }
      return bad;
    });
  }

  it('the windows table fits its card with a long pause note at 1366×768 and 1920×1080; the page passes axe', async () => {
    const clerk5 = await t.login('clerk5');
    await postJson(hall('/windows/5/open'), clerk5);
    const note = '下村入户核查宅基地申请材料，预计下午三点前后回到窗口，急事请到综合受理窗口或拨打值班电话联系本人'.repeat(2).slice(0, 100);
    await postJson(hall('/windows/5/pause'), clerk5, { reason: 'other', note });
    mkdirSync('/tmp/shots-counter', { recursive: true });
    for (const [width, height, lang] of [[1366, 768, 'zh'], [1920, 1080, 'zh'], [1366, 768, 'en']] as const) {
      const page = await openView('zhuren', lang === 'en' ? 'hall=demo&lang=en' : 'hall=demo', { width, height });
      await expect.poll(() => cell(page, '5', 'window-state'), POLL).toContain(note.slice(0, 20));
      expect(await overflowing(page, '.sv-windows'), `${width}×${height} ${lang}`).toEqual([]);
      expect(await overflowing(page, '.dashboard'), `${width}×${height} ${lang}`).toEqual([]);
      // Every column, 办理用时 and 评价屏 included, is on screen.
      for (const name of lang === 'en' ? ['Service time', 'Window screen'] : ['办理用时', '评价屏']) {
        const box = (await page.getByRole('columnheader', { name, exact: true }).boundingBox())!;
        expect(box.x + box.width, name).toBeLessThanOrEqual(width);
      }
      // Lists and tables with their semantics; every scroll area reachable by keyboard and named.
      await page.getByTestId('log-entry').first().waitFor();
      expect(await page.getByRole('log').getByRole('listitem').count()).toBeGreaterThan(0);
      for (const region of await page.locator('.sv-scroll').all()) {
        expect(await region.getAttribute('tabindex')).toBe('0');
        expect(await region.getAttribute('aria-labelledby')).toBeTruthy();
      }
      await expectAccessible(page, `supervisor view ${width}×${height} ${lang}`);
      await page.screenshot({ path: `/tmp/shots-counter/supervisor-${width}x${height}-${lang}.png` });
    }
    await postJson(hall('/windows/5/resume'), clerk5);
    await postJson(hall('/windows/5/close'), clerk5);
  }, 40_000);

  it('alerts at once on a service nobody serves while people wait, a staffed window whose panel is closed, and a bad rating', async () => {
    const page = await openView('zhuren');
    const board = await newPage(1280, 720);
    await board.goto(`${t.url}/display?hall=demo&voice=0`);
    await expect.poll(() => page.getByTestId('alert-board-offline').count(), POLL).toBe(0);

    // Only window 8 serves 水费、天然气费缴纳, and it is closed.
    const ticket = ticketOf(await postJson(hall('/tickets'), admin, { serviceId: 'shoufei-shuiqi' }));
    const unserved = page.locator('[data-testid=alert-unserved][data-service=shoufei-shuiqi]');
    await expect.poll(() => unserved.innerText(), POLL).toBe('⚠ 水费、天然气费缴纳：1 人等候，没有开放的窗口办理');
    expect(await page.getByTestId('no-alerts').count()).toBe(0);

    // Opened without a panel (over the API): served now, but the clerk's panel is not open.
    const clerk8 = await t.login('clerk8');
    await postJson(hall('/windows/8/open'), clerk8);
    await expect.poll(() => unserved.count(), POLL).toBe(0);
    const panelAlert = page.locator('[data-testid=alert-panel-offline][data-window="8"]');
    await expect.poll(() => panelAlert.innerText(), POLL).toBe('⚠ 8号窗口由 黄磊 签到，但其呼叫器已离线');
    expect(await cell(page, '8', 'window-clerk')).toContain('呼叫器离线');
    // The clerk opens the counter panel: the alert goes; it comes back when the panel is closed.
    const panel = await newPage(1366, 768);
    await panel.goto(`${t.url}/counter?hall=demo`);
    await panel.locator('input[name=username]').fill('clerk8');
    await panel.locator('input[name=password]').fill(DEMO_PASSWORD);
    await panel.locator('button[type=submit]').click();
    await panel.getByTestId('panel').waitFor({ timeout: 5000 });
    await expect.poll(() => panelAlert.count(), POLL).toBe(0);
    expect(await cell(page, '8', 'window-clerk')).not.toContain('呼叫器离线');
    await panel.close();
    await expect.poll(() => panelAlert.count(), POLL).toBe(1);

    // A citizen gives 非常不满意: raised the moment it is given, until the supervisor dismisses it (a reload keeps it dismissed).
    await postJson(hall('/windows/8/call-next'), clerk8);
    await postJson(hall('/windows/8/finish'), clerk8, { outcome: 'completed' });
    const rated = await t.api('POST', '/api/halls/demo/ratings', { body: { ticketId: ticket.id, level: 1, reasons: ['服务态度差'] } });
    expect(rated.status).toBe(201);
    const bad = page.getByTestId('alert-bad-rating');
    await expect.poll(() => bad.innerText(), POLL).toContain(`差评：${ticket.number} 号（8号窗口）评价“非常不满意”`);
    await expectAccessible(page, 'supervisor view with a bad rating and a panel alert');
    await page.screenshot({ path: '/tmp/shots-counter/supervisor-alerts-1920x1080.png' });
    await page.getByRole('button', { name: `知道了：差评：${ticket.number} 号（8号窗口）评价“非常不满意”` }).click();
    await expect.poll(() => bad.count(), POLL).toBe(0);
    await page.reload();
    await page.getByTestId('log-entry').first().waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('log-entry').first().innerText(), POLL).toContain('非常不满意');
    expect(await bad.count()).toBe(0);

    // Window 8 signs out, nobody waits, the board is up, nothing printing is in trouble: now 「✓ 一切正常」.
    await postJson(hall('/windows/8/close'), clerk8);
    await expect.poll(() => page.getByTestId('no-alerts').innerText(), POLL).toBe('✓ 一切正常');
    await board.close();
  }, 40_000);

  it('tells a clerk that the view is for supervisors', async () => {
    const page = await openView('clerk1');
    const refusal = page.getByTestId('supervisors-only');
    expect(await refusal.getAttribute('role')).toBe('alert');
    expect(await refusal.innerText()).toContain('大厅监控仅供');
    expect(await page.getByTestId('supervisor').count()).toBe(0);
    expect(await page.getByRole('link', { name: '打开窗口呼叫器' }).getAttribute('href')).toBe('/counter?hall=demo');
  });

  it('speaks English with ?lang=en, with accessible names in English', async () => {
    const clerk = await t.login('clerk5');
    await postJson(hall('/windows/5/open'), clerk);
    await postJson(hall('/windows/5/pause'), clerk, { reason: 'meeting' });

    const page = await openView('zhuren', 'hall=demo&lang=en');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.title()).toContain('Supervisor view');
    expect(await page.getByRole('heading', { name: 'Windows', exact: true }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: /^Queues/ }).count()).toBe(1);
    expect(await page.getByRole('columnheader', { name: 'Current ticket' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: '中文' }).count()).toBe(1);
    await expect.poll(() => cell(page, '5', 'window-state'), POLL).toContain('Paused');
    expect(await cell(page, '5', 'window-state')).toContain('Meeting');
    await expect.poll(() => page.getByRole('log').getByTestId('log-entry').first().innerText(), POLL).toContain('paused Window 5: Meeting');
    expect(await page.getByTestId('alert-window-screen-offline').first().innerText()).toContain('window screen not connected');

    const clerkPage = await openView('clerk1', 'hall=demo&lang=en');
    expect(await clerkPage.getByTestId('supervisors-only').innerText()).toContain('The supervisor view is for supervisors');
    await postJson(hall('/windows/5/close'), clerk);
  });
});
