/**
 * Benchmark `--only voice` (issue 17): a call reaching a real hall board in
 * Chromium → the first sound of it. The goal: the chime starts within 300 ms.
 *
 * One server child with the demo hall (HALLQ_DEMO=1; its voice warm-up runs at
 * start), the built display app, and one headless Chromium board on
 * `/display?hall=demo&repeat=1` (chime on) with speechSynthesis removed from
 * the page, so every sound is the server's audio through Web Audio. Calls go
 * out one at a time: the next only after the board has said the previous one
 * (chime, Chinese, English) and a random 200–500 ms pause, so each call finds
 * the queue idle and what is measured is the way to the first sound, not the
 * wait behind other calls. The first `warmupCalls` are not counted.
 *
 * All times are the page's (window.__hallqSpeech): `queuedAt` when the call's
 * event was handed to the voice queue (the socket frame's handler, the same
 * tick), the chime's and the words' `startedAt` from the AudioContext's clock
 * (the output timestamp: when the sound is due at the speaker), and the
 * announcement's fetch from the Resource Timing entry.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { removeBrowserSpeech } from '../helpers/displayPage.js';
import { CHROMIUM_PATH } from '../helpers/requirements.js';
import type { BenchContext } from './context.js';
import { ackedTicket } from './lib/clients.js';
import { type Summary, prng, roundSummary, sleep, summarize } from './lib/stats.js';
import { WINDOW_QUEUES, post, startDemoServer, stockDemoHall } from './paint.js';

export interface VoiceOptions {
  warmupCalls: number;
  measuredCalls: number;
}

export interface VoiceResult {
  options: VoiceOptions;
  browser: string;
  /** Call's event at the page → the chime starts (ms). */
  eventToChime: Summary;
  /** Call's event at the page → the call's words start, after the chime (ms). */
  eventToWords: Summary;
  /** Call's event at the page → the Chinese announcement fetched (response end; decoding follows) (ms). */
  eventToAudioFetched: Summary;
  /** REST call sent → the event at the page (ms), for scale. */
  callToEvent: Summary;
  /** Decoded length of the Chinese announcement (ms). */
  announcementMs: Summary;
  measured: number;
  /** Measured calls with no chime or no words from the server (should be 0). */
  notPlayed: number;
  sources: Record<string, number>;
  /** The goal: p99 of eventToChime within 300 ms. */
  goalMs: number;
}

export const VOICE_DEFAULTS: VoiceOptions = { warmupCalls: 3, measuredCalls: 20 };
export const FIRST_AUDIO_GOAL_MS = 300;

interface Entry {
  call?: string;
  lang: string;
  queuedAt: number;
  source?: string;
  durationMs?: number;
  startedAt?: number;
  endedAt?: number;
  chime?: { startedAt: number };
  outcome?: string;
}

export async function runVoice(ctx: BenchContext, overrides: Partial<VoiceOptions> = {}): Promise<VoiceResult> {
  const options: VoiceOptions = { ...VOICE_DEFAULTS, ...(ctx.quick ? { measuredCalls: 6 } : {}), ...overrides };
  const totalCalls = options.warmupCalls + options.measuredCalls;
  const server = await startDemoServer(ctx, 'voice');
  let browser: Browser | undefined;
  try {
    const { base, token } = await stockDemoHall(server.url, Math.ceil(totalCalls / WINDOW_QUEUES.length) + 1);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await removeBrowserSpeech(page);
    await page.goto(`${server.url}/display?hall=demo&repeat=1`);
    await page.getByTestId('window-8').waitFor({ timeout: 15_000 });
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 15_000 });
    ctx.log(`voice: Chromium ${browser.version()}, no speechSynthesis; ${totalCalls} calls one after another (first ${options.warmupCalls} warm-up)…`);
    // The board's first try of the server's audio (and the chime) before the first call.
    await sleep(1500);

    const readLog = () => page.evaluate(() => structuredClone((window as unknown as { __hallqSpeech: Entry[] }).__hallqSpeech));
    const random = prng(20261203);
    const sent: Array<{ number: string; sentAt: number }> = [];
    for (let k = 0; k < totalCalls; k++) {
      const windowId = WINDOW_QUEUES[k % WINDOW_QUEUES.length]![0];
      const sentAt = Date.now();
      const answer = await post(`${base}/windows/${windowId}/call-next`, token);
      const number = answer.status === 200 ? ackedTicket(answer.json)?.number : undefined;
      if (!number) throw new Error(`call-next at window ${windowId}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
      sent.push({ number, sentAt });
      // Said to its end (both languages), then a pause: the next call finds the queue idle.
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
        const entries = (await readLog()).filter((entry) => entry.call === number);
        if (entries.length >= 2 && entries.every((entry) => entry.endedAt !== undefined)) break;
      }
      await sleep(200 + Math.floor(random() * 300));
    }

    const log = await readLog();
    const fetched = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/voice/announcement.wav') && entry.name.includes('lang=zh'))
        .map((entry) => ({ url: entry.name, responseEnd: performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd })),
    );
    const measured = sent.slice(options.warmupCalls);
    const chime: number[] = [];
    const words: number[] = [];
    const audioFetched: number[] = [];
    const callToEvent: number[] = [];
    const lengths: number[] = [];
    const sources: Record<string, number> = {};
    let notPlayed = 0;
    for (const call of measured) {
      const first = log.find((entry) => entry.call === call.number && entry.lang === 'zh-CN');
      for (const entry of log.filter((candidate) => candidate.call === call.number)) sources[entry.source ?? 'none'] = (sources[entry.source ?? 'none'] ?? 0) + 1;
      if (!first?.chime || first.startedAt === undefined || first.outcome !== 'spoken' || (first.source !== 'pack' && first.source !== 'synthesis')) {
        notPlayed++;
        continue;
      }
      chime.push(first.chime.startedAt - first.queuedAt);
      words.push(first.startedAt - first.queuedAt);
      callToEvent.push(first.queuedAt - call.sentAt);
      if (first.durationMs !== undefined) lengths.push(first.durationMs);
      const fetch = fetched.find((entry) => entry.url.includes(`ticket=${call.number}&`));
      if (fetch) audioFetched.push(fetch.responseEnd - first.queuedAt);
    }
    return {
      options,
      browser: `Chromium ${browser.version()} (headless, ${CHROMIUM_PATH})`,
      eventToChime: roundSummary(summarize(chime), 1),
      eventToWords: roundSummary(summarize(words), 1),
      eventToAudioFetched: roundSummary(summarize(audioFetched), 1),
      callToEvent: roundSummary(summarize(callToEvent), 1),
      announcementMs: roundSummary(summarize(lengths), 0),
      measured: measured.length,
      notPlayed,
      sources,
      goalMs: FIRST_AUDIO_GOAL_MS,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

export function voiceSummaryLine(result: VoiceResult): string {
  const c = result.eventToChime;
  const w = result.eventToWords;
  return `voice: ${c.count} calls, event → chime p50 ${c.p50} ms, p99 ${c.p99} ms; → words p50 ${w.p50} ms, p99 ${w.p99} ms (not played ${result.notPlayed})`;
}
