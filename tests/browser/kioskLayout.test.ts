import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig, ServiceConfig } from '../../server/protocol/model.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * What an elderly citizen can see and reach on the kiosk (适老化): every
 * service of the hall on some page at every screen the kiosk comes in
 * (1920×1080, 1280×1024, 1080×1920), in normal and 大字模式 and in English,
 * nothing under the footer, nothing scrolled out of sight, no text spilling
 * out of its tile; in 大字模式 at 1080p targets of at least 60×60 px, text of at
 * least 18 px and a largest text of at least 30 px; English tags and a Latin
 * font for Latin text; tiles whose spoken name holds what they show.
 * HALLQ_SHOTS=1 keeps a screenshot of each first page in /tmp/shots-kiosk.
 */

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 1024 },
  { width: 1080, height: 1920 },
];
const MODES = ['normal', 'large', 'english'] as const;
type Mode = (typeof MODES)[number];
const SHOTS = process.env.HALLQ_SHOTS ? '/tmp/shots-kiosk' : null;
const BIG_HALL = 'shancheng-town';

/** What the pages show of one screen: the tiles' texts, and every layout fault found on the way. */
interface PageCheck {
  names: string[];
  faults: string[];
  pages: number;
}

/** Walks every page of services with 下一页, collecting the tile names and whatever is cut, hidden or spilling. */
async function walkPages(page: Page, nextLabel: string, shot: string | null): Promise<PageCheck> {
  const names: string[] = [];
  const faults: string[] = [];
  for (let index = 1; index < 20; index++) {
    await page.locator('.tiles[data-fitted=true]').waitFor();
    if (shot && index === 1) await page.screenshot({ path: shot });
    const found = await page.evaluate(() => {
      const faults: string[] = [];
      const inside = (inner: DOMRect, outer: DOMRect) =>
        inner.left >= outer.left - 1 && inner.right <= outer.right + 1 && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
      const main = document.querySelector('main')!;
      const mainBox = main.getBoundingClientRect();
      const footer = document.querySelector('footer')?.getBoundingClientRect();
      if (main.scrollHeight > main.clientHeight + 1) faults.push(`main scrolls (${main.scrollHeight} > ${main.clientHeight})`);
      if (document.documentElement.scrollHeight > window.innerHeight + 1) faults.push('the page scrolls');
      if (document.documentElement.scrollWidth > window.innerWidth + 1) faults.push('the page is wider than the screen');
      const screen = new DOMRect(0, 0, window.innerWidth, window.innerHeight);
      for (const part of Array.from(document.querySelectorAll('header *, footer *'))) {
        if (!inside(part.getBoundingClientRect(), screen)) faults.push(`"${part.textContent?.trim().slice(0, 20)}" is off the screen`);
      }
      const names: string[] = [];
      for (const tile of Array.from(document.querySelectorAll<HTMLElement>('.tile'))) {
        const box = tile.getBoundingClientRect();
        const name = tile.querySelector('.name')?.textContent ?? '?';
        names.push(name);
        if (!inside(box, mainBox) || !inside(box, screen)) faults.push(`${name}: outside the service area`);
        if (footer && box.bottom > footer.top + 1) faults.push(`${name}: under the footer`);
        for (const part of Array.from(tile.querySelectorAll<HTMLElement>('span'))) {
          if (!inside(part.getBoundingClientRect(), box)) faults.push(`${name}: "${part.textContent}" spills out of its tile`);
        }
        if (tile.scrollHeight > tile.clientHeight + 1 || tile.scrollWidth > tile.clientWidth + 1) faults.push(`${name}: content larger than the tile`);
      }
      const pager = document.querySelector('.pager')?.getBoundingClientRect();
      if (pager && !inside(pager, mainBox)) faults.push('the pager is outside the service area');
      return { names, faults };
    });
    names.push(...found.names);
    faults.push(...found.faults.map((fault) => `page ${index}: ${fault}`));
    const next = page.getByRole('button', { name: new RegExp(nextLabel) });
    if ((await next.count()) === 0 || (await next.isDisabled())) return { names, faults, pages: index };
    await next.click();
  }
  return { names, faults: [...faults, 'more than 20 pages'], pages: 20 };
}

