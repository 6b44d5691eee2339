import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The board's LED face: every prefix letter A–Z must look unlike every digit
 * 0–9 (S007 must never read as 5007). Each character is drawn with the
 * board's own CSS (class "led", the fonts the app registers), screenshotted,
 * and each letter's picture is compared with each digit's: both are cropped
 * to their lit pixels and scaled onto one coarse grid (roughly what a reader
 * resolves from across a hall), and the share of grid cells lit in one but not the
 * other must be large for every pair. With the former 14-segment face
 * (DSEG14 for everything) 15 pairs fall below it, G/6 at 8 %, O/0 16 %, S/5 17 %.
 */

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/**
 * The grid the glyphs are compared on: three cells per row of the 5×7 dot matrix, coarse enough
 * that a few pixels of anti-aliasing do not count, fine enough that dots and segments differ.
 */
const GRID = { columns: 15, rows: 21 };
/** Least share of the cells lit in either picture that must differ between a letter and a digit. */
const MIN_DIFFERENT = 0.3;

describe.runIf(hasChromium())('board LED face: letters unlike digits', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function probe(page: Page): Promise<Record<string, { x: number; y: number; width: number; height: number }>> {
    await page.goto(`${t.url}/display?hall=demo&voice=0`);
    await page.locator('main.board').waitFor({ timeout: 5000 });
    await page.evaluate(() => document.fonts.ready);
    return page.evaluate(
      ({ chars }) => {
        const box = document.createElement('div');
        box.id = 'glyph-probe';
        box.style.cssText = 'position:fixed;inset:0;z-index:100;background:#05070c;display:flex;flex-wrap:wrap;align-content:flex-start;gap:40px;padding:40px';
        for (const char of chars) {
          const cell = document.createElement('span');
          cell.className = 'led red';
          cell.dataset.char = char;
          cell.style.fontSize = '120px';
          cell.textContent = char;
          box.append(cell);
        }
        document.body.append(box);
        return Object.fromEntries(
          Array.from(box.children).map((cell) => {
            const rect = cell.getBoundingClientRect();
            return [(cell as HTMLElement).dataset.char!, { x: rect.x, y: rect.y, width: rect.width, height: rect.height }];
          }),
        );
      },
      { chars: LETTERS + DIGITS },
    );
  }

  it('draws letters and digits with the two LED faces the app registers, as text a screen reader reads', async () => {
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    await probe(page);
    const faces = await page.evaluate(() => Array.from(document.fonts as unknown as Iterable<FontFace>).filter((face) => face.family === 'LED').map((face) => ({ status: face.status, range: face.unicodeRange })));
    expect(faces).toHaveLength(2);
    expect(faces.every((face) => face.status === 'loaded')).toBe(true);
    // The numbers stay text (no image, no aria-hidden): what is read out is what is shown.
    expect(await page.locator('#glyph-probe [data-char="S"]').textContent()).toBe('S');
    expect(await page.locator('#glyph-probe [aria-hidden]').count()).toBe(0);
  });

  it('every letter A–Z differs from every digit 0–9 on a 10 m grid', async () => {
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    const boxes = await probe(page);
    const shot = (await page.screenshot({ type: 'png' })).toString('base64');
    // Decoded in the page (a canvas), so the test needs no image library.
    const grids: Record<string, number[]> = await page.evaluate(
      async ({ png, boxes, grid }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${png}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const out: Record<string, number[]> = {};
        for (const [char, box] of Object.entries(boxes)) {
          const { data, width, height } = context.getImageData(Math.floor(box.x), Math.floor(box.y), Math.ceil(box.width), Math.ceil(box.height));
          // Lit = the LED red itself, not its glow.
          const lit = (x: number, y: number) => data[(y * width + x) * 4]! > 160;
          let [left, top, right, bottom] = [width, height, -1, -1];
          for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (lit(x, y)) {
            left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
          }
          const cells: number[] = [];
          for (let row = 0; row < grid.rows; row++) for (let column = 0; column < grid.columns; column++) {
            const x0 = left + Math.floor(((right - left + 1) * column) / grid.columns);
            const x1 = left + Math.floor(((right - left + 1) * (column + 1)) / grid.columns);
            const y0 = top + Math.floor(((bottom - top + 1) * row) / grid.rows);
            const y1 = top + Math.floor(((bottom - top + 1) * (row + 1)) / grid.rows);
            let on = 0;
            for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (lit(x, y)) on++;
            cells.push(on / Math.max(1, (x1 - x0) * (y1 - y0)) >= 0.35 ? 1 : 0);
          }
          out[char] = cells;
        }
        return out;
      },
      { png: shot, boxes, grid: GRID },
    );
    const alike: string[] = [];
    let closest = { pair: '', share: 1 };
    for (const letter of LETTERS) {
      for (const digit of DIGITS) {
        const a = grids[letter]!;
        const b = grids[digit]!;
        const either = a.filter((cell, index) => cell || b[index]).length;
        const differ = a.filter((cell, index) => cell !== b[index]).length;
        const share = differ / Math.max(1, either);
        if (share < closest.share) closest = { pair: `${letter}/${digit}`, share };
        if (share < MIN_DIFFERENT) alike.push(`${letter}/${digit} ${(share * 100).toFixed(0)}%`);
      }
    }
    expect(alike, `closest pair ${closest.pair} ${(closest.share * 100).toFixed(0)}%`).toEqual([]);
    // Every glyph was drawn (a missing face would leave an empty or a fallback box).
    for (const char of LETTERS + DIGITS) expect(grids[char]!.some(Boolean), char).toBe(true);
  });
});
