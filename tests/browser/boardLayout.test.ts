import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { boxesOutside, fontsBelow, seenWithinCycle } from '../helpers/boardLayout.js';
import { postJson, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The hall board read from 8–10 m, on a busy morning in a hall of 30 services, landscape
 * 1920×1080 and portrait 1080×1920: every service with people waiting is shown within one cycle
 * of the waiting list's pages and nothing sits under the ticker; no text leaves its box (a long
 * pause note is clamped inside its tile, English window names are shown whole); no text is
 * smaller than the shared minimum (2.6 % of the screen's short side); axe finds nothing serious
 * (contrast included, closed tiles too). With HALLQ_SHOTS=<dir> it also saves screenshots.
 */

const LANDSCAPE = { width: 1920, height: 1080 };
const PORTRAIT = { width: 1080, height: 1920 };
const LONG_NOTE = '去三楼档案室调取二〇一九年以前的宅基地审批档案，并与县自然资源局核对图斑信息，预计四十分钟后回来';
const EXTRA_PREFIXES = ['T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'AA', 'AB', 'AC', 'AD', 'AE', 'AF'];
const POLL = { timeout: 5000, interval: 50 };

describe.runIf(hasChromium())('board layout from 10 m, a hall of 30 services', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();
  let waitingPrefixes: string[] = [];

  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;
  const act = (windowId: string, action: string, body: unknown = {}) => postJson(hall(`/windows/${windowId}/${action}`), admin, body);

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
    // 30 services: the demo hall's 17 and 13 more, all taken by the general window (1).
    const { config } = (await t.api('GET', '/api/halls/demo/config', { token: admin })).body as { config: HallConfig };
    const template = config.services.at(-1)!;
    const added = EXTRA_PREFIXES.map((prefix, index) => ({ ...structuredClone(template), id: `extra-${index}`, prefix, name: `附加业务${index + 1}号事项`, nameAlt: `Extra service ${index + 1}` }));
    config.services.push(...added);
    config.windows.find((window) => window.id === '1')!.services.push(...added.map((service) => ({ serviceId: service.id, tier: 3 })));
    expect((await t.api('PUT', '/api/halls/demo/config', { token: admin, body: { config } })).status).toBe(200);
    expect(config.services).toHaveLength(30);

    // A busy morning: up to six waiting per service, five windows calling, one paused with a long
    // note, two closed.
    for (const [index, service] of config.services.entries()) {
      for (let n = 0; n < 1 + (index % 6); n++) await postJson(hall('/tickets'), admin, { serviceId: service.id });
    }
    for (const windowId of ['1', '2', '3', '4', '6']) {
      await act(windowId, 'open');
      ticketOf(await act(windowId, 'call-next'));
    }
    await act('5', 'open');
    await act('5', 'pause', { reason: 'other', note: LONG_NOTE });
    const board = (await t.api('GET', '/api/halls/demo/board')).body as { services: Array<{ prefix: string; waiting: number }> };
    waitingPrefixes = board.services.filter((service) => service.waiting > 0).map((service) => service.prefix);
    expect(waitingPrefixes.length).toBeGreaterThanOrEqual(25);
  }, 60_000);

  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openBoard(viewport: { width: number; height: number }, query = ''): Promise<Page> {
    const page = await pages.open(browser, viewport);
    await page.goto(`${t.url}/display?hall=demo&voice=0&pageSeconds=2${query}`);
    await page.locator('main.board').waitFor({ timeout: 5000 });
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });
    await expect.poll(() => page.getByTestId('current-1').count(), POLL).toBe(1);
    await page.evaluate(() => document.fonts.ready);
    return page;
  }

  for (const [name, viewport] of [['landscape', LANDSCAPE], ['portrait', PORTRAIT]] as const) {
    it(`${name}: every service with people waiting is shown within one cycle of pages, none under the ticker`, async () => {
      const page = await openBoard(viewport);
      const pageCount = Number(await page.getByTestId('waiting').getAttribute('data-pages'));
      expect(pageCount).toBeGreaterThan(1);
      expect(await page.getByTestId('waiting-pager').textContent()).toMatch(new RegExp(`/${pageCount}`));
      const { seen, misplaced } = await seenWithinCycle(page, pageCount * 2000 + 2500);
      expect(misplaced).toEqual([]);
      expect([...seen].sort()).toEqual([...waitingPrefixes].sort());
      await saveShot(page, `board-${name}`);
    }, 30_000);

    it(`${name}: no text leaves its box; the long pause note is clamped inside its tile, window names are whole`, async () => {
      for (const query of ['', '&lang=en']) {
        const page = await openBoard(viewport, query);
        expect(await boxesOutside(page)).toEqual([]);
        const note = page.getByTestId('pause-5');
        expect(await note.textContent()).toContain(LONG_NOTE);
        expect(await note.locator('[title]').getAttribute('title')).toContain(LONG_NOTE);
        // Every window's names are shown to the end (no "…", no clipped second line).
        const clipped = await page.$$eval('[data-testid^="names-"]', (elements) =>
          elements.filter((element) => element.scrollHeight > element.clientHeight + 1 || element.scrollWidth > element.clientWidth + 1).map((element) => element.textContent),
        );
        expect(clipped, `lang=${query || 'zh'}`).toEqual([]);
        if (query) await saveShot(page, `board-${name}-en`);
      }
    }, 30_000);

    it(`${name}: text is at least 2.6 % of the short side, and axe finds nothing serious (contrast included)`, async () => {
      for (const query of ['', '&lang=en']) {
        const page = await openBoard(viewport, query);
        expect(await page.locator('article.window.closed').count()).toBeGreaterThan(0);
        expect(await fontsBelow(page, 0.026), `lang=${query || 'zh'}`).toEqual([]);
        // The flash of a new call alternates the panel's background; check the steady state.
        await page.locator('section.latest:not(.flashing)').waitFor({ timeout: 12_000 });
        await expectAccessible(page, `board ${name}${query}`);
      }
    }, 30_000);
  }
});

async function saveShot(page: Page, name: string): Promise<void> {
  const dir = process.env.HALLQ_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}
