/**
 * The board's voice. Announcements wait in one queue and are spoken one at a
 * time: none is cut off, none overlaps, none is dropped when calls come in a
 * burst. The browser's speech engine is never cancelled while it speaks; only
 * a watchdog frees the queue if the engine hangs without ending (a known
 * Chromium fault after hours of use).
 */

export interface Utterance {
  text: string;
  /** BCP 47, e.g. zh-CN, en-US. */
  lang: string;
}

export interface SpeechEntry {
  text: string;
  lang: string;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  outcome?: 'spoken' | 'error' | 'timeout';
}

export interface SpeechOptions {
  chime: boolean;
  /** How many times each call is said. */
  repeat: number;
}

const CHIME_MS = 700;
const LOG_KEPT = 200;
const PAUSE_BETWEEN_MS = 250;

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Longest a phrase may take before the watchdog assumes the engine hung. */
function watchdogMs(text: string): number {
  return 6000 + text.length * 350;
}

/**
 * `Tag` names what an announcement is about (the call, for the board's big panel); listeners of
 * `onSpeaking` hear the tag when its announcement begins (with its chime) and null once the
 * queue has nothing left to say.
 */
export class SpeechQueue<Tag = unknown> {
  /** Everything queued and how it went; the browser tests read it through window.__hallqSpeech. */
  readonly log: SpeechEntry[] = [];
  private readonly queue: Array<{ entry: SpeechEntry; chime: boolean; tag: Tag | undefined; first: boolean }> = [];
  private running = false;
  private audio: AudioContext | null = null;
  /** Set when the browser refuses to play sound until someone taps the screen. */
  blocked = false;
  onBlockedChange?: (blocked: boolean) => void;
  onSpeaking?: (tag: Tag | null) => void;

  constructor(private readonly synth: SpeechSynthesis | undefined = globalThis.speechSynthesis) {}

  /** One call: an optional chime, then each phrase `repeat` times. */
  announce(phrases: Utterance[], options: SpeechOptions, tag?: Tag): void {
    const now = Date.now();
    for (let round = 0; round < Math.max(1, options.repeat); round++) {
      phrases.forEach((phrase, index) => {
        const entry: SpeechEntry = { ...phrase, queuedAt: now };
        this.log.push(entry);
        // A board runs for months: keep the recent history only.
        if (this.log.length > LOG_KEPT) this.log.splice(0, this.log.length - LOG_KEPT);
        this.queue.push({ entry, chime: options.chime && round === 0 && index === 0, tag, first: round === 0 && index === 0 });
      });
    }
    void this.drain();
  }

  /** The one-tap unlock: a user gesture lets the page play sound from now on. */
  async unlock(): Promise<void> {
    try {
      this.audio ??= new AudioContext();
      await this.audio.resume();
      this.synth?.speak(new SpeechSynthesisUtterance(''));
    } catch {
      // Some browsers have no audio at all; speech may still work.
    }
    this.setBlocked(false);
    void this.drain();
  }

  /** Whether the browser lets this page play sound without a tap. */
  async checkAutoplay(): Promise<boolean> {
    try {
      this.audio ??= new AudioContext();
      if (this.audio.state === 'suspended') await Promise.race([this.audio.resume(), wait(300)]);
      const allowed = this.audio.state === 'running';
      this.setBlocked(!allowed);
      return allowed;
    } catch {
      return true;
    }
  }

  private setBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.onBlockedChange?.(blocked);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (item.first && item.tag !== undefined) this.onSpeaking?.(item.tag);
        if (item.chime) await this.chime();
        await this.speak(item.entry);
        await wait(PAUSE_BETWEEN_MS);
      }
    } finally {
      this.running = false;
      this.onSpeaking?.(null);
    }
  }

  private speak(entry: SpeechEntry): Promise<void> {
    entry.startedAt = Date.now();
    const finish = (outcome: SpeechEntry['outcome']) => {
      if (entry.endedAt !== undefined) return;
      entry.endedAt = Date.now();
      entry.outcome = outcome;
    };
    const synth = this.synth;
    if (!synth) {
      finish('error');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(entry.text);
      utterance.lang = entry.lang;
      const voice = pickVoice(synth, entry.lang);
      if (voice) utterance.voice = voice;
      utterance.rate = entry.lang.startsWith('zh') ? 0.9 : 0.95;
      const done = (outcome: SpeechEntry['outcome']) => {
        clearTimeout(watchdog);
        finish(outcome);
        resolve();
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

  private async chime(): Promise<void> {
    try {
      this.audio ??= new AudioContext();
      if (this.audio.state !== 'running') return;
      const context = this.audio;
      // Two soft tones, the "ding-dong" halls are used to.
      [659.25, 523.25].forEach((frequency, index) => {
        const start = context.currentTime + index * 0.32;
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.type = 'sine';
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.32);
      });
      await wait(CHIME_MS);
    } catch {
      // No audio output: the spoken call still follows.
    }
  }
}

function pickVoice(synth: SpeechSynthesis, lang: string): SpeechSynthesisVoice | undefined {
  const voices = synth.getVoices();
  const prefix = lang.slice(0, 2).toLowerCase();
  return (
    voices.find((voice) => voice.lang.toLowerCase() === lang.toLowerCase()) ??
    voices.find((voice) => voice.lang.toLowerCase().startsWith(prefix))
  );
}