describe.runIf(hasChromium())('kiosk layout and 适老化 minimums', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();
  const kiosks = new Map<string, { token: string; deviceId: string }>();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    // A county-sized hall: the township layout plus 13 more services, 30 in all.
    const admin = await t.login('admin');
    expect((await t.api('POST', '/api/halls', { token: admin, body: { id: BIG_HALL, template: 'township-8', name: '山城镇便民服务中心', nameAlt: 'Shancheng Town Service Centre' } })).status).toBe(201);
    const { config } = (await t.api('GET', `/api/halls/${BIG_HALL}/config`, { token: admin })).body as { config: HallConfig };
    const extra: ServiceConfig[] = Array.from({ length: 30 - config.services.length }, (_, index) => ({
      ...config.services[index % config.services.length]!,
      id: `extra-${index}`,
      name: `${['不动产登记信息查询与证明', '城乡居民医疗保险参保登记', '退役军人优待证申领', '社会救助家庭经济状况核对', '林权类不动产登记受理'][index % 5]}${index + 1}`,
      nameAlt: `${['Real estate registration enquiries and certificates', 'Residents’ medical insurance enrolment', 'Veterans’ preferential treatment card', 'Household means check for social assistance', 'Forest rights registration intake'][index % 5]} ${index + 1}`,
      prefix: ['AA', 'AB', 'AC', 'AD', 'AE', 'AF', 'AG', 'AH', 'AJ', 'AK', 'AL', 'AM', 'AN', 'AP'][index]!,
    }));
    const services = [...config.services, ...extra];
    const windows = config.windows.map((window, index) => (index === 0 ? { ...window, services: [...window.services, ...extra.map((service) => ({ serviceId: service.id, tier: 2 }))] } : window));
    const saved = await t.api('PUT', `/api/halls/${BIG_HALL}/config`, { token: admin, body: { config: { ...config, services, windows } } });
    expect(saved.status, saved.text).toBe(200);
    expect(services).toHaveLength(30);
    // Someone waits everywhere and no window is open: every tile carries its longest status (「前面 1 人 · 暂无窗口办理…」).
    for (const service of services) {
      expect((await t.api('POST', `/api/halls/${BIG_HALL}/tickets`, { token: admin, body: { serviceId: service.id } })).status).toBe(201);
    }
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(hallId: string, viewport: { width: number; height: number }, mode: Mode): Promise<Page> {
    if (!kiosks.has(hallId)) kiosks.set(hallId, await pairKiosk(t, hallId, 'preview', `取号机-${hallId}`, 'admin'));
    const { token, deviceId } = kiosks.get(hallId)!;
    const page = await pages.open(browser, viewport);
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=${hallId}`, { hallId, deviceId, token });
    if (mode === 'large' || mode === 'english') await page.getByRole('button', { name: '大字模式' }).click();
    if (mode === 'english') await page.getByRole('button', { name: 'English' }).click();
    await page.locator(mode === 'normal' ? 'header button[aria-pressed=false]' : 'header button[aria-pressed=true]').waitFor();
    return page;
  }

  async function serviceNames(hallId: string, lang: 'zh' | 'en'): Promise<string[]> {
    const { config } = (await t.api('GET', `/api/halls/${hallId}/config`, { token: await t.login('admin') })).body as { config: HallConfig };
    return config.services.map((service) => (lang === 'en' && service.nameAlt ? service.nameAlt : service.name)).sort();
  }

  for (const hallId of [DEMO, BIG_HALL]) {
    it(`every service of ${hallId} is on some page at each size and mode, with nothing cut, hidden or spilling`, async () => {
      const report: string[] = [];
      for (const viewport of SIZES) {
        for (const mode of MODES) {
          const page = await open(hallId, viewport, mode);
          const where = `${viewport.width}×${viewport.height} ${mode}`;
          const shot = SHOTS ? `${SHOTS}/${hallId}-${viewport.width}x${viewport.height}-${mode}.png` : null;
          const walked = await walkPages(page, mode === 'english' ? '^Next' : '^下一页', shot);
          // A page that had to give up a row moves the later page starts back: a name may be seen twice, never missed.
          expect([...new Set(walked.names)].sort(), where).toEqual(await serviceNames(hallId, mode === 'english' ? 'en' : 'zh'));
          report.push(...walked.faults.map((fault) => `${where} ${fault}`));
          // The complaint phone is read and dialled as one number: never broken over two lines.
          const phoneLines = await page.$$eval('footer .phone', (phones) =>
            phones.map((phone) => {
              const range = document.createRange();
              range.selectNodeContents(phone);
              return new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top))).size;
            }),
          );
          if (phoneLines.some((lines) => lines > 1)) report.push(`${where} the complaint phone is broken over ${phoneLines.join(', ')} lines`);
          if (walked.pages > 1) {
            // The pager's buttons are as large as the tiles' text demands, and say where one is.
            const previous = page.getByRole('button', { name: mode === 'english' ? /Previous/ : /上一页/ });
            const box = (await previous.boundingBox())!;
            expect(box.height, where).toBeGreaterThanOrEqual(60);
            expect(await page.locator('.page-of').textContent(), where).toMatch(mode === 'english' ? `Page ${walked.pages} of ${walked.pages}` : `第 ${walked.pages} / ${walked.pages} 页`);
          }
          await page.context().close();
        }
      }
      expect(report).toEqual([]);
    }, 120_000);
  }

  /** Sizes of everything a person touches or reads on the page as it is now. */
  async function measure(page: Page) {
    return page.evaluate(() => {
      const visible = (element: Element) => {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
      };
      const targets = Array.from(document.querySelectorAll('button, input, [role=button]')).filter(visible).map((element) => {
        const box = element.getBoundingClientRect();
        return { label: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 30), width: box.width, height: box.height };
      });
      const texts: Array<{ text: string; size: number }> = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        // The slip preview is a picture of the 58/80 mm paper at paper size; what it says is on the screen in large type.
        if (!parent || !node.textContent?.trim() || !visible(parent) || parent.closest('figure.paper')) continue;
        texts.push({ text: node.textContent.trim().slice(0, 30), size: parseFloat(getComputedStyle(parent).fontSize) });
      }
      return { targets, texts };
    });
  }

  it('大字模式 at 1080p: targets ≥ 60×60 px, text ≥ 18 px, the largest ≥ 30 px, on the start, the check-in pad, the PIN dialog and the result', async () => {
    const page = await open(DEMO, { width: 1920, height: 1080 }, 'large');
    const check = async (where: string, fewestTargets = 5) => {
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/large-${where.replaceAll(' ', '-')}.png` });
      const { targets, texts } = await measure(page);
      expect(targets.length, where).toBeGreaterThanOrEqual(fewestTargets);
      expect(targets.filter((target) => target.width < 60 || target.height < 60), where).toEqual([]);
      expect(texts.filter((text) => text.size < 18), where).toEqual([]);
      expect(Math.max(...texts.map((text) => text.size)), where).toBeGreaterThanOrEqual(30);
    };
    await check('start');
    const toggle = (await page.getByRole('button', { name: '标准字号' }).boundingBox())!;
    expect(Math.min(toggle.width, toggle.height)).toBeGreaterThanOrEqual(60);
    await expectAccessible(page, 'kiosk large text');

    await page.getByRole('button', { name: '预约签到' }).click();
    await check('check-in pad');
    const cancel = (await page.getByRole('dialog').getByRole('button', { name: '取消' }).boundingBox())!;
    expect(Math.min(cancel.width, cancel.height)).toBeGreaterThanOrEqual(60);
    await expectAccessible(page, 'kiosk check-in pad, large text');
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();

    await page.getByRole('button', { name: '绿色通道' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).waitFor();
    await check('green-channel dialog');
    // Cancel keeps the citizen's large text: only the end of the visit resets it.
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
    expect(await page.getByRole('button', { name: '标准字号' }).getAttribute('aria-pressed')).toBe('true');

    // The result a citizen reads their number from.
    await page.locator('.tile').first().click();
    await page.getByTestId('ticket-number').waitFor();
    await check('result', 1);
    await expectAccessible(page, 'kiosk result, large text');
  });

  it('English: tags in English, Latin text in a Latin font (the apostrophe of "Residents’"), tiles named by what they show; axe on normal and English', async () => {
    const page = await open(DEMO, { width: 1920, height: 1080 }, 'normal');
    await expectAccessible(page, 'kiosk normal');
    const fontOf = async (selector: string) => {
      const session = await page.context().newCDPSession(page);
      await session.send('DOM.enable');
      await session.send('CSS.enable');
      const { root } = await session.send('DOM.getDocument');
      const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      const { fonts } = await session.send('CSS.getPlatformFontsForNode', { nodeId });
      await session.detach();
      return fonts.map((font) => font.familyName);
    };
    // The English second name under a Chinese one.
    await page.evaluate(() => {
      const alt = Array.from(document.querySelectorAll('.tile .alt')).find((node) => node.textContent?.includes('Residents’'));
      alt?.setAttribute('data-probe', 'alt');
    });
    const altFonts = await fontOf('[data-probe=alt]');
    expect(altFonts.length).toBeGreaterThan(0);
    expect(altFonts.filter((family) => /CJK|Han Sans|YaHei|PingFang/i.test(family))).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Large text' }).waitFor();
    await expectAccessible(page, 'kiosk English');
    await page.evaluate(() => {
      const name = Array.from(document.querySelectorAll('.tile .name')).find((node) => node.textContent?.includes('Residents’'));
      name?.setAttribute('data-probe', 'name');
    });
    expect((await fontOf('[data-probe=name]')).filter((family) => /CJK|Han Sans|YaHei|PingFang/i.test(family))).toEqual([]);
    // No Chinese left on a tile: names and department tags are in English.
    const tags = await page.locator('.tile .department').allTextContents();
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.filter((tag) => /[\u4e00-\u9fff]/.test(tag))).toEqual([]);
    expect(tags).toContain('Family planning');

    // Each tile's spoken name holds its visible text (axe's label-content-name-mismatch, run on its own).
    const mismatches = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ nodes: unknown[] }> }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'rule', values: ['label-content-name-mismatch'] }, resultTypes: ['violations'] });
      return result.violations.reduce((sum, violation) => sum + violation.nodes.length, 0);
    });
    expect(mismatches).toBe(0);
    for (const tile of await page.locator('.tile').all()) {
      const label = (await tile.getAttribute('aria-label'))!;
      for (const part of await tile.locator('span').allTextContents()) expect(label).toContain(part.trim());
    }
  });
});
