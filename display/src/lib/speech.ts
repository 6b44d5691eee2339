/**
 * The board's voice. Calls wait in one queue and are said one at a time —
 * chime, the call's phrases, the repeats — none cut off, none overlapping,
 * none dropped in a burst. Each phrase is said by the first voice of the
 * hall's order that works (voiceChain.ts): the server's audio through Web
 * Audio, fetched and decoded the moment the call arrives so it is ready when
 * its turn comes, or the browser's speechSynthesis. A voice that fails hands
 * the phrase to the next one; only when none works is a phrase not said.
 * Nothing is ever cancelled while it plays; watchdogs free the queue if a
 * voice hangs without ending (a known Chromium fault after hours of use).
 */
import type { BoardAudioReport, VoiceSource } from '../../../server/protocol/voice.js';
import { type VoiceHealth, type VoiceWay, sourceInUse, voiceChain } from './voiceChain.js';
import { AudioPlayer, type ServerAudio } from './webAudio.js';

export interface Utterance {
  /** What the browser's voice says (protocol/voice.ts announcementText). */
  text: string;
  /** BCP 47, e.g. zh-CN, en-US. */
  lang: string;
  /** The same words as one recording from the server (announcement.wav, docs/voice.md). */
  audioUrl?: string;
}

export interface SpeechEntry {
  text: string;
  lang: string;
  /** The call's ticket number, when the entry is a call's. */
  call?: string;
  /** When the call reached the board (epoch ms, fractional). */
  queuedAt: number;
  /** Who said it: the server's audio (as its X-HallQ-Voice-Source tells: 'mixed' counts as 'pack') or the browser. */
  source?: VoiceSource;
  /** The server audio's words, `name:source` (X-HallQ-Voice-Clips). */
  clips?: string[];
  /** Length of the decoded audio (ms). */
  durationMs?: number;
  /** Epoch ms; for server audio from the AudioContext's clock. */
  startedAt?: number;
  endedAt?: number;
  /** The call's first entry: its chime, from the server or the built-in tones. */
  chime?: { source: 'server' | 'tones'; startedAt: number; endedAt: number };
  outcome?: 'spoken' | 'error' | 'timeout';
}

export interface SpeechOptions {
  chime: boolean;
  /** How many times each call is said. */
  repeat: number;
  /** The hall's order of voices (BoardView hall.voiceSources). */
  sources: readonly VoiceSource[];
  /** The ticket number, for the log. */
  call?: string;
}

const LOG_KEPT = 200;
const PAUSE_BETWEEN_MS = 250;
const CHIME_GAP_MS = 120;
/** After the server's audio failed, how soon the board tries it again (else a quiet hall would report a passing fault for hours). */
const PROBE_RETRY_MS = 30_000;

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Epoch ms with the page clock's sub-ms precision, comparable with the audio times. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Longest a phrase may take before the watchdog assumes the engine hung. */
function watchdogMs(text: string): number {
  return 6000 + text.length * 350;
}

interface QueuedPhrase {
  entry: SpeechEntry;
  phrase: Utterance;
  audio: Promise<ServerAudio> | undefined;
  chain: VoiceWay[];
}

interface QueuedCall<Tag> {
  tag: Tag | undefined;
  chime: boolean;
  phrases: QueuedPhrase[];
}

export interface SpeechQueueOptions {
  /** The hall's chime (docs/voice.md chime.wav); the built-in tones without it. */
  chimeUrl?: string;
  /** The page language's BCP 47 tag, for whether the browser has a voice for it. */
  lang?: string;
  synth?: SpeechSynthesis | undefined;
}

/**
 * `Tag` names what an announcement is about (the call, for the board's big panel); listeners of
 * `onSpeaking` hear the tag when its announcement begins (with its chime) and null once the
 * queue has nothing left to say.
 */
export class SpeechQueue<Tag = unknown> {
  /** Everything queued and how it went; the browser tests read it through window.__hallqSpeech. */
  readonly log: SpeechEntry[] = [];
  private readonly queue: Array<QueuedCall<Tag>> = [];
  private running = false;
  private readonly player = new AudioPlayer();
  private readonly synth: SpeechSynthesis | undefined;
  private readonly chimeUrl: string | undefined;
  private readonly lang: string;
  /** Set when the browser refuses to play sound until someone taps the screen. */
  blocked = false;
  /** Whether checkAutoplay or a tap has told us yet if sound may play. */
  private autoplayKnown = false;
  private order: readonly VoiceSource[] = [];
  private readonly health: VoiceHealth = { server: { state: 'unknown', source: 'synthesis' }, browser: false };
  private reported: BoardAudioReport | null = null;
  private probeUrl: string | null = null;
  private probeRetry: ReturnType<typeof setTimeout> | null = null;
  onBlockedChange?: (blocked: boolean) => void;
  onSpeaking?: (tag: Tag | null) => void;
  /** The board's sound as the supervisor should see it, each time it changes (board:audio). */
  onAudioReport?: (report: BoardAudioReport) => void;

