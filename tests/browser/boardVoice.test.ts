import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { installFakeSpeech, postJson, readFakeSpeech, setVoiceSources, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The big "latest call" panel follows the voice: in a burst of calls it shows the call being
 * said (not the newest, which the voice has not reached), each in turn, while the window tiles
 * show every call at once. A silent board shows the newest call at once.
 */

const POLL = { timeout: 5000, interval: 50 };
/** How long the fake voice takes per phrase: long enough that a burst is still being said while the test looks. */
const PHRASE_MS = 700;

describe.runIf(hasChromium())('board: the latest-call panel follows the voice', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
    // The browser's voice, as a hall that allows only it has (the server's voice: boardAudio.test.ts).
    await setVoiceSources(t.url, admin, ['browser']);
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;

  async function openBoard(query: string, prepare?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    await prepare?.(page);
    await page.goto(`${t.url}/display?hall=demo&${query}`);
    await page.locator('main.board').waitFor({ timeout: 5000 });
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });
    // Every number the panel shows, in order, with the page's clock.
    await page.evaluate(() => {
      const shown: Array<{ number: string; at: number }> = [];
      const panel = document.querySelector('section.latest')!;
      new MutationObserver(() => {
        const number = panel.querySelector('[data-testid="latest-number"]')?.textContent ?? '';
        if (number && shown.at(-1)?.number !== number) shown.push({ number, at: Date.now() });
      }).observe(panel, { subtree: true, childList: true, characterData: true });
      Object.assign(window, { __panelShown: shown });
    });
    return page;
  }

  const panelLog = (page: Page) => page.evaluate(() => (window as unknown as { __panelShown: Array<{ number: string; at: number }> }).__panelShown);

  it('shows each call of a burst while it is said, the tiles show all of them at once; a silent board shows the newest', async () => {
    const speaking = await openBoard('repeat=1&chime=0', (page) => installFakeSpeech(page, PHRASE_MS));
    const silent = await openBoard('voice=0');
    const plan: Array<[windowId: string, serviceId: string]> = [
      ['2', 'minzheng-dibao'],
      ['4', 'laobao-shiye-dengji'],
      ['6', 'caizheng-huinong-butie'],
    ];
    for (const [windowId, serviceId] of plan) {
      await postJson(hall(`/windows/${windowId}/open`), admin);
      await postJson(hall('/tickets'), admin, { serviceId });
    }
    const listener = await t.connect({ hallId: 'demo' });
    const from = listener.mark();
    await Promise.all(plan.map(([windowId]) => postJson(hall(`/windows/${windowId}/call-next`), admin).then(ticketOf)));
    await listener.waitFor(() => listener.events.slice(from).filter((r) => r.event === 'ticket:called').length === 3);
    // The order the board hears them in: the server's (seq).
    const calls = listener.events
      .slice(from)
      .filter((r) => r.event === 'ticket:called')
      .sort((a, b) => a.data.seq - b.data.seq)
      .map((r) => ({ number: r.data.ticket.number as string, windowId: r.data.windowId as string }));
    listener.close();

    // The tiles show the truth at once …
    for (const page of [speaking, silent]) {
      for (const call of calls) await expect.poll(() => page.getByTestId(`current-${call.windowId}`).textContent(), POLL).toBe(call.number);
    }
    // … while the speaking board's panel shows the call the voice is on: the first.
    expect(await speaking.getByTestId('latest-number').textContent()).toBe(calls[0]!.number);
    // (The voice is indeed still on it: no more than its two phrases were handed to the engine.)
    expect((await readFakeSpeech(speaking)).spoken.length).toBeLessThanOrEqual(2);
    // The silent board has no voice to wait for.
    expect(await silent.getByTestId('latest-number').textContent()).toBe(calls[2]!.number);

    // Each call in turn, never ahead of the voice: the panel moves to call k only after call k-1 was said.
    await expect.poll(async () => (await readFakeSpeech(speaking)).spoken.filter((u) => u.endedAt !== undefined).length, { timeout: 15_000, interval: 100 }).toBe(6);
    const speech = (await readFakeSpeech(speaking)).spoken;
    const shown = await panelLog(speaking);
    expect(shown.map((entry) => entry.number)).toEqual(calls.map((call) => call.number));
    shown.forEach((entry, index) => {
      const [zh, en] = [speech[index * 2]!, speech[index * 2 + 1]!];
      // Said in the page language first, then the second: the two phrases of call `index`.
      expect(zh.text).toContain('号窗口');
      expect(en.text).toMatch(/^Number /);
      if (index > 0) expect(entry.at).toBeGreaterThanOrEqual(speech[index * 2 - 1]!.endedAt!);
      expect(entry.at).toBeLessThanOrEqual(zh.endedAt!);
    });
    // Once the voice is done, the panel rests on the newest call.
    expect(await speaking.getByTestId('latest-number').textContent()).toBe(calls[2]!.number);
  }, 40_000);
});
