import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';
import {
  expectedEnCall,
  expectedZhCall,
  installFakeSpeech,
  postJson,
  readFakeSpeech,
  readPaints,
  setVoiceSources,
  staffEvents,
  ticketOf,
} from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The hall board and the window screen (display/) in a real Chromium, against
 * a real server: what a citizen sees and hears when a clerk calls, pauses,
 * finishes; a burst of calls is said in order without cutting anything off;
 * a browser that blocks sound asks for one tap; the rating on the window
 * screen is stored; the board rides through a kill -9 of the server.
 *
 * Each test uses its own windows and services of the demo hall, so the tests
 * do not pick each other's tickets.
 */

const POLL = { timeout: 5000, interval: 50 };

describe.runIf(hasChromium())('display board and window screen in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;
  const issue = async (serviceId: string) => ticketOf(await postJson(hall('/tickets'), admin, { serviceId }));
  const windowAction = (windowId: string, action: string, body: unknown = {}, token = admin) =>
    postJson(hall(`/windows/${windowId}/${action}`), token, body);

  async function openBoard(query: string, prepare?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await prepare?.(page);
    await page.goto(`${t.url}/display?hall=demo&${query}`);
    await page.locator('main').first().waitFor({ timeout: 5000 });
    // The socket is up (the offline mark is gone) before a test acts.
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });
    return page;
  }

  it('shows a call made through the REST API as the latest call and at its window, highlighted', async () => {
    const page = await openBoard('voice=0');
    const ticket = await issue('nongye-linmu-caifa');
    await windowAction('7', 'open');
    const called = ticketOf(await windowAction('7', 'call-next'));
    expect(called.number).toBe(ticket.number);

    await expect.poll(() => page.getByTestId('latest-number').textContent(), POLL).toBe(ticket.number);
    await expect.poll(() => page.getByTestId('current-7').textContent(), POLL).toBe(ticket.number);
    expect(await page.locator('section.latest').getAttribute('class')).toMatch(/\bflashing\b/);
    expect(await page.getByTestId('window-7').getAttribute('class')).toMatch(/\bcalling\b/);
    expect(await page.getByTestId('window-7').getAttribute('data-status')).toBe('open');
    // Only the called window is highlighted.
    expect(await page.locator('article.window.calling').count()).toBe(1);
    await page.close();
  });

  it('shows a paused window with its reason', async () => {
    const page = await openBoard('voice=0');
    await windowAction('8', 'open');
    await windowAction('8', 'pause', { reason: 'lunch' });
    await expect.poll(() => page.getByTestId('window-8').getAttribute('data-status'), POLL).toBe('paused');
    expect(await page.getByTestId('pause-8').textContent()).toContain('午休');
    await page.close();
  });

  it('says a burst of five calls in order, each in Chinese then English, none cut off or overlapping; a recall is said again', async () => {
    // The browser's voice, where the hall allows only it (the server's voice: tests/browser/boardAudio.test.ts).
    await setVoiceSources(t.url, admin, ['browser']);
    const page = await openBoard('repeat=1&chime=0', installFakeSpeech);
    // Windows 1, 2, 4, 5 and 6, each with one ticket of a service only it takes first.
    const plan: Array<[windowId: string, windowNumber: number, serviceId: string]> = [
      ['1', 1, 'zonghe-zixun'],
      ['2', 2, 'minzheng-dibao'],
      ['4', 4, 'laobao-shiye-dengji'],
      ['5', 5, 'guotu-zhaijidi'],
      ['6', 6, 'caizheng-huinong-butie'],
    ];
    for (const [windowId, , serviceId] of plan) {
      await windowAction(windowId, 'open');
      await issue(serviceId);
    }
    const listener = await t.connect({ hallId: 'demo' });
    const from = listener.mark();

    // Back to back, without waiting for any answer.
    const answers = await Promise.all(plan.map(([windowId]) => windowAction(windowId, 'call-next')));
    const numbers = answers.map((answer) => ticketOf(answer).number);
    await listener.waitFor(() => listener.events.slice(from).filter((r) => r.event === 'ticket:called').length === 5);
    // "In call order" is the order the server committed them (their seq), which the board receives.
    const calls = listener.events
      .slice(from)
      .filter((r) => r.event === 'ticket:called')
      .map((r) => ({ number: r.data.ticket.number as string, windowNumber: Number(r.data.windowNumber), seq: r.data.seq as number }));
    expect(calls.map((call) => call.number).sort()).toEqual([...numbers].sort());
    expect(calls.map((call) => call.seq)).toEqual([...calls.map((call) => call.seq)].sort((a, b) => a - b));

    await expect.poll(async () => (await readFakeSpeech(page)).spoken.filter((u) => u.endedAt !== undefined).length, { timeout: 12_000, interval: 100 }).toBe(10);
    let speech = await readFakeSpeech(page);
    expect(speech.spoken.map((u) => u.text)).toEqual(
      calls.flatMap((call) => [expectedZhCall(call.number, call.windowNumber), expectedEnCall(call.number, call.windowNumber)]),
    );
    expect(speech.spoken.map((u) => u.lang)).toEqual(calls.flatMap(() => ['zh-CN', 'en-US']));
    expect(speech.spoken[0]!.text).toMatch(/^请[A-Z][零一二三四五六七八九]{3}号到[一二三四五六七八九十]+号窗口办理$/);
    // One at a time: none started before the one before it ended, nothing was cancelled.
    expect(speech.cancels).toBe(0);
    expect(speech.speakWhileBusy).toBe(0);
    speech.spoken.forEach((u, index) => {
      if (index > 0) expect(u.startedAt).toBeGreaterThanOrEqual(speech.spoken[index - 1]!.endedAt!);
      expect(u.endedAt! - u.startedAt).toBeGreaterThanOrEqual(240);
    });
    // The board's own log agrees: every phrase was spoken to its end (no watchdog, no error).
    const boardLog = (await page.evaluate(() => (window as unknown as { __hallqSpeech: Array<{ outcome?: string }> }).__hallqSpeech)).map((e) => e.outcome);
    expect(boardLog).toEqual(Array(10).fill('spoken'));
    // Every call was painted too.
    expect((await readPaints(page)).map((p) => p.number)).toEqual(expect.arrayContaining(numbers));

    // A recall is announced again, after the burst.
    const first = calls.find((call) => call.windowNumber === 1)!;
    await windowAction('1', 'recall');
    await expect.poll(async () => (await readFakeSpeech(page)).spoken.filter((u) => u.endedAt !== undefined).length, { timeout: 5000, interval: 100 }).toBe(12);
    speech = await readFakeSpeech(page);
    // A recall says so first (再次呼叫), in Chinese.
    expect(speech.spoken.slice(10).map((u) => u.text)).toEqual([expectedZhCall(first.number, 1, true), expectedEnCall(first.number, 1)]);
    expect(speech.cancels).toBe(0);
    expect(speech.speakWhileBusy).toBe(0);
    expect(await page.getByTestId('latest-number').textContent()).toBe(first.number);
    expect(await page.locator('section.latest .recall').count()).toBe(1);
    listener.close();
    await page.close();
    await setVoiceSources(t.url, admin, null);
  }, 30_000);

  it('asks for one tap when the browser blocks sound, and the tap removes the prompt', async () => {
    const strict = await launchChromium({ autoplay: 'default' });
    try {
      const page = await strict.newPage();
      await page.goto(`${t.url}/display?hall=demo`);
      const unlock = page.getByRole('button', { name: '开启声音' });
      await unlock.waitFor({ timeout: 5000 });
      await unlock.click();
      await unlock.waitFor({ state: 'detached', timeout: 3000 });
      // It stays away (the audio context is running now).
      await page.waitForTimeout(300);
      expect(await page.getByRole('button', { name: '开启声音' }).count()).toBe(0);
      // A silent board never asks.
      const silent = await strict.newPage();
      await silent.goto(`${t.url}/display?hall=demo&voice=0`);
      await silent.locator('main').first().waitFor({ timeout: 5000 });
      await silent.waitForTimeout(500);
      expect(await silent.getByRole('button', { name: '开启声音' }).count()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('window screen: unpaired it asks to be paired; a supervisor pairs it there, and it then rates (好差评 needs a paired screen)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${t.url}/display?hall=demo&window=5`);
      await page.getByTestId('screen-pairing').waitFor({ timeout: 5000 });
      await page.getByRole('heading', { name: '5号窗口屏配对' }).waitFor();
      expect(await page.getByTestId('window-screen').count()).toBe(0);
      await page.getByLabel('用户名').fill('clerk5');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '配对' }).click();
      // A clerk may not pair devices: the server's reason is shown and the form stays.
      await page.getByRole('alert').waitFor({ timeout: 5000 });
      expect(await page.getByRole('alert').textContent()).toContain('没有权限');
      await page.getByLabel('用户名').fill('zhuren');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '配对' }).click();
      await page.getByTestId('window-screen').waitFor({ timeout: 5000 });
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('hallq.window-screen.demo.5') ?? 'null'));
      expect(stored).toMatchObject({ hallId: 'demo', windowId: '5', token: expect.stringMatching(/^hqd_/) });
      const devices = await (await fetch(`${t.url}/api/halls/demo/devices`, { headers: { authorization: `Bearer ${admin}` } })).json();
      expect(devices).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'window-screen', windowId: '5', name: '5号窗口屏' })]));
      // Reloaded, it stays paired.
      await page.reload();
      await page.getByTestId('window-screen').waitFor({ timeout: 5000 });
    } finally {
      await page.close();
    }
  });

  it('window screen: shows the number while serving, then the rating; a tap stores it once and the screen goes back to idle', async () => {
    const page = await openBoard(`window=3#pair=${await t.windowScreenToken('3')}`);
    const clerk = await t.login('clerk3');
    await expect.poll(() => page.getByTestId('window-screen').getAttribute('data-status'), POLL).toBe('closed');
    await windowAction('3', 'open', {}, clerk);
    await expect.poll(() => page.getByTestId('window-screen').getAttribute('data-status'), POLL).toBe('open');
    await expect.poll(() => page.getByTestId('screen-state').textContent(), POLL).toBe('空闲');
    expect(await page.locator('.clerk-name').textContent()).toBe('陈静');

    const ticket = await issue('jisheng-shengyu-dengji');
    expect(ticketOf(await windowAction('3', 'call-next', {}, clerk)).id).toBe(ticket.id);
    await expect.poll(() => page.getByTestId('screen-ticket').textContent(), POLL).toBe(ticket.number);
    await windowAction('3', 'start', {}, clerk);
    await windowAction('3', 'finish', {}, clerk);

    const levels = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];
    await page.getByTestId('rating').waitFor({ timeout: 5000 });
    for (const name of levels) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    expect(await page.getByTestId('screen-ticket').count()).toBe(0);

    await page.getByRole('button', { name: '满意', exact: true }).click();
    await page.getByTestId('rating-thanks').waitFor({ timeout: 5000 });
    // No second tap: the buttons are gone while the thanks show.
    expect(await page.locator('[data-testid="rating"] button').count()).toBe(0);

    const status = await (await fetch(`${t.url}/api/tickets/${ticket.id}`)).json();
    expect(status.status).toBe('served');
    const rated = (await staffEvents(t.url, admin)).filter((event) => event.type === 'ticket:rated' && event.ticket?.id === ticket.id);
    expect(rated).toHaveLength(1);
    expect(rated[0].level).toBe(4);
    expect(rated[0].windowId).toBe('3');

    // After the thanks the prompt closes for good and the screen is idle again.
    await page.getByTestId('rating').waitFor({ state: 'detached', timeout: 8000 });
    expect(await page.getByTestId('screen-state').textContent()).toBe('空闲');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('rating').count()).toBe(0);
    await page.close();
  }, 25_000);

  it('?lang=en shows English labels', async () => {
    const page = await openBoard('lang=en&voice=0');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('section.latest h2').textContent()).toContain('Latest call');
    expect(await page.locator('section.recent h2').textContent()).toContain('Recent calls');
    expect(await page.locator('section.waiting h2').textContent()).toContain('Waiting');
    expect(await page.locator('h1').textContent()).toBe('Qingshan Town Convenience Service Centre');
    expect(await page.getByTestId('window-8').locator('.name').textContent()).toBe('Cashier');
    await page.close();
  });
});

