import { mkdirSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import type { SimulationResult, SuggestionResult } from '../../server/protocol/simulation.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { actOutDay, citizens, random } from '../helpers/scriptedDay.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

/**
 * The page 「排班模拟」 (/admin/simulation) in Chromium against the real server: yesterday morning is acted
 * out through the REST API on a clock the test sets (windows 1, 2 and 4; 36 citizens 09:00–11:00), then the
 * clock is let go and a supervisor replays the day as staffed and with one window fewer. What the page shows
 * must be the API's answer to the very request the page sent, with the replay-error line beside it.
 * Set HALLQ_SHOTS=/tmp/shots-sim to keep screenshots at 1366×768 and 1920×1080.
 */

const SHOTS = process.env.HALLQ_SHOTS;
/** A replay takes a worker thread a moment, longer on a loaded machine: waits are generous, never timed assertions. */
const POLL = { timeout: 15000, interval: 50 };
const ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;
const localDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(ms);
// Whatever the hour now, yesterday morning in the hall is over, and the page's default day is yesterday.
const TODAY = localDay(Date.now());
const DAY = new Date(Date.parse(`${TODAY}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const demoWindows = demoHallConfig().windows;
const windowLabel = (id: string) => {
  const window = demoWindows.find((candidate) => candidate.id === id)!;
  return `${window.number}号 ${window.name}`;
};
const oneDecimal = (value: number) => (Math.round(value * 10) / 10).toFixed(1);

const windowAction: Partial<Record<Command['type'], string>> = {
  'window.open': 'open',
  'window.close': 'close',
  'window.call-next': 'call-next',
  'window.start': 'start',
  'window.finish': 'finish',
};

describe.runIf(hasChromium())('排班模拟 in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();
  /** The server's clock while the morning is acted out; afterwards the real one. */
  let scripted: number | null = at('08:00');

  beforeAll(async () => {
    t = await startTestServer({ staffRequestLimitPerMinute: 100_000 }, { clock: () => scripted ?? Date.now() });
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    // Its own login (t.login caches), so the test's later calls get a token made on the real clock.
    const login = await t.api('POST', '/api/auth/login', { body: { username: 'zhuren', password: DEMO_PASSWORD }, ip: '10.200.0.1' });
    const token = login.body.token as string;
    const send = async (command: Command, time: number): Promise<unknown> => {
      scripted = time;
      const windowId = (command as { windowId?: string }).windowId;
      const res =
        command.type === 'ticket.issue'
          ? await t.api('POST', `/api/halls/${DEMO}/tickets`, { token, body: { serviceId: command.serviceId } })
          : await t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/${windowAction[command.type]}`, { token, body: command.type === 'window.finish' ? { outcome: 'completed' } : {} });
      if (res.status >= 300) return undefined;
      return command.type === 'ticket.issue' || command.type === 'window.call-next' ? { ticket: { id: res.body.id } } : res.body;
    };
    const tickets = citizens(random(2026), 36, at('09:00'), at('11:00'), ['minzheng-laonian-youdai', 'minzheng-dibao', 'laobao-jumin-yanglao'], 4, 12);
    await actOutDay(send, ['1', '2', '4'], tickets, [
      { windowId: '1', from: at('09:00'), to: at('12:30') },
      { windowId: '2', from: at('09:00'), to: at('12:30') },
      { windowId: '4', from: at('09:20'), to: at('10:40') },
    ]);
    scripted = null;
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function simulationPage(username: string, options: { lang?: 'en'; viewport?: { width: number; height: number } } = {}) {
    const page = await pages.open(browser, options.viewport ?? { width: 1366, height: 768 });
    const requests: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/simulations$/.test(new URL(request.url()).pathname)) requests.push(request);
    });
    // The apps' Content-Security-Policy allows no inline script or style: every violation is kept.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await page.goto(`${t.url}/admin/simulation?hall=demo${options.lang ? `&lang=${options.lang}` : ''}`);
    await page.getByLabel(options.lang ? 'User name' : '用户名').fill(username);
    await page.getByLabel(options.lang ? 'Password' : '密码').fill(username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD);
    await page.getByRole('button', { name: options.lang ? 'Sign in' : '登录' }).click();
    return { page, requests };
  }

  const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);

  /** The API's answer to the body the page sent with its latest run. */
  async function apiAnswerTo(request: Request): Promise<SimulationResult> {
    const res = await t.api('POST', `/api/halls/${DEMO}/simulations`, { token: await t.login('zhuren'), body: request.postDataJSON() });
    expect(res.status).toBe(200);
    return res.body as SimulationResult;
  }

  async function shownFigures(page: Page) {
    const figures = page.getByTestId('figures');
    const cell = (figure: string, side: 'actual' | 'simulated') => figures.locator(`tr[data-figure="${figure}"] td[data-side="${side}"]`).textContent();
    const names = ['meanWaitMinutes', 'p90WaitMinutes', 'maxWaitMinutes', 'served', 'overLimit', 'unserved'] as const;
    const read = async (side: 'actual' | 'simulated') => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await cell(name, side)] as const)));
    return { actual: await read('actual'), simulated: await read('simulated') };
  }

  const expected = (result: SimulationResult) => {
    const side = (figures: SimulationResult['actual']) => ({
      meanWaitMinutes: oneDecimal(figures.meanWaitMinutes),
      p90WaitMinutes: oneDecimal(figures.p90WaitMinutes),
      maxWaitMinutes: oneDecimal(figures.maxWaitMinutes),
      served: String(figures.served),
      overLimit: String(figures.overLimit),
      unserved: String(figures.unserved),
    });
    return { actual: side(result.actual), simulated: side(result.simulated) };
  };

  const cell = (page: Page, window: string, from: string, to: string) => page.getByRole('button', { name: `${window} ${from}–${to}`, exact: true });

  it('replays yesterday as staffed, then with one window fewer, showing the figures the API gives and the replay error beside them', async () => {
    const { page, requests } = await simulationPage('zhuren');
    const line = page.getByTestId('replay-line');
    await line.waitFor({ timeout: 15000 });
    expect(await page.getByTestId('simulation-day').inputValue()).toBe(DAY);

    // The first run: the day as staffed (no staffing sent), drawn service times.
    expect(requests).toHaveLength(1);
    expect(requests[0]!.postDataJSON()).toEqual({ day: DAY, serviceTimes: 'drawn' });
    const asStaffed = await apiAnswerTo(requests[0]!);
    expect(asStaffed.arrivals).toBe(36);
    expect(await shownFigures(page)).toEqual(expected(asStaffed));
    expect(asStaffed.replayError).toBeDefined();
    expect(await line.textContent()).toBe(
      `按实际排班回放：平均等候 ${oneDecimal(asStaffed.replayError!.meanWaitMinutes)} 分钟，实测 ${oneDecimal(asStaffed.replayError!.measuredMeanWaitMinutes)} 分钟（误差 ${oneDecimal(asStaffed.replayError!.meanErrorPercent)}%）`,
    );

    // The grid starts from the day's actual staffing, which the answer carries.
    expect(asStaffed.actualStaffing?.map((shift) => shift.windowId).sort()).toEqual(['1', '2', '4']);
    expect(await page.getByTestId('staffing-state').textContent()).toBe(`当前为 ${DAY} 的实际排班`);
    expect(await cell(page, '1号 综合受理窗口', '10:00', '10:30').getAttribute('aria-pressed')).toBe('true');
    expect(await cell(page, '4号 劳动保障窗口', '10:00', '10:30').getAttribute('aria-pressed')).toBe('true');
    expect(await cell(page, '4号 劳动保障窗口', '11:00', '11:30').getAttribute('aria-pressed')).toBe('false');
    expect(await cell(page, '3号 计生窗口', '10:00', '10:30').getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('busy').getByRole('row', { name: /^3号 计生窗口/ }).textContent()).toBe('3号 计生窗口——');
    await expect.poll(() => page.locator('.chart canvas').count(), POLL).toBe(1);
    await expectAccessible(page, 'the staffing simulation page');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/simulation-1366x768.png`, fullPage: true });

    // One window fewer in every half hour, then run: the page now sends its grid.
    await page.getByRole('button', { name: '每个时段少开一个窗口' }).click();
    expect(await page.getByTestId('staffing-state').textContent()).toBe('已修改排班');
    expect(await cell(page, '4号 劳动保障窗口', '10:00', '10:30').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('simulation-run').click();
    await expect.poll(() => requests.length, POLL).toBe(2);
    const sent = requests[1]!.postDataJSON();
    expect(sent.day).toBe(DAY);
    expect(sent.staffing.length).toBeGreaterThan(0);
    expect(sent.staffing.every((shift: { windowId: string }) => shift.windowId !== '4')).toBe(true);
    const fewer = await apiAnswerTo(requests[1]!);
    await expect.poll(async () => (await shownFigures(page)).simulated, POLL).toEqual(expected(fewer).simulated);
    expect(await shownFigures(page)).toEqual(expected(fewer));
    expect(fewer.simulated.meanWaitMinutes).toBeGreaterThan(asStaffed.simulated.meanWaitMinutes);
    // The replay-error line stays: the replay of the day as staffed, with the same drawn times.
    expect(await line.textContent()).toBe(
      `按实际排班回放：平均等候 ${oneDecimal(fewer.replayError!.meanWaitMinutes)} 分钟，实测 ${oneDecimal(fewer.replayError!.measuredMeanWaitMinutes)} 分钟（误差 ${oneDecimal(fewer.replayError!.meanErrorPercent)}%）`,
    );

    // A click and a drag on the grid: the drag paints the state the first cell took.
    await cell(page, '3号 计生窗口', '09:00', '09:30').click();
    expect(await cell(page, '3号 计生窗口', '09:00', '09:30').getAttribute('aria-pressed')).toBe('true');
    const from = await cell(page, '3号 计生窗口', '09:30', '10:00').boundingBox();
    const to = await cell(page, '3号 计生窗口', '10:30', '11:00').boundingBox();
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 8 });
    await page.mouse.up();
    for (const [start, end] of [['09:30', '10:00'], ['10:00', '10:30'], ['10:30', '11:00']] as const) {
      expect(await cell(page, '3号 计生窗口', start, end).getAttribute('aria-pressed')).toBe('true');
    }
    // From the keyboard: the grid is one tab stop, the arrows move among the cells, Space flips one.
    expect(await page.locator('[data-cell][tabindex="0"]').count()).toBe(1);
    await cell(page, '3号 计生窗口', '10:00', '10:30').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('3号 计生窗口 10:30–11:00');
    await page.keyboard.press('Space');
    expect(await cell(page, '3号 计生窗口', '10:30', '11:00').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await cell(page, '4号 劳动保障窗口', '10:30', '11:00').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-cell][tabindex="0"]').count()).toBe(1);
    expect(await violations(page)).toEqual([]);
  });

  it('sends the rules and the service-time mode it was given, and with recorded times the as-staffed replay is its own check', async () => {
    const { page, requests } = await simulationPage('zhuren');
    const line = page.getByTestId('replay-line');
    await line.waitFor({ timeout: 15000 });

    await page.getByLabel('按每张号票的实际时长').check();
    await page.getByRole('button', { name: '按实际排班回放' }).click();
    await expect.poll(() => requests.length, POLL).toBe(2);
    expect(requests[1]!.postDataJSON()).toEqual({ day: DAY, serviceTimes: 'recorded' });
    const recorded = await apiAnswerTo(requests[1]!);
    // The day as staffed with its own times is the replay itself: no replayError, the figures are the measured ones.
    expect(recorded.replayError).toBeUndefined();
    expect(recorded.simulated).toEqual(recorded.actual);
    const mean = oneDecimal(recorded.actual.meanWaitMinutes);
    await expect.poll(() => line.textContent(), POLL).toBe(`按实际排班回放：平均等候 ${mean} 分钟，实测 ${mean} 分钟（误差 0.0%）`);
    expect(await shownFigures(page)).toEqual(expected(recorded));

    // Window 4 no longer serves 老年人优待, a green-channel cap of 5, no wait boost.
    const elderly = demoHallConfig().services.find((service) => service.id === 'minzheng-laonian-youdai')!.name;
    const window4 = page.locator('details', { hasText: '4号 劳动保障窗口' });
    await window4.locator('summary').click();
    await window4.getByRole('checkbox', { name: elderly, exact: true }).uncheck();
    await page.getByTestId('priority-cap').fill('5');
    await page.getByLabel('等候超时优先').uncheck();
    await page.getByTestId('simulation-run').click();
    await expect.poll(() => requests.length, POLL).toBe(3);
    const sent = requests[2]!.postDataJSON();
    expect(sent.staffing).toBeUndefined(); // the grid was not touched: the day as staffed
    expect(sent.policy.priorityStreakCap).toBe(5);
    expect(sent.policy.boostAfterMinutes).toBeNull();
    expect(sent.policy.windows).toHaveLength(1);
    expect(sent.policy.windows[0].windowId).toBe('4');
    expect(sent.policy.windows[0].services.map((link: { serviceId: string }) => link.serviceId).sort()).toEqual(['laobao-jumin-yanglao', 'laobao-shiye-dengji']);
    const ruled = await apiAnswerTo(requests[2]!);
    await expect.poll(async () => (await shownFigures(page)).simulated, POLL).toEqual(expected(ruled).simulated);
    // Other rules, so the line tells the replay of the real day beside them: recorded times, exact.
    expect(ruled.replayError).toMatchObject({ meanErrorPercent: 0 });
    expect(await line.textContent()).toBe(`按实际排班回放：平均等候 ${mean} 分钟，实测 ${mean} 分钟（误差 0.0%）`);
  });

  it('lets an administrator of several halls pick the hall', async () => {
    const other = await t.createSecondHall();
    const { page } = await simulationPage('admin');
    await page.getByTestId('replay-line').waitFor({ timeout: 15000 });
    const picker = page.getByLabel('服务大厅');
    expect(await picker.locator('option').allTextContents()).toEqual(expect.arrayContaining(['青山镇便民服务中心', other.config.name]));
    await picker.selectOption(other.hallId);
    await page.waitForURL(new RegExp(`/admin/simulation\\?hall=${other.hallId}$`));
    // Nothing happened in that hall yesterday.
    await expect.poll(() => page.getByTestId('simulation-error').textContent(), POLL).toBe('所选日期没有可回放的取号记录，请换一个有人办事的日期。');
    expect(await page.getByTestId('hall-name').textContent()).toBe(other.config.name);
  });

  it('shows a refused run in the shared words: today is not a past day, a day without tickets has nothing to replay', async () => {
    const { page, requests } = await simulationPage('zhuren');
    await page.getByTestId('replay-line').waitFor({ timeout: 15000 });
    const before = await page.getByTestId('figures').textContent();
    const state = await t.stateJson();

    await page.getByTestId('simulation-day').fill(TODAY);
    await page.getByRole('button', { name: '按实际排班回放' }).click();
    const error = page.getByTestId('simulation-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('提交的内容不完整或格式不对，请检查后重试。（日期）');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations`, { token: await t.login('zhuren'), body: requests.at(-1)!.postDataJSON() }))).toBe('VALIDATION_FAILED');

    const empty = new Date(Date.parse(`${DAY}T00:00:00Z`) - 14 * DAY_MS).toISOString().slice(0, 10);
    await page.getByTestId('simulation-day').fill(empty);
    await page.getByRole('button', { name: '按实际排班回放' }).click();
    await expect.poll(() => error.textContent(), POLL).toBe('所选日期没有可回放的取号记录，请换一个有人办事的日期。');
    // The last good result stays as it was, and the hall is untouched.
    expect(await page.getByTestId('figures').textContent()).toBe(before);
    expect(await t.stateJson()).toBe(state);
  });

  it('suggests a staffing for the next same weekday from yesterday and loads it into the grid', async () => {
    const { page } = await simulationPage('zhuren', { viewport: { width: 1920, height: 1080 } });
    await page.getByTestId('replay-line').waitFor({ timeout: 15000 });
    const nextWeek = new Date(Date.parse(`${DAY}T00:00:00Z`) + 7 * DAY_MS).toISOString().slice(0, 10);
    await page.getByTestId('suggestion-day').fill(nextWeek);
    await page.getByLabel('P90上限(分钟)').fill('10');
    await page.getByRole('button', { name: '计算建议' }).click();
    const slots = page.getByTestId('suggestion-slots');
    await slots.waitFor({ timeout: 30000 });
    const api = (await t.api('POST', `/api/halls/${DEMO}/simulations/suggestion`, { token: await t.login('zhuren'), body: { day: nextWeek, weeks: 4, p90LimitMinutes: 10 } })).body as SuggestionResult;
    expect(api.basedOn).toEqual([DAY]);
    console.info(`suggestion for ${nextWeek} from ${DAY}: ${api.slots.map((slot) => `${slot.from} ${slot.windows}`).join(', ')}; check ${JSON.stringify(api.check)}`);
    expect(await slots.locator('tbody tr').count()).toBe(api.slots.length);
    expect(await slots.locator('tbody tr').first().textContent()).toBe(`${api.slots[0]!.from}–${api.slots[0]!.to}${api.slots[0]!.windows}${api.slots[0]!.windowIds.map(windowLabel).join('、')}`);
    expect(await page.getByTestId('suggestion-check').locator('tbody tr').first().textContent()).toBe(`${DAY}${oneDecimal(api.check[0]!.p90WaitMinutes)}${oneDecimal(api.check[0]!.meanWaitMinutes)}达标`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/simulation-suggestion-1920x1080.png`, fullPage: true });

    await page.getByTestId('load-suggestion').click();
    expect(await page.getByTestId('staffing-state').textContent()).toBe('已修改排班');
    // Each half hour the suggestion staffs has its number of windows open in the grid (the grid widens to them).
    const counts = await page.getByTestId('open-count').allTextContents();
    const heads = await page.locator('.grid thead th.time').allTextContents();
    expect(api.slots.some((slot) => slot.windows > 0)).toBe(true);
    for (const slot of api.slots.filter((staffed) => staffed.windows > 0)) expect([slot.from, counts[heads.indexOf(slot.from)]]).toEqual([slot.from, String(slot.windows)]);
    await expectAccessible(page, 'the staffing simulation page with a suggestion');
  });

  it('is in English with ?lang=en, the replay-error line too', async () => {
    const { page, requests } = await simulationPage('zhuren', { lang: 'en' });
    const line = page.getByTestId('replay-line');
    await line.waitFor({ timeout: 15000 });
    const result = await apiAnswerTo(requests[0]!);
    expect(await line.textContent()).toBe(
      `Replay of the real day: mean wait ${oneDecimal(result.replayError!.meanWaitMinutes)} min against ${oneDecimal(result.replayError!.measuredMeanWaitMinutes)} min measured (error ${oneDecimal(result.replayError!.meanErrorPercent)}%)`,
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Staffing simulation');
    expect(await page.locator('main').textContent()).not.toMatch(/排班|回放|窗口数/);
    await expectAccessible(page, 'the English staffing simulation page');
  });

  it('refuses a clerk, as the server does', async () => {
    const { page } = await simulationPage('clerk1');
    await page.getByTestId('refused').waitFor({ timeout: 15000 });
    expect(await page.getByTestId('refused').textContent()).toBe('只有管理员和值班主任可以使用排班模拟。');
    expect(await page.getByTestId('replay-line').count()).toBe(0);
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations`, { token: await t.login('clerk1'), body: { day: DAY } }))).toBe('FORBIDDEN');
  });

  it('is reached from the admin page and the reports', async () => {
    const { page } = await simulationPage('zhuren');
    await page.getByTestId('replay-line').waitFor({ timeout: 15000 });
    await page.getByRole('link', { name: '返回管理' }).click();
    await page.getByTestId('to-simulation').click();
    await page.waitForURL(/\/admin\/simulation\?hall=demo$/);
    await page.getByRole('link', { name: '统计报表' }).click();
    await page.getByTestId('reports-to-simulation').click();
    await page.waitForURL(/\/admin\/simulation\?hall=demo$/);
    await page.getByTestId('replay-line').waitFor({ timeout: 15000 });
    expect(await violations(page)).toEqual([]);
  });
});
