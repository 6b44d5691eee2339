import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTemplateOf, announcementWords } from '../../server/protocol/voice.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, removeBrowserSpeech, setVoiceSources } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The board's own voice (issue 17) in a real Chromium with no speechSynthesis at all, as on a
 * Linux PC with no Chinese voice: every call is played from the server's announcement through
 * Web Audio, one at a time, each to its end, with the words protocol/voice.ts gives. A hall that
 * allows only the browser's voice has a silent board there, and the supervisor is told.
 *
 * What is asserted comes from the page's own record of what played (window.__hallqSpeech: the
 * server's X-HallQ-Voice-Clips header, the decoded length, start and end on the AudioContext's
 * clock), not from a stand-in of the test's making.
 */

interface Entry {
  text: string;
  lang: string;
  call?: string;
  queuedAt: number;
  source?: string;
  clips?: string[];
  durationMs?: number;
  startedAt?: number;
  endedAt?: number;
  chime?: { source: string; startedAt: number; endedAt: number };
  outcome?: string;
}

/** The clock conversions on both sides may differ by a render quantum or two. */
const CLOCK_SLACK_MS = 15;

describe.runIf(hasChromium())("the board's voice from the server, through Web Audio", () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();
  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openBoard(query = ''): Promise<Page> {
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    await removeBrowserSpeech(page);
    await page.goto(`${t.url}/display?hall=demo${query}`);
    await page.locator('main.board').waitFor({ timeout: 5000 });
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });
    return page;
  }
  const speechLog = (page: Page) => page.evaluate(() => structuredClone((window as unknown as { __hallqSpeech: Entry[] }).__hallqSpeech));
  const boardSummary = async () =>
    ((await t.api('GET', '/api/halls/demo/displays', { token: admin })).body.screens as Array<Record<string, unknown>>).find((screen) => screen.kind === 'board');

  it('plays a burst of five calls in order, chime then Chinese then English, none cut off or overlapping, each the words the template asks for', async () => {
    const page = await openBoard('&repeat=1');
    expect(await page.evaluate(() => ['speechSynthesis' in window, 'SpeechSynthesisUtterance' in window])).toEqual([false, false]);
    // The board says what it uses: the server's voice (no pack uploaded: synthesis), sound unlocked.
    await expect.poll(boardSummary, { timeout: 10_000 }).toMatchObject({ silent: 0, audioSources: { synthesis: 1 } });

    const plan: Array<[windowId: string, serviceId: string]> = [
      ['1', 'zonghe-zixun'],
      ['2', 'minzheng-dibao'],
      ['4', 'laobao-shiye-dengji'],
      ['5', 'guotu-zhaijidi'],
      ['6', 'caizheng-huinong-butie'],
    ];
    for (const [windowId, serviceId] of plan) {
      await postJson(hall(`/windows/${windowId}/open`), admin);
      await postJson(hall('/tickets'), admin, { serviceId });
    }
    const listener = await t.connect({ hallId: 'demo' });
    const from = listener.mark();
    await Promise.all(plan.map(([windowId]) => postJson(hall(`/windows/${windowId}/call-next`), admin)));
    await listener.waitFor(() => listener.events.slice(from).filter((r) => r.event === 'ticket:called').length === 5);
    const calls = listener.events
      .slice(from)
      .filter((r) => r.event === 'ticket:called')
      .sort((a, b) => a.data.seq - b.data.seq)
      .map((r) => ({ number: r.data.ticket.number as string, windowNumber: Number(r.data.windowNumber) }));
    listener.close();

    await expect.poll(async () => (await speechLog(page)).filter((entry) => entry.endedAt !== undefined).length, { timeout: 60_000, interval: 250 }).toBe(10);
    const log = await speechLog(page);
    const config = (await t.hallState()).config;
    const expectedClips = (call: { number: string; windowNumber: number }, lang: string) =>
      announcementWords({ ticketNumber: call.number, windowNumber: call.windowNumber }, lang, callTemplateOf(lang, config)!).map((word) => word.name);

    // In call order, each in Chinese then English, all from the server's audio and played to the end.
    expect(log.map((entry) => [entry.call, entry.lang])).toEqual(calls.flatMap((call) => [[call.number, 'zh-CN'], [call.number, 'en-US']]));
    for (const [index, entry] of log.entries()) {
      const call = calls[Math.floor(index / 2)]!;
      expect(entry.outcome, JSON.stringify(entry)).toBe('spoken');
      expect(['pack', 'synthesis']).toContain(entry.source);
      // The words the server put in the audio are the template's, clip by clip.
      expect(entry.clips!.map((clip) => clip.split(':')[0])).toEqual(expectedClips(call, index % 2 === 0 ? 'zh' : 'en'));
      expect(entry.clips!.every((clip) => /:(pack|synthesis)$/.test(clip))).toBe(true);
      // A call is seconds long, never a click; and it played its whole decoded length.
      expect(entry.durationMs!).toBeGreaterThan(1000);
      expect(entry.endedAt! - entry.startedAt!).toBeGreaterThanOrEqual(entry.durationMs! - CLOCK_SLACK_MS);
      // Nothing overlaps: each sound starts once the one before it ended, the chime included.
      const previous = log[index - 1];
      if (index % 2 === 0) {
        expect(entry.chime, `call ${call.number} has its chime`).toBeDefined();
        if (previous) expect(entry.chime!.startedAt).toBeGreaterThanOrEqual(previous.endedAt! - CLOCK_SLACK_MS);
        expect(entry.startedAt!).toBeGreaterThanOrEqual(entry.chime!.endedAt - CLOCK_SLACK_MS);
      } else {
        expect(entry.chime).toBeUndefined();
        expect(entry.startedAt!).toBeGreaterThanOrEqual(previous!.endedAt! - CLOCK_SLACK_MS);
      }
    }

    // Each call's audio was fetched the moment its event came, not when its turn came.
    const fetchedAt = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/voice/announcement.wav'))
        .map((entry) => ({ url: entry.name, at: performance.timeOrigin + entry.startTime })),
    );
    for (const [index, entry] of log.entries()) {
      const call = calls[Math.floor(index / 2)]!;
      const lang = index % 2 === 0 ? 'zh' : 'en';
      const fetch = fetchedAt.find((candidate) => candidate.url.includes(`lang=${lang}&ticket=${call.number}&`));
      expect(fetch, `${call.number} ${lang} fetched`).toBeDefined();
      expect(fetch!.at - entry.queuedAt).toBeLessThan(100);
    }
    expect(await page.getByRole('button', { name: '开启声音' }).count()).toBe(0);
  }, 90_000);

  it('a hall that allows only the browser voice, on a PC with none: the board reports no source and the supervisor sees 大厅屏无法播放声音', async () => {
    await setVoiceSources(t.url, admin, ['browser']);
    try {
      const supervisor = await pages.open(browser, { width: 1366, height: 768 });
      await supervisor.goto(`${t.url}/counter/supervisor?hall=demo`);
      await supervisor.locator('input[name=username]').fill('zhuren');
      await supervisor.locator('input[name=password]').fill(DEMO_PASSWORD);
      await supervisor.locator('button[type=submit]').click();
      await supervisor.getByTestId('supervisor').waitFor({ timeout: 5000 });
      await supervisor.getByTestId('alert-board-offline').waitFor({ timeout: 5000 });
      expect(await supervisor.getByTestId('alert-board-silent').count()).toBe(0);

      const board = await openBoard('&repeat=1');
      await expect.poll(boardSummary, { timeout: 10_000 }).toMatchObject({ connections: 1, silent: 1, audioSources: {} });
      const alert = supervisor.getByTestId('alert-board-silent');
      await alert.waitFor({ timeout: 5000 });
      expect(await alert.innerText()).toContain('大厅屏无法播放声音：1 块屏');
      expect(await supervisor.getByTestId('alert-board-offline').count()).toBe(0);
      // Readable at a small office screen's size: the alert is on screen, not clipped.
      const box = (await alert.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1366);
      const dir = process.env.HALLQ_SHOTS;
      if (dir) await supervisor.screenshot({ path: `${dir}/supervisor-board-silent-1366.png` });

      // When the board goes, its alert goes with it (and the dark-board one is back).
      await board.close();
      await alert.waitFor({ state: 'detached', timeout: 5000 });
      await supervisor.getByTestId('alert-board-offline').waitFor({ timeout: 5000 });
    } finally {
      await setVoiceSources(t.url, admin, null);
    }
  }, 40_000);
});
