import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, staffEvents, ticketOf, windowScreenUrl } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

/**
 * The clerk panel (counter/, /counter) in a real Chromium against a real
 * server: what a window clerk does all day, with the mouse and with F1–F4,
 * checked both on the page and in the hall's event log; two panels racing on
 * one queue; what a clerk may not do (another clerk's window, another hall).
 *
 * Each test of the first suite uses its own windows and services of the demo
 * hall, so the tests do not pick each other's tickets. Every page sends its
 * own X-Forwarded-For (the test server trusts it), so the per-address login
 * limit (10 a minute) never gets in the way.
 */

const POLL = { timeout: 5000, interval: 50 };

interface Harness {
  t: TestServer;
  browser: Browser;
  admin: string;
}

function helpers(h: () => Harness) {
  const pages = new TestPages();
  const hall = (path: string, hallId = 'demo') => `${h().t.url}/api/halls/${hallId}${path}`;

  async function newPage(): Promise<Page> {
    return pages.open(h().browser, { width: 1366, height: 768 });
  }

  async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('button[type=submit]').click();
  }

  /** A panel page, logged in; it shows the window list (or the panel of a window the user holds). */
  async function openPanel(username: string, query = 'hall=demo'): Promise<Page> {
    const page = await newPage();
    await page.goto(`${h().t.url}/counter?${query}`);
    await login(page, username);
    await page.locator('main.picker, main.panel, [data-testid=refused]').first().waitFor({ timeout: 5000 });
    return page;
  }

  /** Signs in at window N from the window list and waits for the panel, connected. */
  async function signIn(page: Page, windowNumber: number): Promise<void> {
    await page.getByRole('button', { name: `签到 ${windowNumber}号窗口` }).click();
    await page.getByTestId('panel').waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('connection').getAttribute('class'), POLL).not.toMatch(/offline/);
  }

  /** The words that say why a panel action is disabled (its accessible description). */
  async function reasonOf(page: Page, action: string): Promise<string> {
    const id = await page.getByTestId(`action-${action}`).getAttribute('aria-describedby');
    return id ? ((await page.locator(`#${id}`).textContent()) ?? '').trim() : '';
  }

  /** Socket.IO commands the page sends (`42<ack id>["window:…",{…}]` frames), decoded. */
  function recordCommands(page: Page): Array<{ event: string; payload: Record<string, any> }> {
    const sent: Array<{ event: string; payload: Record<string, any> }> = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const match = typeof payload === 'string' ? /^42\d*(\[.*\])$/s.exec(payload) : null;
        if (!match) return;
        const [event, body] = JSON.parse(match[1]!) as [string, Record<string, any>];
        if (event.startsWith('window:')) sent.push({ event, payload: body });
      }),
    );
    return sent;
  }

  const message = (page: Page) => page.getByTestId('message').textContent();
  const current = (page: Page) => page.getByTestId('current-number').textContent();
  const issue = async (serviceId: string, body: Record<string, unknown> = {}) =>
    ticketOf(await postJson(hall('/tickets'), h().admin, { serviceId, ...body }));
  const events = async () => staffEvents(h().t.url, h().admin);

  async function closeAll(): Promise<void> {
    await pages.closeAll();
  }

  return { hall, newPage, login, openPanel, signIn, reasonOf, recordCommands, message, current, issue, events, closeAll };
}

