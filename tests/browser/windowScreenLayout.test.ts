import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, ticketOf, windowScreenUrl } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { textStyles } from '../helpers/screenStyles.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The window screen above a counter, read from the waiting seats, at the sizes halls mount
 * (800×480 and 1280×800), closed, idle, paused, serving, asking for a rating, and with the
 * rating docked below the next number: no text smaller than the shared
 * minimum (--display-min-secondary, 2.6 % of the short side), every text at least 4.5:1 against
 * what is painted behind it (a closed screen is not dimmed into illegibility), nothing outside
 * the screen, and axe finds nothing serious. With HALLQ_SHOTS=<dir> it also saves screenshots.
 */

const SIZES = [
  { width: 800, height: 480 },
  { width: 1280, height: 800 },
];
const POLL = { timeout: 5000, interval: 50 };

describe.runIf(hasChromium())('window screen text sizes and contrast', () => {
  let t: TestServer;
  let browser: Browser;
  let clerk: string;
  const pages = new TestPages();
  const act = (action: string, body: unknown = {}) => postJson(`${t.url}/api/halls/demo/windows/3/${action}`, clerk, body);

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    clerk = await t.login('clerk3');
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openScreen(viewport: { width: number; height: number }): Promise<Page> {
    const page = await pages.open(browser, viewport);
    await page.goto(await windowScreenUrl(t, '3', 'voice=0'));
    await page.getByTestId('window-screen').waitFor({ timeout: 5000 });
    await page.evaluate(() => document.fonts.ready);
    return page;
  }

  /** What a person at the seats cannot read on the screen as it is now. */
  async function unreadable(page: Page): Promise<string[]> {
    const viewport = page.viewportSize()!;
    const minimum = 0.026 * Math.min(viewport.width, viewport.height);
    const problems = (await textStyles(page, 'main.screen')).flatMap((style) => [
      ...(style.size < minimum - 0.5 ? [`"${style.text}" ${style.size.toFixed(1)}px < ${minimum.toFixed(1)}px`] : []),
      ...(style.contrast < 4.5 ? [`"${style.text}" contrast ${style.contrast.toFixed(2)}:1 < 4.5:1`] : []),
    ]);
    const outside = await page.$$eval('main.screen *', (elements) =>
      elements
        .filter((element) => {
          const box = element.getBoundingClientRect();
          return box.width > 0 && (box.left < -1 || box.top < -1 || box.right > innerWidth + 1 || box.bottom > innerHeight + 1);
        })
        .map((element) => `${element.tagName.toLowerCase()}.${element.className} outside the screen`),
    );
    return [...problems, ...outside];
  }

  /**
   * What cannot be read from the queue, 3 m away, on a screen waiting for its next call: the shared
   * window-screen sizes (base.css): the window's name, its state, the clerk and the services at least
   * --window-min-text (7 % of the height), and nothing, not even a label, under --window-min-label (5 %).
   */
  async function unreadableFrom3m(page: Page): Promise<string[]> {
    const viewport = page.viewportSize()!;
    const short = Math.min(viewport.width, viewport.height);
    const problems = (await textStyles(page, 'main.screen')).filter((style) => style.size < 0.05 * short - 0.5).map((style) => `"${style.text}" ${style.size.toFixed(1)}px < 5 %`);
    const main = await page.$$eval('main.screen h1, [data-testid="screen-state"], .hint, .clerk-name, [data-testid="screen-services"] li', (elements) =>
      elements.map((element) => ({ text: (element.textContent ?? '').trim().slice(0, 24), size: parseFloat(getComputedStyle(element).fontSize) })),
    );
    for (const item of main) if (item.size < 0.07 * short - 0.5) problems.push(`"${item.text}" ${item.size.toFixed(1)}px < 7 %`);
    return problems;
  }

  async function check(state: string, expectStatus: string, ready: (page: Page) => Promise<void> = async () => undefined): Promise<void> {
    for (const viewport of SIZES) {
      const page = await openScreen(viewport);
      await expect.poll(() => page.getByTestId('window-screen').getAttribute('data-status'), POLL).toBe(expectStatus);
      await ready(page);
      expect(await unreadable(page), `${state} at ${viewport.width}×${viewport.height}`).toEqual([]);
      await expectAccessible(page, `window screen ${state} ${viewport.width}×${viewport.height}`);
      const dir = process.env.HALLQ_SHOTS;
      if (dir) await page.screenshot({ path: `${dir}/window-screen-${state}-${viewport.width}x${viewport.height}.png` });
    }
  }

  it('closed, idle, paused, serving, asking for a rating and with the rating docked: every text at least the minimum size and 4.5:1', async () => {
    await check('closed', 'closed', async (page) => {
      await page.getByTestId('screen-state').waitFor();
      expect(await unreadableFrom3m(page)).toEqual([]);
    });

    await act('open');
    await check('idle', 'open', async (page) => {
      await expect.poll(() => page.getByTestId('screen-state').textContent(), POLL).toBe('空闲');
      expect(await page.locator('.hint').textContent()).toBe('请在等候区等候叫号');
      // Window 3's three services, first tier first, all named: nobody has to ask which window is theirs.
      expect(await page.getByTestId('screen-services').locator('li').allTextContents()).toEqual(['生育服务登记', '流动人口婚育证明', '农村计划生育家庭奖励扶助申报']);
      expect(await page.locator('.clerk-name').textContent()).toBe('陈静');
      expect(await unreadableFrom3m(page)).toEqual([]);
    });

    await act('pause', { reason: 'other', note: '去档案室调取材料，十分钟后回来' });
    await check('paused', 'paused', async (page) => {
      await expect.poll(() => page.getByTestId('screen-state').textContent(), POLL).toContain('十分钟后回来');
      // The reason and the note are set apart by a spaced dot, not run together.
      expect((await page.getByTestId('screen-state').textContent())?.trim()).toBe('暂停 · 去档案室调取材料，十分钟后回来');
      expect(await unreadableFrom3m(page)).toEqual([]);
    });
    await act('resume');

    const issued = ticketOf(await postJson(`${t.url}/api/halls/demo/tickets`, await t.login('admin'), { serviceId: 'jisheng-shengyu-dengji' }));
    expect(ticketOf(await act('call-next')).id).toBe(issued.id);
    await check('serving', 'open', async (page) => {
      await expect.poll(() => page.getByTestId('screen-ticket').textContent(), POLL).toBe(issued.number);
    });

    await act('start');
    await act('finish');
    await check('rating', 'open', (page) => page.getByTestId('rating').waitFor({ timeout: 5000 }));

    // The next number called while the rating is still open: the prompt docks below the new number.
    const next = ticketOf(await postJson(`${t.url}/api/halls/demo/tickets`, await t.login('admin'), { serviceId: 'jisheng-shengyu-dengji' }));
    expect(ticketOf(await act('call-next')).id).toBe(next.id);
    await check('rating-docked', 'open', async (page) => {
      await page.locator('[data-testid="rating"].docked').waitFor({ timeout: 5000 });
      await expect.poll(() => page.getByTestId('screen-ticket').textContent(), POLL).toBe(next.number);
    });
  }, 60_000);

  it('in English, the longest window names stay whole and readable at 800×480', async () => {
    const clerk1 = await t.login('clerk1');
    await postJson(`${t.url}/api/halls/demo/windows/1/open`, clerk1);
    for (const viewport of SIZES) {
      const page = await pages.open(browser, viewport);
      await page.goto(await windowScreenUrl(t, '1', 'voice=0&lang=en'));
      await page.getByTestId('window-screen').waitFor({ timeout: 5000 });
      await page.evaluate(() => document.fonts.ready);
      await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('General Services & Guidance');
      // Labels take the page's language's colon: "Staff no.: QS001", not "Staff no.：QS001".
      expect(await page.locator('.clerk-line').allTextContents()).toContain('Staff no.: QS001');
      // Window 1 serves every service: the ones that fit are named, the rest counted.
      const services = await page.getByTestId('screen-services').locator('li').allTextContents();
      expect(services[0]).toBe('Enquiries and guidance');
      expect(services.at(-1)).toMatch(/^and \d+ more$/);
      expect(services.length - 1 + Number(services.at(-1)!.match(/\d+/)![0])).toBe((await t.hallState()).config.services.length);
      expect(await unreadableFrom3m(page)).toEqual([]);
      // Saved before the checks, so that a failure can be looked at.
      const dir = process.env.HALLQ_SHOTS;
      if (dir) await page.screenshot({ path: `${dir}/window-screen-en-${viewport.width}x${viewport.height}.png` });
      expect(await unreadable(page)).toEqual([]);
      // No text wider or taller than its box (cut off or drawn over its neighbours).
      const spilling = await page.$$eval('main.screen *', (elements) =>
        elements
          .filter((element) => getComputedStyle(element).display !== 'inline' && (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1))
          .map((element) => `${element.tagName.toLowerCase()}.${element.className} "${(element.textContent ?? '').trim().slice(0, 30)}"`),
      );
      expect(spilling, `${viewport.width}×${viewport.height}`).toEqual([]);
      await expectAccessible(page, `window screen in English ${viewport.width}×${viewport.height}`);
    }
  });

  it('the board sets the second language apart with a spaced dot, in headings and the latest call', async () => {
    const clerk2 = await t.login('clerk2');
    await postJson(`${t.url}/api/halls/demo/windows/2/open`, clerk2);
    await postJson(`${t.url}/api/halls/demo/tickets`, await t.login('admin'), { serviceId: 'minzheng-canji' });
    ticketOf(await postJson(`${t.url}/api/halls/demo/windows/2/call-next`, clerk2));
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    await page.goto(`${t.url}/display?hall=demo&voice=0`);
    await page.locator('main.board').waitFor({ timeout: 5000 });
    await expect.poll(() => page.locator('section.latest h2').textContent(), POLL).toBe('最新叫号 · Latest call');
    expect(await page.locator('section.waiting h2').textContent()).toBe('等候人数 · Waiting');
    await expect.poll(() => page.locator('section.latest small').textContent(), POLL).toBe('民政窗口 · Civil Affairs');
  });
});
