import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeechQueue } from '../../display/src/lib/speech.js';
import type { BoardAudioReport, VoiceSource } from '../../server/protocol/voice.js';

/**
 * The queue with the server's audio (display/src/lib/speech.ts, webAudio.ts), on a stand-in
 * AudioContext whose clock is the (fake) timers': each call's audio is fetched the moment it is
 * queued, played one buffer at a time to its end, and a phrase whose audio cannot be had goes to
 * the next voice of the hall's order. The real thing is checked in Chromium (tests/browser/boardAudio.test.ts).
 */

const DEFAULT_ORDER: VoiceSource[] = ['pack', 'synthesis', 'browser'];

/** The stand-in server: a "WAV" is the text of its duration in seconds; 503 for URLs in `failing`. */
const failing = new Set<string>();
const fetched: string[] = [];
function fakeFetch(url: string): Promise<Response> {
  fetched.push(url);
  if (failing.has(url)) return Promise.resolve(new Response('{"error":{"code":"VOICE_UNAVAILABLE"}}', { status: 503 }));
  const chime = url.endsWith('/chime.wav');
  return Promise.resolve(
    new Response(chime ? '0.6' : '1.5', {
      headers: chime ? {} : { 'X-HallQ-Voice-Clips': `qing:pack,a:synthesis,d0:synthesis`, 'X-HallQ-Voice-Source': url.includes('lang=en') ? 'synthesis' : 'mixed' },
    }),
  );
}

let started = 0;
class FakeAudioContext {
  state: AudioContextState = 'running';
  readonly destination = {};
  get currentTime(): number {
    return (Date.now() - started) / 1000;
  }
  async resume(): Promise<void> {
    this.state = 'running';
  }
  getOutputTimestamp(): AudioTimestamp {
    return { contextTime: 0, performanceTime: 0 };
  }
  async decodeAudioData(bytes: ArrayBuffer): Promise<{ duration: number }> {
    return { duration: Number(new TextDecoder().decode(bytes)) };
  }
  createBufferSource() {
    const context = this;
    const node = {
      buffer: null as { duration: number } | null,
      onended: null as (() => void) | null,
      connect: () => undefined,
      start(at: number) {
        setTimeout(() => node.onended?.(), (at - context.currentTime + node.buffer!.duration) * 1000);
      },
      stop() {},
    };
    return node;
  }
}

class FakeUtterance {
  lang = '';
  voice: unknown = null;
  rate = 1;
  onend: (() => void) | null = null;
  onerror: ((event: { error: string }) => void) | null = null;
  constructor(readonly text: string) {}
}

const said: string[] = [];
const synth = {
  getVoices: () => [],
  speak(utterance: FakeUtterance) {
    if (!utterance.text) return;
    said.push(utterance.text);
    setTimeout(() => utterance.onend?.(), 800);
  },
} as unknown as SpeechSynthesis;

const url = (ticket: string, lang = 'zh') => `/api/halls/demo/voice/announcement.wav?lang=${lang}&ticket=${ticket}&window=3`;
const CHIME = '/api/halls/demo/voice/chime.wav';
const phrase = (ticket: string, lang = 'zh') => ({ text: `${ticket} ${lang}`, lang: lang === 'zh' ? 'zh-CN' : 'en-US', audioUrl: url(ticket, lang) });