/** "Number A, zero, zero, one, please go to window 1." as a pattern. */

describe.runIf(hasChromium())('display board through a kill -9 of the server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-display-crash-'));
  let server: ChildServer | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    if (server) await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the offline mark while the server is down and, without a reload, the calls made after the restart', async () => {
    const port = await freePort();
    server = await startChildServer({ port, dataDir });
    const url = server.url;
    const login = async () =>
      (await postJson<{ token: string }>(`${url}/api/auth/login`, undefined, { username: 'admin', password: 'admin-test-password' })).token;
    let token = await login();
    await postJson(`${url}/api/halls/demo/windows/2/open`, token);
    await postJson(`${url}/api/halls/demo/tickets`, token, { serviceId: 'minzheng-dibao' });
    const before = ticketOf(await postJson(`${url}/api/halls/demo/windows/2/call-next`, token));

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${url}/display?hall=demo&voice=0`);
    await expect.poll(() => page.getByTestId('current-2').textContent(), POLL).toBe(before.number);
    const marker = `loaded-${Math.random()}`;
    await page.evaluate((value) => Object.assign(window, { __loadedAt: value }), marker);
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    expect(await page.getByRole('status').count()).toBe(0);

    await killHard(server);
    const offline = page.getByRole('status');
    await offline.waitFor({ timeout: 5000 });
    // The last state stays on screen while the server is away.
    expect(await page.getByTestId('current-2').textContent()).toBe(before.number);

    server = await startChildServer({ port, dataDir });
    const restartedAt = Date.now();
    token = await login();
    await postJson(`${url}/api/halls/demo/tickets`, token, { serviceId: 'minzheng-dibao' });
    const after = ticketOf(await postJson(`${url}/api/halls/demo/windows/2/call-next`, token));
    expect(after.number).not.toBe(before.number);

    await expect.poll(() => page.getByTestId('latest-number').textContent(), { timeout: 5000, interval: 50 }).toBe(after.number);
    await expect.poll(() => page.getByTestId('current-2').textContent(), POLL).toBe(after.number);
    await offline.waitFor({ state: 'detached', timeout: 5000 });
    expect(Date.now() - restartedAt).toBeLessThan(6000);
    // Same document: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { __loadedAt?: string }).__loadedAt)).toBe(marker);
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(timeOrigin);
    expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type)).toBe('navigate');
  }, 45_000);
});
