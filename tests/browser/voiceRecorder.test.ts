import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import decodeAudio from 'audio-decode';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_SAMPLE_RATE, announcementWords, callTemplateOf } from '../../server/protocol/voice.js';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, removeBrowserSpeech, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * /admin → 叫号语音 in Chromium with a fake microphone (a ~1 s tone burst between silences, on a
 * loop): the admin records the clips of a call with 录音 / auto-stop / 保存 / 录下一条, the server
 * stores them, 试听整句 says them from the pack, a bad zip is refused naming the file and the old
 * pack stays, a clip is deleted; then a call on the board plays the recorded clips.
 */

const POLL = { timeout: 15_000, interval: 100 };
const SHOTS = '/tmp/shots-voice';
/**
 * 0.4 s silence, a 0.8 s gliding tone with tremolo (speech-like: it rises well above the recorder's
 * speech level and then falls silent), 1.2 s silence; Chromium loops it. Made with
 * `sox -n -r 16000 -b 16 -c 1 fake-mic.wav synth 0.8 sine 180:320 tremolo 5 50 vol 0.6 pad 0.4 1.2`.
 */
const FAKE_MIC = fileURLToPath(new URL('../fixtures/voice/fake-mic.wav', import.meta.url));
/** The words of A001 at window 1 the admin records; the letter is left to synthesis. */
const RECORDED = ['qing', 'd0', 'd1', 'hao', 'dao', 'haochuangkou', 'banli'];