  constructor(options: SpeechQueueOptions = {}) {
    this.synth = 'synth' in options ? options.synth : globalThis.speechSynthesis;
    this.chimeUrl = options.chimeUrl;
    this.lang = options.lang ?? 'zh-CN';
    this.health.browser = this.browserVoiceFor(this.lang);
    // Voices load late in Chromium: the answer may change once they are listed.
    this.synth?.addEventListener?.('voiceschanged', () => {
      this.health.browser = this.browserVoiceFor(this.lang);
      this.report();
    });
  }

  /**
   * The hall's order of voices and a sample announcement to try the server's audio with, before
   * any call: the board reports what it will use from the start, and the decoder is warm.
   */
  configure(order: readonly VoiceSource[], probeUrl: string | null): void {
    const changed = order.join() !== this.order.join();
    this.order = [...order];
    this.probeUrl = probeUrl;
    if (changed && voiceChain(order).includes('server')) {
      if (this.chimeUrl) void this.player.chime(this.chimeUrl).catch(() => undefined);
      this.health.server.state = 'unknown';
      this.probe(false);
    }
    this.report();
  }

  /** Tries the server's audio with the sample call; `fresh` asks the server again rather than the cache. */
  private probe(fresh: boolean): void {
    if (!this.probeUrl) return this.serverAnswered(null);
    this.player.load(this.probeUrl, fresh).then(
      (audio) => this.serverAnswered(audio),
      () => this.serverAnswered(null),
    );
  }

  /** One call: an optional chime, then each phrase `repeat` times. */
  announce(phrases: Utterance[], options: SpeechOptions, tag?: Tag): void {
    const queuedAt = nowMs();
    const chain = voiceChain(options.sources);
    // Fetched and decoded now, while the calls before it play: ready when its turn comes.
    const audio = phrases.map((phrase) => (phrase.audioUrl && chain.includes('server') ? this.player.load(phrase.audioUrl) : undefined));
    audio.forEach((loading) => loading?.catch(() => undefined));
    if (options.chime && this.chimeUrl && chain.includes('server')) void this.player.chime(this.chimeUrl).catch(() => undefined);
    const queued: QueuedPhrase[] = [];
    for (let round = 0; round < Math.max(1, options.repeat); round++) {
      phrases.forEach((phrase, index) => {
        const entry: SpeechEntry = { text: phrase.text, lang: phrase.lang, queuedAt, ...(options.call !== undefined ? { call: options.call } : {}) };
        this.log.push(entry);
        // A board runs for months: keep the recent history only.
        if (this.log.length > LOG_KEPT) this.log.splice(0, this.log.length - LOG_KEPT);
        queued.push({ entry, phrase, audio: audio[index], chain });
      });
    }
    this.queue.push({ tag, chime: options.chime, phrases: queued });
    void this.drain();
  }

  /** The one-tap unlock: a user gesture lets the page play sound from now on. */
  async unlock(): Promise<void> {
    try {
      await this.player.audioContext()?.resume();
      this.synth?.speak(new SpeechSynthesisUtterance(''));
    } catch {
      // Some browsers have no audio at all; speech may still work.
    }
    this.autoplayKnown = true;
    this.setBlocked(false);
    void this.drain();
  }

  /** Whether the browser lets this page play sound without a tap. */
  async checkAutoplay(): Promise<boolean> {
    const context = this.player.audioContext();
    // No Web Audio: only the browser's voice is left, which says itself whether it may speak.
    const allowed = context ? await this.player.running() : true;
    this.autoplayKnown = true;
    this.setBlocked(!allowed);
    this.report();
    return allowed;
  }

