import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import { launchChromium } from '../helpers/browser.js';
import { installFakeSpeech, postJson, readFakeSpeech, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * A Liangshan hall whose second language is Nuosu (彝文, BCP 47 "ii"): the
 * board shows the hall's own Yi names next to the Chinese ones, keeps its
 * labels Chinese (the app has no Yi texts), and speaks the call in Chinese and
 * then with the hall's Yi template.
 */
describe.runIf(hasChromium())('a board with 彝文 as the second language', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    const config = demoHallConfig();
    config.id = 'zhaojue';
    config.name = '昭觉县便民服务中心';
    config.nameAlt = 'ꏜꏢꑤꀧꃅꁧꏮꌠ';
    config.secondLanguage = 'ii';
    config.callTemplateAlt = '{ticket} ꉬ {window} ꀕꏦ';
    // The browser's voice says both languages here (the server's voice: tests/browser/boardAudio.test.ts).
    config.voice = { sources: ['browser'] };
    config.windows = config.windows.map((window) => (window.id === '2' ? { ...window, nameAlt: 'ꂷꃅꀕꏦ' } : window));
    await t.server.store.halls.createHall(newHallState(config, Date.now()));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the Yi names and speaks Chinese, then the Yi template', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await installFakeSpeech(page);
    await page.goto(`${t.url}/display?hall=zhaojue&chime=0`);
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });
    await expect.poll(() => page.locator('header').innerText()).toContain('ꏜꏢꑤꀧꃅꁧꏮꌠ');
    expect(await page.getByTestId('window-2').innerText()).toContain('ꂷꃅꀕꏦ');
    // Labels stay Chinese: there is no Yi translation of the app's own words.
    expect(await page.locator('.latest h2').innerText()).toBe('最新叫号');

    const admin = await t.login('admin');
    const hall = `${t.url}/api/halls/zhaojue`;
    await postJson(`${hall}/windows/2/open`, admin);
    const ticket = ticketOf(await postJson(`${hall}/tickets`, admin, { serviceId: 'minzheng-dibao' }));
    await postJson(`${hall}/windows/2/call-next`, admin);
    await expect.poll(async () => (await readFakeSpeech(page)).spoken.map((entry) => [entry.text, entry.lang]), { timeout: 5000 }).toEqual([
      [`请${ticket.number.replace(/\d/g, (digit) => '零一二三四五六七八九'[Number(digit)]!)}号到二号窗口办理`, 'zh-CN'],
      [`${[...ticket.number].join(' ')} ꉬ 2 ꀕꏦ`, 'ii'],
    ]);
    await page.close();
  });
});