describe.runIf(hasChromium())('recording a voice pack in the admin page', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer();
    browser = await launchChromium({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${FAKE_MIC}`] });
    admin = await t.login('admin');
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const hall = (path: string) => `/api/halls/${DEMO}${path}`;
  /** How the page's confirm() is answered. */
  let answerDialogs: 'accept' | 'dismiss' = 'accept';

  async function voiceTab(username = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    page.on('dialog', (dialog) => void (answerDialogs === 'accept' ? dialog.accept() : dialog.dismiss()));
    await page.goto(`${t.url}/admin?hall=${DEMO}&tab=voice`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('voice-clips').waitFor();
    return page;
  }

  async function recordAndSave(page: Page, name: string): Promise<void> {
    const recorder = page.getByTestId('clip-recorder');
    await recorder.getByTestId('recorder-record').click();
    // Auto-stop after the tone and the silence after it; the take is decoded, resampled and ready to save.
    await recorder.getByTestId('recorder-save').waitFor({ timeout: 12_000 });
    await expect.poll(() => recorder.getByTestId('recorder-save').isEnabled(), POLL).toBe(true);
    await recorder.getByTestId('recorder-save').click();
    await expect.poll(() => page.getByTestId(`clip-${name}`).getAttribute('data-recorded'), POLL).toBe('true');
  }

  async function storedClips(): Promise<Map<string, { recorded: boolean; durationMs?: number }>> {
    const answer = await t.api('GET', hall('/voice-packs'), { token: admin });
    expect(answer.status).toBe(200);
    const zh = (answer.body.languages as Array<{ lang: string; clips: Array<{ name: string; recorded: boolean; durationMs?: number }> }>).find((language) => language.lang === 'zh')!;
    return new Map(zh.clips.map((clip) => [clip.name, clip]));
  }

  it('records the clips of a call with the fake microphone, saves them as 22,050 Hz mono WAV, previews, refuses a bad zip, deletes a clip', async () => {
    const page = await voiceTab();
    await expectAccessible(page, 'the voice tab, nothing recorded');
    await page.screenshot({ path: `${SHOTS}/voice-tab-top-1366x768.png` });

    // The bundled synthesizer speaks Chinese: the words not recorded are never silent.
    expect(await page.getByTestId('voice-summary').textContent()).toContain('已录 0 / ');
    expect(await page.getByTestId('voice-summary').textContent()).toContain('没有录音的词由内置语音合成播报。');
    // The list opens on the first clip not recorded, its text in large type.
    const recorder = page.getByTestId('clip-recorder');
    expect(await recorder.getByTestId('recorder-text').textContent()).toBe('提示音 / chime');

    // qing and its neighbours by the row's button …
    await page.getByTestId('clip-qing').getByTestId('clip-pick').click();
    expect(await recorder.getByTestId('recorder-text').textContent()).toBe('请');
    await recordAndSave(page, 'qing');
    await expect.poll(() => recorder.getByTestId('recorder-state').textContent(), POLL).toContain('已保存「请」');
    await expectAccessible(page, 'the voice tab, a clip just saved');
    await page.screenshot({ path: `${SHOTS}/voice-tab-1366x768.png` });

    // … and 录下一条 goes on to the next clip not recorded after it in the list.
    await recorder.getByTestId('recorder-next').click();
    const after = await recorder.getByTestId('recorder-text').textContent();
    expect(after).not.toBe('请');
    for (const name of RECORDED.slice(1)) {
      await page.getByTestId(`clip-${name}`).getByTestId('clip-pick').click();
      await recordAndSave(page, name);
    }

    // Without auto-stop the recording goes on until 停止, and 重录 replaces the saved clip.
    await page.getByTestId('clip-dao').getByTestId('clip-pick').click();
    await recorder.getByLabel('说完自动停止（最长 10 秒）').uncheck();
    await recorder.getByTestId('recorder-record').click();
    await expect.poll(() => recorder.getByTestId('recorder-state').textContent(), POLL).toBe('正在录音…说完请按“停止”。');
    await page.waitForTimeout(3500);
    // Past the point where auto-stop would have ended it, it still records.
    expect(await recorder.getByTestId('recorder-stop').count()).toBe(1);
    await recorder.getByTestId('recorder-stop').click();
    await recorder.getByTestId('recorder-save').click();
    await expect.poll(() => recorder.getByTestId('recorder-state').textContent(), POLL).toContain('已保存「到」');
    await recorder.getByLabel('说完自动停止（最长 10 秒）').check();

    const stored = await storedClips();
    for (const name of RECORDED) {
      expect(stored.get(name)?.recorded, name).toBe(true);
      expect(stored.get(name)!.durationMs!, name).toBeGreaterThan(300);
      // Auto-stopped: one tone burst (0.8 s) and the pause after it, trimmed by the server.
      if (name !== 'dao') expect(stored.get(name)!.durationMs!, name).toBeLessThan(2000);
    }
    // Stopped by hand after 3.5 s: more than one burst of the looping fake microphone.
    expect(stored.get('dao')!.durationMs!).toBeGreaterThan(2000);
    expect(stored.get('a')?.recorded).toBe(false);
    // What the page sent is what the pack keeps: a WAV another decoder reads, mono at 22,050 Hz, with the tone in it.
    const wav = await fetch(`${t.url}${hall('/voice-packs/zh/clips/qing')}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(wav.status).toBe(200);
    const decoded = await decodeAudio(new Uint8Array(await wav.arrayBuffer()));
    expect(decoded.sampleRate).toBe(CLIP_SAMPLE_RATE);
    expect(decoded.channelData).toHaveLength(1);
    const peak = decoded.channelData[0]!.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
    expect(peak).toBeGreaterThan(0.1);

    // A file that is not a zip, then a zip with a text file in it: refused, naming the file, in Chinese; the pack stays.
    const upload = page.getByTestId('pack-upload');
    await upload.setInputFiles({ name: '语音包.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a zip') });
    await expect.poll(() => page.getByTestId('voice-failure').textContent(), POLL).toBe('文件「语音包.zip」不是 zip 压缩包。');
    await upload.setInputFiles({ name: 'pack.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ 'readme.txt': new TextEncoder().encode('hello') })) });
    await expect.poll(() => page.getByTestId('voice-failure').textContent(), POLL).toContain('文件「readme.txt」');
    expect([...(await storedClips()).values()].filter((clip) => clip.recorded)).toHaveLength(RECORDED.length);
    expect(await page.getByTestId('clip-qing').getAttribute('data-recorded')).toBe('true');
    await expectAccessible(page, 'the voice tab, a zip refused');

    // The file-name list a hall prepares its zip by: every clip of the catalog, with its text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pack-names').click()]);
    expect(download.suggestedFilename()).toBe(`hallq-voice-pack-${DEMO}-zh.txt`);
    const list = readFileSync((await download.path())!, 'utf8');
    expect(list).toContain('qing.wav\t请');
    expect(list).toContain('haochuangkou.wav\t号窗口');

    // Deleting a clip asks first: 取消 keeps it; 确定 deletes it and leaves the word to synthesis.
    answerDialogs = 'dismiss';
    await page.getByTestId('clip-banli').getByTestId('clip-delete').click();
    expect((await storedClips()).get('banli')?.recorded).toBe(true);
    answerDialogs = 'accept';
    await page.getByTestId('clip-banli').getByTestId('clip-delete').click();
    await expect.poll(() => page.getByTestId('voice-notice').textContent(), POLL).toBe('已删除「办理」的录音。');
    expect((await storedClips()).get('banli')?.recorded).toBe(false);
    await page.getByTestId('clip-banli').getByTestId('clip-pick').click();
    await recordAndSave(page, 'banli');

    // 试听整句: the recorded words come from the pack, the letter from synthesis.
    await page.getByTestId('preview-play').click();
    const said = page.getByTestId('preview-clips').locator('li');
    await expect.poll(() => said.count(), POLL).toBeGreaterThan(5);
    const sources = await said.evaluateAll((items) => items.map((item) => `${item.getAttribute('data-name')}:${item.getAttribute('data-source')}`));
    for (const name of RECORDED) expect(sources, name).toContain(`${name}:pack`);
    expect(sources.some((entry) => /^[a-z]:synthesis$/.test(entry))).toBe(true);
    await expectAccessible(page, 'the voice tab, a call previewed');
    await page.getByTestId('call-preview').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/voice-preview-1366x768.png` });

  }, 120_000);
  it('then a call on the board plays the recorded clips from the pack, the rest synthesized, with no browser voice at all', async () => {
    // The pack recorded above is the demo hall's now.
    const recorded = [...(await storedClips()).entries()].filter(([, clip]) => clip.recorded).map(([name]) => name);
    expect(recorded).toEqual(expect.arrayContaining(RECORDED));
    const board = await pages.open(browser, { width: 1920, height: 1080 });
    await removeBrowserSpeech(board);
    await board.goto(`${t.url}/display?hall=${DEMO}&repeat=1`);
    await board.locator('main.board').waitFor({ timeout: 5000 });
    await board.getByRole('status').waitFor({ state: 'detached', timeout: 5000 });

    await postJson(`${t.url}${hall('/windows/1/open')}`, admin);
    await postJson(`${t.url}${hall('/tickets')}`, admin, { serviceId: 'zonghe-zixun' });
    const called = await postJson(`${t.url}${hall('/windows/1/call-next')}`, admin);
    const number = ticketOf(called).number;
    const config = (await t.hallState()).config;
    const windowNumber = config.windows.find((window) => window.id === '1')!.number;
    const words = announcementWords({ ticketNumber: number, windowNumber }, 'zh', callTemplateOf('zh', config)!).map((word) => word.name);

    // The board's own record of what it played: the server's clip list, and that it played to the end.
    type Entry = { call?: string; lang: string; source?: string; clips?: string[]; outcome?: string; endedAt?: number };
    const zhEntry = async () => (await board.evaluate(() => structuredClone((window as unknown as { __hallqSpeech: Entry[] }).__hallqSpeech))).find((entry) => entry.call === number && entry.lang === 'zh-CN');
    await expect.poll(async () => (await zhEntry())?.endedAt !== undefined, { timeout: 20_000, interval: 200 }).toBe(true);
    const entry = (await zhEntry())!;
    expect(entry.outcome).toBe('spoken');
    expect(entry.clips).toEqual(words.map((name) => `${name}:${recorded.includes(name) ? 'pack' : 'synthesis'}`));
    expect(entry.clips!.filter((clip) => clip.endsWith(':pack')).length).toBeGreaterThanOrEqual(RECORDED.length);
    // A call with recorded words is the pack's, as the board reports it ('mixed' counts as 'pack', display/src/lib/speech.ts).
    expect(entry.source).toBe('pack');
    await expect.poll(async () => ((await t.api('GET', hall('/displays'), { token: admin })).body.screens as Array<Record<string, unknown>>).find((screen) => screen.kind === 'board'), POLL).toMatchObject({
      silent: 0,
      audioSources: { pack: 1 },
    });
  }, 40_000);
  it('edits the voice settings through the configuration save: the source order, a wording with a word of its own; a wording without {ticket} is refused by name', async () => {
    const page = await voiceTab();
    const settings = page.getByTestId('voice-settings');
    await settings.getByRole('button', { name: '上移：浏览器自带语音' }).click();
    await settings.getByRole('button', { name: '上移：浏览器自带语音' }).click();
    await settings.getByRole('checkbox', { name: '内置语音合成' }).uncheck();
    const wording = settings.getByLabel(/^中文叫号用语/);
    await wording.fill('请{window}号窗口');
    await page.getByRole('button', { name: '保存配置' }).click();
    // Refused by the schema, named in the tab's words; nothing saved.
    await expect.poll(() => page.getByTestId('admin-error').textContent(), POLL).toContain('叫号语音：中文叫号用语');
    expect((await t.hallState()).config.callTemplate).toBeUndefined();

    await wording.fill('请{ticket}号到{window}号窗口受理');
    await expect.poll(() => page.getByTestId('voice-wording-unsaved').count(), POLL).toBe(1);
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => page.getByTestId('admin-notice').textContent(), POLL).toContain('已保存');
    const config = (await t.hallState()).config;
    expect(config.callTemplate).toBe('请{ticket}号到{window}号窗口受理');
    expect(config.voice).toEqual({ sources: ['browser', 'pack'] });
    // The list follows the saved wording: 受理 is a clip of its own now, and its file name is its text.
    await page.getByTestId('clip-受理').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('clip-受理').locator('code').textContent()).toBe('受理');
    await expectAccessible(page, 'the voice tab after a save');

    // The second language's pack has its own list: English number words.
    await page.getByTestId('voice-lang-en').click();
    await expect.poll(() => page.getByTestId('voice-summary').textContent(), POLL).toContain('英语');
    expect(await page.getByTestId('clip-n10').locator('td').first().textContent()).toBe('ten');
    expect(await page.getByTestId('clip-受理').count()).toBe(0);
  }, 40_000);

  it('a supervisor sees the packs and may listen, but has no recorder, upload or delete', async () => {
    const page = await voiceTab('zhuren', DEMO_PASSWORD);
    await page.getByTestId('voice-read-only').waitFor();
    expect(await page.getByTestId('clip-recorder').count()).toBe(0);
    expect(await page.getByTestId('pack-upload').count()).toBe(0);
    expect(await page.getByTestId('clip-delete').count()).toBe(0);
    expect(await page.getByTestId('clip-qing').getByTestId('clip-listen').count()).toBe(1);
    expect(await page.getByTestId('voice-settings').getByRole('checkbox', { name: '本大厅录音（语音包）' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'the voice tab, read only');
  }, 30_000);
});