describe.runIf(hasChromium())('counter panel in Chromium', () => {
  let harness: Harness;
  const h = helpers(() => harness);
  const { hall, newPage, login, openPanel, signIn, reasonOf, recordCommands, message, current, issue, events } = h;

  beforeAll(async () => {
    const t = await startTestServer();
    harness = { t, browser: await launchChromium(), admin: await t.login('admin') };
  });
  afterEach(() => h.closeAll());
  afterAll(async () => {
    await harness?.browser.close();
    await harness?.t.close();
  });

  it('logs in, signs in at a window, calls, recalls (count shown), starts and finishes with an outcome and case number, then signs out', async () => {
    const first = await issue('jisheng-shengyu-dengji');
    const second = await issue('jisheng-shengyu-dengji', { priority: true });

    const page = await newPage();
    const commands = recordCommands(page);
    await page.goto(`${harness.t.url}/counter?hall=demo`);
    expect(await page.locator('h1').innerText()).toContain('窗口呼叫器');
    await login(page, 'clerk3', 'wrong-password');
    await expect.poll(() => page.getByTestId('login-error').textContent(), POLL).toBe('用户名或密码错误。');
    await login(page, 'clerk3');
    await page.locator('main.picker').waitFor();
    expect(await page.getByTestId('user-name').textContent()).toContain('陈静');
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toContain('hallq.counter.session');
    await signIn(page, 3);

    // Nothing current: the ticket actions are off, and say why.
    expect(await page.getByTestId('current-none').textContent()).toBe('当前没有正在办理的号票');
    for (const action of ['recall', 'start', 'finish', 'no-show', 'transfer']) {
      expect(await page.getByTestId(`action-${action}`).isDisabled()).toBe(true);
      expect(await reasonOf(page, action)).toBe('当前没有正在办理的号票');
    }
    // The queue shows both, the green-channel ticket first.
    await expect.poll(() => page.getByTestId('queue-jisheng-shengyu-dengji').getByTestId('queue-count').textContent(), POLL).toBe('2 人等候');

    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(second.number);
    expect(await page.getByTestId('call-reason').textContent()).toBe('绿色通道');
    expect(await page.getByTestId('flag-priority').textContent()).toBe('绿色通道');
    expect(await page.getByTestId('current-service').textContent()).toBe('生育服务登记');
    expect(await page.getByTestId('current-status').textContent()).toContain('已叫号');
    expect(await message(page)).toBe(`已叫 ${second.number} 号`);

    await page.getByRole('button', { name: '重呼' }).click();
    await expect.poll(() => page.getByTestId('recall-count').textContent(), POLL).toBe('1 次');
    await page.getByRole('button', { name: '重呼' }).click();
    await expect.poll(() => page.getByTestId('recall-count').textContent(), POLL).toBe('2 次');
    expect(await message(page)).toBe(`已重呼 ${second.number} 号（第 2 次）`);

    await page.getByRole('button', { name: '开始办理' }).click();
    await expect.poll(() => page.getByTestId('current-status').textContent(), POLL).toBe('正在办理');
    expect(await page.getByTestId('action-recall').isDisabled()).toBe(true);
    expect(await reasonOf(page, 'recall')).toBe('已开始办理');
    expect(await reasonOf(page, 'no-show')).toBe('已开始办理');

    // Signing out with a ticket at the window is refused, in plain words.
    await page.getByRole('button', { name: '签退窗口' }).click();
    await expect.poll(() => message(page), POLL).toBe('请先办结、转移或过号当前号票，再签退窗口。');
    expect(await page.getByRole('alert').first().textContent()).toContain('请先办结');

    await page.getByRole('radio', { name: '受理', exact: true }).check();
    await page.getByLabel('办件编号（选填）').fill('QS-2026-000777');
    await page.getByRole('button', { name: '办结' }).click();
    await page.getByTestId('current-none').waitFor({ timeout: 5000 });
    expect(await message(page)).toBe(`${second.number} 号已处理：受理`);
    // The form is back to its default for the next citizen.
    expect(await page.getByRole('radio', { name: '办结' }).isChecked()).toBe(true);
    expect(await page.getByLabel('办件编号（选填）').inputValue()).toBe('');

    const log = await events();
    const recalls = log.filter((event) => event.type === 'ticket:recalled' && event.ticket.id === second.id);
    expect(recalls.map((event) => event.recallCount)).toEqual([1, 2]);
    const finished = log.filter((event) => event.type === 'ticket:finished' && event.ticket.id === second.id);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ outcome: 'accepted', caseNumber: 'QS-2026-000777', automatic: false, windowId: '3' });
    // Every command went out with its own request id (the idempotency key).
    const ids = commands.map((command) => command.payload.requestId);
    expect(commands.map((command) => command.event)).toEqual([
      'window:open', 'window:call-next', 'window:recall', 'window:recall', 'window:start', 'window:close', 'window:finish',
    ]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);

    await page.getByRole('button', { name: '签退窗口' }).click();
    await page.locator('main.picker').waitFor({ timeout: 5000 });
    expect((await harness.t.api('GET', '/api/halls/demo/staff-view', { token: harness.admin })).body.windowsRuntime['3'].status).toBe('closed');
    // The first ticket still waits; nothing else happened to it.
    expect((await harness.t.api('GET', `/api/tickets/${first.id}`)).body.status).toBe('waiting');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.locator('input[name=username]').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hallq.counter.session'))).toBeNull();
  }, 30_000);

  it('marks a no-show, transfers with a note, requeues the no-show, and calls a chosen ticket after confirming (audited)', async () => {
    const [x1, x2, x3, x4] = [
      await issue('laobao-shiye-dengji'),
      await issue('laobao-shiye-dengji'),
      await issue('laobao-shiye-dengji'),
      await issue('laobao-shiye-dengji'),
    ];
    // Window 1 (综合受理, serves everything) is the transfer target; the admin holds it and calls nothing here.
    await postJson(hall('/windows/1/open'), harness.admin);
    const page = await openPanel('clerk4');
    await signIn(page, 4);

    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(x1!.number);
    await page.getByRole('button', { name: '过号' }).click();
    // No confirmation: the no-show waits out its undo time, then goes.
    await page.getByTestId('noshow-pending').waitFor();
    await page.getByTestId('current-none').waitFor({ timeout: 10_000 });
    expect(await message(page)).toBe(`${x1!.number} 号已过号`);
    await page.getByTestId(`noshow-${x1!.number}`).waitFor();

    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(x2!.number);
    await page.getByRole('button', { name: '转移…' }).click();
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.waitFor();
    expect(await page.getByRole('dialog').getAttribute('aria-labelledby')).toBeTruthy();
    expect(await page.getByRole('heading', { name: `转移 ${x2!.number} 号` }).count()).toBe(1);
    // Nothing chosen yet: the transfer cannot be sent, and the dialog says why.
    expect(await dialog.getByRole('button', { name: '确认转移' }).isDisabled()).toBe(true);
    expect(await dialog.textContent()).toContain('请选择其他业务或指定一个已开放的窗口。');
    // Only open windows that serve the service are offered.
    const offered = await dialog.getByLabel('转到窗口').locator('option').allTextContents();
    expect(offered.some((text) => text.startsWith('1号窗口'))).toBe(true);
    expect(offered.some((text) => text.startsWith('3号窗口'))).toBe(false);
    await dialog.getByLabel('转到窗口').selectOption('1');
    await dialog.getByLabel('转办说明（选填，最多200字）').fill('需先到综合窗口补交材料');
    await dialog.getByRole('button', { name: '确认转移' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    await page.getByTestId('current-none').waitFor();
    expect(await message(page)).toBe(`${x2!.number} 号已转移`);
    // It waits for window 1 now: listed, but not callable here.
    const transferred = page.getByTestId(`waiting-${x2!.number}`);
    await transferred.waitFor();
    expect(await transferred.textContent()).toContain('已转至1号窗口');
    expect(await transferred.getByRole('button').isDisabled()).toBe(true);

    // Requeue the no-show right at the front (behind 0 people).
    await page.getByTestId('requeue-after').fill('0');
    await page.getByRole('button', { name: `${x1!.number} 重新排队` }).click();
    await page.getByTestId(`noshow-${x1!.number}`).waitFor({ state: 'detached', timeout: 5000 });
    await page.getByTestId(`waiting-${x1!.number}`).waitFor();
    expect(await message(page)).toBe(`${x1!.number} 号已重新排队`);

    // Call x4 out of order: a confirmation first (cancel does nothing), then the audited call.
    await page.getByRole('button', { name: `叫此号 ${x4!.number}` }).click();
    await page.getByTestId('call-dialog').waitFor();
    expect(await page.getByTestId('call-dialog').textContent()).toContain('审计');
    await page.getByTestId('call-dialog').getByRole('button', { name: '取消' }).click();
    await page.getByTestId('call-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('current-none').count()).toBe(1);
    await page.getByRole('button', { name: `叫此号 ${x4!.number}` }).click();
    await page.getByTestId('call-dialog').getByRole('button', { name: `叫 ${x4!.number} 号` }).click();
    await expect.poll(() => current(page), POLL).toBe(x4!.number);
    expect(await page.getByTestId('call-reason').textContent()).toBe('指定叫号');

    const log = await events();
    const noShow = log.find((event) => event.type === 'ticket:no-show' && event.ticket.id === x1!.id);
    expect(noShow).toMatchObject({ windowId: '4' });
    const transfer = log.find((event) => event.type === 'ticket:transferred' && event.ticket.id === x2!.id);
    expect(transfer).toMatchObject({ fromWindowId: '4', toWindowId: '1', note: '需先到综合窗口补交材料' });
    const requeue = log.find((event) => event.type === 'ticket:requeued' && event.ticket.id === x1!.id);
    expect(requeue).toMatchObject({ after: 0 });
    const manual = log.find((event) => event.type === 'ticket:called' && event.ticket.id === x4!.id);
    expect(manual).toMatchObject({ windowId: '4', outOfOrder: true, reason: 'manual' });
    // x3 was never touched; window 1 gets x2 first (transferred in).
    expect((await harness.t.api('GET', `/api/tickets/${x3!.id}`)).body.status).toBe('waiting');
    const atOne = await postJson(hall('/windows/1/call-next'), harness.admin);
    expect(atOne).toMatchObject({ id: x2!.id, callReason: 'transfer' });
  }, 30_000);

  it('pauses with a reason while the board shows it, and resumes; the device alarms follow the screens live', async () => {
    const board = await newPage();
    await board.goto(`${harness.t.url}/display?hall=demo&voice=0`);
    await board.locator('main').first().waitFor();
    const page = await openPanel('clerk6');
    await signIn(page, 6);

    // The board is connected; window 6's screen is not, until it is opened.
    await page.getByTestId('alarm-window-screen-offline').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('alarm-window-screen-offline').textContent()).toContain('6号窗口评价屏未连接');
    expect(await page.getByTestId('alarm-board-offline').count()).toBe(0);
    const screen = await newPage();
    await screen.goto(await windowScreenUrl(harness.t, '6'));
    await page.getByTestId('devices-ok').waitFor({ timeout: 5000 });
    await screen.close();
    await page.getByTestId('alarm-window-screen-offline').waitFor({ timeout: 5000 });

    await page.getByRole('button', { name: '暂停服务…' }).click();
    const dialog = page.getByTestId('pause-dialog');
    await dialog.getByRole('radio', { name: '午休' }).check();
    await dialog.getByLabel('说明（选填，大厅屏上显示，最多100字）').fill('13:30 回来');
    await dialog.getByRole('button', { name: '暂停服务' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });

    await expect.poll(() => board.getByTestId('window-6').getAttribute('data-status'), POLL).toBe('paused');
    expect(await board.getByTestId('pause-6').textContent()).toContain('午休');
    await expect.poll(() => page.getByTestId('window-status').textContent(), POLL).toContain('午休');
    expect(await page.getByTestId('window-status').textContent()).toContain('13:30 回来');
    expect(await page.getByTestId('action-call-next').isDisabled()).toBe(true);
    expect(await reasonOf(page, 'call-next')).toBe('窗口暂停中，请先恢复服务');
    await page.keyboard.press('F1');
    await expect.poll(() => message(page), POLL).toBe('窗口暂停中，请先恢复服务');

    await page.getByRole('button', { name: '恢复服务' }).click();
    await expect.poll(() => board.getByTestId('window-6').getAttribute('data-status'), POLL).toBe('open');
    await expect.poll(() => page.getByTestId('window-status').textContent(), POLL).toBe('服务中');
    expect(await message(page)).toBe('已恢复服务');
    const log = await events();
    expect(log.filter((event) => event.windowId === '6' && event.type.startsWith('window:')).map((event) => event.type)).toEqual([
      'window:opened',
      'window:paused',
      'window:resumed',
    ]);
    expect(log.find((event) => event.type === 'window:paused' && event.windowId === '6')).toMatchObject({ reason: 'lunch', note: '13:30 回来' });
  }, 30_000);

  it('works with F1–F4 (shown on screen), and a double click or a held key never calls twice', async () => {
    const tickets: Array<{ id: string; number: string }> = [];
    for (let i = 0; i < 5; i++) tickets.push(await issue('nongye-linmu-caifa'));
    const page = await openPanel('clerk7');
    await signIn(page, 7);
    const legend = await page.locator('footer.shortcuts').innerText();
    for (const words of ['F1', '叫号', 'F2', '重呼', 'F3', '办结', 'F4', '过号']) expect(legend).toContain(words);
    expect(await page.getByRole('button', { name: '叫号', exact: true }).getAttribute('aria-keyshortcuts')).toBe('F1');

    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(tickets[0]!.number);
    await page.keyboard.press('F2');
    await expect.poll(() => page.getByTestId('recall-count').textContent(), POLL).toBe('1 次');
    // F4 then F1 at once: the no-show is sent without waiting for its undo time, then the next is called.
    await page.keyboard.press('F4');
    await page.getByTestId('noshow-pending').waitFor();
    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(tickets[1]!.number);
    await page.getByTestId(`noshow-${tickets[0]!.number}`).waitFor();
    expect(await page.getByTestId('noshow-pending').count()).toBe(0);
    await page.keyboard.press('F3');
    await page.getByTestId('current-none').waitFor({ timeout: 5000 });
    expect(await message(page)).toBe(`${tickets[1]!.number} 号已办结`);
    await page.keyboard.press('F3');
    await expect.poll(() => message(page), POLL).toBe('当前没有正在办理的号票');

    // A double click on 叫号 calls one ticket; so does F1 held down (key repeat) or pressed twice at once.
    await page.getByRole('button', { name: '叫号', exact: true }).dblclick();
    await expect.poll(() => current(page), POLL).toBe(tickets[2]!.number);
    // With an outcome chosen, 叫号 finishes the open ticket with it first (call-next alone would say "completed").
    await page.getByRole('radio', { name: '咨询' }).check();
    expect(await reasonOf(page, 'call-next')).toBe(`将先以“咨询”结束 ${tickets[2]!.number}，再叫下一位`);
    await page.keyboard.down('F1');
    await page.keyboard.down('F1');
    await page.keyboard.up('F1');
    await expect.poll(() => current(page), POLL).toBe(tickets[3]!.number);
    await page.waitForTimeout(400);
    const calls = (await events()).filter((event) => event.type === 'ticket:called' && event.windowId === '7');
    expect(calls.map((event) => event.ticket.number)).toEqual([tickets[0]!.number, tickets[1]!.number, tickets[2]!.number, tickets[3]!.number]);
    expect(await current(page)).toBe(tickets[3]!.number);
    expect((await harness.t.api('GET', `/api/tickets/${tickets[4]!.id}`)).body.status).toBe('waiting');
    const finishedThird = (await events()).filter((event) => event.type === 'ticket:finished' && event.ticket.id === tickets[2]!.id);
    expect(finishedThird).toHaveLength(1);
    expect(finishedThird[0]).toMatchObject({ outcome: 'consulted', automatic: false });
  }, 30_000);

  it("refuses another clerk's window: the UI offers only the A/B take-over, the taken-over panel is disabled, and the API answers WINDOW_NOT_HELD", async () => {
    await issue('shoufei-shuiqi');
    await issue('shoufei-shuiqi');
    const owner = await openPanel('clerk8');
    await signIn(owner, 8);
    await owner.keyboard.press('F1');
    await owner.getByTestId('current-number').waitFor();

    // The API refuses a clerk acting on a window someone else holds.
    const clerk1 = await harness.t.login('clerk1');
    const refused = await harness.t.api('POST', '/api/halls/demo/windows/8/call-next', { token: clerk1, body: {} });
    expect(refused.status).toBe(403);
    expect(errorCodeOf(refused)).toBe('WINDOW_NOT_HELD');

    // Another clerk sees window 8 as staffed: no sign-in, no entry, only the take-over, after a confirmation.
    const other = await openPanel('clerk2');
    const card = other.getByTestId('pick-8');
    expect(await card.textContent()).toContain('黄磊 值守');
    expect(await card.getByRole('button', { name: '签到 8号窗口' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: '进入 8号窗口' }).count()).toBe(0);
    await card.getByRole('button', { name: 'AB岗接管 8号窗口' }).click();
    const dialog = other.getByTestId('takeover-dialog');
    expect(await dialog.textContent()).toContain('黄磊');
    await dialog.getByRole('button', { name: 'AB岗接管' }).click();
    await other.getByTestId('panel').waitFor({ timeout: 5000 });
    expect(await other.getByTestId('panel-window').textContent()).toBe('8号窗口');
    // The current ticket carried over.
    expect(await current(other)).toBe(await current(owner));

    // The first clerk's panel turns itself off, says why, and F1 does nothing.
    await expect.poll(() => owner.getByTestId('banner').textContent(), POLL).toContain('李娜');
    for (const action of ['call-next', 'recall', 'finish', 'no-show', 'pause', 'close']) {
      expect(await owner.getByTestId(`action-${action}`).isDisabled()).toBe(true);
    }
    expect(await reasonOf(owner, 'call-next')).toBe('本窗口已由 李娜 接管');
    const before = (await events()).length;
    await owner.keyboard.press('F1');
    await expect.poll(() => message(owner), POLL).toBe('本窗口已由 李娜 接管');
    expect((await events()).length).toBe(before);
    const clerk8 = await harness.t.login('clerk8');
    const stale = await harness.t.api('POST', '/api/halls/demo/windows/8/call-next', { token: clerk8, body: {} });
    expect(errorCodeOf(stale)).toBe('WINDOW_NOT_HELD');
  }, 30_000);

  it('refuses another hall: the panel says so in plain words and the API answers FORBIDDEN', async () => {
    const second = await harness.t.createSecondHall();
    const outsider = await openPanel('clerk1', `hall=${second.hallId}`);
    await outsider.getByTestId('refused').waitFor();
    expect(await outsider.getByTestId('refused').textContent()).toBe('您的账号不属于这个服务大厅，不能在这里操作。');
    expect(await outsider.getByRole('button', { name: /签到/ }).count()).toBe(0);
    const clerk1 = await harness.t.login('clerk1');
    const open = await harness.t.api('POST', `/api/halls/${second.hallId}/windows/${second.windowId('1')}/open`, { token: clerk1, body: {} });
    expect(open.status).toBe(403);
    expect(errorCodeOf(open)).toBe('FORBIDDEN');
    const view = await harness.t.api('GET', `/api/halls/${second.hallId}/staff-view`, { token: clerk1 });
    expect(errorCodeOf(view)).toBe('FORBIDDEN');

    // That hall's own clerk works there, and is refused here.
    const page = await newPage();
    await page.goto(`${harness.t.url}/counter?hall=${second.hallId}`);
    await login(page, second.clerkUsername, second.clerkPassword);
    await page.locator('main.picker').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('hall-name').textContent()).toBe('白石乡便民服务中心');
    await signIn(page, 1);
    expect(await page.getByTestId('panel').getAttribute('data-window')).toBe(second.windowId('1'));
    const home = await newPage();
    await home.goto(`${harness.t.url}/counter?hall=demo`);
    await login(home, second.clerkUsername, second.clerkPassword);
    await home.getByTestId('refused').waitFor({ timeout: 5000 });
  }, 30_000);

  it('?lang=en switches the language; buttons have accessible names in it', async () => {
    const page = await newPage();
    await page.goto(`${harness.t.url}/counter?hall=demo&lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Counter panel');
    expect(await page.getByLabel('User name').count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    await login(page, 'zhuren');
    await page.getByRole('button', { name: 'Sign in here Window 2' }).click();
    await page.getByTestId('panel').waitFor({ timeout: 5000 });
    for (const name of ['Call next', 'Recall', 'Start service', 'Finish', 'No-show', 'Transfer…', 'Pause…', 'Sign out of window', 'Log out']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    for (const name of ['Completed', 'Accepted', 'Rejected', 'Enquiry']) expect(await page.getByRole('radio', { name, exact: true }).count(), name).toBe(1);
    expect(await page.getByLabel('Case number (optional)').count()).toBe(1);
    expect(await reasonOf(page, 'finish')).toBe('No ticket is being served');
    expect(await page.locator('footer.shortcuts').innerText()).toContain('Call next');
    await page.keyboard.press('F3');
    await expect.poll(() => message(page), POLL).toBe('No ticket is being served');

    const ticket = await issue('minzheng-dibao');
    await page.getByRole('button', { name: 'Call next', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(ticket.number);
    expect(await page.getByTestId('call-reason').textContent()).toBe('Queue order');
    expect(await page.getByTestId('current-service').textContent()).toBe('Minimum living allowance (dibao) application');
    expect(await message(page)).toBe(`Called ${ticket.number}`);
    // A refusal from the server, in English words.
    await page.getByRole('button', { name: 'Sign out of window' }).click();
    await expect.poll(() => message(page), POLL).toBe('Finish, transfer or mark the current ticket as no-show before signing out.');
    await page.getByRole('button', { name: 'Pause…' }).click();
    const dialog = page.getByTestId('pause-dialog');
    for (const name of ['Away', 'Lunch break', 'Meeting', 'Other']) expect(await dialog.getByRole('radio', { name }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Pause the window' }).count()).toBe(1);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Finish', exact: true }).click();
    await page.getByTestId('current-none').waitFor({ timeout: 5000 });
  }, 30_000);
});

describe.runIf(hasChromium())('two counter panels racing on one queue', () => {
  let harness: Harness;
  const h = helpers(() => harness);

  beforeAll(async () => {
    const t = await startTestServer();
    harness = { t, browser: await launchChromium(), admin: await t.login('admin') };
  });
  afterAll(async () => {
    await h.closeAll();
    await harness?.browser.close();
    await harness?.t.close();
  });

  it('never call the same ticket twice nor skip one, with double clicks on both sides', async () => {
    // Windows 1 (综合受理) and 2 (民政) both serve 低保; only 低保 tickets wait.
    const issued: Array<{ id: string; number: string }> = [];
    for (let i = 0; i < 10; i++) issued.push(await h.issue('minzheng-dibao'));
    const a = await h.openPanel('clerk1');
    const b = await h.openPanel('clerk2');
    await h.signIn(a, 1);
    await h.signIn(b, 2);
    await expect.poll(() => a.getByTestId('queue-minzheng-dibao').getByTestId('queue-count').textContent(), POLL).toBe('10 人等候');

    // Both panels at once double-click 叫号 as fast as their buttons allow, until nobody waits.
    const mash = async (page: Page) => {
      const button = page.getByRole('button', { name: '叫号', exact: true });
      // The citizen at the window was called, never started: 叫号 asks whether they came; they did (办结, F1).
      const served = page.getByTestId('arrived-yes');
      let round = 0;
      for (let step = 0; step < 40; step++) {
        await expect
          .poll(async () => (await served.isVisible()) || (await button.isEnabled()) || (await h.reasonOf(page, 'call-next')) === '当前没有等候的群众', POLL)
          .toBe(true);
        if (await served.isVisible()) {
          await served.dblclick({ timeout: 1000 }).catch(() => undefined);
          continue;
        }
        if (!(await button.isEnabled())) return round;
        round++;
        await button.dblclick({ timeout: 1000 }).catch(() => undefined);
      }
      return round;
    };
    const rounds = await Promise.all([mash(a), mash(b)]);
    expect(rounds[0] + rounds[1]).toBeGreaterThanOrEqual(10);
    for (const page of [a, b]) {
      await expect.poll(() => h.reasonOf(page, 'call-next'), POLL).toBe('当前没有等候的群众');
    }

    const calls = (await h.events()).filter((event) => event.type === 'ticket:called');
    // Every ticket called exactly once, in queue order (seq order = issue order): nobody skipped, nobody twice.
    expect(calls.map((event) => event.ticket.id)).toEqual(issued.map((ticket) => ticket.id));
    const byWindow = (windowId: string) => calls.filter((event) => event.windowId === windowId).length;
    expect(byWindow('1') + byWindow('2')).toBe(10);
    expect(byWindow('1')).toBeGreaterThan(0);
    expect(byWindow('2')).toBeGreaterThan(0);
    // Each panel shows the last ticket it called.
    const last = (windowId: string) => calls.filter((event) => event.windowId === windowId).at(-1)!.ticket.number;
    await expect.poll(() => h.current(a), POLL).toBe(last('1'));
    await expect.poll(() => h.current(b), POLL).toBe(last('2'));
    // The two windows' calls never overlap in tickets, and every call but the first at a window finished the one before.
    const finished = (await h.events()).filter((event) => event.type === 'ticket:finished');
    expect(finished.every((event) => event.automatic === true && event.outcome === 'completed')).toBe(true);
    expect(finished).toHaveLength(8);
  }, 40_000);
});