  private setBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.onBlockedChange?.(blocked);
    this.report();
  }

  private serverAnswered(audio: ServerAudio | null): void {
    this.health.server = audio ? { state: 'ok', source: audio.source === 'synthesis' ? 'synthesis' : 'pack' } : { state: 'failed', source: this.health.server.source };
    if (!audio && this.probeUrl && !this.probeRetry && voiceChain(this.order).includes('server')) {
      this.probeRetry = setTimeout(() => {
        this.probeRetry = null;
        this.probe(true);
      }, PROBE_RETRY_MS);
    }
    this.report();
  }

  private report(): void {
    if (!this.autoplayKnown || this.order.length === 0) return;
    const source = sourceInUse(this.order, this.health);
    if (source === undefined) return;
    const report: BoardAudioReport = { source, unlocked: !this.blocked };
    if (this.reported && this.reported.source === report.source && this.reported.unlocked === report.unlocked) return;
    this.reported = report;
    this.onAudioReport?.(report);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let call = this.queue.shift(); call; call = this.queue.shift()) {
        if (call.tag !== undefined) this.onSpeaking?.(call.tag);
        const first = call.phrases[0];
        if (call.chime && first) await this.playChime(first);
        for (const phrase of call.phrases) {
          await this.say(phrase);
          await wait(PAUSE_BETWEEN_MS);
        }
      }
    } finally {
      this.running = false;
      this.onSpeaking?.(null);
    }
  }

  private async playChime(first: QueuedPhrase): Promise<void> {
    if (!(await this.player.running())) return;
    let played: { startedAt: number; endedAt: number } | null = null;
    let source: 'server' | 'tones' = 'server';
    if (this.chimeUrl && first.chain.includes('server')) {
      try {
        played = await this.player.play((await this.player.chime(this.chimeUrl)).buffer);
      } catch {
        played = null;
      }
    }
    if (!played) {
      source = 'tones';
      played = await this.player.tones();
    }
    if (played) first.entry.chime = { source, startedAt: played.startedAt, endedAt: played.endedAt };
    await wait(CHIME_GAP_MS);
  }

  /** One phrase by the first voice that works; the entry records who said it and when. */
  private async say(item: QueuedPhrase): Promise<void> {
    const { entry } = item;
    for (const way of item.chain) {
      if (way === 'server' && item.audio) {
        let audio: ServerAudio;
        // What the board reports follows its own language: a second language the server has no voice for is not a silent board.
        const primary = entry.lang === this.lang;
        try {
          audio = await item.audio;
        } catch {
          if (primary) this.serverAnswered(null);
          continue;
        }
        if (primary) this.serverAnswered(audio);
        if (!(await this.player.running())) {
          // Locked: the browser's voice would be refused too; the tap prompt asks for sound.
          this.setBlocked(true);
          break;
        }
        const played = await this.player.play(audio.buffer);
        Object.assign(entry, {
          source: audio.source === 'synthesis' ? 'synthesis' : 'pack',
          clips: audio.clips,
          durationMs: audio.buffer.duration * 1000,
          startedAt: played.startedAt,
          endedAt: played.endedAt,
          outcome: played.outcome === 'played' ? 'spoken' : 'timeout',
        } satisfies Partial<SpeechEntry>);
        return;
      }
      if (way === 'browser' && this.synth && this.browserVoiceFor(entry.lang)) {
        const outcome = await this.speak(entry);
        if (outcome !== 'error') {
          entry.source = 'browser';
          return;
        }
        if (this.blocked) break;
      }
    }
    entry.startedAt ??= nowMs();
    entry.endedAt ??= entry.startedAt;
    entry.outcome = 'error';
  }

  /** Whether the browser may have a voice for `lang`: an empty voice list may still be loading, so it counts. */
  private browserVoiceFor(lang: string): boolean {
    const synth = this.synth;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return false;
    const voices = synth.getVoices();
    return voices.length === 0 || pickVoice(voices, lang) !== undefined;
  }

  private speak(entry: SpeechEntry): Promise<SpeechEntry['outcome']> {
    const synth = this.synth!;
    entry.startedAt = nowMs();
    delete entry.endedAt;
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(entry.text);
      utterance.lang = entry.lang;
      const voice = pickVoice(synth.getVoices(), entry.lang);
      if (voice) utterance.voice = voice;
      utterance.rate = entry.lang.startsWith('zh') ? 0.9 : 0.95;
      let finished = false;
      const done = (outcome: SpeechEntry['outcome']) => {
        if (finished) return;
        finished = true;
        clearTimeout(watchdog);
        entry.endedAt = nowMs();
        entry.outcome = outcome;
        resolve(outcome);
      };
      const watchdog = setTimeout(() => done('timeout'), watchdogMs(entry.text));
      utterance.onend = () => done('spoken');
      utterance.onerror = (event) => {
        if (event.error === 'not-allowed') this.setBlocked(true);
        done('error');
      };
      synth.speak(utterance);
    });
  }
}

function pickVoice(voices: SpeechSynthesisVoice[], lang: string): SpeechSynthesisVoice | undefined {
  const prefix = lang.slice(0, 2).toLowerCase();
  return voices.find((voice) => voice.lang.toLowerCase() === lang.toLowerCase()) ?? voices.find((voice) => voice.lang.toLowerCase().startsWith(prefix));
}