describe('the board queue with server audio', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    started = Date.now();
    failing.clear();
    fetched.length = 0;
    said.length = 0;
    vi.stubGlobal('AudioContext', FakeAudioContext);
    vi.stubGlobal('SpeechSynthesisUtterance', FakeUtterance);
    vi.stubGlobal('fetch', vi.fn(fakeFetch));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("fetches each call's audio when it arrives, and plays the calls one at a time, each to its end", async () => {
    const queue = new SpeechQueue<string>({ synth, chimeUrl: CHIME });
    queue.announce([phrase('A001'), phrase('A001', 'en')], { chime: true, repeat: 1, sources: DEFAULT_ORDER, call: 'A001' }, 'A001');
    queue.announce([phrase('A002')], { chime: false, repeat: 2, sources: DEFAULT_ORDER, call: 'A002' }, 'A002');
    // Both calls' audio is on its way before the first has said a word.
    expect(fetched).toEqual(expect.arrayContaining([url('A001'), url('A001', 'en'), url('A002'), CHIME]));
    await vi.runAllTimersAsync();
    const log = queue.log;
    expect(log.map((entry) => [entry.call, entry.source, entry.outcome])).toEqual([
      ['A001', 'pack', 'spoken'],
      ['A001', 'synthesis', 'spoken'],
      ['A002', 'pack', 'spoken'],
      ['A002', 'pack', 'spoken'],
    ]);
    expect(log[0]!.clips).toEqual(['qing:pack', 'a:synthesis', 'd0:synthesis']);
    expect(log[0]!.chime).toMatchObject({ source: 'server' });
    expect(log[0]!.startedAt!).toBeGreaterThanOrEqual(log[0]!.chime!.endedAt);
    log.forEach((entry, index) => {
      expect(entry.durationMs).toBe(1500);
      // To its end (the stand-in timers count whole ms).
      expect(entry.endedAt! - entry.startedAt!).toBeGreaterThanOrEqual(1499);
      if (index > 0) expect(entry.startedAt!).toBeGreaterThanOrEqual(log[index - 1]!.endedAt!);
    });
    // The repeat played the decoded buffer again: one fetch per phrase.
    expect(fetched.filter((address) => address === url('A002'))).toHaveLength(1);
    expect(said).toEqual([]);
  });

  it("gives a phrase the server cannot say to the browser's voice; with no other voice allowed it is an error, not a hang", async () => {
    failing.add(url('B001'));
    const queue = new SpeechQueue<string>({ synth });
    queue.announce([phrase('B001'), phrase('B001', 'en')], { chime: false, repeat: 1, sources: DEFAULT_ORDER }, 'B001');
    queue.announce([phrase('B001')], { chime: false, repeat: 1, sources: ['synthesis'] }, 'again');
    await vi.runAllTimersAsync();
    expect(queue.log.map((entry) => [entry.source, entry.outcome])).toEqual([
      ['browser', 'spoken'],
      ['synthesis', 'spoken'],
      [undefined, 'error'],
    ]);
    expect(said).toEqual(['B001 zh']);
  });

  it('reports the voice it uses: the server as its header says, the browser once the server fails, null with none', async () => {
    const reports: BoardAudioReport[] = [];
    const queue = new SpeechQueue<string>({ synth });
    queue.onAudioReport = (report) => reports.push(report);
    queue.configure(DEFAULT_ORDER, url('A001'));
    await queue.checkAutoplay();
    await vi.runAllTimersAsync();
    expect(reports).toEqual([{ source: 'pack', unlocked: true }]);
    failing.add(url('C001'));
    queue.announce([phrase('C001')], { chime: false, repeat: 1, sources: DEFAULT_ORDER }, 'C001');
    await vi.advanceTimersByTimeAsync(5000);
    expect(reports.at(-1)).toEqual({ source: 'browser', unlocked: true });
    // It tries the server again by itself (not from its cache): back to the server's voice once it answers.
    const before = fetched.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetched.slice(before)).toEqual([url('A001')]);
    expect(reports.at(-1)).toEqual({ source: 'pack', unlocked: true });

    const mute: BoardAudioReport[] = [];
    const noVoice = new SpeechQueue<string>({ synth: undefined });
    noVoice.onAudioReport = (report) => mute.push(report);
    noVoice.configure(['browser'], null);
    await noVoice.checkAutoplay();
    expect(mute).toEqual([{ source: null, unlocked: true }]);
  });

  it('a locked page reports itself locked, and unlocked after the tap', async () => {
    vi.stubGlobal(
      'AudioContext',
      class extends FakeAudioContext {
        override state: AudioContextState = 'suspended';
        override async resume(): Promise<void> {}
      },
    );
    const reports: BoardAudioReport[] = [];
    const queue = new SpeechQueue<string>({ synth });
    queue.onAudioReport = (report) => reports.push(report);
    queue.configure(DEFAULT_ORDER, url('A001'));
    const check = queue.checkAutoplay();
    await vi.runAllTimersAsync();
    expect(await check).toBe(false);
    expect(reports).toEqual([{ source: 'pack', unlocked: false }]);
    await queue.unlock();
    expect(reports.at(-1)).toEqual({ source: 'pack', unlocked: true });
  });
});
