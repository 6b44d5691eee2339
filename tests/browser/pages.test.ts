import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { launchChromium } from '../helpers/browser.js';
import { hasChromium } from '../helpers/requirements.js';

/** The pages a person opens on a fresh install say what they are, in Chinese, and link onward. */
describe.runIf(hasChromium())('pages in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-pages-'));
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer(
      loadConfig([], { HALLQ_DATA_DIR: dataDir, PORT: '0', HALLQ_HOST: '127.0.0.1', HALLQ_LOG_LEVEL: 'silent', HALLQ_ADMIN_PASSWORD: 'x-test-password' }),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('home page links to the board, the counter panel and the kiosk', async () => {
    const page = await browser.newPage();
    await page.goto(server.url + '/');
    expect(await page.locator('h1').innerText()).toContain('HallQ');
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(expect.arrayContaining(['/display?hall=demo', '/counter?hall=demo', '/kiosk?hall=demo', '/admin?hall=demo']));
    await page.close();
  });

  it.each([
    ['/counter', '窗口呼叫器'],
    // An unpaired kiosk asks to be paired; an unknown e-ticket link says so.
    ['/kiosk?hall=demo', '取号机配对'],
    ['/t/some-ticket', '找不到该号票'],
  ])('%s is a page that says what it is', async (path, words) => {
    const page = await browser.newPage();
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    await page.getByText(words).first().waitFor({ timeout: 5000 });
    await page.close();
  });
});
